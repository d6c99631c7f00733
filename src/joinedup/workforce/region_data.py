"""The region view's inputs from a plan and the DfE reference data (the I/O edge of
:mod:`joinedup.workforce.region_view`).

Gaps come from the plan's year table (``plan_by_year``: each plan year's last quarter). The
published measures are the latest year of DfE's children's social work workforce indicators
for the council, each of its ten DfE statistical neighbours and England; children are the ONS
mid-year estimates of children aged 0 to 17, projected for plan years after the last estimate
by :func:`joinedup.workforce.population.project_population` (labelled as such in the notes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from joinedup.errors import ReferenceDataError
from joinedup.reference.benchmarks import (
    ENGLAND,
    all_workforce,
    child_population,
    statistical_neighbours,
)
from joinedup.reference.csww import WorkforceYear
from joinedup.workforce.population import Population, project_population
from joinedup.workforce.region_view import (
    CouncilFigures,
    Published,
    RegionView,
    RegionViewError,
    gaps_from_year_rows,
    region_view,
)
from joinedup.workforce.regions import Region, normalise
from joinedup.workforce.series import Series, reporting_year_start


def plan_year_start(label: str) -> date:
    """``2025-26`` -> 1 April 2025, the start of the plan (financial) year."""
    head = label.split("-")[0].strip()
    if not head.isdigit():
        raise ReferenceDataError(f"plan year {label!r} is not like 2025-26; make the plan again.")
    return date(int(head), 4, 1)


def published(figures: WorkforceYear | None, children: float | None,
              year: int | None) -> Published:
    """A year's published figures as the view reads them (rates in %, as DfE publishes)."""
    if figures is None:
        return Published(year=year, children=children)
    return Published(year=year, fte=figures.fte, agency_fte=figures.agency_fte,
                     vacancy_fte=figures.vacancy_fte, case_holders_fte=figures.case_holders_fte,
                     cases=figures.cases, children=children, caseload=figures.caseload,
                     agency_rate=figures.agency_pct, vacancy_rate=figures.vacancy_pct)


def _population(name: str, estimates: Mapping[int, float], horizon: int) -> Population | None:
    """Estimates (their last consecutive run) and the trend projection ``horizon`` years on."""
    if not estimates:
        return None
    years = sorted(estimates)
    run = [years[-1]]
    for year in reversed(years[:-1]):
        if year != run[0] - 1:
            break
        run.insert(0, year)
    # The mid-year estimate for Y sits on the reporting year starting 1 April Y.
    series = Series(name, "child_population", "year", reporting_year_start(run[0] + 1),
                    tuple(float(estimates[y]) for y in run))
    return project_population(series, horizon)


class _Lookup:
    """Names as people write them ("St Helens") to DfE's ("St. Helens")."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = {normalise(n): n for n in names}

    def __call__(self, name: str) -> str | None:
        return self.names.get(normalise(name))


def build_region_view(reference_dir: Path, region: Region, year_rows: Sequence[Mapping[str, Any]],
                      *, scenario: str, role: str, role_label: str | None = None,
                      threshold: float = 1.0) -> RegionView:
    """The region view of a region plan's year table, with the DfE benchmarks.

    Raises ReferenceDataError when the reference files are missing or a council is not in them.
    """
    workforce = all_workforce(reference_dir)
    children = child_population(reference_dir)
    neighbours = statistical_neighbours(reference_dir)
    dfe = _Lookup([n for n in workforce if n != ENGLAND])
    latest = max(workforce[ENGLAND])
    gaps = gaps_from_year_rows(year_rows, scenario, role)
    if not gaps:
        roles = sorted({str(r["role"]) for r in year_rows if r["scenario"] == scenario})
        raise RegionViewError(f"the plan has no {role.replace('_', ' ')} figures under the "
                              f"{scenario} scenario; choose one of the roles it has: "
                              f"{', '.join(roles) or 'none (make the plan again)'}.")
    plan_years = list(dict.fromkeys(y for area in gaps.values() for y in area))
    last_year = max((plan_year_start(y).year for y in plan_years), default=latest)
    horizon = max(last_year - latest, 1) + 1
    notes: list[str] = []

    people = {normalise(n): v for n, v in children.items()}
    unpublished: set[str] = set()

    def figures_of(name: str) -> Published:
        years = workforce.get(dfe(name) or name, {})
        return published(years.get(latest), people.get(normalise(name), {}).get(latest), latest)

    def neighbours_of(name: str) -> dict[str, Published]:
        near = {n: figures_of(n) for n in neighbours.get(name, ()) if dfe(n) is not None}
        unpublished.update(n for n in neighbours.get(name, ()) if dfe(n) is None)
        return near

    councils: list[CouncilFigures] = []
    labels: set[str] = set()
    for council in region.members:
        name = dfe(council)
        if name is None:
            raise ReferenceDataError(
                f"{council} is not in the DfE workforce file. Spell it as DfE does (la_name) "
                "in the regions file, or use reference data that covers it.")
        planned = next((g for area, g in gaps.items() if normalise(area) == normalise(council)),
                       None)
        if planned is None:
            notes.append(f"{council}: no {role.replace('_', ' ')} rows in the plan; left out")
            continue
        population = _population(council, people.get(normalise(name), {}), horizon)
        if population is None:
            raise ReferenceDataError(f"no ONS child population for {council} in the reference "
                                     "data; replace the population file with the official one.")
        if any(population.projected(plan_year_start(y)) for y in planned):
            labels.add(population.label)
        by_year = {y: population.at(plan_year_start(y)) for y in planned}
        near = neighbours_of(next((n for n in neighbours if normalise(n) == normalise(name)),
                                  name))
        if not near:
            notes.append(f"{council}: no DfE statistical neighbours in the reference data")
        councils.append(CouncilFigures(council=council, gap_fte=planned, children=by_year,
                                       published=figures_of(name), neighbours=near,
                                       comparison=region.is_comparison(council)))
    england = published(workforce[ENGLAND].get(latest),
                        children.get(ENGLAND, {}).get(latest), latest)
    notes.append(f"Published measures: DfE children's social work workforce, {latest} (the "
                 f"year to 30 September {latest}); children: ONS mid-{latest} estimate. "
                 "Statistical neighbours: DfE's list (ten per council), averaged as DfE's LA "
                 "Interactive Tool does (a simple mean of those that publish the figure).")
    if unpublished:
        notes.append("Statistical neighbours not in the workforce file (left out of the "
                     f"averages): {', '.join(sorted(unpublished))}.")
    notes.extend(f"Children in plan years after the last ONS estimate: {label}."
                 for label in sorted(labels))
    notes.append("Gap = required − available FTE at the end of each plan year (the plan's "
                 f"{scenario} scenario). Only the region's councils are planned: statistical "
                 "neighbours and England are compared on the published measures.")
    return region_view(region.name, role, councils, england, threshold=threshold,
                       role_label=role_label, notes=notes)
