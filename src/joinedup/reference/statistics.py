"""One local authority's children's social care figures, year by year, from the DfE files.

Used to calibrate the synthetic borough and to show real benchmarks next to measured ones.
Every figure may be ``None`` (suppressed by DfE, or the file does not cover that year).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.errors import ReferenceDataError
from joinedup.reference.dfe import LaRow, find_file, read_la_rows

# DfE column in c3 (factors at end of assessment) -> CIN census factor code in model/codes.py.
FACTOR_COLUMNS: dict[str, str] = {
    "Alcohol_Misuse_child": "1A",
    "Alcohol_Misuse_parent": "1B",
    "Alcohol_Misuse_person": "1C",
    "Drug_Misuse_child": "2A",
    "Drug_Misuse_parent": "2B",
    "Drug_Misuse_person": "2C",
    "Domestic_Abuse_child": "3A",
    "Domestic_Abuse_parent": "3B",
    "Domestic_Abuse_person": "3C",
    "Mental_Health_child": "4A",
    "Mental_Health_parent": "4B",
    "Mental_Health_person": "4C",
    "Learning_Disability_child": "5A",
    "Learning_Disability_parent": "5B",
    "Learning_Disability_person": "5C",
    "Physical_Disability_child": "6A",
    "Physical_Disability_parent": "6B",
    "Physical_Disability_person": "6C",
    "Young_Carer": "7A",
    "Privately_fostered": "8B",
    "Unaccompanied_asylum_seeker": "9A",
    "Going_missing": "10A",
    "Child_sexual_exploitation": "11A",
    "Trafficking": "12A",
    "Gangs": "13A",
    "Socially_unacceptable_behaviour": "14A",
    "Self_harm": "15A",
    "Neglect": "16A",
    "Emotional_Abuse": "17A",
    "Physical_Abuse_unknown": "18B",
    "Physical_Abuse_adult_on_child": "18B",
    "Physical_Abuse_child_on_child": "18C",
    "Sexual_Abuse_unknown": "19B",
    "Sexual_Abuse_adult_on_child": "19B",
    "Sexual_Abuse_child_on_child": "19C",
    "Female_Genital_Mutilation": "20",
    "Faith_linked_abuse": "21",
    "Child_criminal_exploitation": "24A",
    "Other": "21Z",
}

CPP_DURATION_COLUMNS: dict[str, str] = {
    "3_months_or_less_percent": "0-3m",
    "more_than_3_months_6_months_percent": "3-6m",
    "more_than_6_months_less_than_1_year_percent": "6-12m",
    "1_year_less_than_2_years_percent": "1-2y",
    "2_years_or_more_percent": "2y+",
}

# The files read, by prefix: the year range in the name changes with each release.
FILES: dict[str, str] = {
    "population": "ons_mid-year_population_estimates",
    "cin": "b1_children_in_need",
    "referrals": "c1_children_in_need_referrals",
    "factors": "c3_factors_identified",
    "cpp": "d5_cpps_at31march",
    "cla": "cla_number_and_rate_per_10k",
    "workforce": "csww_indicators",
}


@dataclass
class YearFigures:
    """Figures for the reporting year ending 31 March ``year`` (population: mid-year)."""

    year: int
    child_population: float | None = None
    referrals: float | None = None
    rereferral_pct: float | None = None
    nfa_pct: float | None = None
    not_in_need_pct: float | None = None
    cin_at31: float | None = None
    cin_started: float | None = None
    cpp_at31: float | None = None
    cpp_duration_pct: dict[str, float | None] = field(default_factory=dict)
    cla_at31: float | None = None
    cla_starts: float | None = None
    cla_ceased: float | None = None
    episodes_with_factor: float | None = None
    factor_counts: dict[str, float | None] = field(default_factory=dict)
    sw_fte: float | None = None
    turnover_pct: float | None = None
    agency_pct: float | None = None
    vacancy_pct: float | None = None
    caseload_fte: float | None = None
    case_holders_fte: float | None = None
    cases: float | None = None

    def per_10k(self, count: float | None) -> float | None:
        """A count as a rate per 10,000 children, when both numbers are known."""
        if count is None or not self.child_population:
            return None
        return count / self.child_population * 10_000


@dataclass
class LaStatistics:
    """A local authority's figures by reporting year, and the files they came from."""

    la_name: str
    years: dict[int, YearFigures]
    files: tuple[str, ...]

    def latest_year(self) -> int:
        return max(self.years)

    def value(self, name: str, year: int) -> float | None:
        """A scalar figure for ``year``, else the nearest year that has it (later years win)."""
        candidates = sorted(self.years, key=lambda y: (abs(y - year), -y))
        for candidate in candidates:
            got = getattr(self.years[candidate], name)
            if got is not None:
                return float(got)
        return None


def _year(years: dict[int, YearFigures], year: int) -> YearFigures:
    if year not in years:
        years[year] = YearFigures(year=year)
    return years[year]


def _apply(years: dict[int, YearFigures], rows: list[LaRow], columns: dict[str, str]) -> None:
    for row in rows:
        figures = _year(years, row.year)
        for column, attribute in columns.items():
            setattr(figures, attribute, row.number(column))


def load_la_statistics(reference_dir: Path, la_name: str = "Stockport") -> LaStatistics:
    """Read every DfE table for ``la_name`` from ``reference_dir/dfe``.

    Raises ReferenceDataError when the folder or a file is missing, or the authority is not in
    the files.
    """
    dfe_dir = reference_dir / "dfe"
    if not dfe_dir.is_dir():
        raise ReferenceDataError(
            f"{dfe_dir} does not exist. Point JOINEDUP_REFERENCE_DATA at the reference data "
            "folder (with dfe/ and geo/), or unset it to use synthetic statistics."
        )
    paths = {key: find_file(dfe_dir, prefix) for key, prefix in FILES.items()}
    years: dict[int, YearFigures] = {}

    for row in read_la_rows(paths["population"], la_name):
        if "0 to 17" in row.values.get("age_group", ""):
            # Mid-year estimate for calendar year Y is the denominator DfE uses for the
            # reporting year ending 31 March Y+1; keep it on Y+1 to line up with the counts.
            _year(years, row.year + 1).child_population = row.number("population_estimate")
    _apply(years, read_la_rows(paths["cin"], la_name),
           {"At31_episodes": "cin_at31", "Started_episodes": "cin_started"})
    _apply(years, read_la_rows(paths["referrals"], la_name), {
        "referral_count": "referrals", "rereferral_percent": "rereferral_pct",
        "no_further_action_percent": "nfa_pct", "not_in_need_percent": "not_in_need_pct"})
    for row in read_la_rows(paths["factors"], la_name):
        figures = _year(years, row.year)
        figures.episodes_with_factor = row.number("Episodes_with_assessment_factor")
        counts: dict[str, float | None] = {}
        for column, code in FACTOR_COLUMNS.items():
            value = row.number(column)
            if value is not None:
                counts[code] = (counts.get(code) or 0.0) + value
            else:
                counts.setdefault(code, None)
        figures.factor_counts = counts
    for row in read_la_rows(paths["cpp"], la_name):
        figures = _year(years, row.year)
        figures.cpp_at31 = row.number("CPP_At31")
        figures.cpp_duration_pct = {band: row.number(col)
                                    for col, band in CPP_DURATION_COLUMNS.items()}
    for row in read_la_rows(paths["cla"], la_name, key_column="population_type"):
        figures = _year(years, row.year)
        kind = row.values.get("population_type", "").lower()
        count = row.number("children_count")
        if "on 31 march" in kind:
            figures.cla_at31 = count
        elif "starting" in kind:
            figures.cla_starts = count
        elif "ceasing" in kind:
            figures.cla_ceased = count
    _apply(years, read_la_rows(paths["workforce"], la_name), {
        "inpost_fte": "sw_fte", "turnover_rate_fte": "turnover_pct",
        "agency_rate_fte": "agency_pct", "vacancy_rate_fte": "vacancy_pct",
        "caseload_fte": "caseload_fte", "case_holders_fte": "case_holders_fte",
        "cases": "cases"})

    if not any(f.referrals is not None for f in years.values()):
        raise ReferenceDataError(
            f"no rows for local authority {la_name!r} in {paths['referrals'].name}. Check the "
            "spelling of the authority's name as DfE writes it (la_name column)."
        )
    return LaStatistics(la_name=la_name, years=dict(sorted(years.items())),
                        files=tuple(sorted(p.name for p in paths.values())))


def as_dict(figures: YearFigures) -> dict[str, object]:
    """Plain dict of a year's figures (for manifests and docs)."""
    return dataclasses.asdict(figures)
