"""Why two person records in the warehouse score as they do: the match weight waterfall.

A snapshot linked with search tables (`search_tables`: every record as the link run prepared
it, and the run's term frequencies) is explained from those: the two records are read and
scored by `scoring.ModelScorer` with the saved model, in milliseconds. A snapshot linked
before those tables existed falls back to preparing every person record again as the link run
does (term frequencies need the whole table) and scoring the one pair with Splink's
`score_pair`, which takes a second or two. Both give the waterfall: the prior's weight plus
one weight per comparison (and its term-frequency adjustment); these add up to the final
match weight, and the match probability is 2^w / (1 + 2^w).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from splink import DuckDBAPI
from splink.internals.exceptions import SplinkException

from joinedup.config import Settings
from joinedup.errors import WarehouseError
from joinedup.linkage.frequencies import count_frequencies, use_frequencies
from joinedup.linkage.model import LinkageError, load_model, make_linker, with_link_type
from joinedup.linkage.scoring import (
    DESCRIPTIONS,
    ComparisonStep,
    column_arrays,
    probability,
    scorer_for,
)
from joinedup.linkage.search_tables import has_search_tables, stored_record, term_frequency
from joinedup.linkage.warehouse_link import model_path, numbered_records_sql, prepare_numbered


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A person record's key in the warehouse: SOURCE:SOURCE_RECORD_ID."""

    source: str
    source_record_id: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """Split at the first colon (record ids may hold colons; source names do not)."""
        source, _, record = text.strip().partition(":")
        if not source or not record:
            raise LinkageError(f"'{text}' is not a record id: write SOURCE:SOURCE_RECORD_ID, "
                               "e.g. csc_case_system:1979124.")
        return cls(source, record)

    def __str__(self) -> str:
        return f"{self.source}:{self.source_record_id}"


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    """The waterfall of match weights for one pair of records."""

    record_a: str
    record_b: str
    prior_probability: float
    """The model's probability that two random records are the same person."""
    prior_weight: float
    """log2 of the prior odds: where the waterfall starts."""
    comparisons: tuple[ComparisonStep, ...]
    match_weight: float
    match_probability: float
    linked: bool
    """Whether the snapshot has person_link (it has been through `joinedup link`)."""
    person_a: str | None
    person_b: str | None
    model: str

    @property
    def same_person(self) -> bool | None:
        """Whether the link put both records in one person (None if not linked)."""
        if not self.linked:
            return None
        return self.person_a is not None and self.person_a == self.person_b

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for step, row in zip(self.comparisons, out["comparisons"], strict=True):
            row["total"] = step.total
        out["same_person"] = self.same_person
        return out


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()}


def _check_exists(con: duckdb.DuckDBPyConnection, ref: RecordRef) -> None:
    found = con.execute("SELECT count(*) FROM person_record WHERE source = ? "
                        "AND source_record_id = ?", [ref.source, ref.source_record_id]
                        ).fetchall()[0][0]
    if found:
        return
    sources = [str(r[0]) for r in con.execute(
        "SELECT DISTINCT source FROM person_record ORDER BY 1").fetchall()]
    hint = ("" if ref.source in sources
            else f" The snapshot's sources are: {', '.join(sources)}.")
    raise LinkageError(f"record '{ref}' is not in the current snapshot's person_record."
                       f"{hint} Give ids as SOURCE:SOURCE_RECORD_ID.")


def _person(con: duckdb.DuckDBPyConnection, ref: RecordRef) -> str | None:
    rows = con.execute("SELECT min(person_id) FROM person_link WHERE source = ? "
                       "AND source_record_id = ?", [ref.source, ref.source_record_id]
                       ).fetchall()
    return None if rows[0][0] is None else str(rows[0][0])


def _prepare(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection) -> None:
    """Every person record, numbered and standardised as the link run does (table
    `explain_prepared`): term frequencies need all of them, not only the pair."""
    records = con.sql(numbered_records_sql()).to_arrow_table()
    work.register("explain_arrow", records)
    work.execute("CREATE TABLE explain_raw AS SELECT * FROM explain_arrow")
    work.unregister("explain_arrow")
    prepare_numbered(work, "explain_raw", "explain_prepared")


def _one_record_table(work: duckdb.DuckDBPyConnection, ref: RecordRef, table: str) -> None:
    # A record listed in several files has several rows; the first in link order stands in.
    work.execute(f"""
        CREATE TABLE {table} AS SELECT p.* FROM explain_prepared AS p
        WHERE p.unique_id = (SELECT min(link_key) FROM explain_raw
                             WHERE source = ? AND source_record_id = ?)
    """, [ref.source, ref.source_record_id])


def _level(comparison: dict[str, Any], gamma: int) -> dict[str, Any]:
    """The settings of the level a pair reached: Splink numbers the non-null levels from
    the top down to 0 (else) and the null level -1."""
    levels = comparison["comparison_levels"]
    if gamma < 0:
        return next((lv for lv in levels if lv.get("is_null_level")), {})
    ranked = [lv for lv in levels if not lv.get("is_null_level")]
    return dict(ranked[len(ranked) - 1 - gamma])


def _steps(model: dict[str, Any], row: dict[str, Any]) -> tuple[ComparisonStep, ...]:
    steps = []
    for comparison in model["comparisons"]:
        name = str(comparison["output_column_name"])
        gamma = int(row[f"gamma_{name}"])
        level = _level(comparison, gamma)
        tf = row.get(f"mw_tf_adj_{name}")
        steps.append(ComparisonStep(
            name=name,
            description=DESCRIPTIONS.get(name, name.replace("_", " ")),
            value_a=row.get(f"{name}_l"),
            value_b=row.get(f"{name}_r"),
            level=gamma,
            label=str(level.get("label_for_charts") or level.get("sql_condition") or ""),
            m_probability=None if gamma < 0 else level.get("m_probability"),
            u_probability=None if gamma < 0 else level.get("u_probability"),
            match_weight=float(row[f"mw_{name}"]),
            tf_adjustment=(float(tf) if tf is not None and level.get("tf_adjustment_column")
                           else None),
        ))
    return tuple(steps)


def _from_search_tables(con: duckdb.DuckDBPyConnection, model: dict[str, Any],
                        refs: tuple[RecordRef, RecordRef]
                        ) -> tuple[tuple[ComparisonStep, ...], float] | None:
    """The pair scored from the snapshot's search tables; None if a record is not there
    (the tables predate it)."""
    left, right = (stored_record(con, ref.source, ref.source_record_id) for ref in refs)
    if left is None or right is None:
        return None
    scorer = scorer_for(model)
    left_tf = {c: term_frequency(con, c, left.get(c)) for c in scorer.tf_columns}
    right_tf = {c: np.array([math.nan if (tf := term_frequency(con, c, right.get(c))) is None
                             else tf]) for c in scorer.tf_columns}
    scores = scorer.score(left, column_arrays([right], scorer.columns), 1, left_tf, right_tf)
    return scorer.steps(scores, 0, left, right), float(scores.match_weight[0])


def _from_splink(con: duckdb.DuckDBPyConnection, model: dict[str, Any],
                 refs: tuple[RecordRef, RecordRef], path: Path
                 ) -> tuple[tuple[ComparisonStep, ...], float]:
    """The pair scored by Splink after preparing every person record again."""
    work = duckdb.connect()
    try:
        _prepare(con, work)
        _one_record_table(work, refs[0], "explain_a")
        _one_record_table(work, refs[1], "explain_b")
        db_api = DuckDBAPI(connection=work)
        linker = make_linker(db_api, ["explain_prepared"], model)
        count_frequencies(work, ["explain_prepared"], model)  # as the link run counted them
        use_frequencies(linker, db_api, model)
        scored = linker.inference.score_pair(db_api.register("explain_a"),
                                             db_api.register("explain_b"))
        row = scored.as_record_list()[0]
    except SplinkException as exc:
        raise LinkageError(f"cannot score the pair with {path}: {exc}. Retrain it with "
                           "`joinedup link --retrain`.") from exc
    finally:
        work.close()
    return _steps(model, row), float(row["match_weight"])


def explain_pair(con: duckdb.DuckDBPyConnection, settings: Settings, record_a: str,
                 record_b: str) -> MatchExplanation:
    """Score two person records of the snapshot open on `con` with the warehouse's saved
    model and return the waterfall. Raises LinkageError for a missing model or record."""
    refs = (RecordRef.parse(record_a), RecordRef.parse(record_b))
    path = model_path(settings)
    if not path.is_file():
        raise LinkageError(f"there is no saved matching model ({path}): run `joinedup link` "
                           "first, which trains and saves one.")
    model = with_link_type(load_model(path), "dedupe_only")
    tables = _tables(con)
    if "person_record" not in tables:
        raise WarehouseError("the current snapshot has no person_record table: run "
                             "`joinedup ingest` with sources that map person records.")
    for ref in refs:
        _check_exists(con, ref)
    stored = _from_search_tables(con, model, refs) if has_search_tables(con) else None
    steps, weight = stored or _from_splink(con, model, refs, path)
    prior = float(model["probability_two_random_records_match"])
    linked = "person_link" in tables
    return MatchExplanation(
        record_a=str(refs[0]), record_b=str(refs[1]),
        prior_probability=prior, prior_weight=math.log2(prior / (1 - prior)),
        comparisons=steps,
        match_weight=weight,
        match_probability=probability(weight),
        linked=linked,
        person_a=_person(con, refs[0]) if linked else None,
        person_b=_person(con, refs[1]) if linked else None,
        model=str(Path(path)),
    )
