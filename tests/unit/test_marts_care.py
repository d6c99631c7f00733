"""Children's social care and early help marts, areas, source choice, reading and freshness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from marts_rows import AS_AT, Snapshot

from joinedup.errors import MartError
from joinedup.marts import freshness, infos, read


@pytest.fixture()
def snap(tmp_path: Path) -> Snapshot:
    return Snapshot(tmp_path)


def _sum(snap: Snapshot, column: str, where: str = "TRUE") -> object:
    return snap.one(f'SELECT sum("{column}") FROM mart_csc_flow WHERE {where}')


def test_re_referral_is_within_twelve_months_of_the_previous(snap: Snapshot) -> None:
    for rid in ("inside", "outside"):
        snap.person("csc", rid)
    snap.event("csc", "inside", "referral", "2023-03-01")
    snap.event("csc", "inside", "referral", "2024-02-29")  # 12 months less a day: inside
    snap.event("csc", "outside", "referral", "2023-03-01")
    snap.event("csc", "outside", "referral", "2024-03-01")  # 12 months to the day: outside
    snap.build()
    assert _sum(snap, "referrals") == 4
    assert _sum(snap, "re_referrals") == 1
    assert _sum(snap, "re_referrals", "month = DATE '2024-02-01'") == 1


def test_assessments_within_45_working_days(snap: Snapshot) -> None:
    snap.person("csc", "c")
    # Monday 1 January 2024 + 9 weeks = Monday 4 March: 45 working days; 5 March is 46.
    snap.event("csc", "c", "assessment", "2024-01-01", end="2024-03-04")
    snap.event("csc", "c", "assessment", "2024-01-01", end="2024-03-05")
    snap.event("csc", "c", "assessment", "2024-01-01")  # not completed: not counted
    snap.build()
    assert _sum(snap, "assessments_completed") == 2
    assert _sum(snap, "assessments_within_45") == 1


def test_bank_holidays_are_not_working_days(snap: Snapshot) -> None:
    snap.person("csc", "c")
    # From Thursday 28 March 2024, Good Friday, Easter Monday and the two May holidays put
    # the 45th working day on 5 June; counting weekdays alone it would be 30 May.
    snap.event("csc", "c", "assessment", "2024-03-28", end="2024-06-05")
    snap.event("csc", "c", "assessment", "2024-03-28", end="2024-06-06")
    snap.build()
    assert _sum(snap, "assessments_completed") == 2
    assert _sum(snap, "assessments_within_45") == 1


def test_contacts_cp_plans_and_care_stocks_at_month_end(snap: Snapshot) -> None:
    snap.person("csc", "c")
    snap.event("csc", "c", "contact", "2024-01-03", detail="Progress to referral")
    snap.event("csc", "c", "contact", "2024-01-04", detail="No further action")
    snap.event("csc", "c", "cp_plan", "2024-01-15", end="2024-03-31")
    # Two placements, the second continuing the first: one start of care.
    snap.event("csc", "c", "cla_episode", "2024-04-10", end="2024-05-01")
    snap.event("csc", "c", "cla_episode", "2024-05-01", end="2024-06-15")
    snap.event("csc", "c", "cla_episode", "2024-08-01")  # a new period of care
    snap.build()
    assert (_sum(snap, "contacts"), _sum(snap, "contacts_to_referral")) == (2, 1)
    on_plan = snap.con.execute("SELECT month, children_on_cp_plan FROM mart_csc_flow "
                               "WHERE children_on_cp_plan > 0 ORDER BY month").fetchall()
    assert on_plan == [(dt.date(2024, 1, 1), 1), (dt.date(2024, 2, 1), 1)]
    assert _sum(snap, "cla_started") == 2
    looked_after = snap.con.execute("SELECT month FROM mart_csc_flow "
                                    "WHERE children_looked_after > 0 ORDER BY month").fetchall()
    assert [m[0].month for m in looked_after] == [4, 5, 8, 9, 10]


def test_only_the_most_current_source_of_a_service_is_counted(snap: Snapshot) -> None:
    snap.con.execute("INSERT INTO source_freshness (source, service, data_current_as_of) "
                     "VALUES ('cin_return', 'childrens_social_care', DATE '2024-03-31')")
    snap.person("csc", "c")
    snap.person("cin_return", "c")
    snap.event("csc", "c", "referral", "2023-06-01")
    snap.event("cin_return", "c", "referral", "2023-06-01")
    snap.build()
    assert _sum(snap, "referrals") == 1


def test_early_help_flows_and_open_episodes(snap: Snapshot) -> None:
    snap.person("eh", "f")
    snap.event("eh", "f", "early_help_episode", "2024-01-10", end="2024-03-05",
               category="School", detail="Step-up to social care")
    snap.event("eh", "f", "early_help_episode", "2024-02-01", end="2024-02-29",
               category="Self-referral", detail="Closed - outcomes achieved")
    snap.build()
    row = snap.con.execute("SELECT sum(started), sum(closed), sum(stepped_up), "
                           "sum(outcomes_achieved) FROM mart_early_help").fetchone()
    assert row == (2, 2, 1, 1)
    open_end = snap.con.execute("SELECT month, sum(open_at_end) FROM mart_early_help "
                                "GROUP BY month HAVING sum(open_at_end) > 0 ORDER BY month"
                                ).fetchall()
    assert open_end == [(dt.date(2024, 1, 1), 1), (dt.date(2024, 2, 1), 1)]


def test_areas_come_from_the_postcode_lookup(snap: Snapshot) -> None:
    snap.postcode("SK1 1AA", "E01000001", "E05000001")
    snap.person("csc", "known", postcode="SK1 1AA")
    snap.person("csc", "elsewhere", postcode="M1 1AA")
    for rid in ("known", "elsewhere"):
        snap.event("csc", rid, "referral", "2024-01-05")
    snap.build()
    rows = snap.con.execute("SELECT ward_code, lsoa_code, sum(referrals) FROM mart_csc_flow "
                            "GROUP BY ALL ORDER BY 1").fetchall()
    assert rows == [("E05000001", "E01000001", 1), ("unknown", "unknown", 1)]
    summary = snap.con.execute(
        "SELECT area_level, area_code, numerator FROM mart_area_summary "
        "WHERE measure = 'referrals' ORDER BY 1, 2").fetchall()
    assert summary == [("lsoa", "E01000001", 1), ("lsoa", "unknown", 1),
                       ("ward", "E05000001", 1), ("ward", "unknown", 1)]
    assert infos(snap.con)["csc_flow"].geography == "ONS"


def test_read_filters_checks_columns_and_reports_metadata(snap: Snapshot) -> None:
    snap.person("csc", "c")
    snap.event("csc", "c", "referral", "2024-01-05")
    snap.event("csc", "c", "referral", "2024-05-05")
    snap.build()
    got = read(snap.con, "csc_flow", where={"financial_year": ["2023-24"]},
               columns=["month", "referrals"])
    assert got.columns == ("month", "referrals")
    assert got.rows == [(dt.date(2024, 1, 1), 1)]
    assert got.info.data_as_of == AS_AT and got.info.snapshot_id == "in-memory"
    with pytest.raises(MartError, match="no column 'nope'"):
        read(snap.con, "csc_flow", columns=["nope"])
    with pytest.raises(MartError, match="no mart called"):
        read(snap.con, "weather")


def test_freshness_turns_stale_after_the_allowed_days(snap: Snapshot) -> None:
    snap.build()
    mart = infos(snap.con)["attendance"]
    fresh = freshness(mart, AS_AT + dt.timedelta(days=7), 7)
    stale = freshness(mart, AS_AT + dt.timedelta(days=8), 7)
    assert (fresh.stale, fresh.age_days) == (False, 7)
    assert (stale.stale, stale.age_days) == (True, 8)
    assert "30 October 2024" in stale.message and "stale" in stale.message


def test_children_in_need_and_looked_after_at_31_march_with_the_children_living_there(
        snap: Snapshot) -> None:
    snap.postcode("SK1 1AA", "E01000001", "E05000001")
    snap.person("csc", "a")
    snap.event("csc", "a", "referral", "2023-06-01")  # a day, not an episode: not counted
    snap.event("csc", "a", "cla_episode", "2024-01-01")  # open on 31 March 2024
    snap.person("csc", "b")
    snap.event("csc", "b", "cin_plan", "2023-01-01", end="2023-12-01")  # open 31 March 2023
    snap.person("csc", "c")
    snap.event("csc", "c", "assessment", "2023-01-01", end="2023-03-31")  # ended that day
    for rid, dob in (("ten", "2010-05-01"), ("adult", "2005-04-01"), ("later", "2024-05-01")):
        snap.person("chis", rid, dob=dob)
    snap.build()

    def row(year: str) -> object:
        return snap.con.execute(
            "SELECT ward_code, children_in_need, children_looked_after, children "
            "FROM mart_child_rates WHERE financial_year = ?", [year]).fetchall()

    # 2005-04-01 is 17 on 31 March 2023 and 18 (an adult) on 31 March 2024.
    assert row("2022-23") == [("E05000001", 1, 0, 2)]
    assert row("2023-24") == [("E05000001", 1, 1, 1)]
