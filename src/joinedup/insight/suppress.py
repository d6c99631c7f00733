"""Small-number suppression of dashboard figures for roles without record-level access,
with the open data portal's disclosure control (`joinedup.opendata.disclosure`).

- Count measures (unit ``count``): each column of a table is a set of counts by the table's
  rows, whose total is published elsewhere (another table, a headline): protected with
  `protect_counts`, so counts from 1 to threshold - 1 are hidden and further cells are
  hidden until no hidden count can be recovered from the total (secondary suppression).
- Ratios: hidden when their denominator is from 1 to threshold - 1 (a percentage of 3
  children tells about each of them).
- Headlines: a count or a ratio's denominator in that range is hidden.

Hidden figures become ``HIDDEN`` ("c", as DfE marks confidential cells).
"""

from __future__ import annotations

from dataclasses import replace

from joinedup.insight.query import DENOMINATOR, HeadlineResult, TableResult
from joinedup.opendata.disclosure import DisclosureRule, protect_counts

HIDDEN = "c"


def _small(value: float | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def suppress_table(result: TableResult, threshold: int) -> TableResult:
    rows = [dict(r) for r in result.rows]
    rule = DisclosureRule(threshold=threshold)
    for column in result.columns:
        if column.unit == "count" and rows:
            counts = [round(float(r[column.key] or 0)) for r in rows]
            if not any(0 < c < threshold for c in counts):
                continue  # nothing to hide, so nothing to hide it with: skip the LP
            protected = protect_counts(counts, rule)
            for row, value in zip(rows, protected.counts, strict=True):
                if value is None:
                    row[column.key] = HIDDEN
        elif column.unit != "text":
            for row in rows:
                if _small(row.get(column.key + DENOMINATOR), threshold):
                    row[column.key] = HIDDEN
    return replace(result, rows=rows)


def suppress_headline(result: HeadlineResult, threshold: int) -> HeadlineResult:
    small = _small(result.denominator, threshold) if result.unit != "count" else \
        _small(result.value, threshold)
    if not small:
        return result
    return replace(result, value=None, previous=None, rag=None, hidden=True)


def suppress_areas(values: dict[str, float | None], count: bool,
                   denominators: dict[str, float | None], threshold: int) -> set[str]:
    """The areas of one map level whose figure must be hidden (their parent's total is
    published one level up, so counts are protected as counts with a total)."""
    codes = sorted(values)
    if count and any(_small(values[c], threshold) for c in codes):
        protected = protect_counts([round(float(values[c] or 0)) for c in codes],
                                   DisclosureRule(threshold=threshold))
        return {c for c, v in zip(codes, protected.counts, strict=True) if v is None}
    if count:
        return set()
    return {c for c in codes if _small(denominators.get(c), threshold)}
