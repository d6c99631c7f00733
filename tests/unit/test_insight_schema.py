"""Dashboard files: the shipped ones load; mistakes are refused naming the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.insight.schema import DashboardError, load_dashboards, parse

GOOD = """
id: tiny
title: Tiny
summary: One table.
measures:
  referrals: {label: Referrals, sum: referrals}
tables:
  - {id: by_year, title: By year, mart: csc_flow, group_by: [financial_year], measures: [referrals]}
charts:
  - {id: trend, title: Trend, table: by_year, x: financial_year, y: [referrals]}
"""


def test_shipped_dashboards_load() -> None:
    found = load_dashboards()
    assert {"attendance", "send", "csc_front_door", "early_help", "scorecard"} <= set(found)
    assert all(h.target is not None for h in found["scorecard"].headlines)


def test_a_good_file_parses() -> None:
    assert parse(GOOD, "tiny.yaml").table("by_year").measures == ["referrals"]


@pytest.mark.parametrize(("change", "message"), [
    (("measures: [referrals]}", "measures: [nope]}"), "tables.by_year.measures: 'nope' is not"),
    (("mart: csc_flow", "mart: weather"), "'weather' is not a mart"),
    (("y: [referrals]", "y: [nope]"), "charts.trend.y: 'nope' is not a measure"),
    (("x: financial_year", "x: month"), "x and series must be in the table's group_by"),
    (("sum: referrals}", "sum: referrals, ratio: [a, b]}"), "exactly one of"),
    (("id: tiny", "id: Tiny Dash"), "id: String should match pattern"),
    (("title: Tiny", "title: Tiny\ncolour: red"), "colour: Extra inputs are not permitted"),
])
def test_mistakes_are_named(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DashboardError, match=r"^tiny\.yaml: ") as caught:
        parse(GOOD.replace(*change), "tiny.yaml")
    assert message in str(caught.value)


def test_drill_must_use_a_record_level_mart() -> None:
    text = GOOD + ("drill:\n  - {id: kids, title: Kids, mart: csc_flow, columns: [month]}\n")
    with pytest.raises(DashboardError, match="not a record-level mart"):
        parse(text, "tiny.yaml")


def test_bad_yaml_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(DashboardError, match="not valid YAML"):
        parse("id: [", "broken.yaml")
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(DashboardError, match=r"b\.yaml: the id 'tiny' is used by another"):
        load_dashboards(tmp_path)
