"""XLSX: cached formula values, unsaved formulas and Excel errors, dates, sheets, row numbers."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from joinedup.errors import SourceError
from joinedup.sources.load import SourceLoadResult, load_source
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.xlsx_reader import as_text

FIELDS = {"staff_id": "Staff ID", "name": "Name", "role": "Role", "start_date": "Started",
          "caseload": "Cases", "fte": "FTE"}


def source(**file: Any) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "roster", "system": "HR roster", "service": "workforce",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": "roster.xlsx", "format": "xlsx", "date_format": "%d/%m/%Y", **file,
                   "targets": [{"entity": "practitioner", "fields": FIELDS}]}],
    })


def workbook(path: Path, rows: list[list[Any]], *, cached: dict[str, str] | None = None,
             title: str = "Staff", header_row: int = 1) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    book.create_sheet("Notes").append(["nothing to see"])
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=header_row + offset, column=column, value=value)
    book.save(path)
    if cached:
        # openpyxl never calculates; write the value Excel would have saved with the formula.
        with zipfile.ZipFile(path) as src:
            parts = {name: src.read(name) for name in src.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for formula, value in cached.items():
            xml = xml.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as dst:
            for name, data in parts.items():
                dst.writestr(name, data)


HEADER = ["Staff ID", "Name", "Role", "Started", "Cases", "FTE"]


def load(folder: Path, **file: Any) -> tuple[duckdb.DuckDBPyConnection, SourceLoadResult]:
    con = duckdb.connect()
    result = load_source(con, source(**file), folder)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    return con, result


def test_values_dates_and_row_numbers(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [
        HEADER,
        ["S1", " Jo Bloggs ", "Social worker", dt.datetime(2020, 4, 1), 12, 1.0],
        [None, None, None, None, None, None],
        ["S2", "Sam Smith", "Family support worker", "15/06/2021", 7.0, 0.6],
    ], header_row=3)
    con, result = load(tmp_path)
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert con.execute(
        "SELECT staff_id, name, start_date, caseload, fte, _row FROM practitioner ORDER BY _row"
    ).fetchall() == [
        ("S1", "Jo Bloggs", dt.date(2020, 4, 1), 12, 1, 4),
        ("S2", "Sam Smith", dt.date(2021, 6, 15), 7, Decimal("0.6"), 6)]


def test_formulas_read_as_their_saved_values(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [
        HEADER,
        ["S1", "Jo", "Social worker", "01/04/2020", "=10+2", 1],
        ["S2", "Sam", "Social worker", "01/04/2020", "=3+4", 1],
        ["S3", "Al", "Social worker", "01/04/2020", 5, "#N/A"],
    ], cached={"10+2": "12"})
    con, result = load(tmp_path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 2)
    assert con.execute("SELECT staff_id, caseload FROM practitioner").fetchall() == [("S1", 12)]
    problems = con.execute("SELECT row, field, value, reason FROM quarantine ORDER BY row"
                           ).fetchall()
    assert problems[0][:3] == (3, "Cases", "=3+4")
    assert "E3 holds a formula with no saved value" in problems[0][3]
    assert problems[1][0] == 4 and "F4 holds the Excel error #N/A" in problems[1][3]


def test_an_unused_column_with_a_formula_does_not_matter(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [
        [*HEADER, "Scratch"], ["S1", "Jo", "Social worker", "01/04/2020", 3, 1, "=A2"]])
    _, result = load(tmp_path)
    assert result.rows_loaded == 1


def test_sheets_are_chosen_by_name(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [HEADER, ["S1", "Jo", "SW", "01/04/2020", 3, 1]],
             title="Staff")
    _, result = load(tmp_path, sheet="Staff")
    assert result.rows_loaded == 1
    with pytest.raises(SourceError, match=r"no sheet 'Team'; its sheets are \['Staff', 'Notes'\]"):
        load(tmp_path, sheet="Team")


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "roster.xlsx").write_text("Staff ID,Name\nS1,Jo\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"roster.xlsx.*not a readable .xlsx workbook"):
        load(tmp_path)


def test_an_empty_sheet(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [])
    with pytest.raises(SourceError, match="the sheet is empty"):
        load(tmp_path)


def test_header_only_sheet_gives_no_rows(tmp_path: Path) -> None:
    workbook(tmp_path / "roster.xlsx", [HEADER])
    _, result = load(tmp_path)
    assert result.rows_read == 0


@pytest.mark.parametrize(("value", "text"), [
    (None, None), (True, "TRUE"), (12.0, "12"), (0.5, "0.5"), (7, "7"),
    (dt.datetime(2020, 1, 2), "2020-01-02"), (dt.datetime(2020, 1, 2, 3, 4, 5),
                                              "2020-01-02 03:04:05"),
    (dt.date(2020, 1, 2), "2020-01-02"), ("x", "x"),
])
def test_cell_values_as_text(value: Any, text: str | None) -> None:
    assert as_text(value) == text
