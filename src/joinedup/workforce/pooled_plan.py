"""The pooled model in a plan: used for a DfE series only when the all-council backtest says
it wins, otherwise naive ("same as last year"), the model it was compared with; the plan says
which and why.

:func:`assess` runs the rolling-origin backtest over every council for each need the pooled
model can forecast; :func:`pooled_forecaster` wraps a plan's forecaster with that verdict.
The verdict is the same for every council: a model is trusted for Halton because it beat
naive over all ~150 councils, not because it was lucky on Halton's seven years. Either way the
forecast and its 80% interval are the ones the all-council backtest scored (the interval from
the model's own out-of-sample errors, :mod:`joinedup.workforce.pooled`). A series the panel
cannot forecast (a council not in it, figures ending in another year) keeps its own forecast.

Beyond one year ahead the forecast is carried flat, its interval widened with the square root
of the years ahead: both models are trained and scored on one-year changes only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from joinedup.reference.panel import Panel, load_panel
from joinedup.workforce.forecast import Forecast, forecast
from joinedup.workforce.pooled import LEVEL, YearAhead, forecast_naive, forecast_pooled
from joinedup.workforce.pooled_backtest import (
    MARGIN,
    Backtest,
    Score,
    chosen,
    relative,
    run_backtest,
    score,
)
from joinedup.workforce.series import Series

Forecaster = Callable[[Series, int], Forecast]
# Plan need -> panel measure the pooled model forecasts. Looked-after children are published
# in the reference data from 2021 only: too few years to backtest.
NEED_MEASURES: dict[str, str] = {"referral": "referrals", "open_cin": "cin_at31",
                                 "open_cp": "cpp_at31", "sw_fte": "sw_fte"}
FIRST_ORIGIN = 2017


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the all-council backtest said for one need."""

    need: str
    model: str  # "pooled" or "naive"
    pooled: Score
    naive: Score
    relative: float
    origins: tuple[int, ...]

    def describe(self) -> str:
        years = f"{self.origins[0] + 1} to {self.origins[-1] + 1}" if self.origins else "none"
        figures = (f"all-council backtest ({self.pooled.forecasts} one-year-ahead forecasts, "
                   f"years {years}): pooled MASE {self.pooled.mase:.3f}, naive "
                   f"{self.naive.mase:.3f}, relative {self.relative:.3f}, 80% interval "
                   f"coverage {self.pooled.coverage:.2f} pooled, {self.naive.coverage:.2f} naive")
        if self.model == "pooled":
            return f"pooled model across councils, chosen by the {figures}"
        return (f"naive (same as last year): pooled model across councils not used: {figures}; "
                f"it must be at most {1 - MARGIN:.2f} to replace naive")


def backtest_origins(panel: Panel, measure: str) -> list[int]:
    """Origins from FIRST_ORIGIN (or the third published year) to the year before the last."""
    values = panel.values[measure]
    published = [y for j, y in enumerate(panel.years) if np.isfinite(values[:, j]).any()]
    if len(published) < 4:
        return []
    start = max(FIRST_ORIGIN, published[0] + 2)
    return list(range(start, published[-1]))


def verdict(bt: Backtest, need: str) -> Verdict:
    return Verdict(need, chosen(bt), score(bt, "pooled"), score(bt, "naive"), relative(bt),
                   bt.origins)


def assess(panel: Panel) -> dict[str, Verdict]:
    """The all-council backtest verdict for every need the pooled model can forecast."""
    out: dict[str, Verdict] = {}
    for need, measure in NEED_MEASURES.items():
        if measure not in panel.values:
            continue
        origins = backtest_origins(panel, measure)
        if origins:
            out[need] = verdict(run_backtest(panel, measure, origins), need)
    return out


def pooled_forecaster(panel: Panel, verdicts: dict[str, Verdict],
                      fallback: Forecaster | None = None) -> Forecaster:
    """A plan forecaster: the model the all-council verdict chose (pooled or naive) for the
    needs it covers, from the panel; ``fallback`` for other series."""
    other: Forecaster = fallback or (lambda series, horizon: forecast(series, horizon))
    made: dict[tuple[str, str], YearAhead] = {}

    def own(series: Series, horizon: int, why: str) -> Forecast:
        base = other(series, horizon)
        return replace(base, method=why, notes=(*base.notes, why))

    def run(series: Series, horizon: int) -> Forecast:
        found = verdicts.get(series.need)
        if found is None or series.freq != "year":
            return other(series, horizon)
        row = panel.find(series.area)
        if row is None:
            return own(series, horizon, f"{series.area} is not in the DfE panel; own forecast")
        if series.end.year + 1 != panel.years[-1]:
            return own(series, horizon, f"{series.area}'s figures end in another year than the "
                       "DfE panel's; own forecast")
        measure = NEED_MEASURES[series.need]
        key = (found.model, measure)
        if key not in made:
            model = forecast_pooled if found.model == "pooled" else forecast_naive
            made[key] = model(panel, measure)
        ahead = made[key]
        mean = float(ahead.mean[row])
        if not math.isfinite(mean) or not ahead.last[row] > 0:
            return own(series, horizon, f"{found.describe()}; {series.area} lacks the figures "
                       "it needs, so its own forecast is used")
        steps = np.sqrt(np.arange(1, horizon + 1, dtype=np.float64))
        low = np.log(float(ahead.lower[row]) / mean)
        high = np.log(float(ahead.upper[row]) / mean)
        scored = found.pooled if found.model == "pooled" else found.naive
        return Forecast(
            series, found.model, tuple([mean] * horizon),
            tuple(float(v) for v in mean * np.exp(low * steps)),
            tuple(float(v) for v in mean * np.exp(high * steps)), LEVEL,
            {"pooled": found.pooled.mase, "naive": found.naive.mase}, scored.coverage,
            (found.describe(), f"one year ahead by {found.model} with its all-council 80% "
             "interval; later years carried flat, interval widened with the square root of "
             "the years ahead"), found.describe())

    return run


@lru_cache(maxsize=4)
def _assessed(reference_dir: str) -> tuple[Panel, dict[str, Verdict]]:
    # The backtest takes well under a second, but a region plan asks for it per council.
    panel = load_panel(Path(reference_dir))
    return panel, assess(panel)


def dfe_forecaster(reference_dir: Path, fallback: Forecaster | None = None) -> Forecaster:
    """The forecaster for plans from the DfE figures in ``reference_dir``."""
    panel, verdicts = _assessed(str(reference_dir))
    return pooled_forecaster(panel, verdicts, fallback)


def verdicts_for(reference_dir: Path) -> dict[str, Verdict]:
    """The all-council backtest verdicts for the DfE figures in ``reference_dir``."""
    return _assessed(str(reference_dir))[1]
