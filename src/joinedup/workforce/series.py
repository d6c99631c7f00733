"""A demand series: counts for one area and need class, at a monthly or annual frequency.

Period convention (``start`` is the first period):

* ``"month"``: the 1st of the calendar month, e.g. ``date(2024, 3, 1)`` is March 2024.
* ``"year"``: the English reporting year that *starts* on 1 April, e.g. ``date(2023, 4, 1)``
  is 2023-24 (1 April 2023 to 31 March 2024). ``joinedup.reference`` calls that year 2024 (the
  year it ends in); :func:`reporting_year_start` converts.

A count is a float so that rates, FTE and reconciled (fractional) forecasts fit the same type.
Missing periods have no place in a Series: builders fill them and say how (see
:func:`fill_gaps`), so ``values[i]`` is always the period ``i`` steps after ``start``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Freq = Literal["month", "year"]

# Periods per seasonal cycle: monthly demand has a yearly pattern; annual data has none.
SEASON: dict[str, int] = {"month": 12, "year": 1}


def reporting_year_start(year_ending: int) -> date:
    """The Series period of the DfE reporting year ending 31 March ``year_ending``."""
    return date(year_ending - 1, 4, 1)


def shift(start: date, freq: Freq, steps: int) -> date:
    """The period ``steps`` periods after ``start`` (negative goes back)."""
    if freq == "year":
        return date(start.year + steps, start.month, 1)
    index = start.year * 12 + (start.month - 1) + steps
    return date(index // 12, index % 12 + 1, 1)


def steps_between(first: date, later: date, freq: Freq) -> int:
    """How many periods ``later`` is after ``first`` (both on period starts)."""
    if freq == "year":
        return later.year - first.year
    return (later.year - first.year) * 12 + (later.month - first.month)


def period_start(day: date, freq: Freq) -> date:
    """The start of the period that contains ``day``."""
    if freq == "month":
        return date(day.year, day.month, 1)
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


@dataclass(frozen=True, slots=True)
class Series:
    """Counts for one ``area`` and ``need`` class, one value per period from ``start``."""

    area: str
    need: str
    freq: Freq
    start: date
    values: tuple[float, ...]

    def periods(self) -> list[date]:
        """The date of each value's period (see the module docstring for the convention)."""
        return [shift(self.start, self.freq, i) for i in range(len(self.values))]

    @property
    def season(self) -> int:
        """Periods per seasonal cycle: 12 for months, 1 (no seasonality) for years."""
        return SEASON[self.freq]

    @property
    def end(self) -> date:
        """The last period with a value (``start`` when the series is empty)."""
        return shift(self.start, self.freq, max(len(self.values) - 1, 0))

    def future_periods(self, horizon: int) -> list[date]:
        """The ``horizon`` periods after the last one."""
        n = len(self.values)
        return [shift(self.start, self.freq, n + i) for i in range(horizon)]

    def with_values(self, values: tuple[float, ...] | list[float]) -> Series:
        """The same area, need, frequency and start with other values."""
        return Series(self.area, self.need, self.freq, self.start, tuple(float(v) for v in values))

    def tail(self, count: int) -> Series:
        """The last ``count`` periods."""
        count = min(count, len(self.values))
        skip = len(self.values) - count
        return Series(self.area, self.need, self.freq, shift(self.start, self.freq, skip),
                      self.values[skip:])


@dataclass(frozen=True, slots=True)
class Filled:
    """A gap-free series built from dated counts, with what was done to make it so."""

    series: Series
    notes: tuple[str, ...]


def fill_gaps(area: str, need: str, freq: Freq, counts: Mapping[date, float | None], *,
              zero_missing: bool) -> Filled:
    """A Series from counts keyed by period start, filling periods without a count.

    ``zero_missing=True`` is for event counts from a complete extract (the warehouse): a month
    with no events had none, so it is 0. ``zero_missing=False`` is for published figures and
    CSVs, where a missing period means "not reported": it is filled by linear interpolation
    between its neighbours (the nearest value at the ends), and the note names the periods.
    """
    if not counts:
        return Filled(Series(area, need, freq, date(1970, 1, 1), ()), ("no data",))
    keys = sorted(counts)
    first, last = keys[0], keys[-1]
    size = steps_between(first, last, freq) + 1
    raw: list[float | None] = [None] * size
    for key, value in counts.items():
        if value is not None and not math.isnan(value):
            raw[steps_between(first, key, freq)] = float(value)
    missing = [i for i, v in enumerate(raw) if v is None]
    if not missing:
        return Filled(Series(area, need, freq, first, tuple(v or 0.0 for v in raw)), ())
    known = [i for i, v in enumerate(raw) if v is not None]
    names = ", ".join(label(shift(first, freq, i), freq) for i in missing[:6])
    more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
    if zero_missing or not known:
        filled = [v if v is not None else 0.0 for v in raw]
        note = f"{area} {need}: no count for {names}{more}; taken as 0"
    else:
        filled = _interpolate(raw, known)
        note = f"{area} {need}: no count for {names}{more}; filled by linear interpolation"
    return Filled(Series(area, need, freq, first, tuple(filled)), (note,))


def _interpolate(raw: list[float | None], known: list[int]) -> list[float]:
    out: list[float] = []
    for i, value in enumerate(raw):
        if value is not None:
            out.append(value)
            continue
        before = [k for k in known if k < i]
        after = [k for k in known if k > i]
        if not before:
            out.append(_at(raw, after[0]))
        elif not after:
            out.append(_at(raw, before[-1]))
        else:
            lo, hi = before[-1], after[0]
            weight = (i - lo) / (hi - lo)
            out.append(_at(raw, lo) + weight * (_at(raw, hi) - _at(raw, lo)))
    return out


def _at(raw: list[float | None], index: int) -> float:
    value = raw[index]
    return 0.0 if value is None else value


def label(period: date, freq: Freq) -> str:
    """A period as people write it: ``2024-03`` for a month, ``2023-24`` for a year."""
    if freq == "month":
        return period.strftime("%Y-%m")
    return f"{period.year}-{str(period.year + 1)[2:]}"
