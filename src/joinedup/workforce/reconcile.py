"""Make forecasts add up: teams to their council, councils to their region.

Forecasting every area on its own gives numbers that do not add up (the council's forecast is
not the sum of its teams'). Reconciliation adjusts them so they do, using every level's
forecast. Methods (Hyndman & Athanasopoulos, FPP3 chapter 11):

* ``wls_struct`` (default): weighted least squares with structural scaling, i.e. MinT with
  each area's error variance taken as proportional to the number of bottom-level areas it sums.
  Chosen because it needs no residual covariance: MinT-shrink estimates an n x n covariance
  from in-sample residuals, which with 3 to 8 years of data and dozens of teams is mostly
  noise. Structural scaling trusts a council's forecast more than any one small, noisy team's,
  as it should, and is the better of the no-residual methods in the published comparisons.
* ``ols``: ordinary least squares (every area weighted equally).
* ``bottom_up``: teams as forecast, added up (ignores the better council forecast).
* ``top_down``: the top area's forecast split by each bottom area's share of recent history
  (ignores the teams' own trends).

Intervals do not reconcile linearly; each area keeps the width of its own interval around its
reconciled mean (a practical convention, stated in the methodology). A negative reconciled
value (possible with ``ols``/``wls_struct`` when a team's forecast is near 0) is set to 0 at
the bottom and the levels above are added up again, so the result stays coherent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np

from joinedup.workforce.backtest import Array
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.series import Series, shift, steps_between

Method = Literal["wls_struct", "ols", "bottom_up", "top_down"]
METHODS: tuple[str, ...] = ("wls_struct", "ols", "bottom_up", "top_down")


class ReconcileError(ValueError):
    """The forecasts cannot be reconciled as given (shape or tree problems)."""


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """Areas in a tree: ``nodes`` (all), ``bottoms`` (no children), ``summing`` (S matrix)."""

    nodes: tuple[str, ...]
    bottoms: tuple[str, ...]
    summing: Array  # len(nodes) x len(bottoms): 1 where the bottom area adds into the node

    def row(self, area: str) -> Array:
        return np.asarray(self.summing[self.nodes.index(area)], dtype=np.float64)


def _ancestors(area: str, parents: Mapping[str, str]) -> list[str]:
    seen = [area]
    while seen[-1] in parents:
        parent = parents[seen[-1]]
        if parent in seen:
            raise ReconcileError(f"areas {' -> '.join([*seen, parent])} form a loop; each "
                                 "area must add up to one parent, ending at a top area")
        seen.append(parent)
    return seen


def hierarchy(areas: Iterable[str], parents: Mapping[str, str]) -> Hierarchy:
    """The tree over ``areas`` and their ancestors in ``parents``."""
    nodes: set[str] = set()
    for area in areas:
        nodes.update(_ancestors(area, parents))
    has_child = {parents[a] for a in nodes if a in parents}
    bottoms = tuple(sorted(a for a in nodes if a not in has_child))
    # Top areas first, then each level down; alphabetical within a level.
    ordered = tuple(sorted(nodes, key=lambda a: (len(_ancestors(a, parents)), a)))
    summing = np.zeros((len(ordered), len(bottoms)))
    for j, bottom in enumerate(bottoms):
        for node in _ancestors(bottom, parents):
            summing[ordered.index(node), j] = 1.0
    return Hierarchy(ordered, bottoms, summing)


def _common_window(series: list[Series]) -> tuple[date, int]:
    start = max(s.start for s in series)
    end = min(s.end for s in series)
    return start, steps_between(start, end, series[0].freq) + 1


def complete_tree(series: Iterable[Series], parents: Mapping[str, str]) -> list[Series]:
    """Every area of the tree with a history, adding children up where a parent has none.

    Histories are cut to the periods every area has (so sums are like for like).
    """
    given = {s.area: s for s in series}
    if not given:
        return []
    tree = hierarchy(given, parents)
    missing = [b for b in tree.bottoms if b not in given]
    if missing:
        raise ReconcileError(f"no history for the bottom-level area(s) {', '.join(missing)}")
    first = next(iter(given.values()))
    start, size = _common_window(list(given.values()))
    if size < 1:
        raise ReconcileError(f"{first.need}: the areas' histories share no period")
    values: dict[str, Array] = {}
    for area, item in given.items():
        skip = steps_between(item.start, start, item.freq)
        values[area] = np.asarray(item.values[skip:skip + size], dtype=np.float64)
    bottom = np.vstack([values[b] for b in tree.bottoms])
    out = []
    for i, node in enumerate(tree.nodes):
        row = values[node] if node in values else tree.summing[i] @ bottom
        out.append(Series(node, first.need, first.freq, start, tuple(float(v) for v in row)))
    return out


def _check(forecasts: Mapping[str, Forecast]) -> tuple[int, date]:
    horizons = {len(f.mean) for f in forecasts.values()}
    starts = {shift(f.series.start, f.series.freq, len(f.series.values))
              for f in forecasts.values()}
    if len(horizons) != 1 or len(starts) != 1:
        raise ReconcileError("forecasts must cover the same future periods to add up; "
                             "forecast every area from histories ending in the same period")
    return horizons.pop(), starts.pop()


def _weights(tree: Hierarchy, method: str) -> Array:
    if method == "ols":
        return np.ones(len(tree.nodes))
    return np.asarray(tree.summing.sum(axis=1), dtype=np.float64)


def _shares(tree: Hierarchy, forecasts: Mapping[str, Forecast]) -> Array:
    """Each bottom area's share of the last 12 periods of history (equal shares if none)."""
    recent = {b: float(np.sum(forecasts[b].series.values[-12:])) for b in tree.bottoms}
    total = sum(recent.values())
    if total <= 0:
        return np.full(len(tree.bottoms), 1 / len(tree.bottoms))
    return np.asarray([recent[b] / total for b in tree.bottoms])


def reconcile(forecasts: Mapping[str, Forecast], parents: Mapping[str, str],
              method: Method = "wls_struct") -> dict[str, Forecast]:
    """Coherent forecasts for every area in ``forecasts`` (keyed by area), by ``method``.

    Every bottom-level area needs a forecast; a parent without one is filled in by the sum
    of its children (and then takes part like the others).
    """
    if method not in METHODS:
        raise ReconcileError(f"unknown reconciliation method {method!r}; use one of "
                             f"{', '.join(METHODS)}")
    tree = hierarchy(forecasts, parents)
    missing = [b for b in tree.bottoms if b not in forecasts]
    if missing:
        raise ReconcileError(f"no forecast for the bottom-level area(s) {', '.join(missing)}")
    _check(forecasts)
    bottom = np.vstack([np.asarray(forecasts[b].mean) for b in tree.bottoms])
    base = np.vstack([np.asarray(forecasts[n].mean) if n in forecasts
                      else tree.row(n) @ bottom for n in tree.nodes])
    roots = [n for n in tree.nodes if n not in parents]
    if method == "bottom_up":
        new_bottom = bottom
    elif method == "top_down":
        if len(roots) != 1 or roots[0] not in forecasts:
            raise ReconcileError("top-down needs exactly one top area with a forecast")
        new_bottom = np.outer(_shares(tree, forecasts),
                              np.asarray(forecasts[roots[0]].mean))
    else:
        s = tree.summing
        w_inv = np.diag(1 / _weights(tree, method))
        g = np.linalg.solve(s.T @ w_inv @ s, s.T @ w_inv)
        new_bottom = g @ base
    clipped = bool((new_bottom < 0).any())
    new_bottom = np.maximum(new_bottom, 0.0)
    coherent = tree.summing @ new_bottom
    note = f"reconciled ({method}) so that areas add up to their parents"
    if clipped:
        note += "; negative team values set to 0 and totals added up again"
    out: dict[str, Forecast] = {}
    for i, node in enumerate(tree.nodes):
        f = forecasts[node] if node in forecasts else _summed(node, tree, forecasts, base[i])
        shift_by = coherent[i] - np.asarray(f.mean)
        out[node] = replace(
            f, mean=_tup(coherent[i]),
            lower=_tup(np.maximum(np.asarray(f.lower) + shift_by, 0.0)),
            upper=_tup(np.asarray(f.upper) + shift_by),
            notes=(*f.notes, note))
    return out


def _tup(values: Array) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _summed(node: str, tree: Hierarchy, forecasts: Mapping[str, Forecast],
            mean: Array) -> Forecast:
    """A forecast for a parent that had none: the sum of its bottom areas' forecasts."""
    members = [b for j, b in enumerate(tree.bottoms) if tree.row(node)[j]]
    first = forecasts[members[0]]
    # Histories may start at different periods but all end together: add up the common tail.
    size = min(len(forecasts[b].series.values) for b in members)
    history = np.sum([np.asarray(forecasts[b].series.values[-size:]) for b in members], axis=0)
    lower = np.sum([np.asarray(forecasts[b].lower) for b in members], axis=0)
    upper = np.sum([np.asarray(forecasts[b].upper) for b in members], axis=0)
    series = replace(first.series.tail(size), area=node, values=_tup(history))
    return Forecast(series, "sum of children", _tup(mean), _tup(lower), _tup(upper),
                    first.level, {}, None, ("no forecast of its own: its areas added up",))


def incoherence(forecasts: Mapping[str, Forecast], parents: Mapping[str, str]) -> float:
    """Largest |parent - sum of its children| over areas and periods (0 when coherent)."""
    worst = 0.0
    for parent in {p for a, p in parents.items() if a in forecasts}:
        if parent not in forecasts:
            continue
        children = [a for a, p in parents.items() if p == parent and a in forecasts]
        total = np.sum([np.asarray(forecasts[c].mean) for c in children], axis=0)
        worst = max(worst, float(np.max(np.abs(np.asarray(forecasts[parent].mean) - total))))
    return worst
