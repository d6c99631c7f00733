"""Candidate forecasting models, MASE, and the rolling-origin backtest that chooses between them.

Every candidate takes the history, a horizon, the season length and an interval level, and
returns a mean path with a prediction interval. The baselines (naive, seasonal naive, drift)
are written out here so their arithmetic can be checked by hand; ETS, ARIMA and Theta come from
statsmodels:

* ``ets``: additive-error exponential smoothing in state-space form, damped additive trend, plus
  additive seasonality when the series has two full seasons (statsmodels
  ``statespace.ExponentialSmoothing``). Damped, because an undamped trend over five years of
  children's services demand extrapolates too far.
* ``arima``: the "airline" model SARIMA(0,1,1)(0,1,1)12 for monthly series; ARIMA(0,1,1) with
  drift for annual or short ones. A fixed, well-known order rather than a search: a search over
  orders on 3-10 years of data overfits and is slow.
* ``theta``: the Theta method (statsmodels ``ThetaModel``), deseasonalised multiplicatively
  when the series is seasonal and strictly positive.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

# Imported here, not inside the model functions: scipy's BLAS must be loaded before
# forecast() limits BLAS threads, or the limit misses it.
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing
from statsmodels.tsa.statespace.sarimax import SARIMAX

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A forecast path and its prediction interval."""

    mean: Array
    lower: Array
    upper: Array


Model = Callable[[Array, int, int, float], Prediction]


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def _spread(mean: Array, se: Array, level: float) -> Prediction:
    z = _z(level)
    return Prediction(mean, mean - z * se, mean + z * se)


def _rmse(residuals: Array) -> float:
    return float(np.sqrt(np.mean(residuals**2))) if residuals.size else 0.0


def seasonal_naive(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """Each future period repeats the same period one season earlier.

    Interval: the residual standard deviation ``s`` of ``y[t] - y[t-m]``, widened to
    ``s * sqrt(k + 1)`` in the k-th future season (Hyndman & Athanasopoulos, FPP3 5.5).
    """
    m = max(season, 1)
    steps = np.arange(horizon)
    mean = np.asarray(y[len(y) - m + steps % m], dtype=np.float64)
    sigma = _rmse(y[m:] - y[:-m])
    se = sigma * np.sqrt(steps // m + 1.0)
    return _spread(mean, se, level)


def naive(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """The last value carried forward (seasonal naive with a season of one)."""
    return seasonal_naive(y, horizon, 1, level)


def drift(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """The line from the first to the last value, carried on (FPP3 5.2, interval 5.5)."""
    n = len(y)
    if n < 2:
        return naive(y, horizon, season, level)
    slope = (y[-1] - y[0]) / (n - 1)
    h = np.arange(1, horizon + 1, dtype=np.float64)
    mean = y[-1] + slope * h
    residuals = np.diff(y) - slope
    sigma = math.sqrt(float(np.sum(residuals**2)) / max(n - 2, 1))
    se = sigma * np.sqrt(h * (1 + h / (n - 1)))
    return _spread(mean, se, level)


def _statespace(result: object, horizon: int, level: float) -> Prediction:
    forecast = result.get_forecast(horizon)  # type: ignore[attr-defined]
    mean = np.asarray(forecast.predicted_mean, dtype=np.float64)
    bounds = np.asarray(forecast.conf_int(alpha=1 - level), dtype=np.float64)
    return Prediction(mean, bounds[:, 0], bounds[:, 1])


def ets(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """Damped-trend additive ETS, seasonal when there are two full seasons."""
    seasonal = season if season > 1 and len(y) >= 2 * season else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(y, trend=True, damped_trend=True, seasonal=seasonal)
        result = model.fit(disp=False)
    return _statespace(result, horizon, level)


def arima(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """Airline SARIMA for monthly series; ARIMA(0,1,1) with drift otherwise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if season > 1 and len(y) >= 2 * season:
            model = SARIMAX(y, order=(0, 1, 1), seasonal_order=(0, 1, 1, season))
        else:
            model = SARIMAX(y, order=(0, 1, 1), trend="c")
        result = model.fit(disp=False)
    return _statespace(result, horizon, level)


def theta(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """The Theta method; deseasonalised when seasonal with two seasons and positive values."""
    deseasonalize = season > 1 and len(y) >= 2 * season and bool(np.all(y > 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ThetaModel(y, period=season if deseasonalize else 1,
                           deseasonalize=deseasonalize)
        result = model.fit()
        mean = np.asarray(result.forecast(horizon), dtype=np.float64)
        bounds = np.asarray(result.prediction_intervals(horizon, alpha=1 - level),
                            dtype=np.float64)
    return Prediction(mean, bounds[:, 0], bounds[:, 1])


COMBO_PARTS = ("ets", "arima", "theta")


def average(predictions: list[Prediction]) -> Prediction:
    """The mean of several forecasts, bounds averaged too (an approximate interval)."""
    return Prediction(np.mean([p.mean for p in predictions], axis=0),
                      np.mean([p.lower for p in predictions], axis=0),
                      np.mean([p.upper for p in predictions], axis=0))


def combo(y: Array, horizon: int, season: int, level: float) -> Prediction:
    """The equal-weight mean of ETS, ARIMA and Theta.

    Averaging forecasts from different models is the most reliable gain in the forecasting
    competitions (M3, M4): each model's errors partly cancel, and there is no choice between
    near-equal models to get wrong.
    """
    return average([MODELS[name](y, horizon, season, level) for name in COMBO_PARTS])


MODELS: dict[str, Model] = {
    "seasonal_naive": seasonal_naive,
    "naive": naive,
    "drift": drift,
    "ets": ets,
    "arima": arima,
    "theta": theta,
    "combo": combo,
}

# Fewest training points each model is fitted on (non-seasonal use; seasonal needs 2 seasons).
MIN_POINTS: dict[str, int] = {
    "seasonal_naive": 2, "naive": 1, "drift": 2, "ets": 5, "arima": 5, "theta": 4, "combo": 5,
}


def mase_scale(train: Array, season: int) -> float:
    """Mean absolute error of the in-sample (seasonal) naive forecast: MASE's denominator.

    Uses the seasonal difference when the training data covers more than one season, else the
    first difference. 0 when the training data is flat (MASE is then undefined).
    """
    m = season if season > 1 and len(train) > season else 1
    if len(train) <= m:
        return 0.0
    return float(np.mean(np.abs(train[m:] - train[:-m])))


def mase(actual: Array, predicted: Array, scale: float) -> float:
    """Mean absolute scaled error: mean |actual - predicted| / scale (scale > 0)."""
    if scale <= 0:
        raise ValueError("MASE scale must be positive")
    return float(np.mean(np.abs(actual - predicted))) / scale


@dataclass(frozen=True, slots=True)
class Score:
    """How one candidate did over the backtest origins."""

    model: str
    mase: float
    coverage: float
    origins: int


@dataclass(frozen=True, slots=True)
class Backtest:
    """Scores per candidate (the ones that fitted at every origin) and what was dropped."""

    scores: dict[str, Score]
    origins: tuple[int, ...]
    horizon: int
    notes: tuple[str, ...]


def origins(n: int, *, min_train: int, step: int, count: int) -> list[int]:
    """Training lengths for a rolling-origin backtest, most recent last.

    Origins are ``step`` periods apart, counting back from ``n - step``, each with at least
    ``min_train`` points of history; at most ``count`` of them.
    """
    found = [n - step * j for j in range(1, count + 1) if n - step * j >= min_train]
    return sorted(found)


def backtest(y: Array, candidates: list[str], *, season: int, horizon: int, min_train: int,
             step: int, count: int, level: float) -> Backtest:
    """Fit every candidate at every origin; score forecasts up to ``horizon`` periods ahead.

    Each origin's forecasts are scored by MASE against that origin's own in-sample seasonal
    naive scale; a candidate's score is the mean over origins. Coverage is the share of
    actuals inside the candidate's interval. An origin whose training data is flat (scale 0)
    is scored with the mean absolute value of its training data instead, and noted.
    """
    starts = origins(len(y), min_train=min_train, step=step, count=count)
    notes: list[str] = []
    per_model: dict[str, list[float]] = {name: [] for name in candidates}
    inside: dict[str, list[bool]] = {name: [] for name in candidates}
    failed: dict[str, str] = {}
    flat = 0
    for start in starts:
        train, test = y[:start], y[start:start + horizon]
        scale = mase_scale(train, season)
        if scale <= 0:
            flat += 1
            scale = float(np.mean(np.abs(train))) or 1.0
        fitted: dict[str, Prediction] = {}
        for name in candidates:
            if name in failed:
                continue
            try:
                if name == "combo" and all(part in fitted for part in COMBO_PARTS):
                    # Reuse this origin's fits rather than fitting the three models again.
                    pred = average([fitted[part] for part in COMBO_PARTS])
                else:
                    pred = MODELS[name](train, len(test), season, level)
            except Exception as exc:  # statsmodels raises many types; a failed fit drops out
                failed[name] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                continue
            fitted[name] = pred
            if not np.all(np.isfinite(pred.mean)):
                failed[name] = "non-finite forecast"
                continue
            per_model[name].append(mase(test, pred.mean, scale))
            inside[name].extend(bool(v) for v in (test >= pred.lower) & (test <= pred.upper))
    if flat:
        notes.append(f"{flat} backtest origin(s) had flat history (MASE scale 0); scored "
                     "against the mean level instead")
    for name, reason in failed.items():
        notes.append(f"{name} failed to fit in the backtest ({reason}); not a candidate")
    scores = {
        name: Score(name, float(np.mean(values)), float(np.mean(inside[name])), len(values))
        for name, values in per_model.items()
        if name not in failed and values
    }
    return Backtest(scores, tuple(starts), horizon, tuple(notes))


def choose(scores: dict[str, Score], order: list[str], *, margin: float = 0.0) -> str:
    """The candidate with the lowest MASE; ties go to the earlier (simpler) one in ``order``.

    ``order[0]`` is the baseline; another model replaces it only when its MASE is more than
    ``margin`` (a share) below the baseline's, so a few lucky backtest origins do not pick a
    model that is no better.
    """
    ranked = [name for name in order if name in scores]
    best = min(ranked, key=lambda name: (round(scores[name].mase, 9), ranked.index(name)))
    baseline = order[0]
    if (baseline in scores and best != baseline
            and scores[best].mase >= (1 - margin) * scores[baseline].mase):
        return baseline
    return best
