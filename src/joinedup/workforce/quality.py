"""Flag (never smooth) suspect figures in published or extracted demand series.

A council planning its workforce needs to know when a figure it is about to forecast from is
probably a recording change rather than real demand: Liverpool's referrals falling by a third
in one year and doubling the next, or a caseload halving. These checks list such figures with
the reason; the series itself is left exactly as published.

Checks (each finding names the area, measure, period and both values):

* ``jump``: a change from one period to the next of at least ``jump`` (default 30%) either way
  (a halving is -50%, a doubling +100%), ignoring small numbers (both below ``floor``);
* ``spike``: a figure at least ``jump`` away from the mean of the periods either side, in the
  opposite direction to both (a one-year dip or peak, e.g. Liverpool's 2022-23 referrals);
* ``zero``: a zero between non-zero figures (often a missing return recorded as 0);
* ``filled``: periods that were missing and filled (taken from the series' notes by the
  caller, see :func:`joinedup.workforce.series.fill_gaps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from joinedup.workforce.series import Series, label


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspect figure."""

    area: str
    need: str
    period: date
    kind: str
    value: float
    previous: float | None
    message: str


def _change(before: float, after: float) -> float:
    return (after - before) / before if before else float("inf")


def _spike(before: float, middle: float, after: float, jump: float, floor: float) -> bool:
    neighbours = (before + after) / 2
    if neighbours < floor or middle == 0 or (middle - before) * (after - middle) >= 0:
        return False
    return abs(middle - neighbours) / neighbours >= jump


def check_series(series: Series, *, jump: float = 0.3, floor: float = 10.0) -> list[Finding]:
    """Suspect figures in one series (see the module docstring)."""
    values = series.values
    periods = series.periods()
    found: list[Finding] = []

    def big(i: int) -> bool:
        before, after = values[i - 1], values[i]
        if max(before, after) < floor or before == 0 or after == 0:
            return False
        return abs(_change(before, after)) >= jump

    for i in range(1, len(values)):
        when = label(periods[i], series.freq)
        before, after = values[i - 1], values[i]
        if big(i):
            pct = _change(before, after) * 100
            word = "halved or worse" if after <= before / 2 else (
                "doubled or more" if after >= before * 2 else ("rose" if pct > 0 else "fell"))
            found.append(Finding(series.area, series.need, periods[i], "jump", after, before,
                                 f"{series.area} {series.need} {when}: {before:g} -> {after:g} "
                                 f"({pct:+.0f}%, {word}); check for a recording change "
                                 "before planning on it"))
        if i + 1 < len(values) and _spike(before, after, values[i + 1], jump, floor):
            found.append(Finding(series.area, series.need, periods[i], "spike", after,
                                 before, f"{series.area} {series.need} {when}: {after:g} is "
                                 f"out of line with the periods either side ({before:g}, "
                                 f"{values[i + 1]:g}); check it before planning on it"))
        if (after == 0 and before > 0 and i + 1 < len(values) and values[i + 1] > 0):
            found.append(Finding(series.area, series.need, periods[i], "zero", after, before,
                                 f"{series.area} {series.need} {when}: 0 between "
                                 f"{before:g} and {values[i + 1]:g}; often a missing return "
                                 "recorded as 0"))
    return found


def check_all(series: Iterable[Series], *, jump: float = 0.3,
              floor: float = 10.0) -> list[Finding]:
    """Findings for many series, in area, measure and period order."""
    found = [f for s in series for f in check_series(s, jump=jump, floor=floor)]
    return sorted(found, key=lambda f: (f.area, f.need, f.period, f.kind))


def filled_findings(notes: Iterable[str]) -> list[str]:
    """The notes that record filled (missing) periods, for listing beside the findings."""
    return [note for note in notes if "no count for" in note]
