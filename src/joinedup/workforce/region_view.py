"""The region view: the councils of a region side by side, for a board paper.

For one practitioner role, per council and for the region as a whole:

* the plan's gap (required − available FTE, at the end of each plan year) and the same gap
  per 10,000 children (aged 0 to 17, the council's child population that year), and the
  first plan year in which the council is short by at least ``threshold`` FTE ("the gap
  opens");
* the published social work measures of the latest DfE year: caseload (cases per
  case-holding FTE), agency rate (agency FTE as a % of in-post plus agency FTE), vacancy rate
  (vacant FTE as a % of vacant plus in-post FTE) and vacancies per 10,000 children;
* the same published measures as the mean of the council's DfE statistical neighbours (as
  DfE's LA Interactive Tool averages them) and for England.

The region's own figures treat it as one workforce: gaps and children summed over its
councils (never its comparison councils), rates recomputed from the summed counts. Only
planned councils have a gap; statistical neighbours and England are compared on the
published measures, vacancies per 10,000 children being the published figure nearest the gap.

Everything here is arithmetic on the figures given; the summary sentences are generated from
them (no sentence names a council unless its figures put it there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import fmean
from typing import Any, Literal

from joinedup.errors import JoinedUpError
from joinedup.workforce.regions import normalise

Kind = Literal["council", "comparison", "region"]
PER = 10_000.0
MEASURES: dict[str, str] = {
    "caseload": "Caseload (cases per case-holding FTE)",
    "agency_rate": "Agency rate (% of FTE)",
    "vacancy_rate": "Vacancy rate (% of posts)",
    "vacancies_per_10k": "Vacancies per 10,000 children (FTE)",
}


class RegionViewError(JoinedUpError):
    """The region view cannot be made from the figures given."""


@dataclass(frozen=True, slots=True)
class Published:
    """Published social work figures for one year (counts in FTE; None: not published)."""

    year: int | None = None
    fte: float | None = None
    agency_fte: float | None = None
    vacancy_fte: float | None = None
    case_holders_fte: float | None = None
    cases: float | None = None
    children: float | None = None
    caseload: float | None = None
    agency_rate: float | None = None
    vacancy_rate: float | None = None

    @property
    def vacancies_per_10k(self) -> float | None:
        if self.vacancy_fte is None or not self.children:
            return None
        return self.vacancy_fte / self.children * PER

    def measure(self, name: str) -> float | None:
        value: float | None = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class CouncilFigures:
    """What the view needs about one planned council."""

    council: str
    gap_fte: Mapping[str, float]  # plan year ("2025-26") -> gap FTE at the year's end
    children: Mapping[str, float]  # plan year -> children aged 0 to 17
    published: Published
    neighbours: Mapping[str, Published] = field(default_factory=dict)  # by neighbour's name
    comparison: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the view: a council, a comparison council or the region."""

    name: str
    kind: Kind
    gap_fte: dict[str, float]
    gap_per_10k: dict[str, float | None]
    opens: str | None  # first plan year short by at least the threshold; None: never
    published: Published
    neighbours: dict[str, float | None]  # measure -> statistical neighbours' mean
    neighbour_count: int

    def measure(self, name: str) -> float | None:
        return _value(self.published, name)


@dataclass(frozen=True, slots=True)
class RegionView:
    region: str
    role: str
    years: tuple[str, ...]
    rows: tuple[Row, ...]  # the region's councils, then comparison councils, then the region
    england: dict[str, float | None]
    published_year: int | None
    threshold: float
    summary: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Row:
        return next(r for r in self.rows if r.kind == "region")

    def councils(self, *, comparison: bool = True) -> list[Row]:
        kinds = ("council", "comparison") if comparison else ("council",)
        return [r for r in self.rows if r.kind in kinds]


def ratio(part: float | None, whole: float | None, scale: float = 100.0) -> float | None:
    if part is None or not whole:
        return None
    return part / whole * scale


def _sum(values: Iterable[float | None]) -> float | None:
    got = list(values)
    if not got or any(v is None for v in got):
        return None  # one council not published: the total would be wrong, so none
    return float(sum(v for v in got if v is not None))


def combine(parts: Sequence[Published]) -> Published:
    """Several councils as one workforce: counts summed, rates from the sums."""
    fte = _sum(p.fte for p in parts)
    agency = _sum(p.agency_fte for p in parts)
    vacancies = _sum(p.vacancy_fte for p in parts)
    holders = _sum(p.case_holders_fte for p in parts)
    cases = _sum(p.cases for p in parts)
    years = {p.year for p in parts}
    return Published(
        year=years.pop() if len(years) == 1 else None, fte=fte, agency_fte=agency,
        vacancy_fte=vacancies, case_holders_fte=holders, cases=cases,
        children=_sum(p.children for p in parts),
        caseload=ratio(cases, holders, 1.0),
        agency_rate=ratio(agency, None if fte is None or agency is None else fte + agency),
        vacancy_rate=ratio(vacancies,
                           None if fte is None or vacancies is None else fte + vacancies))


def neighbour_means(neighbours: Sequence[Published]) -> dict[str, float | None]:
    """Each measure's mean over the neighbours that publish it (None if none do)."""
    out: dict[str, float | None] = {}
    for name in MEASURES:
        known = [v for p in neighbours if (v := _value(p, name)) is not None]
        out[name] = fmean(known) if known else None
    return out


def _value(published: Published, name: str) -> float | None:
    return published.vacancies_per_10k if name == "vacancies_per_10k" else \
        published.measure(name)


def _opens(years: Sequence[str], gaps: Mapping[str, float], threshold: float) -> str | None:
    return next((y for y in years if gaps.get(y, 0.0) >= threshold), None)


def _row(name: str, kind: Kind, years: Sequence[str], gaps: Mapping[str, float],
         children: Mapping[str, float], published: Published,
         neighbours: Sequence[Published], threshold: float) -> Row:
    return Row(name=name, kind=kind, gap_fte={y: float(gaps[y]) for y in years},
               gap_per_10k={y: ratio(gaps[y], children.get(y), PER) for y in years},
               opens=_opens(years, gaps, threshold), published=published,
               neighbours=neighbour_means(neighbours), neighbour_count=len(neighbours))


def region_view(region: str, role: str, councils: Sequence[CouncilFigures],
                england: Published, *, threshold: float = 1.0,
                role_label: str | None = None, notes: Sequence[str] = ()) -> RegionView:
    """Compare a region's councils (see the module docstring); the summary is generated."""
    members = [c for c in councils if not c.comparison]
    if not members:
        raise RegionViewError(f"{region}: no councils of the region in the plan; make the "
                              "region's plan first (joinedup workforce plan --region NAME).")
    years = [y for y in members[0].gap_fte if all(y in c.gap_fte for c in councils)]
    if not years:
        raise RegionViewError(f"{region}: the councils' plans share no plan year; make them "
                              "again from the same release of the DfE figures.")
    rows = [_row(c.council, "comparison" if c.comparison else "council", years, c.gap_fte,
                 c.children, c.published, list(c.neighbours.values()), threshold)
            for c in councils]
    totals = {y: float(sum(c.gap_fte[y] for c in members)) for y in years}
    children = {y: total for y in years
                if (total := _sum(c.children.get(y) for c in members)) is not None}
    # The region's neighbours: its councils' neighbours outside the region, each once.
    own = {normalise(c.council) for c in members}
    outside = {normalise(name): p for c in members for name, p in c.neighbours.items()
               if normalise(name) not in own}
    region_row = _row(region, "region", years, totals, children,
                      combine([c.published for c in members]), list(outside.values()),
                      threshold)
    eng = {name: _value(england, name) for name in MEASURES}
    view = RegionView(region=region, role=role, years=tuple(years),
                      rows=(*rows, region_row), england=eng, published_year=england.year,
                      threshold=threshold, notes=tuple(notes))
    return _with_summary(view, role_label or role.replace("_", " "))


def _fte(value: float) -> str:
    return f"{value:,.0f} FTE" if abs(value) >= 10 else f"{value:,.1f} FTE"


def _per(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.1 or value == 0 else f"{value:.2f}"


def _names(rows: Sequence[Row]) -> str:
    names = [r.name for r in rows]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _short_sentence(row: Row, last: str) -> str:
    assert row.opens is not None
    first, end = row.gap_fte[row.opens], row.gap_fte[last]
    per = row.gap_per_10k[last]
    rate = f" ({_per(per)} per 10,000 children)" if per is not None else ""
    if row.opens == last:
        return f"{row.name}: the gap opens in {last}, at {_fte(end)}{rate}."
    trend = "reaching" if end >= first else "easing to"
    return (f"{row.name}: short from {row.opens} ({_fte(first)}), {trend} {_fte(end)}{rate} "
            f"by {last}.")


def _or_low(value: float | None) -> float:
    return float("-inf") if value is None else value


def _above(rows: Sequence[Row], name: str, benchmark: float | None) -> list[Row]:
    if benchmark is None:
        return []
    return [r for r in rows if (v := r.measure(name)) is not None and v > benchmark]


def _above_neighbours(rows: Sequence[Row], name: str) -> list[Row]:
    return [r for r in rows if (v := r.measure(name)) is not None
            and (n := r.neighbours.get(name)) is not None and v > n]


def summary(view: RegionView, role_label: str) -> list[str]:
    """Plain-language sentences from the figures: who is short, by how much, from when."""
    last = view.years[-1]
    own = view.councils(comparison=False)
    short = sorted((r for r in own if r.opens is not None),
                   key=lambda r: (view.years.index(r.opens or last), -r.gap_fte[last]))
    out: list[str] = []
    total = view.total
    if total.opens is None:
        out.append(f"Across {view.region} as a whole, {role_label} supply meets the "
                   f"requirement (within {view.threshold:g} FTE) in every year of the plan, "
                   f"{view.years[0]} to {last}.")
    else:
        per = total.gap_per_10k[last]
        rate = f", {_per(per)} per 10,000 children," if per is not None else ""
        if total.opens == last:
            out.append(f"Across {view.region} the {role_label} gap opens in {last}, at "
                       f"{_fte(total.gap_fte[last])}{rate.rstrip(',')}.")
        else:
            out.append(f"Across {view.region} the {role_label} gap opens in {total.opens} and "
                       f"is {_fte(total.gap_fte[last])}{rate} by {last}.")
    if short:
        verb = "is" if len(short) == 1 else "are"
        count = (f"All {len(own)} councils of the region are" if len(short) == len(own) > 1
                 else f"{len(short)} of the region's {len(own)} councils {verb}")
        out.append(f"{count} short of "
                   f"{role_label}s by at least {view.threshold:g} FTE at some point in the "
                   "plan; in the order the gap opens:")
        out.extend(_short_sentence(r, last) for r in short)
    else:
        out.append(f"No council of the region is short by {view.threshold:g} FTE or more in "
                   "any year of the plan.")
    covered = [r for r in own if r.opens is None]
    if short and covered:
        out.append(f"Not short in any year: {_names(covered)}.")
    worst = max(own, key=lambda r: _or_low(r.gap_per_10k[last]))
    worst_rate = worst.gap_per_10k[last]
    if worst.opens is not None and worst_rate is not None and len(short) > 1:
        out.append(f"Relative to the number of children, the largest gap in {last} is in "
                   f"{worst.name} ({_per(worst_rate)} per 10,000 children).")
    year = f" ({view.published_year})" if view.published_year else ""
    for name, what, unit in (("caseload", "Caseloads", ""), ("agency_rate", "Agency rates", "%"),
                             ("vacancy_rate", "Vacancy rates", "%")):
        england = view.england.get(name)
        above = _above(own, name, england)
        if above and england is not None:
            out.append(f"{what}{year} are above England's {england:.1f}{unit} in "
                       f"{_names(above)}.")
        elif england is not None:
            out.append(f"{what}{year} are at or below England's {england:.1f}{unit} in every "
                       "council of the region.")
        beyond = _above_neighbours(own, name)
        if beyond:
            out.append(f"{what} above their statistical neighbours' average: "
                       f"{_names(beyond)}.")
    for r in view.rows:
        if r.kind == "comparison":
            shown = (f"short from {r.opens}, {_fte(r.gap_fte[last])} by {last}"
                     if r.opens else "not short in any year")
            out.append(f"For comparison (not in the region's figures), {r.name} is {shown}.")
    return out


def _with_summary(view: RegionView, role_label: str) -> RegionView:
    return replace(view, summary=tuple(summary(view, role_label)))


def gaps_from_year_rows(rows: Iterable[Mapping[str, Any]], scenario: str,
                        role: str) -> dict[str, dict[str, float]]:
    """Area -> plan year -> gap FTE from the plan's year table (``plan_by_year``)."""
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        if row["scenario"] == scenario and row["role"] == role:
            out.setdefault(str(row["area"]), {})[str(row["year"])] = float(row["gap_fte"])
    return out
