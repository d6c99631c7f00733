"""The pooled model across councils: metric arithmetic by hand, no leakage from later years,
and the plan using it only when the all-council backtest says it wins."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from joinedup.reference.panel import Panel
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.pooled import (
    SCALE_FLOOR,
    forecast_naive,
    forecast_pooled,
    out_of_sample_errors,
)
from joinedup.workforce.pooled_backtest import (
    Backtest,
    chosen,
    mase_scale,
    relative,
    run_backtest,
    score,
)
from joinedup.workforce.pooled_plan import assess, pooled_forecaster
from joinedup.workforce.series import Series

YEARS = tuple(range(2013, 2025))


def _panel(referrals: np.ndarray, seed: int = 0) -> Panel:
    """A panel of ``referrals`` (council x year) with steady populations and neighbours."""
    n = referrals.shape[0]
    rng = np.random.default_rng(seed)
    population = np.outer(rng.uniform(20_000, 80_000, n), np.ones(len(YEARS)))
    neighbours = np.array([[(i + k) % n for k in range(1, 11)] for i in range(n)])
    return Panel(tuple(f"{i:03d}" for i in range(n)), tuple(f"Council {i}" for i in range(n)),
                 YEARS, {"referrals": referrals.astype(np.float64),
                         "child_population": population,
                         "rereferral_pct": np.full(referrals.shape, 20.0)},
                 neighbours.astype(np.int64))


def _random_walk(n: int = 60, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.08, (n, len(YEARS)))
    return np.asarray(1_000 * np.exp(np.cumsum(steps, axis=1)))


def _reverting(n: int = 60, seed: int = 2) -> np.ndarray:
    """Each year undoes most of last year's change: a model that learns it beats naive."""
    rng = np.random.default_rng(seed)
    logs = np.zeros((n, len(YEARS)))
    logs[:, 0] = np.log(1_000)
    shocks = rng.normal(0.0, 0.1, (n, len(YEARS)))
    for t in range(1, len(YEARS)):
        before = logs[:, t - 1] - logs[:, t - 2] if t >= 2 else 0.0
        logs[:, t] = logs[:, t - 1] - 0.9 * before + shocks[:, t]
    return np.asarray(np.exp(logs))


def test_mase_and_coverage_by_hand() -> None:
    assert list(mase_scale(np.array([[10.0, 12.0, 11.0, 15.0], [5.0, np.nan, 5.0, 7.0]]))) == \
        pytest.approx([7 / 3, 2.0])
    # Two origins, two councils. Scales 2 and 4; pooled errors 1, 2, 2, 0; naive 2, 4, 4, 4.
    actual = np.array([[10.0, 20.0], [12.0, 24.0]])
    bt = Backtest(
        "referrals", (2022, 2023), actual, np.array([[2.0, 4.0], [2.0, 4.0]]),
        mean={"pooled": np.array([[11.0, 22.0], [10.0, 24.0]]),
              "naive": np.array([[8.0, 16.0], [8.0, 20.0]])},
        lower={"pooled": np.array([[9.0, 21.0], [11.0, 23.0]]),
               "naive": np.array([[5.0, 5.0], [5.0, 5.0]])},
        upper={"pooled": np.array([[11.0, 23.0], [13.0, 25.0]]),
               "naive": np.array([[9.0, 30.0], [30.0, 30.0]])})
    pooled, naive = score(bt, "pooled"), score(bt, "naive")
    assert pooled.mase == pytest.approx((0.5 + 0.5 + 1.0 + 0.0) / 4)
    assert naive.mase == pytest.approx((1.0 + 1.0 + 2.0 + 1.0) / 4)
    assert relative(bt) == pytest.approx(0.5 / 1.25)
    assert pooled.coverage == pytest.approx(0.75)  # 20 is outside [21, 23]
    assert naive.coverage == pytest.approx(0.75)  # 10 is outside [5, 9]
    assert score(bt, "pooled", [1]).mase == pytest.approx((0.5 + 0.0) / 2)
    assert pooled.forecasts == 4


def test_a_forecast_at_an_origin_cannot_see_later_years() -> None:
    panel = _panel(_reverting())
    origin = 2019
    before = run_backtest(panel, "referrals", [origin])
    later = panel.values["referrals"].copy()
    changed = later.copy()
    changed[:, panel.year_index(origin) + 1:] *= 3.0  # the year forecast and every later one
    after = run_backtest(_panel(changed), "referrals", [origin])
    assert not np.allclose(before.actual, after.actual)
    for model in ("pooled", "naive"):
        np.testing.assert_array_equal(before.mean[model], after.mean[model])
        np.testing.assert_array_equal(before.lower[model], after.lower[model])
    # ... while a change at or before the origin does change the forecast (the test can fail).
    earlier = later.copy()
    earlier[:, panel.year_index(origin) - 1] *= 1.5
    moved = run_backtest(_panel(earlier), "referrals", [origin])
    assert not np.allclose(moved.mean["pooled"], before.mean["pooled"], equal_nan=True)


def test_pooled_learns_reversion_and_naive_stays_on_a_random_walk() -> None:
    origins = list(range(2017, 2024))
    reverting = run_backtest(_panel(_reverting()), "referrals", origins)
    assert relative(reverting) < 0.8
    assert chosen(reverting) == "pooled"
    walk = run_backtest(_panel(_random_walk()), "referrals", origins)
    assert relative(walk) > 0.9
    assert chosen(walk) == "naive"


def test_intervals_cover_about_eighty_percent_on_a_steady_process() -> None:
    bt = run_backtest(_panel(_reverting(200)), "referrals", list(range(2017, 2024)))
    assert 0.72 <= score(bt, "pooled").coverage <= 0.88
    naive = forecast_naive(_panel(_random_walk()), "referrals")
    assert np.all(naive.lower < naive.mean) and np.all(naive.mean < naive.upper)


def test_naive_interval_is_the_quantiles_of_its_errors_at_the_three_origins_before() -> None:
    values = _random_walk(60)
    panel = _panel(values)
    logs = np.log(values)
    errors = []
    for origin in (2021, 2022, 2023):  # forecasts of 2022, 2023 and 2024, all published
        j = YEARS.index(origin)
        # s at the origin: the mean absolute log change up to it, never the year forecast.
        s = np.maximum(np.mean(np.abs(np.diff(logs[:, :j + 1], axis=1)), axis=1), SCALE_FLOOR)
        errors.append((logs[:, j + 1] - logs[:, j]) / s)
    lo, hi = np.quantile(np.concatenate(errors), [0.1, 0.9])
    s_now = np.maximum(np.mean(np.abs(np.diff(logs, axis=1)), axis=1), SCALE_FLOOR)
    got = forecast_naive(panel, "referrals")
    np.testing.assert_allclose(got.lower, values[:, -1] * np.exp(lo * s_now))
    np.testing.assert_allclose(got.upper, values[:, -1] * np.exp(hi * s_now))


def test_pooled_interval_comes_from_its_own_forecasts_at_earlier_origins() -> None:
    values = _reverting(60)
    panel = _panel(values)
    expected = []
    for origin in (2021, 2022, 2023):
        cut = panel.until(origin)
        made = forecast_pooled(cut, "referrals").mean
        logs = np.log(cut.values["referrals"])
        s = np.maximum(np.mean(np.abs(np.diff(logs, axis=1)), axis=1), SCALE_FLOOR)
        expected.append((np.log(values[:, YEARS.index(origin) + 1]) - np.log(made)) / s)
    errors = out_of_sample_errors(panel, "referrals", "pooled")
    np.testing.assert_allclose(errors, np.concatenate(expected))
    lo, hi = np.quantile(errors, [0.1, 0.9])
    got = forecast_pooled(panel, "referrals")
    logs = np.log(values)
    s_now = np.maximum(np.mean(np.abs(np.diff(logs, axis=1)), axis=1), SCALE_FLOOR)
    np.testing.assert_allclose(np.log(got.lower / got.mean), lo * s_now)
    np.testing.assert_allclose(np.log(got.upper / got.mean), hi * s_now)


def _series(area: str, last_year_start: int, values: tuple[float, ...]) -> Series:
    return Series(area, "referral", "year", date(last_year_start - len(values) + 1, 4, 1),
                  values)


def _own(series: Series, horizon: int) -> Forecast:
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8)


def test_the_plan_uses_the_pooled_model_only_when_it_wins() -> None:
    for values, expected in ((_reverting(), "pooled"), (_random_walk(), "naive")):
        panel = _panel(values)
        verdicts = assess(panel)
        assert verdicts["referral"].model == expected
        run = pooled_forecaster(panel, verdicts, _own)
        series = _series("Council 3", 2023, tuple(float(v) for v in values[3]))
        got = run(series, 3)
        if expected == "pooled":
            direct = forecast_pooled(panel, "referrals")
            assert got.model == "pooled" and got.mean[0] == pytest.approx(direct.mean[3])
            assert got.mean[2] == got.mean[0]
            assert got.upper[2] - got.lower[2] > got.upper[0] - got.lower[0]
            assert got.relative_mase() == pytest.approx(verdicts["referral"].relative)
            assert "chosen by the all-council backtest" in got.method
        else:
            # Naive kept: last year's figure with the interval the all-council backtest scored
            # (its own out-of-sample errors), not the series' own forecaster's.
            direct = forecast_naive(panel, "referrals")
            assert got.model == "naive" and got.mean == (values[3, -1],) * 3
            assert got.lower[0] == pytest.approx(direct.lower[3])
            assert got.upper[0] == pytest.approx(direct.upper[3])
            assert got.upper[2] - got.lower[2] > got.upper[0] - got.lower[0]
            assert got.coverage == pytest.approx(verdicts["referral"].naive.coverage)
            assert "not used" in got.method and got.method in got.notes
        # A council outside the panel, or data ending in another year, keeps its own forecast.
        assert run(_series("Elsewhere", 2023, (1.0, 2.0, 3.0)), 1).model == "naive"
        assert run(_series("Council 3", 2022, (1.0, 2.0, 3.0)), 1).model == "naive"
