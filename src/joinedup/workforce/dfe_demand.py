"""Annual demand and workforce series per local authority from the DfE reference data.

Each series is one published figure for one council, one value per reporting year (period
convention: ``date(Y, 4, 1)`` is the reporting year Y to Y+1, which DfE and
``joinedup.reference`` label by the year it ends in). The ONS mid-year child population
(0 to 17) estimate for mid-year Y is put on the same period, matching the denominator DfE
uses for rates per 10,000 children.

Years DfE suppressed or did not publish inside a council's run of figures are filled by linear
interpolation and listed in the notes; nothing else is changed (see ``quality.py`` for the
figures that look wrong and are flagged, not smoothed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from joinedup.errors import ReferenceDataError
from joinedup.reference import LaStatistics, load_la_statistics
from joinedup.reference.csww import resolve_la_name
from joinedup.workforce.demand import DemandHistory, fill_series
from joinedup.workforce.series import reporting_year_start


@dataclass(frozen=True, slots=True)
class Measure:
    """A published figure read as a series."""

    code: str
    field: str
    label: str
    additive: bool  # counts add up across councils; rates and percentages do not


MEASURES: dict[str, Measure] = {m.code: m for m in (
    Measure("referral", "referrals", "Referrals in the year", True),
    Measure("open_cin", "cin_at31", "Children in need at 31 March", True),
    Measure("open_cp", "cpp_at31", "Children on a child protection plan at 31 March", True),
    Measure("open_looked_after", "cla_at31", "Children looked after at 31 March", True),
    Measure("cla_starts", "cla_starts", "Children starting to be looked after", True),
    Measure("sw_fte", "sw_fte", "Children and family social workers in post (FTE)", True),
    Measure("case_holders_fte", "case_holders_fte", "Case-holding social workers (FTE)", True),
    Measure("cases", "cases", "Cases held by social workers", True),
    Measure("caseload", "caseload_fte", "Average caseload per case-holding FTE", False),
    Measure("turnover_pct", "turnover_pct", "Social worker turnover rate (%)", False),
    Measure("agency_pct", "agency_pct", "Agency social workers (% of FTE)", False),
    Measure("vacancy_pct", "vacancy_pct", "Social worker vacancy rate (%)", False),
    Measure("child_population", "child_population", "Children aged 0 to 17 (ONS mid-year)",
            True),
)}

DEFAULT_MEASURES = ("referral", "open_cin", "open_cp", "open_looked_after", "sw_fte",
                    "caseload", "cases", "child_population")


def load_council(reference_dir: Path, council: str) -> LaStatistics:
    """A council's DfE figures, under DfE's spelling of its name (`resolve_la_name`: "St
    Helens" is "St. Helens" there). A name the workforce file lacks is tried as given."""
    try:
        name = resolve_la_name(reference_dir, council)
    except ReferenceDataError:
        name = council
    return load_la_statistics(reference_dir, name)


def la_series(stats: LaStatistics, measures: Iterable[str], notes: list[str]) -> list[
        tuple[str, dict[date, float | None]]]:
    """(measure code, value by period start) for one council's published figures."""
    out: list[tuple[str, dict[date, float | None]]] = []
    for code in measures:
        measure = MEASURES[code]
        by_year = {reporting_year_start(year): getattr(figures, measure.field)
                   for year, figures in stats.years.items()}
        known = [period for period, value in by_year.items() if value is not None]
        if not known:
            notes.append(f"{stats.la_name}: no published {measure.label.lower()}")
            continue
        # Keep the run of years the figure is published for; years outside it are simply
        # not covered by that release, not gaps.
        first, last = min(known), max(known)
        out.append((code, {p: v for p, v in by_year.items() if first <= p <= last}))
    return out


def dfe_demand(reference_dir: Path, councils: Iterable[str], *, region: str | None = None,
               measures: Iterable[str] = DEFAULT_MEASURES) -> DemandHistory:
    """Annual series for each council (and each council's parent ``region``, if given).

    Raises ReferenceDataError (from joinedup.reference) when the files are missing or a
    council's name is not in them.
    """
    wanted = list(measures)
    unknown = [code for code in wanted if code not in MEASURES]
    if unknown:
        raise ValueError(f"unknown DfE measure(s) {', '.join(unknown)}; "
                         f"known: {', '.join(MEASURES)}")
    notes: list[str] = []
    series = []
    parents: dict[str, str] = {}
    for council in councils:
        stats = load_council(reference_dir, council)
        for code, values in la_series(stats, wanted, notes):
            series.append(fill_series(council, code, "year", values, notes, zero_missing=False))
        if region:
            parents[council] = region
    return DemandHistory(tuple(series), parents, tuple(notes), "DfE reference data")
