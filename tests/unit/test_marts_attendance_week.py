"""Weekly attendance marts: the DfE measures on sessions, year to date, at each boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from marts_rows import Snapshot


@pytest.fixture()
def snap(tmp_path: Path) -> Snapshot:
    return Snapshot(tmp_path)


def _pupil(s: Snapshot, rid: str, school: str = "Oak Primary", ncy: str = "3") -> None:
    s.person("education", rid)
    s.event("education", rid, "enrolment", "2022-09-01", category=ncy, detail=school)


def _flags(s: Snapshot, week: str) -> dict[str, tuple[bool, bool]]:
    return {r[0]: (r[1], r[2]) for r in s.con.execute(
        "SELECT source_record_id, persistent, severe FROM mart_attendance_week_pupil "
        "WHERE week_start = ?::DATE", [week]).fetchall()}


def test_persistent_is_ten_percent_of_sessions_year_to_date_and_severe_fifty(
        snap: Snapshot) -> None:
    # Two weeks of 10 sessions: 2 of 20 missed is exactly 10% (persistent); 1 of 20 is not;
    # 10 of 20 is exactly 50% (severe); 9 of 20 is not.
    for rid, first, second in (("p10", 9, 9), ("p5", 10, 9), ("p50", 5, 5), ("p45", 5, 6)):
        _pupil(snap, rid)
        snap.week(rid, "2024-09-09", 10, first)
        snap.week(rid, "2024-09-16", 10, second)
    snap.build()
    assert _flags(snap, "2024-09-16") == {"p10": (True, False), "p5": (False, False),
                                          "p50": (True, True), "p45": (True, False)}
    row = snap.con.execute(
        "SELECT week, academic_year, week_end, sum(pupils), sum(sessions_possible), "
        "sum(sessions_absent), sum(ytd_possible), sum(ytd_absent), sum(persistent), "
        "sum(severe) FROM mart_attendance_week WHERE week_start = DATE '2024-09-16' "
        "GROUP BY ALL").fetchone()
    assert row is not None
    assert row[:3] == ("w/c 16 Sep 2024", "2024/25", dt.date(2024, 9, 20))
    assert row[3:] == (4, 40, 1 + 1 + 5 + 4, 80, 2 + 1 + 10 + 9, 3, 1)


def test_newly_persistent_is_crossing_the_line_this_week(snap: Snapshot) -> None:
    _pupil(snap, "crosses")   # 0 of 10, then 2 of 20 (10%): crosses in week two
    snap.week("crosses", "2024-09-09", 10, 10)
    snap.week("crosses", "2024-09-16", 10, 8)
    snap.week("crosses", "2024-09-23", 10, 10)  # 2 of 30: back under the line
    snap.week("crosses", "2024-09-30", 10, 7)   # 5 of 40: over it again, newly again
    _pupil(snap, "always")    # over the line from the first week: never newly
    snap.week("always", "2024-09-09", 10, 5)
    snap.week("always", "2024-09-16", 10, 5)
    snap.build()
    newly = snap.con.execute(
        "SELECT week_start::VARCHAR, sum(newly_persistent), sum(persistent) "
        "FROM mart_attendance_week GROUP BY ALL ORDER BY 1").fetchall()
    assert newly == [("2024-09-09", 0, 1), ("2024-09-16", 1, 2), ("2024-09-23", 0, 0),
                     ("2024-09-30", 1, 1)]


def test_the_year_to_date_starts_again_each_september(snap: Snapshot) -> None:
    _pupil(snap, "p")
    snap.week("p", "2026-07-13", 10, 5)        # 2025/26: severe
    snap.week("p", "2026-08-31", 4, 4)         # Thursday 3 September 2026 opens 2026/27:
    snap.week("p", "2026-09-07", 10, 10)       # a clean start, its first week no baseline
    snap.build()
    rows = snap.con.execute(
        "SELECT academic_year, ytd_possible, persistent, previous_persistent "
        "FROM mart_attendance_week_pupil ORDER BY week_start").fetchall()
    assert rows == [("2025/26", 10, True, None), ("2026/27", 4, False, None),
                    ("2026/27", 14, False, False)]


def test_a_week_at_two_schools_is_one_pupil_at_the_school_with_more_sessions(
        snap: Snapshot) -> None:
    _pupil(snap, "mover")
    snap.week("mover", "2024-09-09", 4, 4, school="100001")
    snap.week("mover", "2024-09-09", 6, 5, school="100002")
    snap.build()
    row = snap.con.execute("SELECT count(*), any_value(school), sum(sessions_possible), "
                           "sum(sessions_absent) FROM mart_attendance_week_pupil").fetchone()
    assert row == (1, "100002", 10, 1)


def test_school_names_and_groups_and_the_data_date(snap: Snapshot, tmp_path: Path) -> None:
    _pupil(snap, "p", ncy="8")
    snap.event("education", "p", "sen_status", "2024-01-18", category="E")
    snap.week("p", "2024-10-14", 10, 9)
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    (folder / "schools.csv").write_text(
        "URN,EstablishmentName,PhaseOfEducation,TypeOfEstablishment,Latitude,Longitude\n"
        "100001,Oak High School,secondary,Community school,53.4,-2.15\n", encoding="utf-8")
    snap.postcode("SK1 1AA", "L1", "W1")
    snap.build()
    row = snap.con.execute("SELECT school, sen, phase, ward_code FROM "
                           "mart_attendance_week").fetchone()
    assert row == ("Oak High School", "EHC plan", "Secondary", "W1")
    as_of = snap.con.execute("SELECT data_as_of::VARCHAR FROM mart_info WHERE name = "
                             "'attendance_week'").fetchone()
    assert as_of == ("2024-10-18",)  # the Friday of the latest week, not the extract date
