"""Demand history from a plain CSV of counts, so any council or region can plan without the
joinedup pipeline.

Columns (a header row, any order, names case-insensitive):

========  =========  =============================================================
column    required   meaning
========  =========  =============================================================
area      yes        team, ward, council or region name
period    yes        ``2024-03`` or ``2024-03-01`` (a month), or ``2023-24`` or
                     ``202324`` (the DfE reporting year 1 April 2023 to 31 March 2024)
need      yes        need class, e.g. ``referral`` (any name; see needs.yaml for ours)
count     yes        a number of at least 0; empty means "not reported"
parent    no         the area this one adds up to (team -> council -> region)
========  =========  =============================================================

Every period in a file has the same frequency. A bad row stops the read with a SourceError
naming the file, the row (the line number, the header being line 1) and the field. Periods
missing between an area's first and last are filled by linear interpolation, as are empty
counts, and each fill is listed in the notes: a CSV of counts is usually published figures,
where a missing period means "not reported", not "none".
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from joinedup.errors import SourceError
from joinedup.workforce.demand import DemandHistory, fill_series
from joinedup.workforce.series import Freq

REQUIRED = ("area", "period", "need", "count")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
_YEAR = re.compile(r"^(\d{4})-?(\d{2})$")


def parse_period(text: str) -> tuple[Freq, date]:
    """A period cell as (frequency, period start); ValueError saying what is accepted."""
    value = text.strip()
    month = _MONTH.match(value)
    if month and 1 <= int(month.group(2)) <= 12 and "-" in value:
        return "month", date(int(month.group(1)), int(month.group(2)), 1)
    year = _YEAR.match(value)
    if year:
        first = int(year.group(1))
        if (first + 1) % 100 == int(year.group(2)):
            return "year", date(first, 4, 1)
    raise ValueError(f"period {text!r} is not a month (2024-03) or a reporting year "
                     "(2023-24 or 202324)")


def _count(text: str) -> float | None:
    value = text.strip().replace(",", "")
    if value == "":
        return None
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError("not a finite number")
    return number


def header_columns(path: Path, fields: Sequence[str] | None, required: Sequence[str],
                   must_name: str) -> dict[str, str]:
    """A CSV header's columns by lower-case name; a SourceError on row 1 naming the first
    missing required column, and saying what the header `must_name`."""
    names = {name.strip().lower(): name for name in fields or []}
    missing = [column for column in required if column not in names]
    if missing:
        raise SourceError(f"missing column(s) {', '.join(missing)}; the header must name "
                          f"{must_name}", file=str(path), row=1, field=missing[0])
    return names


def _header(path: Path, fields: Sequence[str] | None) -> dict[str, str]:
    return header_columns(path, fields, REQUIRED,
                          "area, period, need and count (parent is optional)")


def read_counts(path: Path) -> DemandHistory:
    """Read a CSV of counts into demand series and the area tree (see the module docstring)."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SourceError(f"cannot open the counts file ({exc}); check the path",
                          file=str(path)) from exc
    counts: dict[tuple[str, str], dict[date, float | None]] = defaultdict(dict)
    parents: dict[str, str] = {}
    freq: Freq | None = None
    with handle:
        reader = csv.DictReader(handle)
        names = _header(path, reader.fieldnames)
        for line, row in enumerate(reader, start=2):
            def cell(column: str, _row: dict[str, str | None] = row) -> str:
                return (_row.get(names[column]) or "").strip() if column in names else ""

            def fail(message: str, column: str, _line: int = line) -> SourceError:
                return SourceError(message, file=str(path), row=_line, field=column)

            area, need = cell("area"), cell("need")
            if not area:
                raise fail("area is empty; name the team, ward, council or region", "area")
            if not need:
                raise fail("need is empty; name the need class (e.g. referral)", "need")
            try:
                kind, period = parse_period(cell("period"))
            except ValueError as exc:
                raise fail(str(exc), "period") from exc
            if freq is None:
                freq = kind
            elif kind != freq:
                raise fail(f"a {kind} period in a file of {freq} periods; put monthly and "
                           "annual counts in separate files", "period")
            try:
                value = _count(cell("count"))
            except ValueError as exc:
                raise fail(f"count {cell('count')!r} is not a number ({exc})", "count") from exc
            if value is not None and value < 0:
                raise fail(f"count {value:g} is negative; counts are 0 or more", "count")
            if period in counts[(area, need)]:
                raise fail(f"a second count for {area}, {need}, {cell('period')}; give each "
                           "area, need and period once", "period")
            counts[(area, need)][period] = value
            parent = cell("parent")
            if parent:
                if parents.get(area, parent) != parent:
                    raise fail(f"area {area!r} is given parents {parents[area]!r} and "
                               f"{parent!r}; an area adds up to one parent only", "parent")
                if parent == area:
                    raise fail(f"area {area!r} cannot be its own parent", "parent")
                parents[area] = parent
    if freq is None:
        raise SourceError("no rows after the header; add counts", file=str(path), row=2)
    notes: list[str] = []
    series = [fill_series(area, need, freq, by_period, notes, zero_missing=False)
              for (area, need), by_period in sorted(counts.items())]
    return DemandHistory(tuple(series), parents, tuple(notes), f"counts file {path.name}")
