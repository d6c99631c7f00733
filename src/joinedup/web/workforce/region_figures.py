"""The region view's tables and charts for the page (Plotly figure data drawn by
static/workforce/charts.js; each chart with its figures as a table and its PNG download)."""

from __future__ import annotations

from typing import Any

from joinedup.web.workforce.figures import COLOURS, Chart, _line
from joinedup.workforce.region_export import KIND_LABEL
from joinedup.workforce.region_view import MEASURES, RegionView, Row

Cell = dict[str, Any]
ENGLAND_COLOUR = "#d4351c"
NEIGHBOURS_COLOUR = "#f47738"
KIND_COLOUR = {"council": COLOURS[0], "comparison": "#b1b4b6", "region": "#0b0c0c"}


def _name(row: Row) -> str:
    return {"comparison": f"{row.name} (comparison)", "region": f"{row.name} (region)"}.get(
        row.kind, row.name)


def gap_rows(view: RegionView) -> list[Cell]:
    """One row per area: the gap in FTE and per 10,000 children each plan year."""
    return [{"name": r.name, "kind": KIND_LABEL[r.kind], "region": r.kind == "region",
             "cells": [(r.gap_fte[y], r.gap_per_10k[y]) for y in view.years],
             "opens": r.opens or "not in the plan"} for r in view.rows]


def measure_rows(view: RegionView) -> list[Cell]:
    """One row per area: each published measure, its neighbours' average and England."""
    return [{"name": r.name, "kind": KIND_LABEL[r.kind], "region": r.kind == "region",
             "cells": [(r.measure(m), r.neighbours.get(m), view.england.get(m))
                       for m in MEASURES],
             "neighbours": r.neighbour_count} for r in view.rows]


def _gap_chart(view: RegionView, role_label: str, link: str) -> Chart:
    years = list(view.years)
    table = [{"area": _name(r), **{y: r.gap_per_10k[y] for y in years}} for r in view.rows]
    chart = Chart("region-gap", f"{view.region}: {role_label} gap per 10,000 children",
                  "Required minus available FTE at the end of each plan year, per 10,000 "
                  "children (above 0: short of staff). The region's line is its councils "
                  "together; comparison councils are dashed.", "",
                  [("area", "Area"), *[(y, f"{y} gap per 10,000") for y in years]], table,
                  links=[(link, "this chart as PNG")])
    for i, row in enumerate(view.rows):
        trace = _line(years, [row.gap_per_10k[y] for y in years], _name(row), i,
                      "dash" if row.kind == "comparison" else "solid")
        trace["mode"] = "lines+markers"
        if row.kind == "region":
            trace["line"] = {"color": KIND_COLOUR["region"], "width": 4}
        chart.traces.append(trace)
    chart.layout = {"yaxis": {"title": {"text": "FTE short per 10,000 children"}}}
    return chart


def _measure_chart(view: RegionView, name: str, link: str) -> Chart:
    label = MEASURES[name]
    table = [{"area": _name(r), "value": r.measure(name), "neighbours": r.neighbours.get(name),
              "england": view.england.get(name)} for r in view.rows]
    year = f" ({view.published_year})" if view.published_year else ""
    chart = Chart(f"region-{name.replace('_', '-')}", f"Social workers: {label[:1].lower()}"
                  f"{label[1:]}{year}",
                  "Each area's published figure (bars), the average of its DfE statistical "
                  "neighbours (diamonds) and England (dashed line).", "",
                  [("area", "Area"), ("value", label), ("neighbours", "Neighbours' average"),
                   ("england", "England")], table, links=[(link, "this chart as PNG")])
    names = [_name(r) for r in view.rows]
    chart.traces = [
        {"type": "bar", "orientation": "h", "y": names, "x": [r.measure(name) for r in
                                                              view.rows],
         "name": "published", "marker": {"color": [KIND_COLOUR[r.kind] for r in view.rows]}},
        {"type": "scatter", "mode": "markers", "y": names,
         "x": [r.neighbours.get(name) for r in view.rows], "name": "statistical neighbours",
         "marker": {"symbol": "diamond", "size": 11, "color": NEIGHBOURS_COLOUR}}]
    england = view.england.get(name)
    if england is not None:
        chart.traces.append({"type": "scatter", "mode": "lines", "x": [england, england],
                             "y": [names[0], names[-1]], "name": f"England ({england:.1f})",
                             "line": {"color": ENGLAND_COLOUR, "dash": "dash"}})
    chart.layout = {"yaxis": {"autorange": "reversed", "automargin": True},
                    "xaxis": {"title": {"text": label}, "rangemode": "tozero"},
                    "height": 60 + 34 * len(names)}
    return chart


def charts(view: RegionView, role_label: str, downloads: dict[str, str]) -> list[Chart]:
    return [_gap_chart(view, role_label, downloads["gap_per_10k_by_year.png"]),
            *[_measure_chart(view, name, downloads[f"{name}.png"])
              for name in ("caseload", "agency_rate", "vacancy_rate")]]
