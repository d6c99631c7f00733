"""Gap and risk: required FTE against supply by role and quarter, with cost and uncertainty.

For each quarter (English financial quarters: Q1 is April to June):

* required, statutory-minimum and supply FTE are quarter means of the month-end figures;
* gap = required − available supply (positive: too few practitioners);
* vacancy rate = vacancies ÷ required; agency rate = agency ÷ (permanent + agency);
* cost = permanent FTE × annual salary ÷ 4 + agency FTE × day rate × working days ÷ 4;
* from the simulation runs: P10, P50 and P90 of the gap, the chance that supply falls short of
  the requirement, and the chance it falls short of the statutory minimum (visits and
  assessments cannot all happen on time: statutory timescales are missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from joinedup.workforce.assumptions import Costs

Array = NDArray[np.float64]


def quarter_label(month: date) -> str:
    """``2024-25 Q1`` for April 2024: the financial year and its quarter."""
    fy = month.year if month.month >= 4 else month.year - 1
    quarter = ((month.month - 4) % 12) // 3 + 1
    return f"{fy}-{str(fy + 1)[2:]} Q{quarter}"


def quarter_groups(months: list[date]) -> list[tuple[str, NDArray[np.int64]]]:
    """The quarters the months fall in, each with the indexes of its months, in order."""
    labels = [quarter_label(m) for m in months]
    out: list[tuple[str, NDArray[np.int64]]] = []
    for label in dict.fromkeys(labels):
        out.append((label, np.array([i for i, x in enumerate(labels) if x == label])))
    return out


def by_quarter(values: Array, groups: list[tuple[str, NDArray[np.int64]]]) -> Array:
    """Quarter means of monthly values along the last axis."""
    return np.stack([np.asarray(values)[..., idx].mean(axis=-1) for _, idx in groups], axis=-1)


def quarterly_cost(permanent: Array, agency: Array, costs: Costs, role: str) -> tuple[Array, Array]:
    """(permanent cost, agency cost) for a quarter at the given mean FTE."""
    salary = costs.salary.get(role, 0.0)
    day_rate = costs.agency_day_rate.get(role, 0.0)
    return (np.asarray(permanent) * salary / 4.0,
            np.asarray(agency) * day_rate * costs.working_days / 4.0)


@dataclass(frozen=True, slots=True)
class Risk:
    """Simulated spread of the gap and the chances of falling short, by quarter."""

    p10: Array
    p50: Array
    p90: Array
    short: Array  # chance available supply < required
    statutory_miss: Array  # chance available supply < statutory minimum


def simulate_risk(required: Array, statutory: Array, available: Array) -> Risk:
    """Quantiles and chances from runs × quarters arrays."""
    gap = np.asarray(required) - np.asarray(available)
    p10, p50, p90 = np.percentile(gap, [10, 50, 90], axis=0)
    return Risk(p10=p10, p50=p50, p90=p90, short=(gap > 0).mean(axis=0),
                statutory_miss=(np.asarray(available) < np.asarray(statutory)).mean(axis=0))


@dataclass(frozen=True, slots=True)
class QuarterRow:
    """One row of the gap table."""

    scenario: str
    area: str
    role: str
    quarter: str
    required: float
    statutory: float
    permanent: float
    agency: float
    available: float
    gap: float
    vacancy_rate: float
    agency_rate: float
    cost_permanent: float
    cost_agency: float
    gap_p10: float
    gap_p50: float
    gap_p90: float
    chance_short: float
    chance_statutory_miss: float


def gap_rows(scenario: str, area: str, role: str, labels: list[str], *, required: Array,
             statutory: Array, permanent: Array, agency: Array, available: Array,
             vacancies: Array, risk: Risk, costs: Costs) -> list[QuarterRow]:
    """The gap table for one area and role (all arrays are per quarter)."""
    cost_perm, cost_agency = quarterly_cost(permanent, agency, costs, role)
    rows = []
    for q, label in enumerate(labels):
        staff = permanent[q] + agency[q]
        rows.append(QuarterRow(
            scenario=scenario, area=area, role=role, quarter=label,
            required=float(required[q]), statutory=float(statutory[q]),
            permanent=float(permanent[q]), agency=float(agency[q]),
            available=float(available[q]), gap=float(required[q] - available[q]),
            vacancy_rate=float(vacancies[q] / required[q]) if required[q] > 0 else 0.0,
            agency_rate=float(agency[q] / staff) if staff > 0 else 0.0,
            cost_permanent=float(cost_perm[q]), cost_agency=float(cost_agency[q]),
            gap_p10=float(risk.p10[q]), gap_p50=float(risk.p50[q]), gap_p90=float(risk.p90[q]),
            chance_short=float(risk.short[q]),
            chance_statutory_miss=float(risk.statutory_miss[q])))
    return rows
