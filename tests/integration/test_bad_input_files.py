"""Files that cannot be loaded fail clearly and leave nothing behind; bad rows never crash."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from joinedup.errors import SourceError
from joinedup.sources import load as load_module
from joinedup.sources.load import create_model_tables, load_source
from joinedup.sources.mapping import SourceConfig

FIELDS = {"source_record_id": "Ref", "surname": "Surname", "dob": "DOB"}
GOOD = b"Ref,Surname,DOB\nA,Smith,2010-02-01\nB,Jones,2011-03-04\n"


def source(*paths: str, fmt: str = "csv", **file: Any) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "bad", "system": "Bad inputs", "service": "police",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": p, "format": fmt, **file,
                   "targets": [{"entity": "person", "fields": FIELDS}]} for p in paths],
    })


def rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert found is not None
    return int(found[0])


def fails(folder: Path, config: SourceConfig, pattern: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_model_tables(con)
    with pytest.raises(SourceError, match=pattern):
        load_source(con, config, folder)
    return con


def test_missing_file(tmp_path: Path) -> None:
    fails(tmp_path, source("nope.csv"), r"file nope.csv: the file does not exist")


def test_a_directory_instead_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "extract.csv").mkdir()
    fails(tmp_path, source("extract.csv"), "is not a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.csv"
    path.write_bytes(GOOD)
    path.chmod(0)
    try:
        fails(tmp_path, source("secret.csv"), "cannot open .*permissions")
    finally:
        path.chmod(0o600)


def test_unreadable_file_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.csv"
    path.write_bytes(GOOD)
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    fails(tmp_path, source("secret.csv"), "cannot open .*Permission denied.*permissions")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "cin_xml", "ssda903"])
def test_zero_byte_files_are_an_error(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "empty.dat").write_bytes(b"")
    fails(tmp_path, source("empty.dat", fmt=fmt, table={"cin_xml": "child",
                                                         "ssda903": "header"}.get(fmt)),
          r"empty \(0 bytes\)")


def test_blank_csv_has_no_header(tmp_path: Path) -> None:
    (tmp_path / "blank.csv").write_bytes(b"\n\n  \n")
    fails(tmp_path, source("blank.csv"), "no header row")


def test_renamed_columns_are_named_with_suggestions(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes(b"Reference,Family name,DOB\nA,Smith,2010-02-01\n")
    con = fails(tmp_path, source("people.csv"),
                r"file people.csv.*'Ref' \(did you mean 'Reference'\?\), 'Surname'.*"
                r"The file's columns are: 'Reference', 'Family name', 'DOB'")
    assert rows(con, "person_record") == rows(con, "quarantine") == 0


def test_wrong_delimiter_is_hinted(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes(GOOD.replace(b",", b";"))
    fails(tmp_path, source("people.csv"), "set `delimiter:`")


def test_a_huge_field_is_quarantined_not_a_crash(tmp_path: Path) -> None:
    huge = b"x" * 5_000_000
    rows = b"C," + huge + b",2012-01-01\nD,Evans,2013-01-01\n"
    (tmp_path / "people.csv").write_bytes(GOOD + rows)
    con = duckdb.connect()
    result = load_source(con, source("people.csv"), tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    found = con.execute("SELECT row, reason, length(raw) FROM quarantine").fetchone()
    assert found is not None
    assert found[0] == 4 and "longer than 2 MB" in found[1] and found[2] <= 2000
    assert con.execute("SELECT _row FROM person_record WHERE source_record_id = 'D'"
                       ).fetchone() == (5,)


def test_a_long_field_under_the_line_limit_is_quarantined_by_length(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes(GOOD + b"C," + b"x" * 100_000 + b",2012-01-01\n")
    con = duckdb.connect()
    result = load_source(con, source("people.csv"), tmp_path)
    assert result.rows_quarantined == 1
    found = con.execute("SELECT field, length(value), reason FROM quarantine").fetchone()
    assert found is not None and found[0] == "person.surname" and found[1] < 300
    assert "100000 characters, longer than the limit of 500" in found[2]


def test_a_failed_file_leaves_nothing_but_earlier_files_stay(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_bytes(GOOD)
    (tmp_path / "bad.csv").write_bytes(b"Ref,Surname\nC,Brown\n")
    con = fails(tmp_path, source("good.csv", "bad.csv"), "bad.csv.*'DOB'")
    assert con.execute("SELECT DISTINCT _file FROM person_record").fetchall() == [("good.csv",)]
    assert rows(con, "quarantine") == 0


def test_a_failure_while_inserting_rolls_the_file_back(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "people.csv").write_bytes(GOOD + b"C,Brown,not a date\n")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise SourceError("disk full", file="people.csv")

    monkeypatch.setattr(load_module, "write_quarantine", broken)
    con = fails(tmp_path, source("people.csv"), "disk full")
    assert rows(con, "person_record") == 0
    assert not con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_ju_%' "
        "AND table_name NOT LIKE '_ju_macros_%'").fetchall()


def test_inside_a_callers_transaction(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_bytes(GOOD)
    (tmp_path / "bad.csv").write_bytes(b"Ref,Surname\nC,Brown\n")
    con = duckdb.connect()
    create_model_tables(con)
    con.execute("BEGIN TRANSACTION")
    assert load_source(con, source("good.csv"), tmp_path).rows_loaded == 2
    with pytest.raises(SourceError, match="'DOB'"):
        load_source(con, source("bad.csv"), tmp_path)
    con.execute("ROLLBACK")
    assert rows(con, "person_record") == 0


def test_a_zipped_extract_is_refused_with_what_it_holds(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "extract.csv", "w") as archive:
        archive.writestr("people.csv", "id,name\n1,Ann\n")
        archive.writestr("events.csv", "id,event\n")
    con = fails(tmp_path, source("extract.csv"),
                r"file extract\.csv: this is a zip archive \(holding people\.csv, "
                r"events\.csv\), not a table: unzip it")
    assert rows(con, "person_record") == 0


def test_a_workbook_or_parquet_file_declared_as_csv_says_which_it_is(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "name"])
    book.save(tmp_path / "book.csv")
    fails(tmp_path, source("book.csv"), r"file book\.csv: this is an Excel workbook, but its "
          r"mapping says format: csv: set format: xlsx")
    pq.write_table(pa.table({"id": ["1"]}), tmp_path / "table.csv")
    fails(tmp_path, source("table.csv"), r"file table\.csv: this is a Parquet file, but its "
          r"mapping says format: csv: set format: parquet")
