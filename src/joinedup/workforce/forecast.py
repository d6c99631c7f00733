"""Forecast one demand series: candidates chosen by rolling-origin backtest, with fallbacks.

Monthly series with at least two full years are forecast by the seasonal naive baseline,
naive, ETS, ARIMA, Theta and the mean of the last three ("combo"); the one with the lowest
backtest MASE wins (ties go to the simpler model). Annual series (and monthly ones shorter
than two seasons) have no usable seasonality: the baseline is naive (last value), drift joins
the candidates, and another model must beat naive by 10% to replace it.

Bad input never raises when a sensible fallback exists; the fallback is written in plain
English in ``Forecast.notes``:

* missing values (NaN) are filled by linear interpolation;
* negative counts are impossible and are set to 0;
* a series of zeros is forecast as zeros;
* a monthly series shorter than two seasons is treated as non-seasonal;
* a series too short to backtest is forecast by the baseline, without scores;
* a forecast below zero is floored at 0.

Only an empty series, a horizon below 1 or an interval level outside (0, 1) raise
:class:`ForecastError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from threadpoolctl import threadpool_limits

from joinedup.errors import JoinedUpError
from joinedup.workforce.backtest import (
    MIN_POINTS,
    MODELS,
    Array,
    Prediction,
    backtest,
    choose,
)
from joinedup.workforce.series import Series

# Backtest origins: monthly every 3 months over the last 3 years (fewer origins made the choice
# noticeably noisier on the synthetic borough); annual, at most the last 6 years.
MONTHLY_ORIGINS = 12
ANNUAL_ORIGINS = 6
# With at most six one-year-ahead errors a model must beat the baseline by 10% to replace it.
ANNUAL_MARGIN = 0.1


class ForecastError(JoinedUpError):
    """A series cannot be forecast at all (empty, or an impossible horizon or level)."""


@dataclass(frozen=True, slots=True)
class Forecast:
    """A forecast of ``series`` for the periods after its last one."""

    series: Series
    model: str
    mean: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    level: float
    scores: dict[str, float] = field(default_factory=dict)
    coverage: float | None = None
    notes: tuple[str, ...] = ()
    # How the model was chosen, in words, when not by this series' own backtest (the
    # all-council backtest of joinedup.workforce.pooled_plan); "" otherwise.
    method: str = ""

    def periods(self) -> list[date]:
        """The future period of each forecast value."""
        return self.series.future_periods(len(self.mean))

    @property
    def baseline(self) -> str:
        """The benchmark model the scores are compared with."""
        return "seasonal_naive" if "seasonal_naive" in self.scores else "naive"

    def relative_mase(self) -> float | None:
        """Backtest MASE of the chosen model divided by the baseline's (< 1 beats it)."""
        chosen, base = self.scores.get(self.model), self.scores.get(self.baseline)
        if chosen is None or not base:
            return None
        return chosen / base


@dataclass(frozen=True, slots=True)
class Plan:
    """How a series of a given length and frequency is backtested."""

    season: int
    baseline: str
    candidates: list[str]
    min_train: int
    step: int
    horizon: int
    count: int
    margin: float


def backtest_plan(series: Series, n: int, horizon: int) -> tuple[Plan, list[str]]:
    """The candidates and backtest settings for ``n`` clean values, and any notes."""
    notes: list[str] = []
    season = series.season
    if season > 1 and n < 2 * season:
        notes.append(f"fewer than two seasons ({n} months, need {2 * season}): seasonal naive "
                     "and seasonal models not possible; treated as non-seasonal")
        season = 1
    if season > 1:
        return Plan(season, "seasonal_naive",
                    ["seasonal_naive", "naive", "ets", "arima", "theta", "combo"],
                    min_train=2 * season, step=3, horizon=min(horizon, season),
                    count=MONTHLY_ORIGINS, margin=0.0), notes
    min_train = 5 if series.freq == "year" else 6
    candidates = [name for name in ("naive", "drift", "ets", "arima", "theta", "combo")
                  if MIN_POINTS[name] <= min_train]
    step_horizon = 1 if series.freq == "year" else min(horizon, 3)
    return Plan(1, "naive", candidates, min_train=min_train, step=1, horizon=step_horizon,
                count=ANNUAL_ORIGINS, margin=ANNUAL_MARGIN), notes


def clean(series: Series) -> tuple[Array, list[str]]:
    """The values as floats with NaN interpolated and negatives set to 0, and notes."""
    y = np.asarray(series.values, dtype=np.float64)
    notes: list[str] = []
    gaps = ~np.isfinite(y)
    if gaps.any():
        known = np.flatnonzero(~gaps)
        if known.size == 0:
            raise ForecastError(f"{series.area} {series.need}: every value is missing; "
                                "supply at least one count to forecast")
        y[gaps] = np.interp(np.flatnonzero(gaps), known, y[known])
        notes.append(f"{int(gaps.sum())} missing value(s) filled by linear interpolation")
    negative = y < 0
    if negative.any():
        y[negative] = 0.0
        notes.append(f"{int(negative.sum())} negative value(s) are impossible counts; set to 0 "
                     "(check the source)")
    return y, notes


def _tuple(values: Array) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _result(series: Series, model: str, pred: Prediction, level: float, scores: dict[str, float],
            coverage: float | None, notes: list[str]) -> Forecast:
    mean = np.asarray(pred.mean, dtype=np.float64)
    if (mean < 0).any():
        notes.append("forecast below zero floored at 0 (counts cannot be negative)")
    floor = np.maximum
    return Forecast(series, model, _tuple(floor(mean, 0.0)), _tuple(floor(pred.lower, 0.0)),
                    _tuple(floor(pred.upper, 0.0)), level, scores, coverage, tuple(notes))


def forecast(series: Series, horizon: int, *, level: float = 0.8) -> Forecast:
    """Forecast ``horizon`` periods after the end of ``series`` with a ``level`` interval."""
    # The models' matrices are tiny: BLAS threads only fight each other (measured 5 to 10
    # times slower on two shared cores), so fit single-threaded.
    with threadpool_limits(limits=1, user_api="blas"):
        return _forecast(series, horizon, level)


def _forecast(series: Series, horizon: int, level: float) -> Forecast:
    if horizon < 1:
        raise ForecastError(f"forecast horizon must be at least 1 period, not {horizon}")
    if not 0 < level < 1 or math.isnan(level):
        raise ForecastError(f"interval level must be between 0 and 1 (e.g. 0.8), not {level}")
    if not series.values:
        raise ForecastError(f"{series.area} {series.need}: the series is empty; supply at "
                            "least one period of counts")
    y, notes = clean(series)
    n = len(y)
    if not y.any():
        notes.append("every value is 0: forecast is 0")
        zeros = np.zeros(horizon)
        return _result(series, "naive", Prediction(zeros, zeros, zeros), level, {}, None, notes)
    if n == 1:
        notes.append("only one value: carried forward, with no spread to estimate an interval")
        flat = np.full(horizon, y[0])
        return _result(series, "naive", Prediction(flat, flat, flat), level, {}, None, notes)

    plan, more = backtest_plan(series, n, horizon)
    notes.extend(more)
    if n <= plan.min_train:
        notes.append(f"too short to backtest ({n} periods, need more than {plan.min_train}): "
                     f"used {plan.baseline}")
        pred = MODELS[plan.baseline](y, horizon, plan.season, level)
        return _result(series, plan.baseline, pred, level, {}, None, notes)

    result = backtest(y, plan.candidates, season=plan.season, horizon=plan.horizon,
                      min_train=plan.min_train, step=plan.step, count=plan.count, level=level)
    notes.extend(result.notes)
    chosen = choose(result.scores, plan.candidates, margin=plan.margin)
    try:
        pred = MODELS[chosen](y, horizon, plan.season, level)
    except Exception as exc:  # statsmodels raises many types; fall back to the baseline
        notes.append(f"{chosen} failed on the full series ({exc}); used {plan.baseline}")
        chosen = plan.baseline
        pred = MODELS[chosen](y, horizon, plan.season, level)
    if not np.all(np.isfinite(pred.mean)):
        notes.append(f"{chosen} gave a non-finite forecast on the full series; "
                     f"used {plan.baseline}")
        chosen = plan.baseline
        pred = MODELS[chosen](y, horizon, plan.season, level)
    scores = {name: score.mase for name, score in result.scores.items()}
    return _result(series, chosen, pred, level, scores, result.scores[chosen].coverage, notes)
