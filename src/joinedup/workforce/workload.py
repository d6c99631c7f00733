"""Workload and required FTE from new and open cases.

Hours a week for a case class are ``new cases a week × start-up hours + open cases × weekly
hours``, where weekly hours never fall below the statutory visiting floor (visit hours ÷ weeks
between visits). FTE are ``hours ÷ (contract hours × (1 − shrinkage))``. For the role that holds
cases under a cap, the FTE is also at least ``open cases ÷ blended cap`` (first-year
practitioners carry a lower cap), and whichever is larger is required.

Inputs may be numbers or numpy arrays (months, simulation runs): the arithmetic broadcasts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.workforce.assumptions import Assumptions, Caseload, CaseNorm, Staffing

Array = NDArray[np.float64]
WEEKS_PER_MONTH = 52.0 / 12.0


def class_hours(new_per_week: Array | float, open_cases: Array | float, norm: CaseNorm) -> Array:
    """Weekly hours for one case class: new × start-up hours + open × weekly hours (floored)."""
    return np.asarray(new_per_week * norm.startup_hours
                      + open_cases * norm.effective_weekly_hours, dtype=np.float64)


def statutory_hours(new_per_week: Array | float, open_cases: Array | float,
                    norm: CaseNorm) -> Array:
    """Weekly hours the statutory minimum needs: start-up plus visits at the statutory interval.

    Classes with no statutory clock need none.
    """
    if norm.visit_every_weeks is None:
        return np.zeros_like(np.asarray(open_cases, dtype=np.float64))
    return np.asarray(new_per_week * norm.startup_hours + open_cases * norm.floor_weekly_hours,
                      dtype=np.float64)


def fte_for_hours(hours: Array | float, staffing: Staffing) -> Array:
    """FTE = hours ÷ (contract hours × (1 − shrinkage))."""
    return np.asarray(hours, dtype=np.float64) / staffing.productive_hours


def blended_cap(caseload: Caseload, first_year_share: Array | float) -> Array:
    """Cases one case-holding FTE may carry, given the share of FTE in their first year."""
    share = np.clip(np.asarray(first_year_share, dtype=np.float64), 0.0, 1.0)
    return np.asarray((1.0 - share) * caseload.cap + share * caseload.first_year_cap)


def cap_fte(open_cases: Array | float, caseload: Caseload,
            first_year_share: Array | float) -> Array:
    """Case-holding FTE needed to keep every caseload within its cap."""
    return np.asarray(open_cases, dtype=np.float64) / blended_cap(caseload, first_year_share)


@dataclass(frozen=True, slots=True)
class CapCheck:
    """Caseloads against the caps for the case holders there are."""

    cases_per_fte: float
    capacity: float  # cases the case holders may carry within their caps
    over_cap_by: float  # cases beyond that capacity (0 when within)

    @property
    def within(self) -> bool:
        return self.over_cap_by <= 0


def check_caseloads(open_cases: float, holders_fte: float, first_year_fte: float,
                    caseload: Caseload) -> CapCheck:
    """Do ``holders_fte`` case holders (``first_year_fte`` of them in their first year) fit the
    ``open_cases`` within the caps?"""
    experienced = max(holders_fte - first_year_fte, 0.0)
    capacity = experienced * caseload.cap + min(first_year_fte, holders_fte) * \
        caseload.first_year_cap
    per_fte = open_cases / holders_fte if holders_fte > 0 else float("inf")
    return CapCheck(cases_per_fte=per_fte, capacity=capacity,
                    over_cap_by=max(open_cases - capacity, 0.0))


@dataclass(frozen=True, slots=True)
class RoleNeed:
    """Case-holding FTE a role needs, each way of counting it, and which one binds."""

    role: str
    hours: Array  # weekly casework hours
    hours_fte: Array  # FTE from hours
    cap_fte: Array  # FTE to keep caseloads within caps (0 for roles without a cap)
    statutory_fte: Array  # FTE for the statutory minimum alone
    fte: Array  # the larger of hours_fte and cap_fte

    def binding(self) -> str:
        """Which count sets the requirement at the last step."""
        last_hours = float(np.ravel(self.hours_fte)[-1]) if self.hours_fte.size else 0.0
        last_cap = float(np.ravel(self.cap_fte)[-1]) if self.cap_fte.size else 0.0
        return "caseload cap" if last_cap > last_hours else "hours"


def no_need(role: str, shape: tuple[int, ...]) -> RoleNeed:
    """A role holding none of the cases: nothing required."""
    zero = np.zeros(shape)
    return RoleNeed(role=role, hours=zero, hours_fte=zero, cap_fte=zero, statutory_fte=zero,
                    fte=zero)


def role_needs(new_per_week: Mapping[str, Array | float], open_cases: Mapping[str, Array | float],
               assumptions: Assumptions, first_year_share: float,
               capped_roles: tuple[str, ...] = ("social_worker",),
               split: Mapping[str, dict[str, float]] | None = None) -> dict[str, RoleNeed]:
    """Required case-holding FTE by role from new and open cases by class.

    A class shared by several roles (early help: practitioners, family support workers, youth
    workers) gives each role its share of the class's new and open cases; ``split`` (by class,
    from the data) replaces the assumed shares. ``capped_roles`` carry the blended caseload cap
    with its lower first-year cap (children's social workers: the caps councils publish are
    theirs); any other role with a caseload standard in ``assumptions.roles`` needs at least
    ``its open cases ÷ that standard``.
    """
    hours: dict[str, Array] = {}
    statutory: dict[str, Array] = {}
    open_by_role: dict[str, Array] = {}
    for name, norm in assumptions.cases.items():
        new = np.asarray(new_per_week.get(name, 0.0), dtype=np.float64)
        held = np.asarray(open_cases.get(name, 0.0), dtype=np.float64)
        for role, share in norm.holders((split or {}).get(name)).items():
            hours[role] = hours.get(role, 0.0) + class_hours(new * share, held * share, norm)
            statutory[role] = statutory.get(role, 0.0) + statutory_hours(
                new * share, held * share, norm)
            open_by_role[role] = open_by_role.get(role, 0.0) + held * share
    out: dict[str, RoleNeed] = {}
    for role, weekly in hours.items():
        by_hours = fte_for_hours(weekly, assumptions.staffing)
        standard = assumptions.caseload_standard(role)
        if role in capped_roles:
            by_cap = cap_fte(open_by_role[role], assumptions.caseload, first_year_share)
        elif standard is not None:
            by_cap = np.asarray(open_by_role[role] / standard, dtype=np.float64)
        else:
            by_cap = np.zeros_like(by_hours)
        out[role] = RoleNeed(role=role, hours=weekly, hours_fte=by_hours, cap_fte=by_cap,
                             statutory_fte=fte_for_hours(statutory[role], assumptions.staffing),
                             fte=np.maximum(by_hours, by_cap))
    return out
