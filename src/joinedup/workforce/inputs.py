"""What a plan needs for one area: demand history, the starting workforce, data quality flags.

Three sources build the same :class:`AreaInputs`:

* the DfE reference data (annual; :func:`dfe_inputs`),
* a CSV of counts (:func:`counts_inputs`, reading :mod:`joinedup.workforce.counts`),
* the warehouse (:mod:`joinedup.workforce.episodes`, monthly, with the Markov flow).

Demand needs used (codes of needs.yaml): ``referral`` (new), ``open_cin`` (all children in need,
as DfE counts them: protection and looked-after children included), ``open_cp``,
``open_looked_after``, ``early_help`` (new) and ``open_early_help``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from joinedup.reference.csww import WorkforceYear, load_workforce, resolve_la_name
from joinedup.reference.statistics import LaStatistics, load_la_statistics
from joinedup.workforce.assumptions import PRACTITIONER_ROLES
from joinedup.workforce.demand import DemandHistory
from joinedup.workforce.flow import FlowModel
from joinedup.workforce.series import Freq, Series, fill_gaps, reporting_year_start

# The DfE figure behind each demand need this module reads.
DFE_NEEDS: dict[str, str] = {"referral": "referrals", "open_cin": "cin_at31",
                             "open_cp": "cpp_at31", "open_looked_after": "cla_at31"}
# A year-on-year change this large in a published figure is flagged for checking.
JUMP = 0.4
SUPPLY_NEEDS = ("fte", "agency_fte", "first_year_fte", "starters", "leavers", "establishment",
                "vacancies", "turnover")
# Open cases of the slow needs that say which early help role holds them (the rest of open
# early help is the early help practitioners'): need code -> role.
SLOW_ROLE_NEEDS = {"open_family_help": "family_support_worker", "open_youth_work": "youth_worker"}
EARLY_HELP_HOLDER = "early_help_worker"


@dataclass(frozen=True, slots=True)
class SupplyBase:
    """A role's workforce at the start, and the rates seen in the data (None: not known)."""

    permanent_fte: float | None
    agency_fte: float = 0.0
    establishment_fte: float | None = None  # funded posts (FTE) at the start
    vacancy_fte: float | None = None  # funded posts with nobody permanent in them
    first_year_fte: float | None = None
    turnover: float | None = None
    starters_per_year: float | None = None
    agency_cover: float | None = None
    absence: float | None = None
    case_holder_share: float | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner organisation's work in an area, from its returns, held at its recent level.

    ``families`` (open cases of ``case_class`` a month) add to the area's demand; ``fte``
    (practitioner hours as full-time equivalents) is capacity beside the council's ``role``.
    """

    organisation: str
    area: str
    case_class: str
    role: str
    families: float
    hours_per_month: float
    fte: float
    months_returned: int
    first: str
    last: str
    coverage: float  # months returned of the twelve up to the latest month returned
    needs: str


@dataclass(frozen=True, slots=True)
class AreaInputs:
    """Everything the plan reads about one area."""

    area: str
    source: str
    freq: Freq
    history: dict[str, Series]
    supply: dict[str, SupplyBase]
    held_ratio: float = 1.0  # cases held by case holders per open child in need
    flow: FlowModel | None = None
    flow_arrivals: dict[str, Series] = field(default_factory=dict)
    flow_open: tuple[float, ...] = ()
    quality: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    comparison: bool = False
    partners: tuple[Partner, ...] = ()
    # Share of each shared case class's open cases each role holds, from the data (empty: the
    # assumptions' split), e.g. {"early_help": {"youth_worker": 0.2, ...}}.
    split: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_comparison(self) -> AreaInputs:
        return replace(self, comparison=True)

    def partner_open(self, case_class: str) -> float:
        """Open cases of ``case_class`` partner organisations support, summed."""
        return sum(p.families for p in self.partners if p.case_class == case_class)

    def partner_fte(self, role: str) -> float:
        """Partner organisations' FTE beside the council's ``role``, summed."""
        return sum(p.fte for p in self.partners if p.role == role)


def jump_flags(area: str, label: str, values: Mapping[int, float | None],
               threshold: float = JUMP) -> list[str]:
    """Flags for suppressed years and year-on-year changes of more than ``threshold``.

    Flagged, never smoothed: the plan uses the published figures as they are.
    """
    flags: list[str] = []
    years = sorted(values)
    for year in years:
        if values[year] is None:
            flags.append(f"{area}: {label} for {year} is suppressed or missing")
    known = [(y, v) for y in years if (v := values[y]) is not None]
    for (y0, v0), (y1, v1) in itertools.pairwise(known):
        if v0 > 0 and abs(v1 / v0 - 1.0) > threshold:
            flags.append(f"{area}: {label} went from {v0:g} in {y0} to {v1:g} in {y1} "
                         f"({v1 / v0 - 1.0:+.0%}); check the published figure (not smoothed)")
    return flags


def _mean_recent(values: Mapping[int, float | None], years: int = 3) -> float | None:
    known = [v for _, v in sorted(values.items()) if v is not None][-years:]
    return sum(known) / len(known) if known else None


def _annual(area: str, need: str, stats: LaStatistics, attribute: str,
            notes: list[str]) -> Series | None:
    """The published figure by reporting year, from its first to its last published year
    (years outside that span are not in the file, not missing)."""
    known = {y: v for y, f in stats.years.items() if (v := getattr(f, attribute)) is not None}
    if not known:
        return None
    first, last = min(known), max(known)
    counts = {reporting_year_start(y): known.get(y) for y in range(first, last + 1)}
    filled = fill_gaps(area, need, "year", counts, zero_missing=False)
    notes.extend(filled.notes)
    return filled.series


def _span(values: Mapping[int, float | None]) -> dict[int, float | None]:
    """The years from the first to the last with a value."""
    known = [y for y, v in values.items() if v is not None]
    if not known:
        return {}
    return {y: values.get(y) for y in range(min(known), max(known) + 1)}


def workforce_supply(area: str, years: Mapping[int, WorkforceYear],
                     quality: list[str]) -> SupplyBase:
    """The social worker supply at the latest published year, rates as 3-year means."""
    latest = years[max(years)]
    for label, attr in (("social worker FTE", "fte"), ("caseload", "caseload"),
                        ("turnover rate", "turnover_pct"), ("agency FTE", "agency_fte"),
                        ("case holders FTE", "case_holders_fte")):
        quality.extend(jump_flags(area, label,
                                  _span({y: getattr(w, attr) for y, w in years.items()})))
    turnover = _mean_recent({y: w.turnover_pct for y, w in years.items()})
    starters = _mean_recent({y: w.starters_fte for y, w in years.items()})
    cover = _mean_recent({y: w.agency_cover_pct for y, w in years.items()})
    staff = (latest.fte or 0.0) + (latest.agency_fte or 0.0)
    share = (latest.case_holders_fte / staff) if latest.case_holders_fte and staff else None
    return SupplyBase(
        permanent_fte=latest.fte, agency_fte=latest.agency_fte or 0.0,
        turnover=None if turnover is None else turnover / 100.0,
        starters_per_year=starters,
        agency_cover=None if cover is None else min(cover / 100.0, 1.0),
        absence=None if latest.absence_pct is None else latest.absence_pct / 100.0,
        case_holder_share=share)


def dfe_inputs(reference_dir: Path, council: str) -> AreaInputs:
    """A council's annual demand and social worker supply from the DfE files."""
    name = resolve_la_name(reference_dir, council)
    stats = load_la_statistics(reference_dir, name)
    workforce = load_workforce(reference_dir, name)
    notes: list[str] = []
    quality: list[str] = []
    history: dict[str, Series] = {}
    for need, attribute in DFE_NEEDS.items():
        series = _annual(council, need, stats, attribute, notes)
        if series is not None:
            history[need] = series
        quality.extend(jump_flags(council, attribute, _span(
            {y: getattr(f, attribute) for y, f in stats.years.items()})))
    latest = workforce[max(workforce)]
    cin = stats.value("cin_at31", max(workforce))
    held = latest.cases / cin if latest.cases and cin else 1.0
    if not 0.4 <= held <= 1.6:
        quality.append(f"{council}: cases held ({latest.cases:g}) are {held:.0%} of children in "
                       f"need ({cin:g}); check both figures")
    supply = workforce_supply(council, workforce, quality)
    notes.append(f"{council}: turnover, starters and agency cover are means of the last 3 "
                 "published years; the newly qualified share is an assumption (DfE does not "
                 "publish it)")
    return AreaInputs(area=council, source="dfe", freq="year", history=history,
                      supply={"social_worker": supply}, held_ratio=held,
                      quality=tuple(quality), notes=tuple(notes))


def _latest(series: Series | None) -> float | None:
    if series is None or not series.values:
        return None
    value = series.values[-1]
    return None if math.isnan(value) else value


def _last_year_total(series: Series | None) -> float | None:
    """A flow over the latest year: the last value of an annual series, or the last twelve
    months of a monthly one (scaled up to a year when there are fewer)."""
    if series is None or not series.values:
        return None
    if series.freq == "year":
        return float(series.values[-1])
    recent = series.values[-12:]
    return float(sum(recent)) * 12.0 / len(recent)


def counts_supply(area: str, history: DemandHistory, role: str) -> SupplyBase | None:
    """Supply rows of a counts CSV (``<role>_fte``, ``<role>_agency_fte``, ...), if any."""
    got = {name: history.get(area, f"{role}_{name}") for name in SUPPLY_NEEDS}
    fte = _latest(got["fte"])
    if fte is None:
        return None
    leavers = _last_year_total(got["leavers"])
    turnover = _latest(got["turnover"])
    if turnover is None and leavers is not None and fte > 0:
        turnover = leavers / fte
    return supply_base(permanent=fte, agency=_latest(got["agency_fte"]) or 0.0,
                       first_year=_latest(got["first_year_fte"]),
                       establishment=_latest(got["establishment"]),
                       vacancies=_latest(got["vacancies"]), turnover=turnover,
                       starters=_last_year_total(got["starters"]))


def supply_base(*, permanent: float, agency: float, first_year: float | None = None,
                establishment: float | None = None, vacancies: float | None = None,
                turnover: float | None = None, starters: float | None = None,
                absence: float | None = None,
                case_holder_share: float | None = None) -> SupplyBase:
    """A role's starting workforce, with establishment and vacancies made consistent.

    Either gives the other (establishment = in post + vacancies); agency staff cover a share
    of the vacancies, so that share is agency ÷ vacancies (at most all of them).
    """
    if establishment is None and vacancies is not None:
        establishment = permanent + vacancies
    if vacancies is None and establishment is not None:
        vacancies = max(establishment - permanent, 0.0)
    cover = min(agency / vacancies, 1.0) if vacancies and agency else None
    return SupplyBase(permanent_fte=permanent, agency_fte=agency, first_year_fte=first_year,
                      establishment_fte=establishment, vacancy_fte=vacancies,
                      turnover=turnover, starters_per_year=starters, agency_cover=cover,
                      absence=absence, case_holder_share=case_holder_share)


def early_help_split(open_by_need: Mapping[str, float | None]) -> dict[str, float]:
    """Shares of open early help cases by role from the slow needs' open cases, or {}.

    Family help and youth work are parts of early help; what is left is the early help
    practitioners'. Parts adding up to more than the whole are scaled down to it.
    """
    whole = open_by_need.get("open_early_help")
    parts = {role: float(v) for need, role in SLOW_ROLE_NEEDS.items()
             if (v := open_by_need.get(need)) is not None}
    if not whole or not parts:
        return {}
    total = sum(parts.values())
    scale = min(1.0, whole / total) if total else 1.0
    shares = {role: value * scale / whole for role, value in parts.items()}
    shares[EARLY_HELP_HOLDER] = max(1.0 - sum(shares.values()), 0.0)
    return shares


def counts_inputs(history: DemandHistory, area: str) -> AreaInputs:
    """An area's inputs from a CSV of counts (demand needs plus optional supply rows)."""
    series = {s.need: s for s in history.series if s.area == area}
    wanted = ("referral", "contact", "open_cin", "open_cp", "open_looked_after", "early_help",
              "open_early_help")
    demand = {need: s for need, s in series.items() if need in wanted}
    split = early_help_split({need: _latest(series.get(need))
                              for need in ("open_early_help", *SLOW_ROLE_NEEDS)})
    quality: list[str] = []
    for need, s in demand.items():
        quality.extend(jump_flags(area, need, dict(enumerate(s.values)), threshold=0.5)
                       if s.freq == "year" else [])
    supply: dict[str, SupplyBase] = {}
    notes = list(history.notes)
    for role in PRACTITIONER_ROLES:
        base = counts_supply(area, history, role)
        if base is not None:
            supply[role] = base
    if "social_worker" not in supply:
        notes.append(f"{area}: no social_worker_fte rows in the counts; supply is taken to "
                     "equal the requirement at the start (the gap then shows only the "
                     "projected flows)")
    if split:
        notes.append(f"{area}: early help cases shared between roles from the counts' open "
                     "family help and youth work: " + ", ".join(
                         f"{role.replace('_', ' ')} {share:.0%}" for role, share in split.items()))
    freq = next(iter(demand.values())).freq if demand else "month"
    return AreaInputs(area=area, source="csv", freq=freq, history=demand, supply=supply,
                      quality=tuple(quality), notes=tuple(notes),
                      split={"early_help": split} if split else {})
