"""Attendance, exclusions and SEND marts: each DfE measure's arithmetic on hand-written rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from marts_rows import Snapshot


@pytest.fixture()
def snap(tmp_path: Path) -> Snapshot:
    return Snapshot(tmp_path)


def _pupil(s: Snapshot, rid: str, school: str = "Oak Primary", start: str = "2022-09-01",
           end: str | None = None, ncy: str = "3") -> None:
    s.person("education", rid)
    s.event("education", rid, "enrolment", start, end=end, category=ncy, detail=school)


def test_persistent_absence_is_ten_percent_or_more_and_severe_fifty(snap: Snapshot) -> None:
    # attendance 90.0% = 10.0% absent: persistent; 90.1% is not. 50.0% absent: severe.
    for rid, attended in (("p1", 90.0), ("p2", 90.1), ("p3", 50.0), ("p4", 50.1)):
        _pupil(snap, rid)
        snap.event("education", rid, "attendance", "2023-09-01", category="Autumn",
                   value=attended, detail="2023/24")
    snap.build()
    flags = dict((r[0], (r[1], r[2])) for r in snap.con.execute(
        "SELECT source_record_id, persistent, severe FROM mart_attendance_pupil").fetchall())
    assert flags == {"p1": (True, False), "p2": (False, False), "p3": (True, True),
                     "p4": (True, False)}
    row = snap.con.execute("SELECT sum(pupil_terms), sum(persistent), sum(severe), "
                           "sum(absence_pct_sum) FROM mart_attendance").fetchone()
    assert row is not None
    assert (row[0], row[1], row[2]) == (4, 3, 1)
    assert float(row[3]) == pytest.approx(10.0 + 9.9 + 50.0 + 49.9)


def test_newly_persistent_needs_a_previous_term_below_the_line(snap: Snapshot) -> None:
    _pupil(snap, "crosses")
    snap.event("education", "crosses", "attendance", "2023-09-01", category="Autumn",
               value=95.0, detail="2023/24")
    snap.event("education", "crosses", "attendance", "2024-01-04", category="Spring",
               value=88.0, detail="2023/24")
    _pupil(snap, "always")
    snap.event("education", "always", "attendance", "2023-09-01", category="Autumn",
               value=80.0, detail="2023/24")
    snap.event("education", "always", "attendance", "2024-01-04", category="Spring",
               value=80.0, detail="2023/24")
    snap.build()
    newly = snap.con.execute("SELECT term, sum(newly_persistent) FROM mart_attendance "
                             "GROUP BY term ORDER BY term").fetchall()
    assert newly == [("Autumn", 0), ("Spring", 1)]


def test_school_and_sen_group_are_those_on_the_day(snap: Snapshot) -> None:
    _pupil(snap, "mover", school="Oak Primary", start="2022-09-01", end="2024-01-10")
    snap.event("education", "mover", "enrolment", "2024-01-10", category="4",
               detail="Elm Primary")
    snap.event("education", "mover", "sen_status", "2023-01-18", category="K")
    snap.event("education", "mover", "suspension", "2023-11-01", value=2, category="PA")
    snap.event("education", "mover", "suspension", "2024-02-01", value=1, category="PA")
    snap.event("education", "mover", "suspension", "2024-03-01", category="PA")
    snap.event("education", "mover", "permanent_exclusion", "2024-03-02", category="PA")
    snap.build()
    rows = snap.con.execute(
        "SELECT school, sen, sum(suspensions), sum(permanent_exclusions), sum(sessions_lost) "
        "FROM mart_exclusions GROUP BY ALL ORDER BY school, sen").fetchall()
    # November 2023 and February 2024: within 13 months of the January 2023 census (SEN
    # support); March 2024: over 13 months, so the pupil has left the register.
    assert rows == [("Elm Primary", "No SEN", 1, 1, 0.0), ("Elm Primary", "SEN support", 1, 0, 1.0),
                    ("Oak Primary", "SEN support", 1, 0, 2.0)]
    assert snap.one("SELECT DISTINCT academic_year FROM mart_exclusions "
                    "WHERE school = 'Oak Primary'") == "2023/24"


def test_school_roll_counts_pupils_on_census_day(snap: Snapshot) -> None:
    _pupil(snap, "a", start="2023-09-01")
    _pupil(snap, "b", start="2024-01-19")  # joined the day after census day
    _pupil(snap, "c", start="2022-09-01", end="2024-01-18")  # left on census day
    snap.build()
    assert snap.one("SELECT sum(pupils) FROM mart_school_roll WHERE academic_year = '2023/24'"
                    ) == 1


def test_ehc_plans_within_twenty_weeks_is_at_most_140_days(snap: Snapshot) -> None:
    for rid in ("on_time", "late"):
        snap.person("education", rid)
        snap.event("education", rid, "ehcp_request", "2023-01-02", detail="Plan issued")
    snap.event("education", "on_time", "ehcp_issued", "2023-05-22")  # 2023-01-02 + 140 days
    snap.event("education", "late", "ehcp_issued", "2023-05-23")
    snap.build()
    row = snap.con.execute("SELECT sum(requests), sum(plans_issued), sum(plans_counted), "
                           "sum(within_20_weeks), sum(days_to_issue_sum) FROM mart_send "
                           "WHERE calendar_year = 2023").fetchone()
    assert row == (2, 2, 2, 1, 281)


def test_sen2_excludes_plans_with_an_exception_from_the_twenty_week_measure(
        snap: Snapshot) -> None:
    # Four plans at the boundary: 140 and 141 days, each with and without an exception
    # (Code of Practice 9.42). SEN2: within 20 weeks excluding exceptions = 1 of 2 counted.
    requests = {}
    for rid in ("on_time", "late", "on_time_exc", "late_exc"):
        snap.person("education", rid)
        requests[rid] = snap.event("education", rid, "ehcp_request", "2023-01-02",
                                   detail="Plan issued")
    for rid, issued in (("on_time", "2023-05-22"), ("late", "2023-05-23"),
                        ("on_time_exc", "2023-05-22"), ("late_exc", "2023-05-23")):
        snap.event("education", rid, "ehcp_issued", issued)
    snap.event("education", "on_time_exc", "ehcp_exception", "2023-03-01",
               category="EXCEPTIONAL_PERSONAL_CIRCUMSTANCES", detail=requests["on_time_exc"])
    snap.event("education", "late_exc", "ehcp_exception", "2023-03-01",
               category="ABSENT_FROM_AREA_4_WEEKS", detail=requests["late_exc"])
    # An exception naming another request (of another pupil) applies to none of these.
    snap.event("education", "late", "ehcp_exception", "2023-03-01",
               category="ABSENT_FROM_AREA_4_WEEKS", detail="EHC-OTHER")
    snap.build()
    row = snap.con.execute(
        "SELECT sum(plans_issued), sum(exceptions), sum(plans_counted), sum(within_20_weeks), "
        "sum(within_20_weeks_excl) FROM mart_send WHERE calendar_year = 2023").fetchone()
    assert row == (4, 2, 2, 2, 1)
    summary = snap.con.execute(
        "SELECT sum(numerator), sum(denominator) FROM mart_area_summary WHERE mart = 'send' "
        "AND area_level = 'ward' AND year = '2023'").fetchone()
    assert summary == (1, 2)


def test_an_exception_on_a_first_request_does_not_carry_to_the_second(snap: Snapshot) -> None:
    snap.person("education", "twice")
    first = snap.event("education", "twice", "ehcp_request", "2021-01-04", detail="Not issued")
    snap.event("education", "twice", "ehcp_exception", "2021-02-01",
               category="EXCEPTIONAL_PERSONAL_CIRCUMSTANCES", detail=first)
    snap.event("education", "twice", "ehcp_request", "2022-01-03", detail="Plan issued")
    snap.event("education", "twice", "ehcp_issued", "2022-06-01")  # 149 days: late
    snap.build()
    assert snap.con.execute("SELECT sum(plans_counted), sum(within_20_weeks_excl) "
                            "FROM mart_send WHERE calendar_year = 2022").fetchone() == (1, 0)


def test_open_requests_have_days_left_to_the_deadline(snap: Snapshot) -> None:
    # as at 2024-10-30: a request on 2024-09-01 is due 2025-01-19, 81 days left.
    for rid, on, decision in (("open", "2024-09-01", "Awaiting decision"),
                              ("breached", "2024-05-01", "Awaiting decision"),
                              ("refused", "2024-09-01", "Not issued"),
                              ("issued", "2024-06-01", "Plan issued")):
        _pupil(snap, rid)
        snap.event("education", rid, "ehcp_request", on, detail=decision)
    snap.event("education", "issued", "ehcp_issued", "2024-10-01")
    snap.build()
    rows = snap.con.execute("SELECT source_record_id, days_left, band, school "
                            "FROM mart_send_open ORDER BY 1").fetchall()
    assert rows == [("breached", -42, "Breached", "Oak Primary"),
                    ("open", 81, "More than 8 weeks", "Oak Primary")]


def test_a_second_request_gets_its_own_plan(snap: Snapshot) -> None:
    snap.person("education", "twice")
    snap.event("education", "twice", "ehcp_request", "2021-01-04", detail="Not issued")
    snap.event("education", "twice", "ehcp_request", "2022-01-03", detail="Plan issued")
    snap.event("education", "twice", "ehcp_issued", "2022-05-02")  # 119 days after the second
    snap.build()
    assert snap.con.execute("SELECT sum(plans_issued), sum(within_20_weeks), "
                            "sum(days_to_issue_sum) FROM mart_send").fetchone() == (1, 1, 119)
