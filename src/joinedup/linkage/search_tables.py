"""What a link run leaves in its snapshot so that one record can be matched without Splink.

- `search_record`: every person record as the link run standardised it (the prepared
  columns the model compares), with its link_key, source, source_record_id and person_id.
- `search_tf`: the term frequencies the run scored with (column_name, value, tf), copied from
  its lookup tables (`frequencies.lookup_table`). Term-frequency adjustments depend on the
  whole table, so without these a pair could only be scored by preparing every record again.

`search.SearchIndex` (single-record search) and `explain.explain_pair` read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from joinedup.linkage.frequencies import lookup_table, tf_columns
from joinedup.linkage.model import LinkageError
from joinedup.linkage.pipeline import MatchRun
from joinedup.linkage.prepare import quote

SEARCH_TABLES = ("search_record", "search_tf")
RECORD_KEYS = ("link_key", "source", "source_record_id", "person_id")


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str,
                params: Sequence[object] = ()) -> pa.Table:
    """A query's whole result as an Arrow table."""
    return con.sql(sql, params=list(params)).to_arrow_table()


def _term_frequencies(con: duckdb.DuckDBPyConnection, columns: Sequence[str],
                      prefix: str) -> pa.Table:
    # The lookup tables the run scored with: the saved model's, or counted on its input
    # (`frequencies.count_frequencies`).
    parts = [fetch_arrow(con, f"SELECT ?::VARCHAR AS column_name, "
                              f"CAST({quote(column)} AS VARCHAR) AS value, "
                              f"CAST({quote(prefix + column)} AS DOUBLE) AS tf "
                              f"FROM {quote(lookup_table(column))}", [column])
             for column in columns]
    if not parts:
        return pa.table({"column_name": pa.array([], pa.string()),
                         "value": pa.array([], pa.string()), "tf": pa.array([], pa.float64())})
    return pa.concat_tables(parts)


def store_search_tables(target: duckdb.DuckDBPyConnection, run: MatchRun) -> None:
    """Write `search_record` and `search_tf` into the snapshot being built on `target`.

    Needs the build's temp tables `link_records` and `link_person` and the run's open
    connection (its prepared table and Splink's term-frequency tables).
    """
    if len(run.prepared) != 1:
        raise LinkageError("search tables are written for a warehouse link (one table of "
                           f"records); this run prepared {len(run.prepared)}.")
    prepared = run.prepared[0].table
    records = fetch_arrow(run.con, f"SELECT * FROM {quote(prepared)}")
    columns = [c for c in records.column_names
               if c not in ("unique_id", "source_dataset", *RECORD_KEYS)]
    target.register("search_prepared", records)
    try:
        target.execute(f"""
            CREATE TABLE search_record AS
            SELECT r.link_key, r.source, r.source_record_id, l.person_id,
                   {", ".join("p." + quote(c) for c in columns)}
            FROM search_prepared AS p
            JOIN link_records AS r ON r.link_key = p.unique_id
            JOIN link_person AS l ON l.link_key = p.unique_id
            ORDER BY r.link_key
        """)
    finally:
        target.unregister("search_prepared")
    prefix = str(run.settings.get("term_frequency_adjustment_column_prefix") or "tf_")
    frequencies = _term_frequencies(run.con, tf_columns(run.settings), prefix)
    target.register("search_frequencies", frequencies)
    try:
        target.execute("CREATE TABLE search_tf AS SELECT * FROM search_frequencies "
                       "ORDER BY column_name, value")
    finally:
        target.unregister("search_frequencies")


def has_search_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the snapshot open on `con` was linked with search tables."""
    found = {str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()}
    return set(SEARCH_TABLES) <= found


def stored_record(con: duckdb.DuckDBPyConnection, source: str, record_id: str
                  ) -> dict[str, Any] | None:
    """A record's row of `search_record` (lists as tuples); the first in link order when the
    id is listed more than once. None when it is not there."""
    relation = con.sql(
        "SELECT * FROM search_record WHERE link_key = (SELECT min(link_key) FROM search_record "
        "WHERE source = ? AND source_record_id = ?)", params=[source, record_id])
    rows = relation.fetchall()
    if not rows:
        return None
    return {name: tuple(v) if isinstance(v, list) else v
            for name, v in zip(relation.columns, rows[0], strict=True)}


def term_frequency(con: duckdb.DuckDBPyConnection, column: str, value: Any) -> float | None:
    """The link run's term frequency of one value (None: empty or not in the run)."""
    if value is None:
        return None
    rows = con.execute("SELECT tf FROM search_tf WHERE column_name = ? AND value = ?",
                       [column, str(value)]).fetchall()
    return float(rows[0][0]) if rows else None
