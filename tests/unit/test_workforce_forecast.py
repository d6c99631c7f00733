"""Forecasting: baselines and MASE by hand, the chooser, and fallbacks for bad series."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from joinedup.workforce.backtest import (
    Score,
    choose,
    drift,
    mase,
    mase_scale,
    origins,
    seasonal_naive,
)
from joinedup.workforce.forecast import ForecastError, forecast
from joinedup.workforce.series import Series

Z80 = 1.2815515655446004  # standard normal quantile for an 80% two-sided interval


def _monthly(values: list[float] | np.ndarray, start: date = date(2021, 1, 1)) -> Series:
    return Series("Council", "referral", "month", start, tuple(float(v) for v in values))


def test_seasonal_naive_repeats_last_season_with_widening_interval() -> None:
    y = np.arange(1.0, 25.0)  # 1..24: each month is 12 more than a year before
    pred = seasonal_naive(y, 14, 12, 0.8)
    assert list(pred.mean) == [*range(13, 25), 13, 14]
    # Residuals y[t] - y[t-12] are all 12: sigma 12, one season ahead 12, two seasons 12*sqrt 2.
    assert pred.mean[0] - pred.lower[0] == pytest.approx(12 * Z80)
    assert pred.upper[13] - pred.mean[13] == pytest.approx(12 * math.sqrt(2) * Z80)


def test_drift_continues_the_line_from_first_to_last() -> None:
    pred = drift(np.array([1.0, 3.0, 5.0, 10.0]), 2, 1, 0.8)
    assert list(pred.mean) == [13.0, 16.0]


def test_mase_of_a_known_error() -> None:
    assert mase_scale(np.array([1.0, 3.0, 2.0, 6.0]), 1) == pytest.approx(7 / 3)
    # Seasonal scale: differences one season (2) apart: |2-1|, |6-3| -> 2.
    assert mase_scale(np.array([1.0, 3.0, 2.0, 6.0]), 2) == pytest.approx(2.0)
    assert mase(np.array([10.0, 12.0]), np.array([11.0, 14.0]), 2.0) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        mase(np.array([1.0]), np.array([1.0]), 0.0)


def test_origins_step_back_from_the_end() -> None:
    assert origins(40, min_train=24, step=3, count=6) == [25, 28, 31, 34, 37]
    assert origins(11, min_train=5, step=1, count=6) == [5, 6, 7, 8, 9, 10]
    assert origins(20, min_train=24, step=3, count=6) == []


def test_choose_takes_lowest_and_breaks_ties_towards_simpler() -> None:
    scores = {name: Score(name, value, 0.8, 4) for name, value in
              (("seasonal_naive", 0.5), ("ets", 0.5), ("arima", 0.4), ("theta", 0.9))}
    assert choose(scores, ["seasonal_naive", "ets", "arima", "theta"]) == "arima"
    # With a 25% margin, arima (0.4) is not clearly better than the baseline (0.5).
    assert choose(scores, ["seasonal_naive", "ets", "arima", "theta"], margin=0.25) == (
        "seasonal_naive")
    del scores["arima"]
    assert choose(scores, ["seasonal_naive", "ets", "arima", "theta"]) == "seasonal_naive"


def test_combo_is_the_mean_of_ets_arima_and_theta() -> None:
    from joinedup.workforce.backtest import arima, combo, ets, theta

    y = np.array([10.0, 12, 11, 13, 12, 14, 13, 15, 14, 16])
    parts = [model(y, 2, 1, 0.8) for model in (ets, arima, theta)]
    mixed = combo(y, 2, 1, 0.8)
    assert list(mixed.mean) == pytest.approx(list(np.mean([p.mean for p in parts], axis=0)))


def test_exact_seasonal_pattern_chooses_seasonal_naive() -> None:
    pattern = [30, 28, 35, 31, 33, 36, 25, 22, 38, 40, 34, 20]
    result = forecast(_monthly(pattern * 3), 12)
    assert result.model == "seasonal_naive"
    assert list(result.mean) == pytest.approx(pattern)
    assert result.scores["seasonal_naive"] == pytest.approx(0.0)
    assert result.coverage == 1.0


def test_strong_trend_beats_seasonal_naive() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(36)
    result = forecast(_monthly(100 + 5 * t + rng.normal(0, 1, 36)), 6)
    assert result.model != "seasonal_naive"
    assert result.relative_mase() is not None and result.relative_mase() < 0.2
    # The trend carries on: the next month is about 100 + 5 * 36 = 280.
    assert result.mean[0] == pytest.approx(280, abs=6)
    assert set(result.scores) == {"seasonal_naive", "naive", "ets", "arima", "theta", "combo"}


def test_annual_series_use_naive_baseline_and_drift_wins_on_a_line() -> None:
    values = (3000.0, 3100, 3200, 3300, 3400, 3500, 3600, 3700, 3800)
    result = forecast(Series("X", "referral", "year", date(2015, 4, 1), values), 2)
    assert result.baseline == "naive"
    assert "seasonal_naive" not in result.scores
    assert result.scores["drift"] == pytest.approx(0.0, abs=1e-9)
    assert result.model == "drift"
    assert list(result.mean) == pytest.approx([3900, 4000])
    assert result.periods() == [date(2024, 4, 1), date(2025, 4, 1)]


def test_short_monthly_series_falls_back_to_non_seasonal_and_says_so() -> None:
    result = forecast(_monthly([10, 12, 11, 13, 12, 14, 13, 15, 14, 16]), 3)
    assert result.model in {"naive", "drift", "ets", "arima", "theta"}
    assert any("fewer than two seasons" in note for note in result.notes)
    assert "seasonal_naive" not in result.scores


def test_too_short_to_backtest_uses_the_baseline_without_scores() -> None:
    result = forecast(_monthly([4, 5, 6]), 2)
    assert result.model == "naive"
    assert result.mean == (6.0, 6.0)
    assert result.scores == {} and result.coverage is None
    assert any("too short to backtest" in note for note in result.notes)


def test_single_value_zeros_negatives_and_gaps_are_named() -> None:
    one = forecast(_monthly([7]), 2)
    assert one.mean == one.lower == one.upper == (7.0, 7.0)
    assert any("only one value" in note for note in one.notes)

    zeros = forecast(_monthly([0] * 30), 3)
    assert zeros.mean == (0.0, 0.0, 0.0)
    assert any("every value is 0" in note for note in zeros.notes)

    negative = forecast(_monthly([5, -2, 6, 7]), 1)
    assert any("negative value(s)" in note for note in negative.notes)
    assert min(negative.lower) >= 0

    gaps = forecast(_monthly([5, math.nan, 7, 8]), 1)
    assert any("filled by linear interpolation" in note for note in gaps.notes)


def test_impossible_requests_raise_with_what_to_do() -> None:
    with pytest.raises(ForecastError, match="empty"):
        forecast(_monthly([]), 3)
    with pytest.raises(ForecastError, match="at least 1"):
        forecast(_monthly([1, 2]), 0)
    with pytest.raises(ForecastError, match="between 0 and 1"):
        forecast(_monthly([1, 2]), 1, level=80)


def test_five_year_forecast_blends_short_term_into_rate_times_population() -> None:
    from joinedup.workforce.longterm import long_forecast
    from joinedup.workforce.population import flat_population

    pattern = [30.0, 28, 35, 31, 33, 36, 25, 22, 38, 40, 34, 20]  # mean 31 a month
    series = _monthly(pattern * 3, start=date(2021, 4, 1))
    pop = flat_population("Council", 62_000, date(2021, 4, 1))
    short = forecast(series, 60)
    result = long_forecast(series, pop, years=5)
    assert len(result.mean) == 60
    assert result.mean[:12] == short.mean[:12]
    # From month 25: 31 a month per 62,000 children = 5 per 10,000, times each month's share.
    assert result.mean[24:36] == pytest.approx(pattern)
    assert result.mean[-1] == pytest.approx(pattern[-1])
    assert any("per 10,000 children" in note for note in result.notes)
    assert "synthetic" in result.notes[-1] or "synthetic" in result.notes[-2]
