"""CSV exports never carry a spreadsheet formula, and figures show in their units."""

from __future__ import annotations

import csv
import datetime as dt
import io

from joinedup.insight.query import Column, TableResult
from joinedup.web.dashboards.present import csv_cell, show, to_csv


def test_formula_cells_are_defused() -> None:
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("Oak Primary") == "Oak Primary"
    assert csv_cell(-3.5) == -3.5  # numbers are numbers, not text
    assert csv_cell(dt.date(2024, 1, 2)) == "2024-01-02"


def test_csv_export_round_trips_with_headings() -> None:
    result = TableResult("t", (Column("school", "School", "text"),
                               Column("rate", "Rate (%)", "percent")),
                         [{"school": "=cmd|' /C calc'!A0", "rate": 12.5}])
    rows = list(csv.reader(io.StringIO(to_csv(result))))
    assert rows == [["School", "Rate (%)"], ["'=cmd|' /C calc'!A0", "12.5"]]


def test_units() -> None:
    assert show(12.345, "percent") == "12.3%"
    assert show(1234.0, "count") == "1,234"
    assert show(None, "count") == ""
    assert show(2024, "text") == "2024"
