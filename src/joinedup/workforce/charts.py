"""Plan charts as one self-contained HTML file: Plotly's JavaScript is embedded once, so the
file opens offline and no browser fetches anything from a CDN. Every chart's numbers are also
in the report's CSV tables (the table alternative)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.graph_objects as go

from joinedup.workforce.gap import QuarterRow
from joinedup.workforce.plan import PlanResult, forecasts_of

TITLE = "Workforce plan"


def _rows(result: PlanResult, scenario: str, area: str, role: str) -> list[QuarterRow]:
    return [r for r in result.rows() if r.scenario == scenario and r.area == area
            and r.role == role]


def required_vs_supply(result: PlanResult, area: str, role: str) -> go.Figure:
    """Required FTE against available supply by quarter, with the P10-P90 band of the gap
    shown as the band of supply a shortfall could fall in, for every scenario."""
    fig = go.Figure()
    for scenario in result.scenarios:
        rows = _rows(result, scenario.name, area, role)
        if not rows:
            continue
        quarters = [r.quarter for r in rows]
        fig.add_scatter(x=quarters, y=[r.required for r in rows], mode="lines",
                        name=f"{scenario.name}: required")
        fig.add_scatter(x=quarters, y=[r.available for r in rows], mode="lines",
                        line={"dash": "dash"}, name=f"{scenario.name}: available supply")
        fig.add_scatter(x=quarters + quarters[::-1],
                        y=[r.required - r.gap_p90 for r in rows]
                        + [r.required - r.gap_p10 for r in rows][::-1],
                        fill="toself", opacity=0.15, line={"width": 0}, hoverinfo="skip",
                        name=f"{scenario.name}: supply P10-P90")
    fig.update_layout(title=f"{area}: {role.replace('_', ' ')} FTE required and available",
                      xaxis_title="Quarter", yaxis_title="FTE")
    return fig


def gap_by_area(result: PlanResult, role: str) -> go.Figure:
    """Each area's gap (P50) in the plan's last quarter, a bar per scenario."""
    fig = go.Figure()
    for scenario in result.scenarios:
        last: dict[str, QuarterRow] = {}
        for row in result.rows():
            if row.scenario == scenario.name and row.role == role:
                last[row.area] = row
        fig.add_bar(x=list(last), y=[r.gap_p50 for r in last.values()],
                    error_y={"type": "data", "symmetric": False,
                             "array": [r.gap_p90 - r.gap_p50 for r in last.values()],
                             "arrayminus": [r.gap_p50 - r.gap_p10 for r in last.values()]},
                    name=scenario.name)
    fig.update_layout(title=f"Gap in the last quarter ({role.replace('_', ' ')} FTE; "
                            "bars P50, whiskers P10-P90)", barmode="group", yaxis_title="FTE")
    return fig


def demand_chart(result: PlanResult, need: str) -> go.Figure:
    fig = go.Figure()
    for fc in forecasts_of(result):
        if fc.series.need != need:
            continue
        past = [p.isoformat() for p in fc.series.periods()]
        future = [p.isoformat() for p in fc.periods()]
        fig.add_scatter(x=past, y=list(fc.series.values), mode="lines+markers",
                        name=f"{fc.series.area}")
        fig.add_scatter(x=future, y=list(fc.mean), mode="lines", line={"dash": "dot"},
                        name=f"{fc.series.area}: forecast ({fc.model})")
    fig.update_layout(title=f"Demand: {need} (actual and forecast)", yaxis_title="count")
    return fig


def write_charts(result: PlanResult, path: Path) -> Path:
    """All charts in one HTML page; Plotly's JavaScript embedded once (offline)."""
    figures: list[go.Figure] = []
    roles = sorted({r.role for r in result.rows()})
    areas = list(dict.fromkeys(r.area for r in result.rows()))
    main = [result.region] if result.region else areas
    for role in roles:
        for area in main:
            figures.append(required_vs_supply(result, area, role))
        if len(areas) > 1:
            figures.append(gap_by_area(result, role))
    for need in ("referral", "open_cin"):
        if any(fc.series.need == need for fc in forecasts_of(result)):
            figures.append(demand_chart(result, need))
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0))
             for i, fig in enumerate(figures)]
    title = escape(f"{TITLE}: {result.region or ', '.join(areas)}")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head><body><h1>{title}</h1>"
            "<p>Every chart's figures are in the CSV files and the XLSX workbook beside this "
            "page.</p>" + "\n".join(parts) + "</body></html>\n")
    path.write_text(page, encoding="utf-8")
    return path
