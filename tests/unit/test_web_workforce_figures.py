"""The workforce pages' charts: built from the plan's tables, each with the same figures as
its table alternative."""

from __future__ import annotations

from joinedup.web.workforce import figures


def _row(scenario: str, quarter: str, p50: float) -> dict[str, object]:
    return {"scenario": scenario, "area": "A", "role": "social_worker", "quarter": quarter,
            "required": 10.0, "statutory": 6.0, "permanent": 8.0, "agency": 1.0,
            "available": 9.0, "gap_p10": p50 - 1, "gap_p50": p50, "gap_p90": p50 + 2,
            "chance_short": 0.5, "chance_statutory_miss": 0.0}


ROWS = [_row("baseline", "2025-26 Q1", 1.0), _row("baseline", "2025-26 Q2", 2.0),
        _row("Retention", "2025-26 Q1", 0.5), _row("Retention", "2025-26 Q2", 0.25),
        {**_row("baseline", "2025-26 Q1", 9.0), "area": "B"}]


def test_gap_chart_draws_the_band_and_the_p50_of_one_area_and_scenario() -> None:
    chart = figures.gap(ROWS, "baseline", "A", "social_worker")
    band, p50 = chart.figure()["data"]
    assert band["x"] == ["2025-26 Q1", "2025-26 Q2", "2025-26 Q2", "2025-26 Q1"]
    assert band["y"] == [3.0, 4.0, 1.0, 0.0]  # P90 forward, then P10 back
    assert p50["y"] == [1.0, 2.0]
    assert chart.cells()[1][:4] == ["2025-26 Q2", "1.0", "2.0", "4.0"]
    assert chart.export == "gap_by_quarter" and chart.data_id == "chart-gap-social_worker-data"


def test_scenario_chart_puts_each_scenario_side_by_side() -> None:
    chart = figures.scenario_gaps(ROWS, ["baseline", "Retention"], "A", "social_worker")
    assert [t["name"] for t in chart.traces] == ["baseline", "Retention"]
    assert chart.traces[1]["y"] == [0.5, 0.25]
    assert chart.rows == [{"quarter": "2025-26 Q1", "baseline": 1.0, "Retention": 0.5},
                          {"quarter": "2025-26 Q2", "baseline": 2.0, "Retention": 0.25}]
    assert chart.cells()[1] == ["2025-26 Q2", "2.0", "0.250"]


def test_demand_chart_splits_history_and_forecast() -> None:
    rows = [{"area": "A", "need": "referral", "period": "2024-01", "kind": "actual",
             "value": 10.0, "lower": None, "upper": None, "model": ""},
            {"area": "A", "need": "referral", "period": "2024-02", "kind": "forecast",
             "value": 11.0, "lower": 9.0, "upper": 13.0, "model": "ets"}]
    chart = figures.demand(rows, "A", "referral")
    band, actual, forecast = chart.traces
    assert band["y"] == [13.0, 9.0] and actual["y"] == [10.0] and forecast["y"] == [11.0]
    assert forecast["name"] == "forecast (ets)"
    assert chart.cells()[0] == ["2024-01", "actual", "10.0", "", ""]
