"""The clerical review queue: pairs of records the model is unsure about, for a person to
decide.

A pair joins the queue when it was scored at least `REVIEW_FLOOR` but its two records ended in
different people: either it scored below the link threshold (``uncertain``), or it scored above
it and clustering held the records apart (``held apart``: the evidence between the two people
disagreed on average, the person would have grown past the size cap, a reviewer's earlier
"different" decision, or an incremental run declining to merge two known people; ``held
apart: <guardrail>`` when a guardrail kept them apart, directly or because the link would have
put two records that break it in one person, `guardrails.yaml`). Decided
pairs leave the queue; the decisions themselves live in `state.LinkState` and every later
`joinedup link` honours them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from joinedup.linkage.identity import RecordKey
from joinedup.linkage.model import LinkageError
from joinedup.linkage.state import LinkState, ReviewDecision

REVIEW_FLOOR = 0.5
"""Pairs scored at least this are kept in person_link_pair and may be reviewed."""

# The pair id is computed the same way in SQL as in `state.pair_id`: the two record keys in
# order, joined by the unit separator, SHA-256, first ten hex digits.
_PAIR_ID_SQL = """'RV' || substr(sha256(CASE
    WHEN source_l < source_r OR (source_l = source_r AND source_record_id_l <= source_record_id_r)
    THEN concat_ws(chr(31), source_l, source_record_id_l, source_r, source_record_id_r)
    ELSE concat_ws(chr(31), source_r, source_record_id_r, source_l, source_record_id_l)
    END), 1, 10)"""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    pair_id: str
    left: RecordKey
    right: RecordKey
    person_left: str
    person_right: str
    match_probability: float
    match_weight: float
    reason: str


def _pair_ids(con: duckdb.DuckDBPyConnection, table: str, pair_ids: list[str]) -> None:
    con.register("review_pair_ids", pa.table({"pair_id": pa.array(pair_ids, pa.string())}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM review_pair_ids")
    con.unregister("review_pair_ids")


def write_review_queue(con: duckdb.DuckDBPyConnection, threshold: float,
                       decided: list[str]) -> int:
    """Create `review_queue` from person_link_pair and person_link; returns its size."""
    _pair_ids(con, "review_decided", decided)
    con.execute(f"""
        CREATE TABLE review_queue AS
        SELECT {_PAIR_ID_SQL} AS pair_id, p.source_l, p.source_record_id_l, l.person_id
                   AS person_id_l,
               p.source_r, p.source_record_id_r, r.person_id AS person_id_r,
               p.match_probability, p.match_weight,
               CASE WHEN h.reason IS NOT NULL THEN 'held apart: ' || h.reason
                    WHEN p.match_probability < ? THEN 'uncertain'
                    ELSE 'held apart' END AS reason
        FROM person_link_pair AS p
        -- Each held-apart pair in both orders, so that the join is on equalities (a hash
        -- join): an OR of the two orders made it a nested loop, 9 minutes at a million.
        LEFT JOIN (SELECT source_l AS held_source_l, source_record_id_l AS held_id_l,
                          source_r AS held_source_r, source_record_id_r AS held_id_r,
                          reason FROM person_link_held
                   UNION ALL
                   SELECT source_r, source_record_id_r, source_l, source_record_id_l, reason
                   FROM person_link_held) AS h
            ON h.held_source_l = p.source_l AND h.held_id_l = p.source_record_id_l
               AND h.held_source_r = p.source_r AND h.held_id_r = p.source_record_id_r
        JOIN person_link AS l ON l.source = p.source_l
            AND l.source_record_id = p.source_record_id_l
        JOIN person_link AS r ON r.source = p.source_r
            AND r.source_record_id = p.source_record_id_r
        WHERE l.person_id <> r.person_id
            AND {_PAIR_ID_SQL} NOT IN (SELECT pair_id FROM review_decided)
        QUALIFY row_number() OVER (PARTITION BY {_PAIR_ID_SQL} ORDER BY h.reason) = 1
        ORDER BY p.match_probability DESC, pair_id
    """, [threshold])
    con.execute("DROP TABLE review_decided")
    return int(con.execute("SELECT count(*) FROM review_queue").fetchall()[0][0])


def _has_queue(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'review_queue'"
    ).fetchall()[0][0])


def _item(row: tuple[object, ...]) -> ReviewItem:
    return ReviewItem(str(row[0]), (str(row[1]), str(row[2])), (str(row[4]), str(row[5])),
                      str(row[3]), str(row[6]), float(str(row[7])), float(str(row[8])),
                      str(row[9]))


_COLUMNS = ("pair_id, source_l, source_record_id_l, person_id_l, source_r, source_record_id_r, "
            "person_id_r, match_probability, match_weight, reason")


def open_items(con: duckdb.DuckDBPyConnection, state: LinkState, *, limit: int = 50,
               offset: int = 0) -> tuple[list[ReviewItem], int]:
    """Undecided queue items, most likely matches first, and how many are undecided in all.

    Decisions made since the snapshot was linked are left out too: the queue in the
    snapshot is only rebuilt by the next link run.
    """
    if not _has_queue(con):
        raise LinkageError("the current snapshot has no review queue: run `joinedup link`.")
    decided = [d.pair_id for d in state.decisions()]
    _pair_ids(con, "review_seen", decided)
    undecided = "FROM review_queue ANTI JOIN review_seen USING (pair_id)"
    total = int(con.execute(f"SELECT count(*) {undecided}").fetchall()[0][0])
    rows = con.execute(
        f"SELECT {_COLUMNS} {undecided} ORDER BY match_probability DESC, pair_id "
        "LIMIT ? OFFSET ?", [limit, offset]).fetchall()
    return [_item(row) for row in rows], total


def find_item(con: duckdb.DuckDBPyConnection, pair_id: str) -> ReviewItem:
    if not _has_queue(con):
        raise LinkageError("the current snapshot has no review queue: run `joinedup link`.")
    wanted = pair_id.strip()
    if wanted[:2].upper() == "RV":
        wanted = "RV" + wanted[2:].lower()
    rows = con.execute(f"SELECT {_COLUMNS} FROM review_queue WHERE pair_id = ?",
                       [wanted]).fetchall()
    if not rows:
        raise LinkageError(f"no pair {pair_id!r} in the review queue: `joinedup review list` "
                           "shows the pairs waiting.")
    return _item(rows[0])


def decide_item(con: duckdb.DuckDBPyConnection, state: LinkState, pair_id: str,
                decision: str, decided_by: str, note: str | None = None) -> ReviewDecision:
    """Decide a queued pair; the next `joinedup link` applies it."""
    item = find_item(con, pair_id)
    return state.decide(item.left, item.right, decision, decided_by, note)
