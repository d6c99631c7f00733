"""Writing extracts, and remembering for the ground truth which true person each row is about
and which errors were put into it.

Row numbers follow the loader's lineage convention (docs/mappings.md): CSV and XLSX rows are
the line/row a person sees (the header is 1, so the first record is 2), Parquet rows count
from 1, CIN census rows are the position of the <Child> element.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from joinedup.synth.identifiers import break_nhs_check_digit
from joinedup.synth.population import NEVER
from joinedup.synth.records import PersonTable

NEVER_INT = int(NEVER)
Column = Sequence[Any] | NDArray[Any]


def fmt_dates(days: Column, fmt: str) -> list[Any]:
    """Day numbers as text in ``fmt``; NEVER (no date) becomes None."""
    values = np.asarray(days, dtype=np.int64)
    missing = values >= NEVER_INT
    arr = pa.array(np.where(missing, 0, values).astype("datetime64[D]"), type=pa.date32())
    stamps = pc.cast(arr, pa.timestamp("s"))
    texts: list[Any] = pc.strftime(stamps, format=fmt).to_pylist()
    if "%b" in fmt:
        texts = [t.upper() if t else t for t in texts]
    for i in np.flatnonzero(missing):
        texts[int(i)] = None
    return texts


def impossible_date(text: str, fmt: str, rng: np.random.Generator) -> str:
    """A date that cannot exist, written in ``fmt`` (30 February, month 13, day 32)."""
    year = "20" + str(rng.integers(10, 25))
    kind = int(rng.integers(0, 3))
    day, month, mon = (("30", "02", "FEB"), ("15", "13", "FEB"), ("32", "01", "JAN"))[kind]
    if "%b" in fmt:
        day = "30" if kind != 2 else "32"
    return (fmt.replace("%d", day).replace("%m", month).replace("%Y", year)
            .replace("%b", mon).replace("%H", "10").replace("%M", "00"))


@dataclass
class FileInfo:
    source: str
    path: str
    rows: int
    format: str


@dataclass
class Output:
    root: Path
    files: list[FileInfo] = field(default_factory=list)
    truth: dict[str, list[Any]] = field(default_factory=lambda: {
        k: [] for k in ("source", "file", "row", "record_id", "person_id")})
    errors: dict[str, list[Any]] = field(default_factory=lambda: {
        k: [] for k in ("source", "file", "row", "field", "error", "invalid")})
    # What one writer knows that a ground truth file written later needs (the council tax
    # accounts for the single person discount truth); never written to an extract.
    notes: dict[str, Any] = field(default_factory=dict)

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _remember(self, source: str, rel: str, rows: list[int], persons: Column | None,
                  record_ids: Column | None) -> None:
        if persons is None:
            return
        n = len(rows)
        self.truth["source"].extend([source] * n)
        self.truth["file"].extend([rel] * n)
        self.truth["row"].extend(rows)
        ids = [None] * n if record_ids is None else [None if r is None else str(r)
                                                     for r in record_ids]
        self.truth["record_id"].extend(ids)
        self.truth["person_id"].extend(int(p) for p in np.asarray(persons))

    def error(self, source: str, rel: str, row: int, field_name: str, kind: str,
              invalid: bool = False) -> None:
        self.errors["source"].append(source)
        self.errors["file"].append(rel)
        self.errors["row"].append(row)
        self.errors["field"].append(field_name)
        self.errors["error"].append(kind)
        self.errors["invalid"].append(invalid)

    def person_errors(self, table: PersonTable, rel: str, first_row: int = 2) -> None:
        for idx, field_name, kind in table.errors:
            self.error(table.source, rel, idx + first_row, f"person.{field_name}", kind)

    def csv(self, source: str, rel: str, columns: Mapping[str, Column], *,
            persons: Column | None = None, record_ids: Column | None = None,
            encoding: str = "utf-8", delimiter: str = ",", newline: str = "\n") -> None:
        names = list(columns)
        n = len(next(iter(columns.values()))) if columns else 0
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
        writer.writerow(names)
        cols = [[("" if v is None else v) for v in columns[name]] for name in names]
        writer.writerows(zip(*cols, strict=True))
        self._path(rel).write_bytes(buffer.getvalue().encode(encoding))
        self.files.append(FileInfo(source, rel, n, "csv"))
        self._remember(source, rel, list(range(2, n + 2)), persons, record_ids)

    def xlsx(self, source: str, rel: str, sheet: str, columns: Mapping[str, Column], *,
             persons: Column | None = None, record_ids: Column | None = None) -> None:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        names = list(columns)
        n = len(next(iter(columns.values()))) if columns else 0
        ws.append(names)
        cols = [list(columns[name]) for name in names]
        for row in zip(*cols, strict=True):
            ws.append(list(row))
        path = self._path(rel)
        wb.save(path)
        _fix_zip_times(path)
        self.files.append(FileInfo(source, rel, n, "xlsx"))
        self._remember(source, rel, list(range(2, n + 2)), persons, record_ids)

    def parquet(self, source: str, rel: str, table: pa.Table, *,
                persons: Column | None = None, record_ids: Column | None = None) -> None:
        pq.write_table(table, self._path(rel), compression="zstd")
        self.files.append(FileInfo(source, rel, table.num_rows, "parquet"))
        self._remember(source, rel, list(range(1, table.num_rows + 1)), persons, record_ids)

    def raw(self, source: str, rel: str, data: bytes, rows: int, fmt: str, *,
            persons: Column | None = None, record_ids: Column | None = None,
            row_numbers: list[int] | None = None) -> None:
        self._path(rel).write_bytes(data)
        self.files.append(FileInfo(source, rel, rows, fmt))
        numbers = row_numbers if row_numbers is not None else list(range(1, rows + 1))
        self._remember(source, rel, numbers, persons, record_ids)


def _fix_zip_times(path: Path) -> None:
    """Rewrite an xlsx so its zip entries carry a fixed timestamp: same seed, same bytes."""
    import zipfile

    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core_props(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    path.write_bytes(out.getvalue())


def _fixed_core_props(content: bytes) -> bytes:
    import re

    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                  rb"\g<1>2026-01-01T00:00:00Z\g<3>", content)


def invalidate_nhs(values: list[Any], rate: float, rng: np.random.Generator,
                   ) -> list[int]:
    """Break the check digit of a share of NHS numbers; returns the indices changed."""
    changed = []
    for i in np.flatnonzero(rng.random(len(values)) < rate):
        value = values[int(i)]
        if value:
            values[int(i)] = break_nhs_check_digit(value)
            changed.append(int(i))
    return changed


def invalidate_dates(values: list[Any], fmt: str, rate: float,
                     rng: np.random.Generator) -> list[int]:
    changed = []
    for i in np.flatnonzero(rng.random(len(values)) < rate):
        if values[int(i)]:
            values[int(i)] = impossible_date(str(values[int(i)]), fmt, rng)
            changed.append(int(i))
    return changed
