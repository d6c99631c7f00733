"""Turning query results into what templates and exports show: formatted cells, Plotly
figures (drawn by static/dashboards/charts.js with the offline plotly.min.js) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from joinedup.insight.query import TableResult
from joinedup.insight.schema import Chart
from joinedup.model.spreadsheet import safe_cell

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


def show(value: Any, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool) and unit != "text":
        if unit == "percent":
            return f"{value:.1f}%"
        if unit in ("days", "number"):
            return f"{value:,.1f}"
        return f"{value:,.0f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cells(result: TableResult) -> list[list[str]]:
    return [[show(row.get(c.key), c.unit) for c in result.columns] for row in result.rows]


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: text starting with = + - @ (or a tab or carriage
    return) is prefixed with ' so it is never run as a formula (CSV injection)."""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv(result: TableResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c.heading) for c in result.columns])
    for row in result.rows:
        writer.writerow([csv_cell(row.get(c.key)) for c in result.columns])
    return out.getvalue()


def _figure(value: Any) -> Any:
    return value if isinstance(value, int | float) else None  # a hidden "c" is a gap


def _axis(values: Sequence[Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, dt.date) else v for v in values]


def figure(chart: Chart, result: TableResult) -> dict[str, Any]:
    """A Plotly figure: one trace per measure, or per series value of the first measure."""
    headings = {c.key: c.heading for c in result.columns}
    units = {c.key: c.unit for c in result.columns}
    traces: list[dict[str, Any]] = []
    kind = {"line": {"type": "scatter", "mode": "lines+markers"}, "bar": {"type": "bar"}}
    if chart.series:
        for n, value in enumerate(sorted({str(r[chart.series]) for r in result.rows})):
            rows = [r for r in result.rows if str(r[chart.series]) == value]
            traces.append({**kind[chart.kind], "name": value,
                           "x": _axis([r[chart.x] for r in rows]),
                           "y": [_figure(r[chart.y[0]]) for r in rows],
                           "marker": {"color": COLOURS[n % len(COLOURS)]}})
    else:
        for n, key in enumerate(chart.y):
            traces.append({**kind[chart.kind], "name": headings[key],
                           "x": _axis([r[chart.x] for r in result.rows]),
                           "y": [_figure(r[key]) for r in result.rows],
                           "marker": {"color": COLOURS[n % len(COLOURS)]},
                           "line": {"color": COLOURS[n % len(COLOURS)]}})
    percent = all(units[k] == "percent" for k in chart.y)
    layout = {"margin": {"t": 20, "r": 20, "b": 80, "l": 60},
              "font": {"family": "Arial, sans-serif", "size": 14},
              "legend": {"orientation": "h", "y": -0.3},
              "xaxis": {"title": {"text": headings[chart.x]}, "type": "category"},
              "yaxis": {"title": {"text": "%" if percent else ""}, "rangemode": "tozero"}}
    return {"data": traces, "layout": layout}
