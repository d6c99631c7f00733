"""Hostile sizes: one enormous value, and very many rows. Each file is streamed to tmp_path by
the test, never held in memory and never committed, and read through ingest and `joinedup
match`'s reader while tracemalloc measures the Python memory the read takes.

What these prove, honestly: at the sizes here (a value 512 times the line limit, as 1 GB is
to the default 2 MB; half a million rows), the rows reconcile, every bad row is quarantined
with its line, and Python's memory stays within a bound set by the chunk size and a few bytes
per row, not by the file's size. DuckDB's own memory is not seen by tracemalloc: the real
sizes (a 1 GB value under the default limit, 10 million rows) are run by
bench/hostile_files.py, which prints time and peak memory of the whole process.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas  # noqa: F401  (DuckDB imports it on first use: a one-time cost, not measured)
import pytest

from joinedup.sources import csv_reader
from joinedup.sources.load import load_source
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.table_file import read_table_file

FIELDS = {"source_record_id": "Ref", "surname": "Surname", "dob": "DOB"}
MB = 1_048_576


def source() -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "sizes", "system": "Sizes", "service": "police",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": "people.csv", "targets": [{"entity": "person", "fields": FIELDS}]}],
    })


@contextmanager
def python_peak() -> Iterator[Callable[[], int]]:
    """The peak of Python's allocations (bytes) inside the block."""
    tracemalloc.start()
    peak = 0

    def read() -> int:
        return peak

    try:
        yield read
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def write_with_huge_value(path: Path, size: int) -> None:
    block = b"x" * MB
    with path.open("wb") as handle:
        handle.write(b"Ref,Surname,DOB\nA,Smith,2010-02-01\nB,")
        for _ in range(size // MB):
            handle.write(block)
        handle.write(b",2011-03-04\nC,Evans,2012-01-01\n")


def test_a_value_512_times_the_line_limit_is_quarantined_in_bounded_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_reader, "MAX_LINE_BYTES", 128 * 1024)
    path = tmp_path / "people.csv"
    write_with_huge_value(path, 64 * MB)
    con = duckdb.connect()
    with python_peak() as ingest_peak:
        (result,) = load_source(con, source(), tmp_path).files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    row, reason, raw = con.execute("SELECT row, reason, raw FROM quarantine").fetchall()[0]
    assert row == 3 and len(raw) <= 2000 and raw.startswith("B,xxx")
    assert reason.startswith("this row is longer than 0.1 MB (64.0 MB)")
    assert con.execute("SELECT source_record_id, _row FROM person_record ORDER BY _row"
                       ).fetchall() == [("A", 2), ("C", 4)]
    with python_peak() as match_peak:
        read = read_table_file(path, str(path))
    assert (read.rows_read, read.table.num_rows, [r.row for r in read.rejects]) == (3, 2, [3])
    # The value is 64 MB; reading it takes one 8 MB chunk at a time.
    assert ingest_peak() < 20 * MB and match_peak() < 20 * MB


ROWS = 500_000
RAGGED = {1_000: "X1,too,many,fields", 250_000: "X2,one field short", 499_000: "X3,short"}


def write_many_rows(path: Path, *, blank_line: bool) -> dict[int, int]:
    """ROWS good rows and the RAGGED ones; returns the line of each ragged row."""
    lines: dict[int, int] = {}
    line = 1
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("Ref,Surname,DOB\n")
        for start in range(0, ROWS, 10_000):
            block = []
            for n in range(start, start + 10_000):
                if n in RAGGED:
                    line += 1
                    lines[n] = line
                    block.append(RAGGED[n] + "\n")
                if blank_line and n == 100:
                    line += 1
                    block.append("\n")
                line += 1
                block.append(f"R{n},Smith,2010-02-01\n")
            handle.write("".join(block))
    return lines


@pytest.mark.parametrize("blank_line", [False, True], ids=["one row per line", "a blank line"])
def test_half_a_million_rows_reconcile_in_bounded_memory(tmp_path: Path,
                                                         blank_line: bool) -> None:
    path = tmp_path / "people.csv"
    ragged = write_many_rows(path, blank_line=blank_line)
    con = duckdb.connect()
    with python_peak() as peak:
        (result,) = load_source(con, source(), tmp_path).files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        ROWS + 3, ROWS, 3)
    found: Any = con.execute("SELECT row FROM quarantine ORDER BY row").fetchall()
    assert [r[0] for r in found] == sorted(ragged.values())
    # Every row carries its own line: R{n} is on line n + 2, plus the lines before it.
    wrong = con.execute(
        "SELECT count(*) FROM person_record WHERE _row <> CAST(substr(source_record_id, 2) "
        "AS BIGINT) + 2 + (CAST(substr(source_record_id, 2) AS BIGINT) >= 1000)::INT "
        "+ (CAST(substr(source_record_id, 2) AS BIGINT) >= 250000)::INT "
        "+ (CAST(substr(source_record_id, 2) AS BIGINT) >= 499000)::INT "
        f"+ ({blank_line} AND CAST(substr(source_record_id, 2) AS BIGINT) >= 100)::INT"
    ).fetchall()
    assert wrong == [(0,)]
    # Well under the 12 MB file, and under 40 bytes a row whatever the path taken.
    assert peak() < 8 * MB + 40 * ROWS
