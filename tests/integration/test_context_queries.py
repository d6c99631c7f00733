"""The Family Context queries on a tiny hand-made snapshot (context_world.py), read both
through the context tables a link run builds and through the fallback views."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from context_world import TODAY, build_world

from joinedup.context import (
    CARD_SERVICES,
    PersonNotFound,
    build_context_tables,
    current_address,
    family,
    person_briefs,
    person_records,
    person_summary,
    service_cards,
    services_known,
    timeline,
)
from joinedup.errors import JoinedUpError, WarehouseError
from joinedup.sources.schema import create_model_tables

D = dt.date
AMY, BOB, CAL, DEE, EVE, FINN, GUS = (f"JP0000000{n}" for n in range(1, 8))


@pytest.fixture(params=["tables", "views"])
def con(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_world(tmp_path / "world.duckdb")
    if request.param == "tables":
        with duckdb.connect(str(path)) as writer:
            build_context_tables(writer)
    reader = duckdb.connect(str(path), read_only=True)
    yield reader
    reader.close()


def _cards(con: duckdb.DuckDBPyConnection, person: str, today: dt.date = TODAY) -> dict:
    return {card.service: card for card in service_cards(con, person, today=today)}


def test_cards_cover_every_service_with_status_freshness_and_key_worker(con) -> None:
    cards = service_cards(con, AMY, today=TODAY)
    assert [c.service for c in cards] == list(CARD_SERVICES)
    csc = {c.service: c for c in cards}["childrens_social_care"]
    assert csc.status == "current" and csc.label == "Children's social care"
    assert csc.correct_as_of == D(2026, 5, 31)  # the case system, not the older CIN return
    assert csc.since == D(2025, 9, 1) and csc.last_activity == D(2026, 4, 1)
    assert csc.records == 2
    # The most recent open involvement; the later closed one (Temp Worker) does not count.
    worker = csc.key_worker
    assert worker is not None
    assert (worker.name, worker.involvement_id, worker.team, worker.phone) == (
        "Sam Carer", "I2", "Locality North", "0161 496 0000")
    assert [(i.involvement_id, i.open, i.current) for i in csc.involvements] == [
        ("I2", True, True), ("I1", True, True), ("R1-1", True, False),
        ("I3", False, False), ("I0", False, False)]
    assert csc.involvements[2].reason == "Abuse or neglect"  # N1 from the CIN return
    assert [(f.label, f.text, f.date) for f in csc.facts] == [
        ("Plan", "Child protection plan: Neglect", D(2026, 1, 10)),
        ("Referrals in the last 12 months", "1", None),  # one referral, in two sources
        ("Missing episodes in the last 12 months", "0", None)]
    assert [(s.source, s.holds_records) for s in csc.sources] == [
        ("cin_return", True), ("csc", True)]


def test_education_card_key_facts(con) -> None:
    education = _cards(con, AMY)["education"]
    assert education.status == "current" and education.correct_as_of == D(2026, 5, 15)
    assert education.key_worker is None
    assert [i.organisation for i in education.involvements] == ["Oak Primary"]
    assert [(f.label, f.text) for f in education.facts] == [
        ("School", "Oak Primary, year R"),
        ("Attendance (latest term)", "88.3% of sessions (Spring term 2025/26)"),
        ("Suspensions in the last 12 months", "2 (3 sessions)"),
        ("Permanent exclusions", "0")]


def test_cards_with_nothing_found(con) -> None:
    cards = _cards(con, AMY)
    health, vcse, police = cards["health"], cards["vcse"], cards["police"]
    assert health.status == "none" and health.correct_as_of is None
    assert not health.connected and health.facts == () and health.key_worker is None
    assert vcse.status == "none" and vcse.correct_as_of == D(2026, 2, 28) and vcse.connected
    assert [(s.source, s.holds_records) for s in vcse.sources] == [("hope", False)]
    assert police.status == "none" and police.correct_as_of == D(2026, 5, 30)


def test_recent_events_make_police_current_then_historic(con) -> None:
    cards = _cards(con, BOB)
    police = cards["police"]
    assert police.status == "current" and police.since == D(2026, 4, 1)
    assert [(f.label, f.text) for f in police.facts] == [
        ("Incidents in the last 12 months", "1"),
        ("Latest incident", "Domestic abuse (Victim)"),
        ("Domestic abuse notifications in the last 12 months", "0")]
    housing = cards["housing"]
    assert housing.status == "historic" and housing.correct_as_of == D(2026, 4, 30)
    assert housing.key_worker is None and housing.last_activity == D(2025, 12, 31)
    a_year_on = _cards(con, BOB, D(2027, 6, 1))["police"]
    assert a_year_on.status == "historic" and a_year_on.since is None


def test_a_fresher_source_supersedes_a_returns_open_items(con) -> None:
    cal = _cards(con, CAL)["childrens_social_care"]
    assert cal.status == "historic" and cal.correct_as_of == D(2026, 5, 31)
    assert [(i.involvement_id, i.open, i.current) for i in cal.involvements] == [
        ("R3-1", True, False), ("I30", False, False)]
    assert (cal.facts[0].label, cal.facts[0].text) == ("Plan", "No plan open")
    # The case system's only episode ended years before the return's: the return stands.
    dee = _cards(con, DEE)["childrens_social_care"]
    assert dee.status == "current" and dee.correct_as_of == D(2026, 3, 31)
    assert dee.since == D(2025, 11, 1) and dee.key_worker is None


def test_timeline_order_and_filter(con) -> None:
    assert [e.event_id for e in timeline(con, AMY)] == [
        "X1", "E4", "A2", "X2", "E3", "E2", "E1", "A1", "X3", "EN1"]
    assert [e.event_id for e in timeline(con, AMY, {"education"})] == [
        "X1", "A2", "X2", "A1", "X3", "EN1"]
    oldest = timeline(con, AMY, {"childrens_social_care"}, newest_first=False)
    assert [e.event_id for e in oldest] == ["E2", "E1", "E3", "E4"]
    assert timeline(con, AMY, set()) == []
    entry = timeline(con, AMY, ["education"])[0]
    assert (entry.date, entry.label, entry.text, entry.source, entry.service_label) == (
        D(2026, 2, 1), "Suspension",
        "2 sessions: Verbal abuse or threatening behaviour against an adult", "school",
        "Education")


def test_summary_lists_every_name_dob_and_address_with_sources(con) -> None:
    summary = person_summary(con, AMY, today=TODAY)
    assert (summary.name, summary.dob, summary.age) == ("Amy Smith", D(2015, 3, 10), 11)
    assert summary.services == ("childrens_social_care", "education")
    assert [(n.name, n.sources) for n in summary.names] == [
        ("Amy Smith", ("cin_return", "csc")), ("Amelia Rose Smith", ("school",))]
    assert [(d.value, d.sources) for d in summary.dates_of_birth] == [
        (D(2015, 3, 10), ("cin_return", "csc")), (D(2015, 3, 1), ("school",))]
    assert [(u.value, u.sources) for u in summary.upns] == [("A123456789012", ("school",))]
    current, old = summary.addresses
    assert (current.address, current.current, current.from_date, current.to_date) == (
        "12 Oak Road, Town", True, D(2020, 1, 1), None)
    assert current.sources == ("csc", "school")  # "12 Oak Rd" and "sk11aa" are the same place
    assert sorted((s.source, s.kind) for s in current.sightings) == [
        ("csc", "history"), ("csc", "record"), ("school", "record")]
    assert (old.address, old.current, old.from_date, old.to_date) == (
        "3 Elm Street, Town", False, D(2015, 3, 10), D(2019, 12, 31))
    assert [(s.source, s.records, s.data_current_as_of) for s in summary.sources] == [
        ("cin_return", 1, D(2026, 3, 31)), ("csc", 1, D(2026, 5, 31)),
        ("school", 1, D(2026, 5, 15))]


def test_family_members_and_households(con) -> None:
    result = family(con, AMY, today=TODAY)
    assert result.available
    assert [(m.person_id, m.name, m.relationship, m.lives_with) for m in result.members] == [
        (EVE, "Eve Smith", "parent", True), (FINN, "Finn Smith", "sibling", True),
        (GUS, "Gus Hill", "household_member", False)]
    eve, finn, gus = result.members
    assert eve.age == 35  # 36 tomorrow
    assert (eve.confidence, eve.evidence, eve.sources) == (0.97, "both", ("csc",))
    assert finn.relationships == ("sibling", "household_member")
    assert finn.sources == ("csc", "school") and finn.confidence == 0.95
    assert (gus.age, gus.date_of_death, gus.end_date) == (40, D(2025, 1, 1), D(2019, 12, 31))
    now, before = result.households
    assert (now.household_id, now.current, before.current) == ("HH00000001", True, False)
    assert [(r.person_id, r.relationship, r.current) for r in now.residents] == [
        (EVE, "parent", True), (FINN, "sibling", True)]
    assert (before.moved_in, before.moved_out) == (D(2015, 3, 10), D(2019, 12, 31))
    assert [r.person_id for r in before.residents] == [GUS]
    mother = family(con, EVE, today=TODAY)
    assert [(m.person_id, m.relationship) for m in mother.members] == [(AMY, "child")]
    assert [(r.person_id, r.relationship) for r in mother.households[0].residents] == [
        (AMY, "child"), (FINN, None)]


def test_family_without_family_tables(tmp_path: Path) -> None:
    path = build_world(tmp_path / "bare.duckdb", family=False)
    with duckdb.connect(str(path), read_only=True) as reader:
        result = family(reader, AMY, today=TODAY)
    assert not result.available and result.members == () and result.households == ()


def test_records_with_their_strongest_links(con) -> None:
    records = person_records(con, AMY)
    assert [(r.record_ref, r.match_probability, r.linked_to, r.linked_probability)
            for r in records] == [
        ("cin_return:R1", 0.99, "csc:C1", 0.99), ("csc:C1", 0.99, "cin_return:R1", 0.99),
        ("school:S1", 0.9, "csc:C1", 0.9)]
    assert records[2].name == "Amelia Rose Smith" and records[2].file == "person_record.csv"
    loner = person_records(con, EVE)
    assert [(r.record_ref, r.match_probability, r.linked_to) for r in loner] == [
        ("csc:C5", None, None)]


def test_batch_rows_for_search_results(con) -> None:
    wanted = [BOB, AMY, "JP99999999", GUS]
    assert services_known(con, wanted) == {
        BOB: ["housing", "police"], AMY: ["childrens_social_care", "education"],
        GUS: ["housing"]}
    assert current_address(con, [AMY])[AMY].postcode == "SK1 1AA"
    briefs = person_briefs(con, wanted, today=TODAY)
    assert set(briefs) == {BOB, AMY, GUS}
    assert (briefs[GUS].age, briefs[GUS].date_of_death) == (40, D(2025, 1, 1))
    assert (briefs[AMY].name, briefs[AMY].address) == ("Amy Smith", "12 Oak Road, Town")
    assert services_known(con, []) == {}


def test_unknown_person_raises_not_found(con) -> None:
    calls = [lambda: person_summary(con, "JP99999999", today=TODAY),
             lambda: service_cards(con, "JP99999999", today=TODAY),
             lambda: family(con, "JP99999999", today=TODAY),
             lambda: timeline(con, "JP99999999"),
             lambda: person_records(con, "JP99999999")]
    for call in calls:
        with pytest.raises(PersonNotFound, match="JP99999999") as raised:
            call()
        assert isinstance(raised.value, JoinedUpError)


def test_everything_serialises_to_json(con) -> None:
    payload = {
        "summary": person_summary(con, AMY, today=TODAY).as_dict(),
        "cards": [c.as_dict() for c in service_cards(con, AMY, today=TODAY)],
        "family": family(con, AMY, today=TODAY).as_dict(),
        "timeline": [e.as_dict() for e in timeline(con, AMY)],
        "records": [r.as_dict() for r in person_records(con, AMY)],
    }
    text = json.dumps(payload)
    back = json.loads(text)
    assert back["summary"]["dob"] == "2015-03-10"
    assert back["timeline"][2]["value"] == 88.3


def test_unlinked_snapshot_says_to_link(tmp_path: Path) -> None:
    path = tmp_path / "unlinked.duckdb"
    with duckdb.connect(str(path)) as writer:
        create_model_tables(writer)
    with duckdb.connect(str(path), read_only=True) as reader, \
            pytest.raises(WarehouseError, match="joinedup link"):
        person_summary(reader, AMY, today=TODAY)
