"""The dashboards' query functions on hand-written marts: filters, ratios, headline change
and RAG, drill-down without a link, map values (a count's missing area is 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from marts_rows import Snapshot

from joinedup.insight import query
from joinedup.insight.schema import parse

DASHBOARD = parse("""
id: flow
title: Flow
summary: Test.
measures:
  referrals: {label: Referrals, sum: referrals}
  re_rate: {label: Re-referrals (%), ratio: [re_referrals, referrals], scale: 100, unit: percent}
filters:
  - {id: ward, label: Ward, column: ward_code, kind: area}
  - {id: year, label: Year, column: financial_year, kind: period}
headlines:
  - {label: Re-referrals, mart: csc_flow, measure: re_rate, period: financial_year,
     target: 20, better: lower, amber: 10}
tables:
  - {id: by_ward, title: By ward, mart: csc_flow, group_by: [ward_code],
     measures: [referrals, re_rate]}
""", "flow.yaml")


@pytest.fixture()
def snap(tmp_path: Path) -> Snapshot:
    s = Snapshot(tmp_path)
    s.postcode("SK1 1AA", "E01000001", "E05000001")
    s.postcode("SK2 2BB", "E01000002", "E05000002")
    s.person("csc", "a", postcode="SK1 1AA")
    s.person("csc", "b", postcode="SK2 2BB")
    for on in ("2023-05-01", "2023-06-01", "2024-05-01", "2024-06-01", "2024-07-01"):
        s.event("csc", "a", "referral", on)  # each within 12 months of the one before
    s.event("csc", "b", "referral", "2024-05-01")
    s.build()
    return s


def test_tables_sum_ratios_and_show_area_names(snap: Snapshot) -> None:
    rows = query.table(snap.con, DASHBOARD, "by_ward", {}).rows
    # a: five referrals, four within 12 months of the one before; b: one, not a re-referral.
    # The ratio's denominator travels with the row for disclosure control (not a column).
    assert rows == [{"ward_code": "E05000001 name", "referrals": 5.0, "re_rate": 80.0,
                     "re_rate__denominator": 5.0},
                    {"ward_code": "E05000002 name", "referrals": 1.0, "re_rate": 0.0,
                     "re_rate__denominator": 1.0}]
    narrowed = query.table(snap.con, DASHBOARD, "by_ward", {"ward": ["E05000002"]}).rows
    assert [r["ward_code"] for r in narrowed] == ["E05000002 name"]


def test_filter_options_come_from_the_marts_newest_period_first(snap: Snapshot) -> None:
    options = query.filter_options(snap.con, DASHBOARD)
    assert options["year"] == [("2024-25", "2024-25"), ("2023-24", "2023-24")]
    assert ("E05000001", "E05000001 name") in options["ward"]


def test_headline_compares_with_the_period_before_and_rates_it(snap: Snapshot) -> None:
    result = query.headline(snap.con, DASHBOARD, DASHBOARD.headlines[0], {})
    # 2024-25: 4 referrals, 3 re-referrals (75%); 2023-24: 2 referrals, 1 re-referral (50%).
    assert (result.period, result.previous_period) == ("2024-25", "2023-24")
    assert (result.value, result.previous, result.change) == (75.0, 50.0, 25.0)
    assert result.rag == "red"  # 55 points over a target of 20, amber only within 10
    only_b = query.headline(snap.con, DASHBOARD, DASHBOARD.headlines[0],
                            {"ward": ["E05000002"]})
    assert (only_b.value, only_b.rag) == (0.0, "green")


def test_map_values_give_a_count_zero_where_nothing_happened(snap: Snapshot) -> None:
    counts = query.map_values(snap.con, "csc_flow", "referrals", "lsoa", "2023-24")
    assert counts.count and counts.of("E01000002") == 0.0 and counts.of("E01000001") == 2.0
    rates = query.map_values(snap.con, "csc_flow", "re_referral_rate", "lsoa", "2023-24")
    assert not rates.count and rates.of("E01000002") is None


def test_drill_rows_are_the_records_behind_the_figure(tmp_path: Path) -> None:
    s = Snapshot(tmp_path)
    for rid, attended in (("out", 85.0), ("in", 97.0)):
        s.person("education", rid)
        s.event("education", rid, "enrolment", "2022-09-01", category="8", detail="Oak High")
        s.event("education", rid, "attendance", "2023-09-01", category="Autumn",
                value=attended, detail="2023/24")
    s.build()
    dashboard = parse("""
id: pupils
title: Pupils
summary: Test.
measures: {n: {label: N, sum: pupil_terms}}
drill:
  - {id: absent, title: Absent, mart: attendance_pupil, columns: [source_record_id, school],
     where: {persistent: [true]}}
""", "pupils.yaml")
    result = query.drill_rows(s.con, dashboard, dashboard.drill[0], {})
    # Not linked (no person_link table): the row has no person id to open.
    assert result.rows == [{"source_record_id": "out", "school": "Oak High", "person_id": None}]


def test_latest_keeps_only_the_latest_week_the_filters_allow(tmp_path: Path) -> None:
    s = Snapshot(tmp_path)
    for rid, school in (("a", "100001"), ("b", "100002")):
        s.person("education", rid)
        s.event("education", rid, "enrolment", "2022-09-01", category="8", detail="Oak High")
        s.week(rid, "2024-09-09", 10, 10, school=school)
    s.week("a", "2024-09-16", 10, 5, school="100001")  # only a has the latest week
    s.build()
    dashboard = parse("""
id: weeks
title: Weeks
summary: Test.
measures: {pupils: {label: Pupils, sum: pupils}, persistent: {label: P, sum: persistent}}
filters: [{id: school, label: School, column: school, kind: school}]
tables:
  - {id: latest, title: Latest, mart: attendance_week, latest: week_start,
     group_by: [school], measures: [pupils, persistent]}
drill:
  - {id: newly, title: Newly, mart: attendance_week_pupil, latest: week_start,
     columns: [source_record_id, week], where: {persistent: [true]}}
""", "weeks.yaml")
    rows = query.table(s.con, dashboard, "latest", {}).rows
    assert rows == [{"school": "100001", "pupils": 1.0, "persistent": 1.0}]
    # Filtered to school b, its latest week is the first one.
    narrowed = query.table(s.con, dashboard, "latest", {"school": ["100002"]}).rows
    assert narrowed == [{"school": "100002", "pupils": 1.0, "persistent": 0.0}]
    drilled = query.drill_rows(s.con, dashboard, dashboard.drill[0], {}).rows
    assert drilled == [{"source_record_id": "a", "week": "w/c 16 Sep 2024", "person_id": None}]
