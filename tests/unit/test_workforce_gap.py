"""Gap by quarter, cost, and simulated risk on hand-checked numbers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from joinedup.workforce.assumptions import default_assumptions
from joinedup.workforce.gap import (
    by_quarter,
    gap_rows,
    quarter_groups,
    quarter_label,
    quarterly_cost,
    simulate_risk,
)


def test_financial_quarters() -> None:
    assert quarter_label(date(2024, 4, 1)) == "2024-25 Q1"
    assert quarter_label(date(2024, 12, 1)) == "2024-25 Q3"
    assert quarter_label(date(2025, 3, 1)) == "2024-25 Q4"
    months = [date(2024, m, 1) for m in (2, 3, 4, 5)]
    assert [label for label, _ in quarter_groups(months)] == ["2023-24 Q4", "2024-25 Q1"]
    assert by_quarter(np.array([1.0, 3.0, 5.0, 7.0]), quarter_groups(months)).tolist() == [2, 6]


def test_cost_of_a_quarter() -> None:
    """10 permanent at £56,000 a year: £140,000 a quarter; 2 agency at £400 a day × 220 days:
    2 × 400 × 220 / 4 = £44,000."""
    perm, agency = quarterly_cost(np.array([10.0]), np.array([2.0]), default_assumptions().costs,
                                  "social_worker")
    assert float(perm[0]) == 140_000
    assert float(agency[0]) == 44_000


def test_risk_from_runs() -> None:
    """Runs of required − available = 10, 20, ..., 100 (ten runs). P50 = 55, P10 = 19,
    P90 = 91 (linear interpolation); all short; available below the statutory 50 in runs whose
    available is 0..40 → with required 100 and available 90..0: runs 6-10 (available 40..0)."""
    required = np.full((10, 1), 100.0)
    available = 100.0 - np.arange(10, 101, 10, dtype=float)[:, None]
    risk = simulate_risk(required, np.full((10, 1), 50.0), available)
    assert float(risk.p50[0]) == pytest.approx(55)
    assert float(risk.p10[0]) == pytest.approx(19)
    assert float(risk.p90[0]) == pytest.approx(91)
    assert float(risk.short[0]) == 1.0
    assert float(risk.statutory_miss[0]) == pytest.approx(0.5)


def test_gap_rows_rates() -> None:
    """Required 100, 80 permanent + 10 agency, available 90 × (1 − 0) = 90: gap 10;
    vacancy 20 / 100 = 20%; agency 10 / 90 = 11.1%."""
    risk = simulate_risk(np.full((4, 1), 100.0), np.full((4, 1), 50.0), np.full((4, 1), 90.0))
    (row,) = gap_rows("baseline", "X", "social_worker", ["2024-25 Q1"],
                      required=np.array([100.0]), statutory=np.array([50.0]),
                      permanent=np.array([80.0]), agency=np.array([10.0]),
                      available=np.array([90.0]), vacancies=np.array([20.0]), risk=risk,
                      costs=default_assumptions().costs)
    assert row.gap == 10
    assert row.vacancy_rate == pytest.approx(0.2)
    assert row.agency_rate == pytest.approx(1 / 9)
    assert row.gap_p50 == 10
    assert row.chance_short == 1.0
    assert row.chance_statutory_miss == 0.0
