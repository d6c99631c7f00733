"""The residents mart on hand-written rows: people the person index places at an address on
the snapshot date, by LSOA and age band."""

from __future__ import annotations

from pathlib import Path

import pytest
from marts_rows import AS_AT, Snapshot, d


@pytest.fixture()
def snap(tmp_path: Path) -> Snapshot:
    return Snapshot(tmp_path)


def _people(snap: Snapshot, households: list[tuple[str, str | None]],
            people: list[tuple[str, str | None]],
            members: list[tuple[str, str, str | None, bool]]) -> None:
    """The three tables a link run writes, with only the columns the mart reads."""
    con = snap.con
    con.execute("CREATE TABLE person_index (person_id VARCHAR, dob DATE)")
    con.execute("CREATE TABLE household (household_id VARCHAR, postcode VARCHAR)")
    con.execute("CREATE TABLE household_member (household_id VARCHAR, person_id VARCHAR, "
                "start_date DATE, current BOOLEAN)")
    con.executemany("INSERT INTO household VALUES (?, ?)", households)
    con.executemany("INSERT INTO person_index VALUES (?, ?)",
                    [(p, d(dob) if dob else None) for p, dob in people])
    con.executemany("INSERT INTO household_member VALUES (?, ?, ?, ?)",
                    [(h, p, d(s) if s else None, c) for h, p, s, c in members])


def _rows(snap: Snapshot) -> list[tuple[object, ...]]:
    return snap.con.execute(
        "SELECT snapshot_date, lsoa_code, ward_code, residents, aged_0_4, aged_5_10, aged_11_15, "
        "aged_16_17, aged_18_64, aged_65_plus, age_not_known FROM mart_residents "
        "ORDER BY lsoa_code").fetchall()


def test_residents_by_lsoa_and_age_band_on_the_snapshot_date(snap: Snapshot) -> None:
    assert d("2024-10-30") == AS_AT  # the snapshot date: ages below are on it
    snap.postcode("SK1 1AA", "E01000001", "E05000001")
    snap.postcode("SK2 2BB", "E01000002", "E05000002")
    _people(snap,
            households=[("HH1", "SK1 1AA"), ("HH2", "SK2 2BB"), ("HH3", "M1 1AA"),
                        ("HH4", "SK2 2BB")],
            people=[("baby", "2024-10-30"),      # born that day: 0
                    ("four", "2019-10-31"),      # 4 until tomorrow
                    ("five", "2019-10-30"),      # 5 that day
                    ("ten", "2013-10-31"),       # 10
                    ("eleven", "2013-10-30"),    # 11
                    ("fifteen", "2008-10-31"),   # 15
                    ("sixteen", "2008-10-30"),   # 16
                    ("seventeen", "2006-10-31"),  # 17
                    ("adult", "2006-10-30"),     # 18
                    ("sixty_four", "1959-10-31"),  # 64
                    ("pensioner", "1959-10-30"),   # 65
                    ("no_dob", None),
                    ("unborn", "2025-01-01"),    # a date after the snapshot: not known
                    ("moved", "1980-01-01"),     # current in HH4 (latest move-in), not HH1
                    ("left", "1980-01-01"),      # no current membership: not a resident
                    ("away", "1990-01-01")],     # outside the lookup: 'unknown'
            members=[*((h, p, "2020-01-01", True) for h, p in (
                ("HH1", "baby"), ("HH1", "four"), ("HH1", "five"), ("HH1", "ten"),
                ("HH1", "eleven"), ("HH1", "fifteen"), ("HH1", "sixteen"),
                ("HH1", "seventeen"), ("HH2", "adult"), ("HH2", "sixty_four"),
                ("HH2", "pensioner"), ("HH2", "no_dob"), ("HH2", "unborn"),
                ("HH3", "away"))),
                ("HH1", "moved", None, True), ("HH4", "moved", "2023-05-01", True),
                ("HH1", "left", "2010-01-01", False)])
    snap.build()
    day = d("2024-10-30")
    assert _rows(snap) == [
        (day, "E01000001", "E05000001", 8, 2, 2, 2, 2, 0, 0, 0),
        (day, "E01000002", "E05000002", 6, 0, 0, 0, 0, 3, 1, 2),
        (day, "unknown", "unknown", 1, 0, 0, 0, 0, 1, 0, 0),
    ]
    info = snap.con.execute("SELECT record_level, rows FROM mart_info "
                            "WHERE name = 'residents'").fetchone()
    assert info == (False, 3)


def test_residents_mart_is_empty_before_a_link_run(snap: Snapshot) -> None:
    snap.postcode("SK1 1AA", "E01000001", "E05000001")
    snap.person("chis", "a", dob="2010-01-01")
    snap.build()
    assert _rows(snap) == []
