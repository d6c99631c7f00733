"""Demand over the plan's months: forecast, turned monthly, split into case classes, with a
scenario's demand levers applied.

Two routes give open and new cases by class for each month of the plan:

* stocks (DfE, CSV of counts): open cases of each class and referrals are forecast directly
  (annual figures become monthly: stocks are interpolated between year ends, flows spread
  evenly); child in need excludes protection and looked-after children, who DfE counts in it;
* flow (warehouse): new arrivals into each class are forecast and the Markov flow model
  (:mod:`joinedup.workforce.flow`) turns them into open cases and new cases (moves included).

Simulation runs scale every demand figure of a run by ``1 + z·s``, one ``z`` per run and ``s``
the forecasts' relative spread by month, so a run is a consistently high or low future.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from joinedup.workforce.assumptions import CASE_CLASSES, CRISIS_CLASSES, Assumptions
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.inputs import AreaInputs
from joinedup.workforce.series import Series, shift

Array = NDArray[np.float64]
Forecaster = Callable[[Series, int], Forecast]
# z of the two-sided 80% interval the forecasts report.
Z80 = 1.2815515655446004


@dataclass(frozen=True, slots=True)
class DemandPath:
    """Mean demand by month and its relative spread; new and open are per case class."""

    months: list[date]
    new: dict[str, Array]  # new cases a month
    open: dict[str, Array]  # open at month end
    referrals: Array  # a month
    contacts: Array | None
    spread: Array  # relative standard deviation by month
    forecasts: tuple[Forecast, ...]
    notes: tuple[str, ...]


def _spread(fc: Forecast) -> Array:
    mean = np.asarray(fc.mean)
    width = np.asarray(fc.upper) - np.asarray(fc.lower)
    z = Z80 if abs(fc.level - 0.8) < 1e-9 else _z(fc.level)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(mean > 0, width / (2 * z * mean), 0.0)
    return np.asarray(np.clip(rel, 0.0, 1.0))


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


def monthly_stock(last: float, yearly: Array) -> Array:
    """Month-end stocks interpolated between year ends (``last`` is the latest actual)."""
    ends = np.concatenate([[last], yearly])
    out = [ends[y] + (ends[y + 1] - ends[y]) * (m + 1) / 12.0
           for y in range(len(yearly)) for m in range(12)]
    return np.asarray(out)


def monthly_flow(yearly: Array) -> Array:
    """Annual counts spread evenly over the year's months."""
    return np.repeat(np.asarray(yearly) / 12.0, 12)


def _forecast_months(series: Series, months: int, forecaster: Forecaster,
                     stock: bool) -> tuple[Array, Array, Forecast]:
    if series.freq == "month":
        fc = forecaster(series, months)
        return np.asarray(fc.mean), _spread(fc), fc
    years = -(-months // 12)
    fc = forecaster(series, years)
    mean = np.asarray(fc.mean)
    converted = monthly_stock(series.values[-1], mean) if stock else monthly_flow(mean)
    return converted[:months], np.repeat(_spread(fc), 12)[:months], fc


def plan_start(inputs: AreaInputs) -> date:
    """The first month of the plan: the month after the latest data."""
    ends = [s.end for s in inputs.history.values() if s.values]
    ends += [s.end for s in inputs.flow_arrivals.values() if s.values]
    if not ends:
        return date(2025, 4, 1)
    latest = max(ends)
    if inputs.freq == "year":
        return shift(latest, "year", 1)
    return shift(latest, "month", 1)


def project_demand(inputs: AreaInputs, months: int, forecaster: Forecaster,
                   early_help_months: float,
                   say: Callable[[str], None] | None = None) -> DemandPath:
    """Mean demand by class for ``months`` months after the latest data."""
    tell = say or (lambda _message: None)
    start = plan_start(inputs)
    dates = [shift(start, "month", i) for i in range(months)]
    forecasts: list[Forecast] = []
    spreads: list[Array] = []
    notes: list[str] = []
    got: dict[str, Array] = {}
    for need, series in inputs.history.items():
        if not series.values:
            continue
        tell(f"  {inputs.area}: forecasting {need}")
        mean, spread, fc = _forecast_months(series, months, forecaster,
                                            stock=need.startswith("open_"))
        got[need] = mean
        forecasts.append(fc)
        spreads.append(spread)
        notes.extend(f"{inputs.area} {need}: {n}" for n in fc.notes)
    zeros = np.zeros(months)
    referrals = got.get("referral", zeros)
    new = {c: zeros.copy() for c in CASE_CLASSES}
    opened = {c: zeros.copy() for c in CASE_CLASSES}
    if inputs.flow is not None and inputs.flow_arrivals:
        arrivals = np.zeros((months, len(CASE_CLASSES)))
        for j, name in enumerate(CASE_CLASSES):
            arriving = inputs.flow_arrivals.get(name)
            if arriving is None or not arriving.values:
                continue
            tell(f"  {inputs.area}: forecasting new {name} cases")
            fc = forecaster(arriving, months)
            forecasts.append(fc)
            spreads.append(_spread(fc))
            arrivals[:, j] = fc.mean
        open_m, new_m = inputs.flow.project(np.asarray(inputs.flow_open), arrivals)
        for j, name in enumerate(CASE_CLASSES):
            opened[name], new[name] = open_m[:, j], new_m[:, j]
    else:
        cp, cla = got.get("open_cp", zeros), got.get("open_looked_after", zeros)
        cin = np.maximum(got.get("open_cin", zeros) - cp - cla, 0.0)
        for name, values in (("child_in_need", cin), ("child_protection", cp),
                             ("looked_after", cla)):
            opened[name] = values * inputs.held_ratio
        # Start-up work of a statutory case begins with the referral and its assessment.
        new["child_in_need"] = referrals.copy()
        new["early_help"] = got.get("early_help", zeros)
        if "open_early_help" in got:
            opened["early_help"] = got["open_early_help"]
        else:
            opened["early_help"] = new["early_help"] * early_help_months
    for name in CASE_CLASSES:
        held = inputs.partner_open(name)
        if held > 0:
            # Partner organisations' returns add up with the council's own (combine: sum).
            opened[name] = opened[name] + held
            notes.append(f"{inputs.area}: {held:,.0f} families a month supported by partner "
                         f"organisations added to open {name.replace('_', ' ')} cases "
                         "(their latest three months' level, held over the plan)")
    spread = np.mean(spreads, axis=0) if spreads else zeros
    return DemandPath(months=dates, new=new, open=opened, referrals=referrals,
                      contacts=got.get("contact"), spread=spread, forecasts=tuple(forecasts),
                      notes=tuple(notes))


def apply_levers(path: DemandPath, assumptions: Assumptions, flow_route: bool,
                 area: str = "") -> DemandPath:
    """The demand levers of a scenario: class changes, the shift to early help, VCSE capacity.

    A share ``s`` shifted to early help takes ``s`` of new crisis demand (and of the front
    door's referrals) away; those children start early help instead, staying
    ``early_help_months`` on average, and the crisis classes' open cases fall by the same share
    (open cases follow new cases in a linear flow). VCSE capacity takes families off the
    council's early help caseload, never below zero.
    """
    demand = assumptions.demand
    new = {c: v.copy() for c, v in path.new.items()}
    opened = {c: v.copy() for c, v in path.open.items()}
    for name, change in demand.change.items():
        new[name] = new[name] * (1.0 + change)
        opened[name] = opened[name] * (1.0 + change)
    referrals = path.referrals.copy()
    notes = list(path.notes)
    s = demand.shift_to_early_help
    if s > 0:
        shifted = referrals * s if not flow_route else sum(new[c] * s for c in CRISIS_CLASSES)
        for name in CRISIS_CLASSES:
            new[name] = new[name] * (1.0 - s)
            opened[name] = opened[name] * (1.0 - s)
        referrals = referrals * (1.0 - s)
        new["early_help"] = new["early_help"] + shifted
        opened["early_help"] = opened["early_help"] + shifted * demand.early_help_months
    if demand.vcse_families > 0:
        before = opened["early_help"]
        opened["early_help"] = np.maximum(before - demand.vcse_families, 0.0)
        unused = float(np.max(demand.vcse_families - before, initial=0.0))
        if unused > 0:
            notes.append(f"{area}: VCSE capacity of {demand.vcse_families:g} families is more "
                         "than the early help caseload in some months "
                         f"(up to {unused:.0f} unused)")
    contacts = path.contacts * (1.0 - s) if path.contacts is not None else None
    return DemandPath(months=path.months, new=new, open=opened, referrals=referrals,
                      contacts=contacts, spread=path.spread, forecasts=path.forecasts,
                      notes=tuple(notes))
