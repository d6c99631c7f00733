"""The plan as a report folder: CSV tables, one XLSX workbook (a sheet per table), interactive
charts in one self-contained HTML file (Plotly's JavaScript embedded: no CDN, works offline),
the assumptions of each scenario, and the notes and data quality flags.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from openpyxl import Workbook

from joinedup.model.spreadsheet import safe_row
from joinedup.workforce.assumptions import CLASS_LABELS, PRACTITIONER_ROLES
from joinedup.workforce.gap import QuarterRow, by_quarter, quarter_groups
from joinedup.workforce.plan import PlanResult, RolePlan, forecasts_of
from joinedup.workforce.series import label

Row = dict[str, Any]
Array = NDArray[np.float64]
Groups = list[tuple[str, NDArray[np.int64]]]
CHART_FILE = "charts.html"
WORKBOOK = "workforce_plan.xlsx"


def _round(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return round(float(value), 4)
    return value


def gap_table(result: PlanResult) -> list[Row]:
    return [{k: _round(v) for k, v in dataclasses.asdict(r).items()} for r in result.rows()]


def _year(quarter: str) -> str:
    return quarter.split(" ")[0]


def year_table(result: PlanResult) -> list[Row]:
    """By financial year: FTE at the year's last quarter, cost summed over its quarters."""
    out: list[Row] = []
    groups: dict[tuple[str, str, str, str], list[QuarterRow]] = {}
    for row in result.rows():
        groups.setdefault((row.scenario, row.area, row.role, _year(row.quarter)), []).append(row)
    for (scenario, area, role, year), rows in groups.items():
        last = rows[-1]
        out.append({
            "scenario": scenario, "area": area, "role": role, "year": year,
            "required_fte": _round(last.required), "available_fte": _round(last.available),
            "gap_fte": _round(last.gap), "gap_p10": _round(last.gap_p10),
            "gap_p50": _round(last.gap_p50), "gap_p90": _round(last.gap_p90),
            "chance_short": _round(last.chance_short),
            "chance_statutory_miss": _round(last.chance_statutory_miss),
            "vacancy_rate": _round(last.vacancy_rate), "agency_rate": _round(last.agency_rate),
            "cost_permanent": round(sum(r.cost_permanent for r in rows)),
            "cost_agency": round(sum(r.cost_agency for r in rows))})
    return out


def _start(plans: list[RolePlan]) -> Row:
    """Starting workforce of one role summed over ``plans`` (an area's, or a region's
    councils'); a figure none of them has is left empty."""
    def total(get: Callable[[RolePlan], float | None]) -> float | None:
        known = [v for p in plans if (v := get(p)) is not None]
        return round(sum(known), 2) if known else None

    in_post = total(lambda p: p.start.permanent_fte)
    leavers = total(lambda p: p.start.turnover * p.start.permanent_fte)
    return {
        "open_cases_at_start": total(lambda p: float(p.open_cases[0])
                                     if p.open_cases is not None and len(p.open_cases) else None),
        "establishment_fte": total(lambda p: p.base.establishment_fte if p.base else None),
        "in_post_fte": in_post, "agency_fte": total(lambda p: p.start.agency_fte),
        "vacancy_fte": total(lambda p: p.base.vacancy_fte if p.base else None),
        "turnover": _round(leavers / in_post) if leavers is not None and in_post else None,
    }


def role_table(result: PlanResult) -> list[Row]:
    """The practitioner roles side by side for every area, the region and each scenario: the
    caseload standard, the starting workforce, and required against available FTE."""
    plans: dict[tuple[str, str, str], RolePlan] = {
        (p.scenario, p.area, role): rp for p in result.areas for role, rp in p.roles.items()}
    members = {p.area for p in result.areas if not p.comparison}
    by_key: dict[tuple[str, str, str], list[QuarterRow]] = {}
    for row in result.rows():
        by_key.setdefault((row.scenario, row.area, row.role), []).append(row)
    order = {role: i for i, role in enumerate(PRACTITIONER_ROLES)}
    out: list[Row] = []
    for (scenario, area, role), rows in sorted(
            by_key.items(), key=lambda kv: (kv[0][0] != result.scenarios[0].name, kv[0][0],
                                            kv[0][1] == result.region, kv[0][1],
                                            order.get(kv[0][2], 99), kv[0][2])):
        assumptions = result.assumptions[scenario]
        own = plans.get((scenario, area, role))
        summed = [own] if own is not None else [
            rp for (s, a, r), rp in plans.items() if s == scenario and r == role and a in members]
        first, last = rows[0], rows[-1]
        standard = assumptions.caseload_standard(role)
        entry: Row = {"scenario": scenario, "area": area, "role": role,
                      "role_label": assumptions.role_label(role),
                      "caseload_standard": standard,
                      "caseload_basis": assumptions.roles[role].basis.strip()
                      if role in assumptions.roles else ""}
        entry.update(_start(summed))
        entry.update({
            "required_fte_first_quarter": _round(first.required),
            "required_fte_last_quarter": _round(last.required),
            "available_fte_last_quarter": _round(last.available),
            "gap_fte_last_quarter": _round(last.gap), "gap_p50_last_quarter": _round(last.gap_p50),
            "chance_short_last_quarter": _round(last.chance_short),
            "vacancy_rate_last_quarter": _round(last.vacancy_rate),
            "agency_rate_last_quarter": _round(last.agency_rate),
            "cost_over_plan": round(sum(r.cost_permanent + r.cost_agency for r in rows))})
        out.append(entry)
    return out


def scenario_table(result: PlanResult) -> list[Row]:
    """Scenarios side by side: each area's final year and five-year cost under each."""
    years = year_table(result)
    out: dict[tuple[str, str], Row] = {}
    for row in years:
        key = (row["area"], row["role"])
        entry = out.setdefault(key, {"area": row["area"], "role": row["role"]})
        entry[f"{row['scenario']}: required"] = row["required_fte"]
        entry[f"{row['scenario']}: gap P50"] = row["gap_p50"]
        entry[f"{row['scenario']}: chance short"] = row["chance_short"]
        cost = f"{row['scenario']}: cost over plan"
        entry[cost] = entry.get(cost, 0) + row["cost_permanent"] + row["cost_agency"]
    return list(out.values())


def demand_table(result: PlanResult) -> list[Row]:
    out: list[Row] = []
    for fc in forecasts_of(result):
        series = fc.series
        for period, value in zip(series.periods(), series.values, strict=True):
            out.append({"area": series.area, "need": series.need,
                        "period": label(period, series.freq), "kind": "actual",
                        "value": _round(value), "lower": None, "upper": None, "model": ""})
        for i, period in enumerate(fc.periods()):
            out.append({"area": series.area, "need": series.need,
                        "period": label(period, series.freq), "kind": "forecast",
                        "value": _round(fc.mean[i]), "lower": _round(fc.lower[i]),
                        "upper": _round(fc.upper[i]), "model": fc.model})
    return out


def supply_table(result: PlanResult) -> list[Row]:
    """Stock and flow by quarter: FTE at quarter means, flows summed over the quarter."""
    out: list[Row] = []
    for plan in result.areas:
        for role, rp in plan.roles.items():
            groups = quarter_groups(rp.months)
            s = rp.supply

            def total(values: Array, groups: Groups = groups) -> Array:
                return np.array([values[idx].sum() for _, idx in groups])

            def mean(values: Array, groups: Groups = groups) -> Array:
                return by_quarter(values, groups)

            columns: dict[str, Array] = {
                "permanent_fte": mean(s.permanent), "first_year_fte": mean(s.first_year),
                       "agency_fte": mean(s.agency), "vacancies_fte": mean(s.vacancies),
                       "available_fte": mean(s.available), "hires": total(s.hires),
                       "pipeline": total(s.pipeline), "agency_conversions": total(s.conversions),
                       "leavers": total(s.leavers), "retirements": total(s.retirements)}
            for q, quarter in enumerate(rp.quarters):
                row: Row = {"scenario": plan.scenario, "area": plan.area, "role": role,
                            "quarter": quarter}
                row.update({k: _round(float(v[q])) for k, v in columns.items()})
                out.append(row)
    return out


def workload_table(result: PlanResult) -> list[Row]:
    out: list[Row] = []
    for plan in result.areas:
        groups = quarter_groups(plan.demand.months)
        for quarter, idx in groups:
            row: Row = {"scenario": plan.scenario, "area": plan.area, "quarter": quarter,
                        "referrals_a_month": _round(float(plan.demand.referrals[idx].mean()))}
            for name, text in CLASS_LABELS.items():
                row[f"open: {text}"] = _round(float(plan.demand.open[name][idx].mean()))
                row[f"new a month: {text}"] = _round(float(plan.demand.new[name][idx].mean()))
            for role, rp in plan.roles.items():
                row[f"{role}: case-holding FTE"] = _round(float(rp.case_holding[idx].mean()))
                row[f"{role}: fast-need FTE"] = _round(float(rp.fast[idx].mean()))
                row[f"{role}: statutory minimum FTE"] = _round(float(rp.statutory[idx].mean()))
                row[f"{role}: binding"] = rp.binding
            out.append(row)
    return out


def fast_table(result: PlanResult) -> list[Row]:
    return [{"scenario": plan.scenario, "area": plan.area, "month": month, "need": s.need,
             "arrivals_per_hour": _round(s.arrivals_per_hour), "traffic_erlangs": _round(s.traffic),
             "on_shift": s.agents, "service_level": _round(s.service_level),
             "occupancy": _round(s.occupancy), "fte": _round(s.fte), "binding": s.binding}
            for plan in result.areas for month, s in plan.fast]


def flow_table(result: PlanResult) -> list[Row]:
    out: list[Row] = []
    for item in result.inputs:
        if item.flow is None:
            continue
        targets = [*item.flow.classes, "closed"]
        for i, name in enumerate(item.flow.classes):
            row: Row = {"area": item.area, "from": name,
                        "child_months_observed": int(item.flow.observed[i])}
            row.update({f"to {t}": _round(float(item.flow.matrix[i, j]))
                        for j, t in enumerate(targets)})
            out.append(row)
    return out


def quality_table(result: PlanResult) -> list[Row]:
    rows = [{"kind": "data quality", "message": flag} for flag in result.quality()]
    return rows + [{"kind": "note", "message": note} for note in result.notes()]


def partner_table(result: PlanResult) -> list[Row]:
    """Partner (VCSE) organisations' returns in each area: what they add and their coverage."""
    return [{"organisation": p.organisation, "area": p.area, "needs": p.needs,
             "families_a_month": _round(p.families), "hours_a_month": _round(p.hours_per_month),
             "fte_equivalent": _round(p.fte), "adds_to_demand": p.case_class,
             "capacity_beside": p.role, "months_returned": p.months_returned,
             "first_month": p.first, "last_month": p.last,
             "coverage_last_12_months": _round(p.coverage)}
            for item in result.inputs for p in item.partners]


TABLES: dict[str, Callable[[PlanResult], list[Row]]] = {
    "roles": role_table, "plan_by_year": year_table, "scenarios": scenario_table,
    "gap_by_quarter": gap_table,
    "supply_by_quarter": supply_table, "workload_by_quarter": workload_table,
    "fast_needs": fast_table, "demand": demand_table, "flow": flow_table,
    "data_quality": quality_table, "vcse": partner_table,
}


def write_csv(path: Path, rows: list[Row]) -> None:
    """Rows as CSV, columns in first-seen order; text that a spreadsheet would run as a
    formula (a team or area name from an upload) is written as text."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)


def _write_xlsx(path: Path, tables: dict[str, list[Row]]) -> None:
    book = Workbook()
    default = book.active
    for name, rows in tables.items():
        sheet = book.create_sheet(name[:31])
        columns = list(dict.fromkeys(k for row in rows for k in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    if default is not None:
        book.remove(default)
    book.save(path)


def write_report(result: PlanResult, out: Path) -> list[Path]:
    """Write every table as CSV and XLSX, the charts and the assumptions; the files written."""
    from joinedup.workforce.charts import write_charts

    out.mkdir(parents=True, exist_ok=True)
    tables = {name: build(result) for name, build in TABLES.items()}
    written: list[Path] = []
    for name, rows in tables.items():
        path = out / f"{name}.csv"
        write_csv(path, rows)
        written.append(path)
    _write_xlsx(out / WORKBOOK, tables)
    written.append(out / WORKBOOK)
    folder = out / "assumptions"
    folder.mkdir(exist_ok=True)
    for scenario in result.scenarios:
        path = folder / f"{_slug(scenario.name)}.yaml"
        data = {"scenario": scenario.model_dump(),
                "assumptions": result.assumptions[scenario.name].model_dump(mode="json")}
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
        written.append(path)
    written.append(write_charts(result, out / CHART_FILE))
    return written


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "scenario"
