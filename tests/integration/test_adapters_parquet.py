"""Parquet: typed columns become text, typed dates load whatever date_format says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from joinedup.errors import SourceError
from joinedup.sources.load import load_source
from joinedup.sources.mapping import SourceConfig

SOURCE = SourceConfig.model_validate({
    "name": "schools", "system": "Schools MIS", "service": "education",
    "data_current_as_of": "2026-10-31",
    "files": [{"path": "attendance.parquet", "format": "parquet", "date_format": "%d/%m/%Y",
               "targets": [{"entity": "event", "fields": {
                   "event_id": "id", "source_record_id": "pupil",
                   "service": {"value": "education"}, "event_type": {"value": "attendance"},
                   "event_date": "term_start", "end_date": "term_end", "value": "pct"}}]}],
})


def test_typed_columns(tmp_path: Path) -> None:
    table = pa.table({
        "id": ["E1", "E2", "E3"],
        "pupil": ["P1", "P2", None],
        "term_start": pa.array([dt.date(2025, 9, 1), dt.date(2025, 9, 1), dt.date(2025, 9, 1)]),
        "term_end": pa.array([dt.datetime(2025, 12, 19, 0, 0), None, None],
                             pa.timestamp("us")),
        "pct": [94.5, 88.0, 70.25],
    })
    pq.write_table(table, tmp_path / "attendance.parquet")
    con = duckdb.connect()
    result = load_source(con, SOURCE, tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute("SELECT event_id, event_date, end_date, value, _row FROM event ORDER BY 1"
                       ).fetchall() == [
        ("E1", dt.date(2025, 9, 1), dt.date(2025, 12, 19), Decimal("94.5"), 1),
        ("E2", dt.date(2025, 9, 1), None, Decimal("88"), 2)]
    assert con.execute("SELECT row, field FROM quarantine").fetchall() == [
        (3, "event.source_record_id")]


def test_not_parquet(tmp_path: Path) -> None:
    (tmp_path / "attendance.parquet").write_text("id,pupil\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"attendance.parquet.*not a readable Parquet file"):
        load_source(duckdb.connect(), SOURCE, tmp_path)


def test_missing_column(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["E1"], "pupil_id": ["P1"]}), tmp_path / "attendance.parquet")
    with pytest.raises(SourceError, match=r"'pupil'.*did you mean 'pupil_id'"):
        load_source(duckdb.connect(), SOURCE, tmp_path)
