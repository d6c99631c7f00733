"""Text a spreadsheet would run as a formula is written as text; nothing else changes."""

from __future__ import annotations

import duckdb
import pytest

from joinedup.model.spreadsheet import safe_cell, safe_row, safe_select_sql


@pytest.mark.parametrize("text", ["=1+1", "+44 161", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_text_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Ann", "", "O'Brien", 12, -4.5, None, "a=b"])
def test_everything_else_is_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def test_a_row_and_the_sql_agree() -> None:
    row = {"name": "=cmd", "age": -3, "note": "fine"}
    assert safe_row(row) == {"name": "'=cmd", "age": -3, "note": "fine"}
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT '=cmd' AS name, -3 AS age, 'fine' AS note, "
                "'@x' AS \"odd \"\"name\"\"\"")
    columns = [(str(r[0]), str(r[1])) for r in con.execute("DESCRIBE t").fetchall()]
    assert con.execute(safe_select_sql(columns, "t")).fetchall() == [
        ("'=cmd", -3, "fine", "'@x")]


def test_the_quarantine_export_writes_hostile_raw_text_as_text(tmp_path: object) -> None:
    import csv
    from pathlib import Path

    from joinedup.warehouse.ingest import _export_quarantine

    con = duckdb.connect()
    con.execute("CREATE TABLE quarantine (source VARCHAR, file VARCHAR, row BIGINT, "
                "field VARCHAR, value VARCHAR, reason VARCHAR, raw VARCHAR)")
    con.execute("INSERT INTO quarantine VALUES ('csc', 'people.csv', 3, 'dob', "
                "'=HYPERLINK(\"http://x.invalid\")', 'not a date', '-1+1,=cmd|x')")
    target = Path(str(tmp_path)) / "quarantine.csv"
    _export_quarantine(con, target)
    with target.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["value"] == "'=HYPERLINK(\"http://x.invalid\")"
    assert row["raw"] == "'-1+1,=cmd|x"
    assert row["row"] == "3"
