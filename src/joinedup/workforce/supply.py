"""Supply: monthly stock and flow of a role's FTE, by seniority (first year / experienced).

Each month, for permanent staff:

* leavers: ``stock × m(turnover − retirement)`` and retirements ``stock × m(retirement)``, where
  ``m(r) = 1 − (1 − r)^(1/12)`` turns an annual rate into a monthly one (published turnover
  counts every leaver, retirements included, so retirements are a part of it, not extra);
* pipeline: newly qualified, apprentices and step-up graduates join as first-year staff, spread
  evenly over the year; first-year staff become experienced after twelve months (1/12 a month);
* agency conversion: ``agency × m(conversion)`` move to permanent posts;
* hires: experienced recruits, at most the market allows (``hires_per_year ÷ 12``) and no more
  than the posts left empty after the other flows;
* vacancies: ``max(establishment − permanent, 0)``; agency staff cover ``agency_cover`` of them.

The available supply is ``(permanent + agency) × (1 − absence)``. Every argument broadcasts, so
one call simulates many runs at once (turnover and hires varying by run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.errors import ConfigError

Array = NDArray[np.float64]


def monthly_rate(annual: Array | float) -> Array:
    """The monthly rate that compounds to ``annual`` over twelve months."""
    rate = np.clip(np.asarray(annual, dtype=np.float64), 0.0, 0.999999)
    return np.asarray(1.0 - (1.0 - rate) ** (1.0 / 12.0))


@dataclass(frozen=True, slots=True)
class SupplyStart:
    """A role's workforce at the start of the plan and the rates that move it."""

    role: str
    permanent_fte: float
    first_year_fte: float
    agency_fte: float
    turnover: float
    retirement: float
    hires_per_year: float
    pipeline_per_year: float  # newly qualified + apprentices + step-up
    agency_conversion: float
    agency_cover: float
    absence: float

    def __post_init__(self) -> None:
        for name in ("permanent_fte", "first_year_fte", "agency_fte", "hires_per_year",
                     "pipeline_per_year"):
            if getattr(self, name) < 0:
                raise ConfigError(f"supply.{self.role}.{name} is negative "
                                  f"({getattr(self, name)}); it must be 0 or more.")
        for name in ("turnover", "retirement", "absence"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(f"supply.{self.role}.{name} is {getattr(self, name)}; "
                                  "it must be at least 0 and less than 1 (a share, 0.15 = 15%).")
        for name in ("agency_conversion", "agency_cover"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"supply.{self.role}.{name} is {getattr(self, name)}; "
                                  "it must be between 0 and 1.")
        if self.first_year_fte > self.permanent_fte:
            raise ConfigError(f"supply.{self.role}.first_year_fte is more than permanent_fte.")


@dataclass(frozen=True, slots=True)
class SupplyPath:
    """Month-end figures, each shaped like the establishment (…, months)."""

    permanent: Array
    first_year: Array
    agency: Array
    hires: Array
    pipeline: Array
    conversions: Array
    leavers: Array
    retirements: Array
    vacancies: Array
    available: Array  # (permanent + agency) × (1 − absence)

    @property
    def starters(self) -> Array:
        """Everyone joining permanent posts: hires, pipeline and agency conversions."""
        return self.hires + self.pipeline + self.conversions

    @property
    def first_year_share(self) -> Array:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(self.permanent > 0, self.first_year / self.permanent, 0.0)
        return np.asarray(share)


def project_supply(start: SupplyStart, establishment: Array, *,
                   turnover: Array | float | None = None,
                   hires_factor: Array | float = 1.0) -> SupplyPath:
    """Stock and flow over the months of ``establishment`` (shape (…, months)).

    ``turnover`` and ``hires_factor`` may be arrays over simulation runs, shape (runs,), with an
    establishment of shape (months,) or (runs, months).
    """
    need = np.asarray(establishment, dtype=np.float64)
    annual_turnover = np.asarray(start.turnover if turnover is None else turnover,
                                 dtype=np.float64)
    factor = np.asarray(hires_factor, dtype=np.float64)
    batch = np.broadcast_shapes(need.shape[:-1], annual_turnover.shape, factor.shape)
    need = np.broadcast_to(need, batch + need.shape[-1:])
    leave_m = np.broadcast_to(monthly_rate(np.maximum(annual_turnover - start.retirement, 0.0)),
                              batch)
    retire_m = monthly_rate(start.retirement)
    convert_m = monthly_rate(start.agency_conversion)
    hire_cap = np.broadcast_to(start.hires_per_year / 12.0 * np.maximum(factor, 0.0), batch)
    pipeline = start.pipeline_per_year / 12.0
    months = need.shape[-1]
    first = np.full(batch, start.first_year_fte, dtype=np.float64)
    experienced = np.full(batch, start.permanent_fte - start.first_year_fte, dtype=np.float64)
    agency = np.full(batch, start.agency_fte, dtype=np.float64)
    out = {name: np.zeros(need.shape) for name in SupplyPath.__dataclass_fields__}
    for m in range(months):
        leavers = (first + experienced) * leave_m
        retirements = experienced * retire_m
        conversions = agency * convert_m
        progressed = first / 12.0
        first = first * (1.0 - leave_m) - progressed + pipeline
        experienced = experienced * (1.0 - leave_m - retire_m) + progressed + conversions
        room = np.maximum(need[..., m] - first - experienced, 0.0)
        hires = np.minimum(hire_cap, room)
        experienced = experienced + hires
        permanent = first + experienced
        vacancies = np.maximum(need[..., m] - permanent, 0.0)
        agency = vacancies * start.agency_cover
        for name, value in (("permanent", permanent), ("first_year", first), ("agency", agency),
                            ("hires", hires), ("pipeline", np.broadcast_to(pipeline, first.shape)),
                            ("conversions", conversions), ("leavers", leavers),
                            ("retirements", retirements), ("vacancies", vacancies),
                            ("available", (permanent + agency) * (1.0 - start.absence))):
            out[name][..., m] = value
    return SupplyPath(**out)
