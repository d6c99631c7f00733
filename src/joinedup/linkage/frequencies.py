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

from collections.abc import Mapping
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


def use_frequencies(linker: Any, db_api: DuckDBAPI, settings: Mapping[str, Any]) -> None:
    """Make `linker` score with the frequencies `load_frequencies` read, not its input's."""
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
