"""Disclosure control applied to a dataset's rows, as its declaration says.

A dataset's rows are long: dimensions (``by``, e.g. the year), an area, and counts. For each
value of ``by``, each declared table is a table of areas (rows) by parts (columns):

- parts are counts of different people that add up to ``total`` (within 20 weeks and the
  rest make the plans issued). When the parts do not add up to the total, the remainder is a
  hidden part of its own: a reader can subtract, so it is protected as if published;
- the column totals are the parts for all areas together, published as an extra row
  (``area_total_label``), and the grand total is that row's total.

One part without a total is a one-dimensional table of areas with the all-areas total.
Rates are computed afterwards from the published (protected, rounded) counts only, and are
hidden when either count is, so they reveal nothing the counts do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from joinedup.errors import DisclosureError
from joinedup.opendata.disclosure import (
    DisclosureRule,
    protect_counts,
    protect_table,
    refuse_record_level,
)
from joinedup.opendata.spec import CountTable, DatasetSpec

Row = dict[str, Any]
ALL_AREAS = "ALL"


def protect_rows(spec: DatasetSpec, rows: Sequence[Row]) -> list[Row]:
    """The rows as published: checked, protected and with their rates."""
    refuse_record_level({k for r in rows for k in r}, what=f"dataset {spec.name!r}")
    d = spec.disclosure
    if d.already_published:
        return [dict(r) for r in rows]
    area = d.area
    assert area is not None  # checked when the declaration is loaded
    covered = {p for t in d.tables for p in (*t.parts, t.total) if p} | set(d.rates)
    loose = [m for m in spec.measures if m not in covered]
    if loose:
        raise DisclosureError(
            f"dataset {spec.name!r}: the measures {', '.join(loose)} are in no disclosure "
            "table, so nothing would protect them. Add them to disclosure.tables (as a part "
            "or a total) or to disclosure.rates.")
    rule = DisclosureRule(threshold=d.threshold, rounding=d.rounding)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row[b] for b in d.by), []).append(dict(row))
    published: list[Row] = []
    for key, members in groups.items():
        areas = sorted(members, key=lambda r: str(r[area]))
        codes = [r[area] for r in areas]
        if len(set(codes)) != len(codes):
            raise DisclosureError(
                f"dataset {spec.name!r}: more than one row for an area within "
                f"{dict(zip(d.by, key, strict=True))}; group the source by "
                f"{', '.join([*d.by, area])} only.")
        total_row: Row = dict(zip(d.by, key, strict=True)) | {area: ALL_AREAS}
        if spec.geography and spec.geography.name_column:
            total_row[spec.geography.name_column] = d.area_total_label
        for table in d.tables:
            _protect_one(spec.name, table, areas, total_row, rule)
        published.extend([*areas, total_row])
    for row in published:
        for name, rate in d.rates.items():
            num, den = row.get(rate.numerator), row.get(rate.denominator)
            row[name] = (round(num / den * rate.per, 1)
                         if num is not None and den not in (None, 0) else None)
    return published


def _protect_one(dataset: str, table: CountTable, areas: list[Row], total_row: Row,
                 rule: DisclosureRule) -> None:
    parts = list(table.parts)
    matrix = [[_count(dataset, r, p) for p in parts] for r in areas]
    if table.total is not None:
        totals = [_count(dataset, r, table.total) for r in areas]
        remainders = [t - sum(cells) for t, cells in zip(totals, matrix, strict=True)]
        if any(x < 0 for x in remainders):
            raise DisclosureError(
                f"dataset {dataset!r}: {table.total} is less than the sum of "
                f"{', '.join(parts)} in some rows; a total must count everyone in its parts.")
        if any(remainders):
            matrix = [[*cells, rest] for cells, rest in zip(matrix, remainders, strict=True)]
    if len(parts) == 1 and table.total is None:
        one = protect_counts([cells[0] for cells in matrix], rule)
        for r, value in zip(areas, one.counts, strict=True):
            r[parts[0]] = value
        total_row[parts[0]] = one.total
        return
    protected = protect_table(matrix, rule)
    for r, cells, row_total in zip(areas, protected.cells, protected.row_totals, strict=True):
        r.update(zip(parts, cells[: len(parts)], strict=True))
        if table.total is not None:
            r[table.total] = row_total
    total_row.update(zip(parts, protected.column_totals[: len(parts)], strict=True))
    if table.total is not None:
        total_row[table.total] = protected.total


def _count(dataset: str, row: Row, column: str) -> int:
    value = row.get(column)
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DisclosureError(f"dataset {dataset!r}: {column} = {value!r} is not a count of "
                              "people; only whole numbers of 0 or more can be protected.")
    return value
