"""Stock and flow of supply on hand-checked months."""

from __future__ import annotations

import numpy as np
import pytest

from joinedup.errors import ConfigError
from joinedup.workforce.supply import SupplyStart, monthly_rate, project_supply


def _start(**changes: float) -> SupplyStart:
    values: dict[str, float] = dict(
        permanent_fte=100.0, first_year_fte=0.0, agency_fte=0.0, turnover=0.0, retirement=0.0,
        hires_per_year=0.0, pipeline_per_year=0.0, agency_conversion=0.0, agency_cover=0.0,
        absence=0.0)
    values.update(changes)
    return SupplyStart(role="social_worker", **values)  # type: ignore[arg-type]


def test_monthly_rate_compounds_to_the_annual_rate() -> None:
    """(1 − m)^12 = 1 − annual; for 19% a year, m = 1 − 0.81^(1/12)."""
    m = float(monthly_rate(0.19))
    assert (1 - m) ** 12 == pytest.approx(0.81)


def test_a_year_of_turnover_without_hiring() -> None:
    """100 FTE, 19% turnover (retirements 0): after 12 months 100 × 0.81 = 81; leavers 19."""
    path = project_supply(_start(turnover=0.19), np.full(12, 100.0))
    assert path.permanent[-1] == pytest.approx(81.0)
    assert path.leavers.sum() == pytest.approx(19.0)
    assert path.vacancies[-1] == pytest.approx(19.0)


def test_retirements_are_part_of_turnover_not_extra() -> None:
    """Turnover 10% of which retirement 4%: other leavers at 6%, retirements at 4% a year.
    First month: leavers 100 × m(0.06), retirements 100 × m(0.04)."""
    path = project_supply(_start(turnover=0.10, retirement=0.04), np.full(2, 100.0))
    assert path.leavers[0] == pytest.approx(100 * float(monthly_rate(0.06)))
    assert path.retirements[0] == pytest.approx(100 * float(monthly_rate(0.04)))


def test_hires_fill_only_empty_posts_and_the_market_limits_them() -> None:
    """Establishment 110 and 100 in post: 10 empty posts. Hires 60 a year = 5 a month: month 1
    hires 5 (market), month 2 the last 5, month 3 none (no room)."""
    path = project_supply(_start(hires_per_year=60), np.full(3, 110.0))
    assert path.hires.tolist() == pytest.approx([5.0, 5.0, 0.0])
    assert path.permanent[-1] == pytest.approx(110.0)


def test_pipeline_joins_in_year_one_and_progresses() -> None:
    """12 newly qualified a year = 1 a month into the first-year group; each month 1/12 of the
    group moves on. Month 1: 0 − 0 + 1 = 1; month 2: 1 − 1/12 + 1 = 1.9167."""
    path = project_supply(_start(pipeline_per_year=12), np.full(2, 200.0))
    assert path.first_year.tolist() == pytest.approx([1.0, 1 - 1 / 12 + 1])
    assert path.permanent[-1] == pytest.approx(102.0)


def test_agency_covers_vacancies_and_converts() -> None:
    """Establishment 120, 100 permanent: 20 vacant, half covered by agency: 10 agency.
    Available = (100 + 10) × (1 − 5% absence) = 104.5."""
    path = project_supply(_start(agency_cover=0.5, absence=0.05, agency_fte=10,
                                 agency_conversion=0.0), np.full(1, 120.0))
    assert path.agency[0] == pytest.approx(10.0)
    assert path.available[0] == pytest.approx(104.5)
    converting = project_supply(_start(agency_fte=12, agency_conversion=0.5, agency_cover=1.0),
                                np.full(1, 120.0))
    moved = 12 * float(monthly_rate(0.5))
    assert converting.conversions[0] == pytest.approx(moved)
    assert converting.permanent[0] == pytest.approx(100 + moved)


def test_runs_vary_turnover_and_hires() -> None:
    path = project_supply(_start(turnover=0.1, hires_per_year=24), np.full(12, 100.0),
                          turnover=np.array([0.0, 0.1, 0.3]), hires_factor=np.array([1, 1, 0]))
    assert path.permanent.shape == (3, 12)
    assert path.permanent[0, -1] == pytest.approx(100.0)
    # 10% turnover is replaced by 2 hires a month; 30% without hires falls to 70.
    assert path.permanent[1, -1] == pytest.approx(100.0)
    assert path.permanent[2, -1] == pytest.approx(70.0)


@pytest.mark.parametrize(("field", "value"), [("turnover", -0.1), ("turnover", 1.2),
                                              ("absence", 1.0), ("permanent_fte", -5),
                                              ("agency_cover", 1.5)])
def test_bad_supply_parameters_name_the_field(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=f"supply.social_worker.{field}"):
        _start(**{field: value})
