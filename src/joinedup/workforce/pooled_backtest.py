"""Rolling-origin backtest of the pooled model over every council, and the choice it makes.

At each origin year the panel is cut there (:meth:`Panel.until`), the pooled model and the
naive forecast ("same as last year") are made from the cut panel, and both are scored on
the next year's published figure. Each forecast's error is scaled by the council's own mean
absolute year-on-year change up to the origin (MASE's denominator, from the training years
only), so large and small councils count alike:

    MASE          = mean over councils and origins of |actual − forecast| ÷ scale
    relative MASE = MASE of the model ÷ MASE of naive  (below 1: the model beats naive)
    coverage      = share of actuals inside the 80% interval (aim: 0.75 to 0.85)

The pooled model replaces naive in a plan only when, over every council, its relative MASE is
at most ``1 − MARGIN``: with seven origins a model that is only a little better may be lucky.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.reference.panel import Array, Panel
from joinedup.workforce.pooled import YearAhead, forecast_naive, forecast_pooled

MARGIN = 0.1
MODELS: dict[str, Callable[[Panel, str], YearAhead]] = {
    "pooled": forecast_pooled, "naive": forecast_naive}


@dataclass(frozen=True, slots=True)
class Backtest:
    """Every scored one-year-ahead forecast: arrays of origin x council (NaN: not scored)."""

    measure: str
    origins: tuple[int, ...]
    actual: Array
    scale: Array
    mean: dict[str, Array]
    lower: dict[str, Array]
    upper: dict[str, Array]

    def scored(self, rows: Sequence[int] | None = None) -> NDArray[np.bool_]:
        """Forecasts every model made and that can be scored, for the councils ``rows``."""
        ok = np.isfinite(self.actual) & np.isfinite(self.scale) & (self.scale > 0)
        for values in self.mean.values():
            ok &= np.isfinite(values)
        if rows is not None:
            keep = np.zeros(ok.shape[1], dtype=bool)
            keep[list(rows)] = True
            ok &= keep[None, :]
        return ok


@dataclass(frozen=True, slots=True)
class Score:
    """One model's backtest figures over a group of councils."""

    model: str
    mase: float
    coverage: float
    forecasts: int


def mase_scale(values: Array) -> Array:
    """Each council's mean |y[t] − y[t−1]| over the years given (NaN: fewer than two)."""
    diffs = np.abs(np.diff(values, axis=1))
    counts = np.sum(np.isfinite(diffs), axis=1)
    sums = np.nansum(diffs, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def run_backtest(panel: Panel, measure: str, origins: Sequence[int]) -> Backtest:
    """Forecast the year after each origin from the panel cut at that origin; score it."""
    values = panel.values[measure]
    shape = (len(origins), len(panel.codes))
    actual, scale = np.full(shape, np.nan), np.full(shape, np.nan)
    mean = {name: np.full(shape, np.nan) for name in MODELS}
    lower = {name: np.full(shape, np.nan) for name in MODELS}
    upper = {name: np.full(shape, np.nan) for name in MODELS}
    for k, origin in enumerate(origins):
        cut = panel.until(origin)
        actual[k] = values[:, panel.year_index(origin + 1)]
        scale[k] = mase_scale(cut.values[measure])
        for name, model in MODELS.items():
            got = model(cut, measure)
            mean[name][k], lower[name][k], upper[name][k] = got.mean, got.lower, got.upper
    return Backtest(measure, tuple(origins), actual, scale, mean, lower, upper)


def score(bt: Backtest, model: str, rows: Sequence[int] | None = None) -> Score:
    """MASE and interval coverage of ``model`` over the councils ``rows`` (all: None)."""
    ok = bt.scored(rows)
    if not ok.any():
        return Score(model, math.nan, math.nan, 0)
    errors = np.abs(bt.actual[ok] - bt.mean[model][ok]) / bt.scale[ok]
    inside = (bt.actual[ok] >= bt.lower[model][ok]) & (bt.actual[ok] <= bt.upper[model][ok])
    return Score(model, float(np.mean(errors)), float(np.mean(inside)), int(ok.sum()))


def relative(bt: Backtest, rows: Sequence[int] | None = None) -> float:
    """MASE of the pooled model ÷ MASE of naive over ``rows``."""
    naive = score(bt, "naive", rows).mase
    return score(bt, "pooled", rows).mase / naive if naive else math.nan


def chosen(bt: Backtest) -> str:
    """"pooled" when it beats naive by at least MARGIN over every council, else "naive"."""
    ratio = relative(bt)
    return "pooled" if math.isfinite(ratio) and ratio <= 1 - MARGIN else "naive"
