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
    whole = (e.spec.geography.total_code if e.spec.geography else None) or ALL_AREAS
    rows = e.published.rows
    totals = [r for r in rows if geo and r.get(geo) == whole]
    by_period: dict[str, float] = {}
    for r in totals or rows:
        if r.get(measure) is not None:
            key = str(r[period])
            by_period[key] = by_period.get(key, 0.0) + float(r[measure])
    if not by_period:
        return None
    label = e.spec.column(measure).title
    periods = sorted(by_period)
    scope = ("all areas" if whole == ALL_AREAS else "England") if totals \
        else "all rows added up"
    return Figure("trend", f"{label} by {e.spec.column(period).title.lower()}",
                  f"{label} for {scope}, from {periods[0]} to {periods[-1]}.",
                  {"data": [{"type": "bar", "x": periods, "y": [by_period[p] for p in periods],
                             "marker": {"color": BLUE}, "name": label}],
                   "layout": {"margin": {"t": 20, "r": 20, "b": 60, "l": 70}, "font": FONT,
                              "yaxis": {"title": {"text": label}},
                              "xaxis": {"type": "category"}}})


# GOV.UK-friendly blues, light to dark, and grey for hidden counts.
BINS = ("#d2e2f1", "#a5c5e3", "#5694ca", "#1d70b8", "#003078")
HIDDEN = "#b1b4b6"
# Degrees of longitude are shorter than degrees of latitude at Stockport's 53.4 degrees north.
ASPECT = 1.68


def area_map(e: Entry, shapes: dict[str, Any] | None) -> Figure | None:
    """The first measure in the latest period by area, as filled polygons on plain axes.

    Drawn with scatter traces, not Plotly's geo maps: those fetch a world map from a CDN,
    which the CSP (and an offline council network) refuses. One trace per colour band, with
    an invisible point per area carrying its name and value for hovering.
    """
    if e.published is None or e.spec.geography is None or shapes is None:
        return None
    geo, period, measure = e.spec.geography.column, e.spec.period_column, _measure(e)
    rows = [r for r in e.published.rows if r.get(geo) not in (None, ALL_AREAS)]
    latest = max((str(r[period]) for r in rows), default=None) if period else None
    if latest is not None and period is not None:
        rows = [r for r in rows if str(r[period]) == latest]
    outlines = {f["properties"].get("area_code"): (f["properties"].get("area_name", ""),
                                                   _rings(f["geometry"]))
                for f in shapes.get("features", [])}
    rows = [r for r in rows if r.get(geo) in outlines]
    if not rows:
        return None
    label = e.spec.column(measure).title if measure else "Area"
    values = [float(r[measure]) for r in rows if measure and r.get(measure) is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    bands: dict[tuple[int, str], list[list[float | None]]] = {}
    hover: list[tuple[float, float, str]] = []
    for r in rows:
        name, rings = outlines[r[geo]]
        value = r.get(measure) if measure else None
        band = _band(value, low, high, label if measure else "Area")
        xy = bands.setdefault(band, [[], []])
        for ring in rings:
            xy[0] += [p[0] for p in ring] + [None]
            xy[1] += [p[1] for p in ring] + [None]
        centre = rings[0] if rings else [(0.0, 0.0)]
        shown = "hidden" if measure and value is None else (value if measure else "")
        hover.append((sum(p[0] for p in centre) / len(centre),
                      sum(p[1] for p in centre) / len(centre),
                      f"{name or r[geo]} ({r[geo]}){': ' if measure else ''}{shown}"))
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "x": xy[0], "y": xy[1], "fill": "toself",
         "fillcolor": HIDDEN if band[0] == 0 else BINS[band[0] - 1],
         "line": {"color": "#505a5f", "width": 0.5},
         "name": band[1], "hoverinfo": "skip"} for band, xy in sorted(bands.items())]
    traces.append({"type": "scatter", "mode": "markers", "x": [h[0] for h in hover],
                   "y": [h[1] for h in hover], "text": [h[2] for h in hover],
                   "hoverinfo": "text", "marker": {"opacity": 0, "size": 8},
                   "showlegend": False})
    when = f" in {latest}" if latest else ""
    axis = {"visible": False, "fixedrange": True}
    return Figure("map", f"Map: {label.lower()}{when}",
                  f"{label}{when} by {e.geography.lower()}; hidden counts are grey. "
                  "Contains National Statistics and OS data © Crown copyright and database "
                  "right 2023.",
                  {"data": traces,
                   "layout": {"margin": {"t": 10, "r": 10, "b": 10, "l": 10}, "font": FONT,
                              "height": 520, "xaxis": axis,
                              "yaxis": {**axis, "scaleanchor": "x", "scaleratio": ASPECT},
                              "legend": {"orientation": "h", "y": -0.02},
                              "plot_bgcolor": "#ffffff"}})


def _rings(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The outer ring of every polygon (holes are not drawn: areas tile the borough)."""
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons]


def _band(value: Any, low: float, high: float, label: str) -> tuple[int, str]:
    """The colour band (0 for hidden) and its legend label."""
    if value is None:
        return (0, "Hidden") if label != "Area" else (1, "Area")
    if high <= low:
        return 1, f"{low:,.4g}"
    step = (high - low) / len(BINS)
    i = min(int((float(value) - low) / step), len(BINS) - 1)
    return i + 1, f"{low + i * step:,.4g} to {low + (i + 1) * step:,.4g}"
