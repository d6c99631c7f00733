"""One-year-ahead forecasts that learn across every English council (a pooled, "global" model).

A council has at most eleven years of published figures: too few to tell a trend from noise,
which is why no model fitted to one council beats "same as last year". Pooling all ~150
councils gives ~1,500 year-on-year changes to learn from. The model predicts next year's
change in the log of a figure (referrals, social worker FTE, ...) from what was known at the
end of this year:

* the council's own last two changes (momentum, or a recording blip that reverses);
* its rate per 10,000 children against its ten DfE statistical neighbours' and against the
  median council (rates far above similar councils tend to come back);
* child population growth, and the re-referral rate (referrals) or caseload, vacancy rate
  and referral growth (social worker FTE).

Shared shocks (the median change across England, the change at the neighbours) were tried
and dropped: a year-level effect is estimated from as few training years as the origin has
(two to nine), and in the backtest they made social worker FTE forecasts worse than naive
(relative MASE 1.15 against 0.98 without them; docs/workforce.md).

It is a least-squares regression (numpy, closed form, with a light ridge penalty as a guard
against near-collinear columns) on standardised features, each council's rows
weighted by ``1 / s²`` where ``s`` is the council's typical year-on-year change (its mean
absolute log change so far): MASE scores errors in those units, so the fit does too, and the
few councils whose figures jump with recording changes do not dominate. Training changes are
clipped to ±0.5 (a log change of about 65%) for the same reason.

Intervals are conformal: the 10th and 90th percentiles of the errors the same model made
one year ahead at each of the last three origins before this one (each forecast from the panel
cut at its origin, scored on the next year's published figure, in units of that origin's
``s``), put around each council's forecast in units of its ``s`` now. Those years are all
published by the origin, so the year being forecast is never seen; they are real
out-of-sample errors, where the training rows' own errors (used before) were too small and
covered 72 to 78% of actuals instead of 80%. With fewer than ``MIN_CALIBRATION`` such errors
(the first years of a series) the training rows' errors of the last three years are used
instead. The naive forecast gets its interval the same way, from its own past errors.

Everything is computed from a panel cut at the forecast origin (:meth:`Panel.until`), so a
forecast made at a year cannot see any later figure.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.reference.panel import Array, Panel

# Ridge penalty on standardised coefficients, worth RIDGE average rows of weight: a guard
# against near-collinear columns, not a tuned shrinkage (1 and 10 score the same).
RIDGE = 10.0
CLIP = 0.5  # training log changes clipped to ±CLIP
SCALE_FLOOR = 0.02  # a typical change below 2% a year is treated as 2%
CALIBRATION_YEARS = 3  # origins before this one whose out-of-sample errors set the intervals
MIN_CALIBRATION = 30  # out-of-sample errors needed; fewer: the training rows' errors
LEVEL = 0.8


@dataclass(frozen=True, slots=True)
class YearAhead:
    """Forecasts for every council of the year after ``origin`` (NaN: cannot forecast)."""

    measure: str
    origin: int
    last: Array  # the figure at the origin
    mean: Array
    lower: Array
    upper: Array


def _log(values: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log(values), np.nan)


def _lag(a: Array, k: int) -> Array:
    out = np.full_like(a, np.nan)
    if k < a.shape[1]:
        out[:, k:] = a[:, :-k]
    return out


def _neighbour_mean(a: Array, neighbours: NDArray[np.int64]) -> Array:
    """Mean over each council's known neighbours, year by year (NaN when none known)."""
    idx = np.where(neighbours >= 0, neighbours, 0)
    gathered = a[idx]  # council x 10 x year
    gathered[neighbours < 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are expected
        return np.asarray(np.nanmean(gathered, axis=1))


def _centre(a: Array) -> Array:
    """Each year's values less that year's median council."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return a - np.nanmedian(a, axis=0, keepdims=True)


def features(panel: Panel, measure: str) -> tuple[Array, list[str]]:
    """Features known at the end of each year (council x year x feature), and their names.

    Only columns up to each year are used (lags look back), so the row for year t is what a
    forecaster had when year t's figures were published.
    """
    ly = _log(panel.values[measure])
    pop = _log(panel.values["child_population"])
    g1 = ly - _lag(ly, 1)
    rate = ly - pop
    cols: dict[str, Array] = {
        "change": g1,
        "change_before": _lag(g1, 1),
        "rate_vs_neighbours": rate - _neighbour_mean(rate, panel.neighbours),
        "rate_vs_median": _centre(rate),
        "population_change": pop - _lag(pop, 1),
    }
    if measure == "referrals":
        cols["rereferral"] = _centre(panel.values["rereferral_pct"]) / 100.0
    if measure == "sw_fte":
        cols["caseload"] = _centre(_log(panel.values["caseload"]))
        cols["vacancy"] = _centre(panel.values["vacancy_pct"]) / 100.0
        refs = _log(panel.values["referrals"])
        cols["referral_change"] = refs - _lag(refs, 1)
    names = list(cols)
    stacked = np.stack([cols[n] for n in names], axis=2)
    # Only the council's own last change is required; any other unknown is "typical" (0).
    known = np.isfinite(g1)
    stacked[~np.isfinite(stacked)] = 0.0
    stacked[~known] = np.nan
    return stacked, names


def typical_change(panel: Panel, measure: str) -> Array:
    """Each council's mean absolute log change up to the panel's last year (floored)."""
    ly = _log(panel.values[measure])
    g = np.abs(np.diff(ly, axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = np.nanmean(g, axis=1)
    return np.asarray(np.maximum(np.where(np.isfinite(s), s, np.nan), SCALE_FLOOR))


def fit_ridge(x: Array, y: Array, w: Array,
              penalty: float) -> tuple[Array, Array, Array, float]:
    """Weighted ridge on standardised columns: (coefficients, column means, sds, intercept)."""
    mu = np.asarray(np.average(x, axis=0, weights=w), dtype=np.float64)
    spread = np.sqrt(np.average((x - mu) ** 2, axis=0, weights=w))
    sd = np.asarray(np.where(spread > 0, spread, 1.0), dtype=np.float64)
    z = (x - mu) / sd
    y_mean = float(np.average(y, weights=w))
    zw = z * w[:, None]
    gram = z.T @ zw + penalty * float(np.sum(w)) / len(w) * np.eye(z.shape[1])
    beta = np.asarray(np.linalg.solve(gram, zw.T @ (y - y_mean)), dtype=np.float64)
    return beta, mu, sd, y_mean


def _quantiles(errors: Array) -> tuple[float, float]:
    if not errors.size:
        return math.nan, math.nan
    tail = (1 - LEVEL) / 2
    return float(np.quantile(errors, tail)), float(np.quantile(errors, 1 - tail))


# One-year-ahead log growth for every council (NaN: cannot forecast) and the 10th and 90th
# percentiles of the model's in-sample errors in units of ``s`` (the fallback interval).
Growth = tuple[Array, tuple[float, float]]


def _pooled_growth(panel: Panel, measure: str) -> Growth | None:
    """The pooled model's growth; None when there are too few rows to learn from."""
    x, _ = features(panel, measure)
    ly = _log(panel.values[measure])
    target = np.full_like(ly, np.nan)
    target[:, :-1] = ly[:, 1:] - ly[:, :-1]  # change into the next year, for training rows
    s = typical_change(panel, measure)
    rows = np.isfinite(target) & np.all(np.isfinite(x), axis=2) & np.isfinite(s)[:, None]
    if rows.sum() < 3 * x.shape[2]:
        return None
    weights = np.broadcast_to((1.0 / s**2)[:, None], rows.shape)[rows]
    beta, mu, sd, intercept = fit_ridge(x[rows], np.clip(target[rows], -CLIP, CLIP), weights,
                                     RIDGE)

    def predict(z: Array) -> Array:
        return np.asarray(intercept + ((z - mu) / sd) @ beta)

    years = np.broadcast_to(np.arange(ly.shape[1])[None, :], rows.shape)
    recent = rows & (years >= ly.shape[1] - 1 - CALIBRATION_YEARS)
    scaled = (target[recent] - predict(x[recent])) / np.broadcast_to(
        s[:, None], rows.shape)[recent]
    now = x[:, -1, :]
    growth = np.full(ly.shape[0], np.nan)
    ok = np.all(np.isfinite(now), axis=1)
    growth[ok] = predict(now[ok])
    return growth, _quantiles(scaled)


def _naive_growth(panel: Panel, measure: str) -> Growth:
    """No change, with the naive forecast's in-sample errors (the recent changes)."""
    ly = _log(panel.values[measure])
    change = ly[:, 1:] - ly[:, :-1]
    recent = change[:, -CALIBRATION_YEARS:] / typical_change(panel, measure)[:, None]
    growth = np.where(np.isfinite(ly[:, -1]), 0.0, np.nan)
    return growth, _quantiles(recent[np.isfinite(recent)])


def _growth(panel: Panel, measure: str, model: str) -> Growth:
    got = _pooled_growth(panel, measure) if model == "pooled" else None
    return got if got is not None else _naive_growth(panel, measure)


def out_of_sample_errors(panel: Panel, measure: str, model: str,
                         years: int = CALIBRATION_YEARS) -> Array:
    """Errors of ``model``'s one-year-ahead forecasts made at each of the ``years`` origins
    before the panel's last year, in units of each council's ``s`` at the origin.

    Each forecast is made from the panel cut at its origin and scored on the next year, which
    the panel holds: nothing after the panel's last year is used.
    """
    ly = _log(panel.values[measure])
    out: list[Array] = []
    for origin in range(panel.years[-1] - years, panel.years[-1]):
        if origin < panel.years[0]:
            continue
        cut = panel.until(origin)
        growth, _ = _growth(cut, measure, model)
        predicted = _log(cut.values[measure][:, -1]) + growth
        errors = (ly[:, panel.year_index(origin + 1)] - predicted) / typical_change(cut, measure)
        out.append(errors[np.isfinite(errors)])
    return np.concatenate(out) if out else np.empty(0)


def _interval(panel: Panel, measure: str, model: str,
              in_sample: tuple[float, float]) -> tuple[float, float]:
    errors = out_of_sample_errors(panel, measure, model)
    return _quantiles(errors) if errors.size >= MIN_CALIBRATION else in_sample


def forecast_pooled(panel: Panel, measure: str) -> YearAhead:
    """Every council's figure for the year after the panel's last, by the pooled model.

    Cut the panel first (``panel.until(year)``) to forecast from an earlier year.
    """
    got = _pooled_growth(panel, measure)
    if got is None:
        return forecast_naive(panel, measure)  # too few rows to learn from: the baseline
    growth, in_sample = got
    lo, hi = _interval(panel, measure, "pooled", in_sample)
    last = panel.values[measure][:, -1]
    return _year_ahead(panel, measure, last, growth, typical_change(panel, measure), lo, hi)


def forecast_naive(panel: Panel, measure: str) -> YearAhead:
    """Last year's figure again, with an interval from its past errors in units of ``s``."""
    growth, in_sample = _naive_growth(panel, measure)
    lo, hi = _interval(panel, measure, "naive", in_sample)
    last = panel.values[measure][:, -1]
    return _year_ahead(panel, measure, last, growth, typical_change(panel, measure), lo, hi)


def _year_ahead(panel: Panel, measure: str, last: Array, growth: Array, s: Array, lo: float,
                hi: float) -> YearAhead:
    with np.errstate(invalid="ignore"):
        mean = np.where(last > 0, last * np.exp(growth), np.nan)  # naive: last exactly
        return YearAhead(measure, panel.years[-1], last, mean, mean * np.exp(lo * s),
                         mean * np.exp(hi * s))
