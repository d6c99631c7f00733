"""The plan pages' charts, each as Plotly figure data plus the same figures as a table.

Charts are built from the stored plan's tables (the report's CSV tables), never from the plan
itself, so a page view needs no computation. Figure data goes into the page as a JSON block
(``json_script``) that static/workforce/charts.js draws with the offline plotly.min.js: no
inline script, so the CSP holds. Every chart has a table alternative and names the CSV export
holding its figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]
BAND = "rgba(29,112,184,0.18)"  # GOV.UK blue, faint: intervals behind the lines
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    export: str  # the CSV table holding the figures
    columns: list[tuple[str, str]]  # (row key, heading)
    rows: list[Row]
    traces: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)
    # (URL, text) downloads in place of the plan's CSV and workbook (the region view's).
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def plot_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    def figure(self) -> dict[str, Any]:
        # No title in the figure: the heading above it says the same.
        layout = {"margin": {"t": 20, "r": 20, "b": 60, "l": 60},
                  "font": {"family": "Arial, sans-serif", "size": 14},
                  "legend": {"orientation": "h", "y": -0.2}, **self.layout}
        return {"data": self.traces, "layout": layout}

    def cells(self) -> list[list[Any]]:
        return [[_show(row.get(k)) for k, _ in self.columns] for row in self.rows]


def _show(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    return "" if value is None else value


def _band(x: list[Any], low: list[Any], high: list[Any], name: str) -> dict[str, Any]:
    return {"type": "scatter", "x": x + x[::-1], "y": high + low[::-1], "fill": "toself",
            "fillcolor": BAND, "line": {"width": 0}, "hoverinfo": "skip", "name": name}


def _line(x: list[Any], y: list[Any], name: str, colour: int, dash: str = "solid"
          ) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "x": x, "y": y, "name": name,
            "line": {"color": COLOURS[colour % len(COLOURS)], "dash": dash}}


def demand(rows: list[Row], area: str, need: str) -> Chart:
    """History, forecast and its interval for one area's need."""
    mine = [r for r in rows if r["area"] == area and r["need"] == need]
    past = [r for r in mine if r["kind"] == "actual"]
    future = [r for r in mine if r["kind"] == "forecast"]
    model = future[0]["model"] if future else ""
    chart = Chart(
        f"demand-{need}", f"{area}: {need.replace('_', ' ')}, actual and forecast",
        f"Counts by period: {len(past)} actual, {len(future)} forecast by the {model} model, "
        "with the forecast's interval.", "demand",
        [("period", "Period"), ("kind", "Actual or forecast"), ("value", "Count"),
         ("lower", "Interval low"), ("upper", "Interval high")], mine)
    fx = [r["period"] for r in future]
    if future:
        chart.traces.append(_band(fx, [r["lower"] for r in future], [r["upper"] for r in future],
                                  "forecast interval"))
    chart.traces.append(_line([r["period"] for r in past], [r["value"] for r in past],
                              "actual", 0))
    chart.traces.append(_line(fx, [r["value"] for r in future], f"forecast ({model})", 1, "dot"))
    chart.layout = {"yaxis": {"title": {"text": "count"}, "rangemode": "tozero"}}
    return chart


def fast_slow(rows: list[Row], scenario: str, area: str, role: str) -> Chart | None:
    """Case-holding FTE (slow and statutory casework) against the fast-need rota FTE."""
    mine = [r for r in rows if r["scenario"] == scenario and r["area"] == area
            and f"{role}: case-holding FTE" in r]
    if not mine:
        return None
    slow_key, fast_key = f"{role}: case-holding FTE", f"{role}: fast-need FTE"
    label = role.replace("_", " ")
    chart = Chart(
        f"fast-slow-{role}", f"{area}: {label} FTE for casework and for fast needs",
        "By quarter: FTE holding cases (work without a same-day clock) and FTE on the duty "
        "and front-door rota (fast needs, sized with Erlang C).", "workload_by_quarter",
        [("quarter", "Quarter"), (slow_key, "Case-holding FTE"), (fast_key, "Fast-need FTE"),
         (f"{role}: binding", "What sets the case-holding FTE")], mine)
    x = [r["quarter"] for r in mine]
    chart.traces = [
        {"type": "bar", "x": x, "y": [r[slow_key] for r in mine], "name": "case-holding",
         "marker": {"color": COLOURS[0]}},
        {"type": "bar", "x": x, "y": [r.get(fast_key) for r in mine], "name": "fast needs",
         "marker": {"color": COLOURS[3]}}]
    chart.layout = {"barmode": "stack", "yaxis": {"title": {"text": "FTE"}}}
    return chart


def _gap_rows(rows: list[Row], scenario: str, area: str, role: str) -> list[Row]:
    return [r for r in rows if r["scenario"] == scenario and r["area"] == area
            and r["role"] == role]


def required_supply(rows: list[Row], scenario: str, area: str, role: str) -> Chart:
    mine = _gap_rows(rows, scenario, area, role)
    label = role.replace("_", " ")
    chart = Chart(
        f"supply-{role}", f"{area}: {label} FTE required and available ({scenario})",
        "By quarter: FTE required (workload, caseload caps and fast needs), the statutory "
        "minimum, and FTE available (permanent and agency, less absence).", "gap_by_quarter",
        [("quarter", "Quarter"), ("required", "Required FTE"),
         ("statutory", "Statutory minimum FTE"), ("permanent", "Permanent FTE"),
         ("agency", "Agency FTE"), ("available", "Available FTE")], mine)
    x = [r["quarter"] for r in mine]
    chart.traces = [_line(x, [r["required"] for r in mine], "required", 0),
                    _line(x, [r["statutory"] for r in mine], "statutory minimum", 4, "dot"),
                    _line(x, [r["available"] for r in mine], "available", 1, "dash")]
    chart.layout = {"yaxis": {"title": {"text": "FTE"}, "rangemode": "tozero"}}
    return chart


def gap(rows: list[Row], scenario: str, area: str, role: str) -> Chart:
    mine = _gap_rows(rows, scenario, area, role)
    label = role.replace("_", " ")
    chart = Chart(
        f"gap-{role}", f"{area}: {label} gap by quarter, P10 to P90 ({scenario})",
        "Gap = required - available FTE (positive: short of staff). P50 is the middle of "
        "the simulated runs; P10 and P90 bound eight runs in ten.", "gap_by_quarter",
        [("quarter", "Quarter"), ("gap_p10", "Gap P10"), ("gap_p50", "Gap P50"),
         ("gap_p90", "Gap P90"), ("chance_short", "Chance short"),
         ("chance_statutory_miss", "Chance below statutory minimum")], mine)
    x = [r["quarter"] for r in mine]
    chart.traces = [_band(x, [r["gap_p10"] for r in mine], [r["gap_p90"] for r in mine],
                          "P10 to P90"),
                    _line(x, [r["gap_p50"] for r in mine], "gap P50", 0)]
    chart.layout = {"yaxis": {"title": {"text": "FTE short (+) or over (-)"}}}
    return chart


def scenario_gaps(rows: list[Row], scenarios: list[str], area: str, role: str) -> Chart:
    """The P50 gap by quarter under each scenario, on one chart."""
    mine = [r for r in rows if r["area"] == area and r["role"] == role
            and r["scenario"] in scenarios]
    quarters = list(dict.fromkeys(r["quarter"] for r in mine))
    table: list[Row] = []
    for quarter in quarters:
        row: Row = {"quarter": quarter}
        row.update({s: r["gap_p50"] for r in mine for s in scenarios
                    if r["quarter"] == quarter and r["scenario"] == s})
        table.append(row)
    label = role.replace("_", " ")
    chart = Chart(
        f"scenarios-{role}", f"{area}: {label} gap P50 by quarter, each scenario",
        "The middle (P50) gap in FTE under each scenario, quarter by quarter.",
        "gap_by_quarter", [("quarter", "Quarter"), *[(s, f"{s}: gap P50") for s in scenarios]],
        table)
    chart.traces = [_line(quarters, [row.get(s) for row in table], s, i, "solid" if i == 0
                          else "dash") for i, s in enumerate(scenarios)]
    chart.layout = {"yaxis": {"title": {"text": "FTE short (+) or over (-)"}}}
    return chart
