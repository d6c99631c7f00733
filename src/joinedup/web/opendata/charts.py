"""A chart and a map for a dataset page, as Plotly figure data drawn by the offline
plotly.min.js from a JSON block (no inline script: the CSP holds). The preview table under
them carries the same figures for anyone who cannot see the chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.opendata.protect import ALL_AREAS
from joinedup.opendata.query import Entry

BLUE = "#1d70b8"
FONT = {"family": "Arial, sans-serif", "size": 14}


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    summary: str
    figure: dict[str, Any]

    @property
    def plot_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"


def _measure(e: Entry) -> str | None:
    measures = e.spec.measures
    return measures[0] if measures else None


def trend(e: Entry) -> Figure | None:
    """The first measure over time: the all-areas row where there is one, else the sum."""
    measure, period = _measure(e), e.spec.period_column
    if e.published is None or measure is None or period is None:
        return None
    geo = e.spec.geography.column if e.spec.geography else None
    rows = e.published.rows
    totals = [r for r in rows if geo and r.get(geo) == ALL_AREAS]
    by_period: dict[str, float] = {}
    for r in totals or rows:
        if r.get(measure) is not None:
            key = str(r[period])
            by_period[key] = by_period.get(key, 0.0) + float(r[measure])
    if not by_period:
        return None
    label = e.spec.column(measure).title
    periods = sorted(by_period)
    scope = "all areas" if totals else "all rows added up"
    return Figure("trend", f"{label} by {e.spec.column(period).title.lower()}",
                  f"{label} for {scope}, from {periods[0]} to {periods[-1]}.",
                  {"data": [{"type": "bar", "x": periods, "y": [by_period[p] for p in periods],
                             "marker": {"color": BLUE}, "name": label}],
                   "layout": {"margin": {"t": 20, "r": 20, "b": 60, "l": 70}, "font": FONT,
                              "yaxis": {"title": {"text": label}},
                              "xaxis": {"type": "category"}}})


def area_map(e: Entry, shapes: dict[str, Any] | None) -> Figure | None:
    """A choropleth of the first measure in the latest period, by area."""
    if e.published is None or e.spec.geography is None or shapes is None:
        return None
    geo, period, measure = e.spec.geography.column, e.spec.period_column, _measure(e)
    rows = [r for r in e.published.rows if r.get(geo) not in (None, ALL_AREAS)]
    latest = max((str(r[period]) for r in rows), default=None) if period else None
    if latest is not None and period is not None:
        rows = [r for r in rows if str(r[period]) == latest]
    known = {f["properties"].get("area_code") for f in shapes.get("features", [])}
    rows = [r for r in rows if r.get(geo) in known]
    if not rows:
        return None
    label = e.spec.column(measure).title if measure else "Area"
    z = [r.get(measure) if measure else 1 for r in rows]
    trace: dict[str, Any] = {
        "type": "choropleth", "geojson": shapes, "featureidkey": "properties.area_code",
        "locations": [r[geo] for r in rows], "z": z, "colorscale": "Blues",
        "marker": {"line": {"color": "#505a5f", "width": 0.5}},
        "colorbar": {"title": {"text": label}}, "showscale": bool(measure)}
    when = f" in {latest}" if latest else ""
    return Figure("map", f"Map: {label.lower()}{when}",
                  f"{label}{when} by {e.geography.lower()}; hidden counts are left blank. "
                  "Contains National Statistics and OS data © Crown copyright and database "
                  "right 2023.",
                  {"data": [trace],
                   "layout": {"margin": {"t": 10, "r": 10, "b": 10, "l": 10}, "font": FONT,
                              "height": 480,
                              "geo": {"fitbounds": "locations", "visible": False}}})
