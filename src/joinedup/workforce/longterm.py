"""Five-year demand: rate per 10,000 children x projected child population, with the
short-term forecast blended in.

A statistical model fitted to three to eight years of history is trustworthy for about a year
and drifts after that; the number of children changes slowly and predictably. So:

1. the short-term forecast (:func:`joinedup.workforce.forecast.forecast`) is used as it is for
   the first ``short`` periods (12 months, or 1 year);
2. the long-term path is the recent demand rate per 10,000 children (the mean rate over the last
   ``rate_years`` years of history) times the projected child population, with the monthly
   seasonal pattern of the recent history for monthly series;
3. over the next ``short`` periods the weight moves linearly from the short-term forecast to the
   long-term path, which alone is used after that.

The interval of the long-term path keeps the relative half-width of the short-term forecast at
its last step, widened with the square root of the distance ahead: an approximation, stated in
the methodology, not a model-based interval.
"""

from __future__ import annotations

import numpy as np

from joinedup.workforce.backtest import Array
from joinedup.workforce.forecast import Forecast, forecast
from joinedup.workforce.population import Population
from joinedup.workforce.series import Series


def rate_per_10k(series: Series, population: Population, years: int = 3) -> float:
    """Mean demand per period per 10,000 children over the last ``years`` years of history."""
    periods = series.periods()
    keep = min(len(series.values), years * series.season)
    values = np.asarray(series.values[-keep:], dtype=np.float64)
    children = np.asarray([population.at(p) for p in periods[-keep:]], dtype=np.float64)
    return float(np.mean(values / children) * 10_000)


def seasonal_profile(series: Series, years: int = 3) -> Array:
    """Each calendar month's share of a year's demand x 12 (1.0 = an average month).

    All ones for annual series or monthly series shorter than two years, where a pattern
    cannot be told from noise.
    """
    m = series.season
    if m == 1 or len(series.values) < 2 * m:
        return np.ones(m)
    keep = min(len(series.values) // m, years) * m
    values = np.asarray(series.values[-keep:], dtype=np.float64)
    months = [p.month for p in series.periods()[-keep:]]
    totals = np.zeros(12)
    for month, value in zip(months, values, strict=True):
        totals[month - 1] += value
    mean = totals.mean()
    return totals / mean if mean > 0 else np.ones(12)


def blend_weights(horizon: int, short: int) -> Array:
    """Weight on the short-term forecast: 1 for ``short`` periods, then down to 0 linearly."""
    steps = np.arange(1, horizon + 1, dtype=np.float64)
    return np.clip(1 - (steps - short) / (short + 1), 0.0, 1.0)


def long_forecast(series: Series, population: Population, *, years: int = 5,
                  level: float = 0.8, rate_years: int = 3) -> Forecast:
    """A ``years``-year forecast of ``series`` blending its short-term forecast into the
    rate per 10,000 children x population path (see the module docstring)."""
    horizon = years * series.season
    short = series.season if series.freq == "month" else 1
    near = forecast(series, horizon, level=level)
    future = series.future_periods(horizon)
    rate = rate_per_10k(series, population, rate_years)
    profile = seasonal_profile(series, rate_years)
    months = [p.month for p in future] if series.freq == "month" else [1] * horizon
    shape = np.asarray([profile[m - 1] if series.freq == "month" else 1.0 for m in months])
    children = np.asarray([population.at(p) for p in future], dtype=np.float64)
    long_mean = rate * children / 10_000 * shape

    mean = np.asarray(near.mean, dtype=np.float64)
    lower = np.asarray(near.lower, dtype=np.float64)
    upper = np.asarray(near.upper, dtype=np.float64)
    anchor = min(short, horizon) - 1
    half = (upper[anchor] - lower[anchor]) / 2
    relative = half / mean[anchor] if mean[anchor] > 0 else 0.0
    widen = np.sqrt(np.arange(1, horizon + 1) / (anchor + 1))
    long_lower = long_mean * np.maximum(1 - relative * widen, 0.0)
    long_upper = long_mean * (1 + relative * widen)

    w = blend_weights(horizon, short)
    notes = list(near.notes)
    notes.append(f"years 2 to {years}: {rate:.2f} per 10,000 children per "
                 f"{series.freq} (mean of the last {rate_years} years) x child population "
                 f"({population.label}), blended in over year 2")
    if any(population.projected(p) for p in future):
        notes.append(f"child population after {_last(population)} is projected: "
                     f"{population.label}")
    return Forecast(
        series=series, model=f"{near.model} then rate x population",
        mean=tuple(float(v) for v in w * mean + (1 - w) * long_mean),
        lower=tuple(float(v) for v in w * lower + (1 - w) * long_lower),
        upper=tuple(float(v) for v in w * upper + (1 - w) * long_upper),
        level=level, scores=near.scores, coverage=near.coverage, notes=tuple(notes))


def _last(population: Population) -> str:
    if population.last_estimate is None:
        return "the start"
    year = population.last_estimate.year
    return f"{year}-{str(year + 1)[2:]}"
