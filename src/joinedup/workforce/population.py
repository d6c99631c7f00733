"""Child population (0 to 17) for rates per 10,000 children, projected five years ahead.

There are no ONS sub-national population projections in the reference data (only mid-year
estimates, 2012 to 2024), so the projection here is joinedup's own and says so in its label:
a straight line fitted by least squares to the last ``fit_years`` mid-year estimates, carried
forward. Five years of a child population rarely bend far from a recent line, and a line is
easy to check by hand; when a council has the ONS or its own projection, pass that instead
(:func:`given_population`).

Period convention: the mid-year estimate for 30 June Y sits on the reporting year starting
1 April Y (``date(Y, 4, 1)``), as in DfE's rates per 10,000 children. A month uses the
population of the reporting year it falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from joinedup.workforce.series import Series, period_start, shift, steps_between

TREND_LABEL = ("joinedup trend projection of ONS mid-year estimates (least-squares line "
               "through the last {years} years; not an ONS projection)")
SYNTHETIC_LABEL = "synthetic population (no reference data): held flat"


@dataclass(frozen=True, slots=True)
class Population:
    """Child population by reporting year (estimates then projection) and where it came from."""

    area: str
    by_year: dict[date, float]  # reporting-year start -> children aged 0 to 17
    last_estimate: date | None  # the last year that is an estimate, not a projection
    label: str

    def at(self, period: date) -> float:
        """Population for the reporting year containing ``period`` (nearest year outside)."""
        year = period_start(period, "year")
        if year in self.by_year:
            return self.by_year[year]
        nearest = min(self.by_year, key=lambda known: abs(steps_between(known, year, "year")))
        return self.by_year[nearest]

    def projected(self, period: date) -> bool:
        """Whether ``period`` falls after the last estimate (a projected figure)."""
        return self.last_estimate is None or period_start(period, "year") > self.last_estimate


def project_population(estimates: Series, horizon_years: int = 6, *,
                       fit_years: int = 5) -> Population:
    """Estimates plus a straight-line projection ``horizon_years`` beyond the last estimate.

    A projection that would fall below zero (a collapsing trend on tiny numbers) is held at
    the last estimate instead; the label says so.
    """
    if estimates.freq != "year":
        raise ValueError("population estimates must be an annual series (one per mid-year)")
    if not estimates.values:
        raise ValueError(f"no population estimates for {estimates.area}")
    periods = estimates.periods()
    by_year = dict(zip(periods, estimates.values, strict=True))
    used = min(fit_years, len(estimates.values))
    y = np.asarray(estimates.values[-used:], dtype=np.float64)
    x = np.arange(used, dtype=np.float64)
    slope, intercept = np.polyfit(x, y, 1) if used >= 2 else (0.0, float(y[-1]))
    future = [float(intercept + slope * (used - 1 + k)) for k in range(1, horizon_years + 1)]
    label = TREND_LABEL.format(years=used)
    if min(future, default=1.0) <= 0:
        future = [float(y[-1])] * horizon_years
        label = "last ONS mid-year estimate held flat (the trend fell below zero)"
    for k, value in enumerate(future, start=1):
        by_year[shift(estimates.start, "year", len(estimates.values) - 1 + k)] = value
    return Population(estimates.area, by_year, periods[-1], label)


def given_population(area: str, by_year: Mapping[date, float], label: str) -> Population:
    """A population supplied by the caller (an ONS or local projection), labelled as such."""
    if not by_year or min(by_year.values()) <= 0:
        raise ValueError(f"population for {area} must have at least one year, all above 0")
    return Population(area, {period_start(k, "year"): float(v) for k, v in by_year.items()},
                      None, label)


def flat_population(area: str, children: float, start: date, years: int = 12) -> Population:
    """A constant population, for synthetic runs without reference data (labelled so)."""
    first = period_start(start, "year")
    return Population(area, {shift(first, "year", k): float(children) for k in range(years)},
                      None, SYNTHETIC_LABEL)
