"""A match explanation as the page shows it: table rows and a horizontal waterfall chart.

Pure: takes `joinedup.linkage.explain.MatchExplanation` and returns plain values the templates
print. The chart is inline SVG built from presentation attributes only (the CSP forbids inline
styles); it is a picture of the table beside it, which is the accessible version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from joinedup.linkage.explain import MatchExplanation

# Chart geometry, in SVG user units (the SVG scales to the column width).
WIDTH = 640
LABEL_WIDTH = 150
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 28
PLOT_WIDTH = WIDTH - LABEL_WIDTH - 20
# GOV.UK colours with at least 3:1 contrast on white (WCAG 1.4.11 non-text contrast).
FOR_COLOUR = "#00703c"      # evidence for "same person"
AGAINST_COLOUR = "#d4351c"  # evidence against
ENDS_COLOUR = "#1d70b8"     # the prior and the final weight


@dataclass(frozen=True, slots=True)
class Step:
    """One row of the waterfall table."""

    label: str
    value_a: str
    value_b: str
    level: str
    weight: float
    tf_adjustment: float | None
    total: float
    running: float


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the chart: a step from ``start`` to ``end`` on the weight axis."""

    label: str
    x: float
    y: float
    width: float
    colour: str
    text: str
    text_x: float
    text_y: float
    anchor: str
    """SVG text-anchor of the bar's label: beside the bar, inside the chart."""


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    zero_x: float
    axis_top: float
    axis_bottom: float
    description: str


@dataclass(frozen=True, slots=True)
class Waterfall:
    prior_probability: float
    prior_weight: float
    steps: tuple[Step, ...]
    match_weight: float
    match_probability: float
    chart: Chart


def shown(value: Any) -> str:
    """A standardised value as text: lists joined, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "—"
    return str(value)


def level_text(level: int, label: str) -> str:
    if level < 0:
        return "One or both records have no value"
    return label or "All other comparisons"


def _steps(result: MatchExplanation) -> tuple[Step, ...]:
    running = result.prior_weight
    steps = []
    for step in result.comparisons:
        running += step.total
        steps.append(Step(step.description.capitalize(), shown(step.value_a), shown(step.value_b),
                          level_text(step.level, step.label), step.match_weight,
                          step.tf_adjustment, step.total, running))
    return tuple(steps)


def _nice_ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= 8)
    first = int(low // step) * step
    ticks = []
    value = float(first)
    while value <= high + 1e-9:
        if value >= low - 1e-9:
            ticks.append(value)
        value += step
    return ticks


def chart(prior: float, steps: Sequence[Step], final: float) -> Chart:
    """Bars from the running total before each step to the one after it."""
    points = [0.0, prior, final, *(s.running for s in steps)]
    low, high = min(points), max(points)
    if high - low < 1:
        high = low + 1
    ticks = _nice_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    scale = PLOT_WIDTH / (high - low)

    def at(weight: float) -> float:
        return round(LABEL_WIDTH + (weight - low) * scale, 1)

    rows: list[tuple[str, float, float, str]] = [("Prior", 0.0, prior, ENDS_COLOUR)]
    before = prior
    for step in steps:
        colour = FOR_COLOUR if step.total >= 0 else AGAINST_COLOUR
        rows.append((step.label, before, step.running, colour))
        before = step.running
    rows.append(("Final weight", 0.0, final, ENDS_COLOUR))
    bars = []
    for n, (label, start, end, colour) in enumerate(rows):
        left, right = sorted((at(start), at(end)))
        y = TOP + n * ROW_HEIGHT
        change = end - start
        text = f"{change:+.2f}"
        after = right + 60 < WIDTH
        bars.append(Bar(label, left, y, max(right - left, 1.0), colour, text,
                        right + 4 if after else left - 4, y + BAR_HEIGHT - 4,
                        "start" if after else "end"))
    height = TOP + len(rows) * ROW_HEIGHT + 10
    description = (f"The waterfall starts at the prior weight {prior:+.2f}; each comparison "
                   "adds to it or takes from it, ending at the final weight "
                   f"{final:+.2f}. The table gives every value.")
    return Chart(WIDTH, height, tuple(bars),
                 tuple(Tick(at(t), f"{t:+g}" if t else "0") for t in ticks),
                 at(0.0), TOP - 6, height - 6, description)


def waterfall(result: MatchExplanation) -> Waterfall:
    steps = _steps(result)
    return Waterfall(result.prior_probability, result.prior_weight, steps,
                     result.match_weight, result.match_probability,
                     chart(result.prior_weight, steps, result.match_weight))
