"""Calibration targets for children's social care and the workforce.

With reference data these are Stockport's own DfE figures, year by year (reporting years end
31 March). Without it, documented fallbacks: England 2024 figures, rounded (DfE, Children in
need 2024 and Children's social work workforce 2024, Open Government Licence v3.0).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.errors import ReferenceDataError
from joinedup.reference.statistics import LaStatistics, load_la_statistics

# England 2024, rounded: the fallback when no reference data is configured.
ENGLAND_FACTORS: dict[str, float] = {
    "1A": 0.021, "1B": 0.143, "1C": 0.022, "2A": 0.05, "2B": 0.14, "2C": 0.032, "3A": 0.109,
    "3B": 0.317, "3C": 0.049, "4A": 0.17, "4B": 0.327, "4C": 0.044, "5A": 0.118, "5B": 0.029,
    "5C": 0.014, "6A": 0.046, "6B": 0.051, "6C": 0.01, "7A": 0.035, "8B": 0.004, "9A": 0.013,
    "10A": 0.035, "11A": 0.027, "12A": 0.005, "13A": 0.02, "14A": 0.076, "15A": 0.052,
    "16A": 0.165, "17A": 0.193, "18B": 0.119, "18C": 0.03, "19B": 0.038, "19C": 0.024,
    "20": 0.001, "21": 0.004, "24A": 0.031, "21Z": 0.185,
}


@dataclass(frozen=True)
class YearTargets:
    """Rates for the reporting year ending 31 March ``year`` (per 10,000 children 0-17)."""

    year: int
    referrals_per_10k: float = 510.0
    nfa_pct: float = 6.3
    not_in_need_pct: float = 30.3
    rereferral_pct: float = 22.4
    cin_at31_per_10k: float = 328.0
    cpp_at31_per_10k: float = 41.0
    cla_at31_per_10k: float = 69.0
    cla_starts_per_10k: float = 28.0
    factor_prob: dict[str, float] = field(default_factory=lambda: dict(ENGLAND_FACTORS))


@dataclass(frozen=True)
class WorkforceTargets:
    caseload_per_fte: float = 15.4
    turnover_pct: float = 13.9
    agency_pct: float = 16.2
    vacancy_pct: float = 17.3
    case_holder_share: float = 0.61  # case-holding FTE / all children's social worker FTE
    fte_index: dict[int, float] = field(default_factory=dict)  # FTE relative to latest year


@dataclass(frozen=True)
class Calibration:
    kind: str  # "real" (the authority's DfE figures) or "synthetic" (England fallbacks)
    la_name: str
    files: tuple[str, ...]
    years: dict[int, YearTargets]
    workforce: WorkforceTargets

    def year_of(self, day: int) -> int:
        """Reporting year (ending 31 March) of a day number (days since 1970)."""
        import datetime as dt

        d = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        return d.year + (1 if d.month >= 4 else 0)

    def for_year(self, year: int) -> YearTargets:
        if year in self.years:
            return self.years[year]
        nearest = min(self.years, key=lambda y: (abs(y - year), -y))
        return dataclasses.replace(self.years[nearest], year=year)

    def for_day(self, day: int) -> YearTargets:
        return self.for_year(self.year_of(day))


def fallback_calibration() -> Calibration:
    return Calibration(kind="synthetic", la_name="England (fallback)", files=(),
                       years={2024: YearTargets(year=2024)}, workforce=WorkforceTargets())


def _or(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def calibration_from(stats: LaStatistics) -> Calibration:
    base = YearTargets(year=0)
    years: dict[int, YearTargets] = {}
    for year, fig in stats.years.items():
        if fig.referrals is None or not fig.child_population:
            continue

        def rate(count: float | None, default: float) -> float:
            got = fig.per_10k(count)  # noqa: B023 - called at once, inside this iteration
            return default if got is None else got

        factors = dict(base.factor_prob)
        if fig.episodes_with_factor:
            for code, count in fig.factor_counts.items():
                if count is not None:
                    factors[code] = count / fig.episodes_with_factor
        years[year] = YearTargets(
            year=year,
            referrals_per_10k=rate(fig.referrals, base.referrals_per_10k),
            nfa_pct=_or(fig.nfa_pct, base.nfa_pct),
            not_in_need_pct=_or(fig.not_in_need_pct, base.not_in_need_pct),
            rereferral_pct=_or(fig.rereferral_pct, base.rereferral_pct),
            cin_at31_per_10k=rate(fig.cin_at31, base.cin_at31_per_10k),
            cpp_at31_per_10k=rate(fig.cpp_at31, base.cpp_at31_per_10k),
            cla_at31_per_10k=rate(fig.cla_at31, base.cla_at31_per_10k),
            cla_starts_per_10k=rate(fig.cla_starts, base.cla_starts_per_10k),
            factor_prob=factors,
        )
    if not years:
        raise ReferenceDataError(f"no usable DfE figures for {stats.la_name}")
    latest = stats.latest_year()
    w = WorkforceTargets()
    fte_latest = stats.value("sw_fte", latest)
    holders = stats.value("case_holders_fte", latest)
    fte_index = {}
    if fte_latest:
        for year, fig in stats.years.items():
            if fig.sw_fte:
                fte_index[year] = fig.sw_fte / fte_latest
    workforce = WorkforceTargets(
        caseload_per_fte=_or(stats.value("caseload_fte", latest), w.caseload_per_fte),
        turnover_pct=_or(stats.value("turnover_pct", latest), w.turnover_pct),
        agency_pct=_or(stats.value("agency_pct", latest), w.agency_pct),
        vacancy_pct=_or(stats.value("vacancy_pct", latest), w.vacancy_pct),
        case_holder_share=(holders / fte_latest) if holders and fte_latest else
        w.case_holder_share,
        fte_index=fte_index,
    )
    _fill_cla(years)
    return Calibration(kind="real", la_name=stats.la_name, files=stats.files, years=years,
                       workforce=workforce)


def _fill_cla(years: dict[int, YearTargets]) -> None:
    """The CLA file starts later than the others: earlier years take its first year's rates."""
    known = [y for y, t in years.items() if t.cla_at31_per_10k != YearTargets.cla_at31_per_10k]
    if not known:
        return
    first = years[min(known)]
    for year in list(years):
        if year < first.year:
            years[year] = dataclasses.replace(
                years[year], cla_at31_per_10k=first.cla_at31_per_10k,
                cla_starts_per_10k=first.cla_starts_per_10k)


def load_calibration(reference_dir: Path | None, la_name: str = "Stockport") -> Calibration:
    """Real targets when ``reference_dir`` has the DfE files, otherwise the fallbacks."""
    if reference_dir is None or not (reference_dir / "dfe").is_dir():
        return fallback_calibration()
    return calibration_from(load_la_statistics(reference_dir, la_name))
