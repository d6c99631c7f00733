"""The workforce plan: demand → workload → required FTE → supply → gap, for each area and
scenario, and summed over a region's councils.

For a role, required FTE is the case-holding FTE (the larger of the hours-based and the
caseload-cap count, see :mod:`joinedup.workforce.workload`) divided by the share of the role's
FTE that holds cases (managers, reviewing officers and others hold none), plus the rota FTE
of the fast needs (Erlang C, :mod:`joinedup.workforce.erlang`). That requirement is the
establishment the supply model recruits towards.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from joinedup.workforce.assumptions import CASE_CLASSES, Assumptions
from joinedup.workforce.erlang import FastSizing, size_fast_need
from joinedup.workforce.forecast import Forecast, forecast
from joinedup.workforce.gap import (
    QuarterRow,
    Risk,
    by_quarter,
    gap_rows,
    quarter_groups,
    simulate_risk,
)
from joinedup.workforce.inputs import AreaInputs, SupplyBase
from joinedup.workforce.projection import DemandPath, Forecaster, apply_levers, project_demand
from joinedup.workforce.scenarios import (
    BASELINE,
    Scenario,
    adjust_hires,
    adjust_turnover,
    apply_scenario,
)
from joinedup.workforce.supply import SupplyPath, SupplyStart, project_supply
from joinedup.workforce.workload import WEEKS_PER_MONTH, no_need, role_needs

Array = NDArray[np.float64]
# England 2024 (DfE CSWW) figures, used only when neither the data nor the assumptions say.
ENGLAND = {"turnover": 0.139, "agency_cover": 0.762, "absence": 0.034,
           "case_holder_share": 0.509}
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RolePlan:
    """One role's plan for one area under one scenario."""

    role: str
    months: list[date]
    required: Array  # by month (mean demand)
    statutory: Array
    case_holding: Array
    fast: Array
    binding: str
    supply: SupplyPath
    start: SupplyStart
    quarters: list[str]
    rows: list[QuarterRow]
    sims_required: Array  # runs × quarters
    sims_statutory: Array
    sims_available: Array
    partner: float = 0.0  # partner organisations' FTE beside the council's, held flat
    base: SupplyBase | None = None  # the starting workforce as the data gave it
    open_cases: Array | None = None  # open cases the role holds, by month


@dataclass(frozen=True, slots=True)
class AreaPlan:
    area: str
    scenario: str
    comparison: bool
    demand: DemandPath
    roles: dict[str, RolePlan]
    fast: list[tuple[str, FastSizing]]  # (month label, sizing) at each plan year's first month
    notes: tuple[str, ...]


@dataclass
class PlanResult:
    """Every area × scenario plan, the region totals, and what was noticed on the way."""

    scenarios: list[Scenario]
    areas: list[AreaPlan]
    region: str | None
    region_rows: list[QuarterRow] = field(default_factory=list)
    inputs: list[AreaInputs] = field(default_factory=list)
    assumptions: dict[str, Assumptions] = field(default_factory=dict)
    extra_notes: list[str] = field(default_factory=list)

    def rows(self) -> list[QuarterRow]:
        out = [row for plan in self.areas for role in plan.roles.values() for row in role.rows]
        return out + self.region_rows

    def quality(self) -> list[str]:
        return [flag for item in self.inputs for flag in item.quality]

    def notes(self) -> list[str]:
        seen = [n for item in self.inputs for n in item.notes]
        seen += [n for plan in self.areas for n in plan.notes] + self.extra_notes
        return list(dict.fromkeys(seen))


def _pick(*values: float | None) -> float:
    for value in values:
        if value is not None:
            return float(value)
    return 0.0


def holder_share(base: SupplyBase | None, assumptions: Assumptions, role: str) -> float:
    """Share of the role's FTE holding cases: assumptions, then data, then England 2024."""
    rules = assumptions.supply[role]
    return _pick(rules.case_holder_share, base.case_holder_share if base else None,
                 rules.when_no_data.get("case_holder_share"), ENGLAND["case_holder_share"])


def supply_start(role: str, base: SupplyBase | None, assumptions: Assumptions,
                 scenario: Scenario, required_start: float, own_demand: bool,
                 notes: list[str]) -> SupplyStart:
    """The role's starting workforce and rates.

    Without a starting workforce in the data, a role whose demand is in the data starts at
    its requirement; one with no demand of its own (early help work created by a scenario)
    starts at none.

    Precedence for each rate: a value set in the assumptions (or scenario), then the data, then
    the role's ``when_no_data`` assumption, then England's 2024 social work figure (and a note
    says which).
    """
    rules = assumptions.supply[role]
    if base is None or base.permanent_fte is None:
        permanent = required_start if own_demand else 0.0
        if own_demand:
            notes.append(f"{role}: no starting workforce in the data; taken as the requirement")
        base = SupplyBase(permanent_fte=permanent)
    permanent = float(base.permanent_fte or 0.0)
    fallback = rules.when_no_data
    for name in ("turnover", "agency_cover", "absence", "case_holder_share"):
        if getattr(rules, name) is None and getattr(base, name) is None:
            if name in fallback:
                notes.append(f"{role}: {name.replace('_', ' ')} not in the data; the "
                             f"assumed {fallback[name]:g} used")
            else:
                notes.append(f"{role}: {name.replace('_', ' ')} not in the data; England 2024 "
                             f"figure {ENGLAND[name]:g} used")
    turnover = _pick(rules.turnover, base.turnover, fallback.get("turnover"), ENGLAND["turnover"])
    turnover, note = adjust_turnover(scenario, turnover)
    if note:
        notes.append(note)
    pipeline = (rules.newly_qualified_share * permanent + rules.apprentices_per_year
                + rules.step_up_per_year)
    if rules.hires_per_year is not None:
        hires = rules.hires_per_year
    elif base.starters_per_year is not None:
        hires = max(base.starters_per_year - rules.newly_qualified_share * permanent, 0.0)
    else:
        hires = turnover * permanent
    first_year = base.first_year_fte if base.first_year_fte is not None else min(
        rules.newly_qualified_share * permanent, permanent)
    return SupplyStart(
        role=role, permanent_fte=permanent, first_year_fte=first_year,
        agency_fte=base.agency_fte, turnover=turnover,
        retirement=min(rules.retirement, turnover), hires_per_year=adjust_hires(scenario, hires),
        pipeline_per_year=pipeline, agency_conversion=rules.agency_conversion,
        agency_cover=_pick(rules.agency_cover, base.agency_cover, fallback.get("agency_cover"),
                           ENGLAND["agency_cover"]),
        absence=_pick(rules.absence, base.absence, fallback.get("absence"), ENGLAND["absence"]))


def fast_fte(path: DemandPath, assumptions: Assumptions,
             role: str) -> tuple[Array, list[tuple[str, FastSizing]]]:
    """Rota FTE of the role's fast needs by month, and the sizing at each year's start."""
    total = np.zeros(len(path.months))
    shown: list[tuple[str, FastSizing]] = []
    for need in assumptions.fast_needs:
        if need.role != role:
            continue
        series = path.contacts if need.demand == "contact" and path.contacts is not None \
            else path.referrals
        for m, month in enumerate(path.months):
            sizing = size_fast_need(
                need.name, float(series[m]) * need.per_case / WEEKS_PER_MONTH,
                handling_hours=need.handling_hours, target_hours=need.target_hours,
                target_level=need.service_level, occupancy_cap=need.occupancy_cap,
                open_hours_per_week=need.open_hours_per_week,
                productive_hours_per_fte=assumptions.staffing.productive_hours)
            total[m] += sizing.fte
            if m % 12 == 0:
                shown.append((month.strftime("%Y-%m"), sizing))
    return total, shown


def _rng(seed: int, area: str) -> np.random.Generator:
    # The same draws for an area under every scenario, so scenarios differ only by their levers.
    return np.random.default_rng([seed, zlib.crc32(area.encode("utf-8"))])


def plan_area(inputs: AreaInputs, base_path: DemandPath, scenario: Scenario,
              assumptions: Assumptions) -> AreaPlan:
    """One area under one scenario."""
    path = apply_levers(base_path, assumptions, inputs.flow is not None, inputs.area)
    notes: list[str] = list(path.notes)
    sim = assumptions.simulation
    rng = _rng(sim.seed, inputs.area)
    z = rng.standard_normal(sim.runs)
    turnover_noise = rng.standard_normal(sim.runs)
    hires_noise = rng.standard_normal(sim.runs)
    scale = np.maximum(1.0 + z[:, None] * path.spread[None, :], 0.0)  # runs × months

    groups = quarter_groups(path.months)
    labels = [label for label, _ in groups]
    roles: dict[str, RolePlan] = {}
    fast_shown: list[tuple[str, FastSizing]] = []
    holders = {c: assumptions.cases[c].holders(inputs.split.get(c)) for c in CASE_CLASSES}
    # A role in the data's supply but holding no cases here is still planned (at no
    # requirement), so its staff show beside the others.
    role_names = sorted({r for shares in holders.values() for r in shares}
                        | (set(inputs.supply) & set(assumptions.supply)))
    for role in role_names:
        has_demand = any(holders[c].get(role, 0.0) > 0 and
                         (path.open[c].any() or path.new[c].any()) for c in CASE_CLASSES)
        partner = inputs.partner_fte(role)
        if not has_demand and role not in inputs.supply and not partner:
            continue
        base = inputs.supply.get(role)
        rules = assumptions.supply[role]
        permanent0 = float(base.permanent_fte) if base and base.permanent_fte else 0.0
        first_share = (base.first_year_fte / permanent0
                       if base and base.first_year_fte is not None and permanent0
                       else rules.newly_qualified_share)
        new_w = {c: path.new[c] / WEEKS_PER_MONTH for c in CASE_CLASSES}
        mean_need = role_needs(new_w, path.open, assumptions, first_share,
                               split=inputs.split).get(role) or no_need(role, (len(path.months),))
        sims_need = role_needs({c: v * scale for c, v in new_w.items()},
                               {c: v * scale for c, v in path.open.items()},
                               assumptions, first_share, split=inputs.split).get(role) \
            or no_need(role, scale.shape)
        fast, shown = fast_fte(path, assumptions, role)
        fast_shown.extend(shown)
        # Early help roles whose only demand is what a scenario shifts to early help start
        # with no staff: the council has none of that work yet.
        own = role not in holders["early_help"] or "early_help" in inputs.flow_arrivals or any(
            s.need in ("open_early_help", "early_help") for s in inputs.history.values())
        share = holder_share(base, assumptions, role)
        required = mean_need.fte / share + fast
        statutory = mean_need.statutory_fte / share + fast
        sims_required = sims_need.fte / share + fast
        sims_statutory = sims_need.statutory_fte / share + fast
        start = supply_start(role, base, assumptions, scenario,
                             max(float(required[0]) - partner, 0.0), own, notes)
        # The council recruits towards what partner organisations do not already cover.
        supply = project_supply(start, np.maximum(required - partner, 0.0))
        turnover_runs = np.clip(start.turnover + sim.turnover_sd * turnover_noise, 0.0, 0.95)
        hires_runs = np.maximum(1.0 + sim.hires_sd * hires_noise, 0.0)
        sims_supply = project_supply(start, np.maximum(sims_required - partner, 0.0),
                                     turnover=turnover_runs,
                                     hires_factor=hires_runs)
        q_required = by_quarter(sims_required, groups)
        q_statutory = by_quarter(sims_statutory, groups)
        # Partner organisations' capacity is beside the council's staff, held at its level.
        q_available = by_quarter(sims_supply.available + partner, groups)
        risk = simulate_risk(q_required, q_statutory, q_available)
        rows = gap_rows(
            scenario.name, inputs.area, role, labels, required=by_quarter(required, groups),
            statutory=by_quarter(statutory, groups),
            permanent=by_quarter(supply.permanent, groups),
            agency=by_quarter(supply.agency, groups),
            available=by_quarter(supply.available + partner, groups),
            vacancies=by_quarter(supply.vacancies, groups), risk=risk, costs=assumptions.costs)
        roles[role] = RolePlan(
            role=role, months=path.months, required=required, statutory=statutory,
            case_holding=mean_need.fte, fast=fast, binding=mean_need.binding(), supply=supply,
            start=start, quarters=labels, rows=rows, sims_required=q_required,
            sims_statutory=q_statutory, sims_available=q_available, partner=partner,
            base=base, open_cases=sum((path.open[c] * holders[c].get(role, 0.0)
                                       for c in CASE_CLASSES), np.zeros(len(path.months))))
    return AreaPlan(area=inputs.area, scenario=scenario.name, comparison=inputs.comparison,
                    demand=path, roles=roles, fast=fast_shown, notes=tuple(notes))


def region_rows(result: PlanResult) -> list[QuarterRow]:
    """Region totals: the sum of its own councils (never the comparators), runs summed too."""
    if result.region is None:
        return []
    out: list[QuarterRow] = []
    for scenario in result.scenarios:
        members = [p for p in result.areas if p.scenario == scenario.name and not p.comparison]
        roles = sorted({r for p in members for r in p.roles})
        for role in roles:
            plans = [p.roles[role] for p in members if role in p.roles]
            if not plans:
                continue
            first = plans[0]
            # Councils whose data end in another year plan other months: not added up.
            apart = [p.area for p in members if role in p.roles
                     and p.roles[role].months != first.months]
            if apart:
                result.extra_notes.append(
                    f"{', '.join(apart)}: latest data from another period than "
                    f"{members[0].area}; not added into the {result.region} totals")
                plans = [p for p in plans if p.months == first.months]
            groups = quarter_groups(first.months)

            def total(get: Callable[[RolePlan], Array], plans: list[RolePlan] = plans) -> Array:
                return np.asarray(sum(get(p) for p in plans))

            risk: Risk = simulate_risk(total(lambda p: p.sims_required),
                                       total(lambda p: p.sims_statutory),
                                       total(lambda p: p.sims_available))
            out.extend(gap_rows(
                scenario.name, result.region, role, first.quarters,
                required=by_quarter(total(lambda p: p.required), groups),
                statutory=by_quarter(total(lambda p: p.statutory), groups),
                permanent=by_quarter(total(lambda p: p.supply.permanent), groups),
                agency=by_quarter(total(lambda p: p.supply.agency), groups),
                available=by_quarter(total(lambda p: p.supply.available + p.partner), groups),
                vacancies=by_quarter(total(lambda p: p.supply.vacancies), groups),
                risk=risk, costs=result.assumptions[scenario.name].costs))
    return out


def run_plan(inputs: Sequence[AreaInputs], scenarios: Sequence[Scenario] = (BASELINE,), *,
             region: str | None = None, forecaster: Forecaster | None = None,
             progress: Progress | None = None) -> PlanResult:
    """Plan every area under every scenario (the first is the comparison base)."""
    say = progress or (lambda _message: None)
    chosen = list(scenarios) or [BASELINE]
    assumptions = {s.name: apply_scenario(s) for s in chosen}
    months = 12 * max(a.horizon_years for a in assumptions.values())
    eh_months = assumptions[chosen[0].name].demand.early_help_months
    fc: Forecaster = forecaster or (lambda series, horizon: forecast(series, horizon))
    result = PlanResult(scenarios=chosen, areas=[], region=region, inputs=list(inputs),
                        assumptions=assumptions)
    for i, item in enumerate(inputs, start=1):
        say(f"forecasting demand for {item.area} ({i} of {len(inputs)})")
        base = project_demand(item, months, fc, eh_months, say)
        for scenario in chosen:
            result.areas.append(plan_area(item, base, scenario, assumptions[scenario.name]))
    say("adding up the region" if region else "plan complete")
    result.region_rows = region_rows(result)
    return result


def forecasts_of(result: PlanResult) -> list[Forecast]:
    """Each area's forecasts once (they do not depend on the scenario)."""
    seen: dict[str, AreaPlan] = {}
    for plan in result.areas:
        seen.setdefault(plan.area, plan)
    return [fc for plan in seen.values() for fc in plan.demand.forecasts]
