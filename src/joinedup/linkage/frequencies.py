"""Term frequencies kept with a model, so that a saved model scores a pair the same way
whatever else is in the input.

Splink adjusts a match on a name by how common the name is in the input (a match on Khan
is weaker evidence than a match on Szymanski). Computed afresh on each run, every such
adjustment moves when records are added: 1,000 new records among 80,000 shift every exact
name match by about 0.02 of a unit of weight per adjusted field, so a pair near the
threshold can link on one run and not the next although neither record changed. The
person index therefore keeps the frequencies the model was trained with, beside the model,
and every run that applies that model uses them: an incremental run and a full re-run
then score every pair alike (issue 17). A value the saved table does not hold gets no
adjustment (Splink's rule for a missing frequency) until the model is retrained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI

from joinedup.linkage.model import LinkageError
from joinedup.linkage.prepare import quote


def tf_columns(model: Mapping[str, Any]) -> list[str]:
    """The prepared columns a model adjusts for term frequency."""
    found: dict[str, None] = {}
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            column = level.get("tf_adjustment_column")
            if column:
                found.setdefault(str(column), None)
    return list(found)


def lookup_table(column: str) -> str:
    """The DuckDB table a run that uses saved frequencies reads `column`'s from."""
    return f"__jdu_tf_{column}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _prefix(settings: Mapping[str, Any]) -> str:
    return str(settings.get("term_frequency_adjustment_column_prefix") or "tf_")


def save_frequencies(linker: Any, con: duckdb.DuckDBPyConnection, settings: dict[str, Any],
                     path: Path) -> None:
    """Write the input's term frequencies for the model's adjusted columns to `path`
    (parquet: column, value as text, tf)."""
    parts = []
    for column in tf_columns(settings):
        table = linker.table_management.compute_tf_table(column).physical_name
        parts.append(f"SELECT {_literal(column)} AS \"column\", "
                     f"CAST({quote(column)} AS VARCHAR) AS value, "
                     f"CAST({quote(_prefix(settings) + column)} AS DOUBLE) AS tf "
                     f"FROM {quote(table)}")
    if not parts:
        parts.append("SELECT NULL::VARCHAR AS \"column\", NULL::VARCHAR AS value, "
                     "NULL::DOUBLE AS tf WHERE false")
    try:
        con.execute(f"COPY ({' UNION ALL '.join(parts)}) TO ? (FORMAT parquet)", [str(path)])
    except duckdb.Error as exc:
        raise LinkageError(f"cannot write the term frequencies to {path}: {exc}") from exc


STALE_SHARE = 0.05
"""Above this share of a column's values missing from the saved frequencies, a run says the
model should be retrained (those values get no adjustment)."""


def load_frequencies(con: duckdb.DuckDBPyConnection, table: str, settings: Mapping[str, Any],
                     path: Path) -> dict[str, float]:
    """Read the frequencies saved at `path` into one lookup table per adjusted column
    (`lookup_table`; `table`, a prepared table, gives each column's type), once per run.
    Returns, per column, the share of the input's values the saved frequencies do not
    hold."""
    missing: dict[str, float] = {}
    types = {str(name): str(kind) for name, kind, *_ in
             con.execute(f"DESCRIBE {quote(table)}").fetchall()}
    for column in tf_columns(settings):
        if column not in types:
            raise LinkageError(f"the model adjusts {column!r} by frequency but the input "
                               "has no such column: retrain the model (joinedup link "
                               "--retrain).")
        lookup = quote(lookup_table(column))
        try:
            con.execute(f"""CREATE OR REPLACE TEMP TABLE {lookup} AS
                SELECT CAST(value AS {types[column]}) AS {quote(column)},
                       tf AS {quote(_prefix(settings) + column)}
                FROM read_parquet(?) WHERE "column" = ?""", [str(path), column])
        except duckdb.Error as exc:
            raise LinkageError(f"cannot read the term frequencies in {path}: {exc}. "
                               "Retrain the model (joinedup link --retrain).") from exc
        given, unknown = con.execute(f"""
            SELECT count(t.{quote(column)}), count(t.{quote(column)}) FILTER (
                WHERE f.{quote(column)} IS NULL)
            FROM {quote(table)} AS t LEFT JOIN {lookup} AS f
              ON t.{quote(column)} = f.{quote(column)}""").fetchall()[0]
        missing[column] = unknown / given if given else 0.0
    return missing


IDENTITY = ("first_name", "surname", "dob")
"""What one person's records share: frequencies count each value once per such identity."""
PERSON_MAX_RECORDS = 50
"""More records than one person has (the default cluster size cap): an identity given by more
is a placeholder or test record ("John Smith, 1 January 1980" ten thousand times), and counts
as the records it has, so its values stay as common as they look."""


def count_frequencies(con: duckdb.DuckDBPyConnection, tables: Sequence[str],
                      settings: Mapping[str, Any]) -> None:
    """Count the term frequencies of the model's adjusted columns over the prepared `tables`
    into the lookup tables `use_frequencies` registers (`lookup_table`), each value once per
    identity (`IDENTITY`: forename, surname and date of birth) rather than once per record.

    Splink counts records. A person known to five services has five records, so their own
    surname (or postcode, or date of birth) looks five times commoner than it is, and a match
    on it counts for less, most for the people the index knows best. What a frequency should
    say is how likely another person is to share the value; counting distinct identities says
    that, while two people of one name and date of birth still count once each where they
    differ in any other identity field. A value's frequency is the share of the identities
    that give the column at all; an identity on more than `PERSON_MAX_RECORDS` records counts
    once per record.
    """
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {quote(table)}" for table in tables)
    columns = {str(name) for name, *_ in con.execute(f"DESCRIBE {union}").fetchall()}
    identity = [quote(c) for c in IDENTITY if c in columns]
    people = f"CASE WHEN n > {PERSON_MAX_RECORDS} THEN n ELSE 1 END"
    for column in tf_columns(settings):
        value = quote(column)
        keys = ", ".join(dict.fromkeys([value, *identity]))
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {quote(lookup_table(column))} AS
            WITH ids AS (SELECT {value}, {people} AS people FROM (
                             SELECT {keys}, count(*) AS n FROM ({union})
                             WHERE {value} IS NOT NULL GROUP BY {keys}))
            SELECT {value}, CAST(sum(people) AS DOUBLE) / (SELECT sum(people) FROM ids)
                       AS {quote(_prefix(settings) + column)}
            FROM ids GROUP BY {value}""")


def use_frequencies(linker: Any, db_api: DuckDBAPI, settings: Mapping[str, Any]) -> None:
    """Make `linker` score with the frequencies in the lookup tables (`load_frequencies`
    read them from a saved model's, `count_frequencies` counted them on the input)."""
    for column in tf_columns(settings):
        linker.table_management.register_term_frequency_lookup(
            db_api.register(lookup_table(column)), column)


def stale_message(missing: dict[str, float]) -> str | None:
    """What to tell the operator when many values are missing from the saved frequencies."""
    stale = {column: share for column, share in missing.items() if share > STALE_SHARE}
    if not stale:
        return None
    shares = ", ".join(f"{column} {share:.0%}" for column, share in stale.items())
    return (f"values not in the model's saved term frequencies ({shares}) get no frequency "
            "adjustment: retrain the model (joinedup link --retrain) when the population "
            "has changed")
