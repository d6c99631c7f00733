"""The in-memory form of a snapshot's search tables, built when a search index opens.

A million records must fit comfortably in a web worker, so each column is dictionary-encoded:
an int32 code per record (-1 for NULL) and one Python object per distinct value (lists as
tuples), with that value's term frequency beside it. Search keys are sorted 64-bit hashes
(`search_keys.key_hash`) beside int32 record numbers; a lookup is a binary search.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from joinedup.linkage.model import LinkageError
from joinedup.linkage.prepare import quote
from joinedup.linkage.scoring import ModelScorer
from joinedup.linkage.search_keys import RECORD_ID_KEY, SearchKey, record_keys_sql
from joinedup.linkage.search_tables import fetch_arrow, has_search_tables


@dataclass(frozen=True, slots=True)
class Column:
    """A dictionary-encoded column: `values[codes[row]]` (the last value is None)."""

    codes: npt.NDArray[np.int32]
    values: npt.NDArray[Any]
    tf: npt.NDArray[np.float64]
    """Term frequency per value (NaN when the column has none)."""

    def values_at(self, rows: npt.NDArray[np.int32]) -> npt.NDArray[Any]:
        return self.values[self.codes[rows]]

    def tf_at(self, rows: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
        return self.tf[self.codes[rows]]

    def value(self, row: int) -> Any:
        return self.values[self.codes[row]]


@dataclass(frozen=True, slots=True)
class Postings:
    """Record numbers by key hash."""

    hashes: npt.NDArray[np.uint64]
    rows: npt.NDArray[np.int32]

    def find(self, value: int) -> npt.NDArray[np.int32]:
        key = np.uint64(value)
        lo = int(np.searchsorted(self.hashes, key, side="left"))
        hi = int(np.searchsorted(self.hashes, key, side="right"))
        return self.rows[lo:hi]


def _postings(con: duckdb.DuckDBPyConnection, sql: str) -> Postings:
    found = con.execute(sql).fetchnumpy()
    hashes = np.asarray(found["h"], dtype=np.uint64)
    rows = np.asarray(found["row_idx"], dtype=np.int32)
    order = np.lexsort((rows, hashes))
    return Postings(hashes[order], rows[order])


def _vocabulary(values: list[Any], tf: dict[str, float] | None) -> tuple[npt.NDArray[Any],
                                                                         npt.NDArray[np.float64]]:
    objects = np.empty(len(values) + 1, dtype=object)
    objects[:-1] = [tuple(v) if isinstance(v, list) else v for v in values]
    objects[-1] = None
    freq = np.full(len(values) + 1, math.nan)
    if tf is not None:
        freq[:-1] = [tf.get(str(v), math.nan) for v in values]
    return objects, freq


def _encode(work: duckdb.DuckDBPyConnection, table: pa.Table, name: str,
            tf: dict[str, float] | None) -> Column:
    column = table.column(name)
    if not pa.types.is_list(column.type):
        encoded = pc.dictionary_encode(column).combine_chunks()
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        values, freq = _vocabulary(encoded.dictionary.to_pylist(), tf)
        return Column(codes.astype(np.int32), values, freq)
    # Lists: DuckDB numbers the distinct lists (pyarrow cannot dictionary-encode them).
    work.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_vocabulary AS
        SELECT value, CAST(row_number() OVER (ORDER BY value) - 1 AS INTEGER) AS code
        FROM (SELECT DISTINCT {quote(name)} AS value FROM search_rows
              WHERE {quote(name)} IS NOT NULL)
    """)
    codes = work.execute(f"""
        SELECT coalesce(v.code, -1) AS code FROM search_rows AS r
        LEFT JOIN search_vocabulary AS v ON r.{quote(name)} = v.value ORDER BY r.row_idx
    """).fetchnumpy()["code"]
    listed = fetch_arrow(work, "SELECT value FROM search_vocabulary ORDER BY code")
    values, freq = _vocabulary(listed.column("value").to_pylist(), tf)
    return Column(np.asarray(codes, dtype=np.int32), values, freq)


Loaded = tuple[dict[str, Column], pa.Array, dict[str, Postings], dict[str, dict[str, float]]]


def load_records(con: duckdb.DuckDBPyConnection, scorer: ModelScorer,
                 keys: Sequence[SearchKey]) -> Loaded:
    """Columns, record ids, key postings and term frequencies of the snapshot on `con`.

    Raises LinkageError when the snapshot has no search tables or lacks a compared column.
    """
    if not has_search_tables(con):
        raise LinkageError("this snapshot has no search tables (it was linked before search "
                           "existed, or never linked): run `joinedup link`.")
    present = {str(r[0]) for r in con.execute("DESCRIBE search_record").fetchall()}
    missing = [c for c in scorer.columns if c not in present]
    if missing:
        raise LinkageError(f"the model compares {', '.join(missing)}, which the snapshot's "
                           "search tables lack: relink with `joinedup link --retrain`.")
    usable = [key for key in keys if all(column in present for column, _ in key.parts)]
    wanted = list(dict.fromkeys(["source", "source_record_id", "person_id", *scorer.columns,
                                 *(column for key in usable for column, _ in key.parts)]))
    table = fetch_arrow(con, f"SELECT {', '.join(quote(c) for c in wanted)} "
                             "FROM search_record ORDER BY link_key")
    table = table.append_column("row_idx", pa.array(np.arange(table.num_rows, dtype=np.int32)))
    frequencies: dict[str, dict[str, float]] = {c: {} for c in scorer.tf_columns}
    for column, value, tf in con.execute(
            "SELECT column_name, value, tf FROM search_tf").fetchall():
        if column in frequencies and value is not None:
            frequencies[column][str(value)] = float(tf)
    work = duckdb.connect()
    try:
        work.register("search_rows", table)
        postings = {key.name: _postings(work, record_keys_sql(key, "search_rows"))
                    for key in usable}
        postings[RECORD_ID_KEY] = _postings(work, """
            SELECT md5_number_upper(source_record_id) AS h, row_idx FROM search_rows
            UNION ALL SELECT md5_number_upper(source || ':' || source_record_id), row_idx
            FROM search_rows
        """)
        # Key columns too: the records a record id names become queries with keys of their own.
        columns = {name: _encode(work, table, name, frequencies.get(name))
                   for name in wanted if name != "source_record_id"}
    finally:
        work.close()
    record_ids = table.column("source_record_id").combine_chunks()
    return columns, record_ids, postings, frequencies
