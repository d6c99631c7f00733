"""XLSX reader: openpyxl in read-only mode, formulas read as the values Excel last saved.

A formula whose value was never saved (the workbook was written by a tool that does not
calculate) or a cell holding an Excel error (#N/A, #REF!, ...) in a column the mapping uses
cannot be trusted, so its row is quarantined with the cell named. Cells typed as dates arrive
as ISO text, which date fields accept whatever ``date_format`` says.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from joinedup.errors import SourceError
from joinedup.sources.columns import loose
from joinedup.sources.csv_reader import column_names
from joinedup.sources.files import SOURCES_YAML, Fixes, check_readable
from joinedup.sources.raw import RawSource, Reject, arrow_source

_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                 "#GETTING_DATA", "#SPILL!", "#CALC!"}


def as_text(value: Any) -> str | None:
    """A cell value as the text the validation SQL reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _defused(exc: BaseException) -> DefusedXmlException | None:
    """The defusedxml refusal behind an openpyxl error, if any (openpyxl wraps it)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _open(path: Path, shown: str, data_only: bool, fixes: Fixes) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if (refusal := _defused(exc)) is not None:
            raise SourceError(
                f"the workbook's XML uses a DTD or entities ({type(refusal).__name__}), which "
                "Excel never writes and which are refused: they can expand to gigabytes or "
                "read other files. Open the workbook in Excel and save it again as .xlsx.",
                file=shown,
            ) from exc
        raise SourceError(
            f"not a readable .xlsx workbook ({exc}). Save it from Excel as .xlsx "
            f"(not .xls or .csv), or fix {fixes.format}.",
            file=shown,
        ) from exc


def _sheet(workbook: Any, sheet: str | None, shown: str, fixes: Fixes) -> Any:
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise SourceError(
            f"the workbook has no sheet {sheet!r}; its sheets are {workbook.sheetnames}. "
            f"Fix {fixes.sheet}.",
            file=shown,
        )
    return workbook[sheet]


def _has_formulas(path: Path, worksheet: Any) -> bool:
    """Whether the sheet's XML has any <f> element; saves a second parse when it has none."""
    part = getattr(worksheet, "_worksheet_path", None)
    if not isinstance(part, str):
        return True
    with zipfile.ZipFile(path) as archive:
        try:
            with archive.open(part.lstrip("/")) as handle:
                while chunk := handle.read(1 << 20):
                    if b"<f>" in chunk or b"<f " in chunk or b"<x:f" in chunk:
                        return True
        except KeyError:
            return True
    return False


def _rows(path: Path, fm_sheet: str | None, shown: str, fixes: Fixes,
          ) -> Iterator[tuple[int, tuple[Any, ...], tuple[Any, ...] | None]]:
    """(sheet row number, values, formulas or None) for every row."""
    values_book = _open(path, shown, True, fixes)
    try:
        values_sheet = _sheet(values_book, fm_sheet, shown, fixes)
        formula_rows: Iterator[tuple[Any, ...]] | None = None
        formula_book = None
        if _has_formulas(path, values_sheet):
            formula_book = _open(path, shown, False, fixes)
            formula_rows = _sheet(formula_book, fm_sheet, shown, fixes).iter_rows(
                min_row=1, values_only=True)
        try:
            for number, row in enumerate(values_sheet.iter_rows(min_row=1, values_only=True),
                                         start=1):
                formulas = next(formula_rows, None) if formula_rows is not None else None
                yield number, row, formulas
        finally:
            if formula_book is not None:
                formula_book.close()
    finally:
        values_book.close()


def open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, shown: str, *, sheet: str | None,
              used: set[str] | None, fixes: Fixes = SOURCES_YAML) -> RawSource:
    """Read the sheet; ``used`` holds the columns the mapping reads (as ``loose`` names),
    the only ones checked for unsaved formulas and Excel errors (None: every column)."""
    check_readable(path, shown, fixes=fixes)
    header: list[str] | None = None
    names: tuple[str, ...] = ()
    checked: list[int] = []
    rows: list[int] = []
    records: list[tuple[Any, ...]] = []
    rejects: list[Reject] = []
    width = 0
    for number, row, formulas in _rows(path, sheet, shown, fixes):
        if header is None:
            if any(cell is not None and str(cell).strip() for cell in row):
                header = [as_text(cell) or "" for cell in row]
                names = column_names(header)
                checked = [i for i, name in enumerate(names)
                           if used is None or loose(name) in used]
            continue
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
            continue
        problems = _bad_cells(number, row, formulas, names, checked)
        if problems:
            rejects.extend(problems)
            continue
        width = max(width, len(row))
        rows.append(number)
        records.append(row)
    if header is None:
        raise SourceError(
            f"the sheet is empty: an extract needs at least a header row. Check {fixes.sheet}.",
            file=shown,
        )
    # Cells right of the header still count (as column5, ...): nothing in a row is dropped.
    columns = column_names(header + [""] * (width - len(header)))
    values = [[as_text(r[i]) if i < len(r) else None for r in records]
              for i in range(len(columns))]
    return arrow_source(con, path, columns, rows, values, typed_dates=True, rejects=rejects)


def _bad_cells(number: int, row: tuple[Any, ...], formulas: tuple[Any, ...] | None,
               names: tuple[str, ...], checked: list[int]) -> list[Reject]:
    problems: list[Reject] = []
    for index in checked:
        if index >= len(row):
            break
        value = row[index]
        cell = f"{get_column_letter(index + 1)}{number}"
        formula = formulas[index] if formulas is not None and index < len(formulas) else None
        if value is None and isinstance(formula, str) and formula.startswith("="):
            problems.append(Reject(
                row=number, field=names[index], value=formula[:200],
                reason=f"cell {cell} holds a formula with no saved value; open the workbook in "
                "Excel, let it calculate, save, and export again",
                raw=_raw(names, row)))
        elif isinstance(value, str) and value in _EXCEL_ERRORS:
            problems.append(Reject(
                row=number, field=names[index], value=value,
                reason=f"cell {cell} holds the Excel error {value}; fix the formula",
                raw=_raw(names, row)))
    return problems


def _raw(names: tuple[str, ...], row: tuple[Any, ...]) -> str:
    return json.dumps({n: (as_text(v) or "")[:1000] if v is not None else None
                       for n, v in zip(names, row, strict=False)}, ensure_ascii=False)
