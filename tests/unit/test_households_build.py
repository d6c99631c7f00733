"""Households and the family network built from crafted, tiny linked tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from joinedup.linkage.families import CONFIDENCE
from joinedup.linkage.households import (
    FAMILY_TABLES,
    FamilySummary,
    build_family_tables,
    first_household_number,
    next_household_number,
)
from joinedup.sources.schema import create_model_tables

D = dt.date
EXTRACT = D(2026, 10, 30)


class World:
    """A linked snapshot in memory: person records already mapped to people."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        create_model_tables(self.con)
        self.con.execute("CREATE TABLE person_link (source VARCHAR, source_record_id VARCHAR, "
                         "person_id VARCHAR)")
        self.con.execute("CREATE TABLE person_index (person_id VARCHAR)")
        for source in ("ct", "csc", "health", "housing"):
            self.con.execute("INSERT INTO source_freshness (source, data_current_as_of) "
                             "VALUES (?, ?)", [source, EXTRACT])

    def record(self, person: str, source: str, record_id: str, address: str | None = None,
               postcode: str | None = None, uprn: str | None = None,
               recorded: dt.date | None = None, died: dt.date | None = None) -> None:
        self.con.execute("INSERT INTO person_record (source, source_record_id, address, "
                         "postcode, uprn, recorded_date, date_of_death) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [source, record_id, address, postcode, uprn, recorded, died])
        self.con.execute("INSERT INTO person_link VALUES (?, ?, ?)", [source, record_id, person])
        self.con.execute("INSERT INTO person_index SELECT ? WHERE ? NOT IN "
                         "(SELECT person_id FROM person_index)", [person, person])

    def lived(self, source: str, record_id: str, address: str, postcode: str | None,
              uprn: str | None, start: dt.date | None, end: dt.date | None = None) -> None:
        self.con.execute("INSERT INTO address_history (source, source_record_id, address, "
                         "postcode, uprn, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [source, record_id, address, postcode, uprn, start, end])

    def declared(self, source: str, from_id: str, to_id: str, kind: str) -> None:
        self.con.execute("INSERT INTO relationship (source, from_record_id, to_record_id, "
                         "relationship_type) VALUES (?, ?, ?, ?)", [source, from_id, to_id, kind])

    def build(self) -> FamilySummary:
        return build_family_tables(self.con)

    def rebuild(self, issued: int = 1) -> FamilySummary:
        """Link again as the next run does: this build's tables become the previous link's
        (an attached database), whose household ids the new households keep."""
        self.con.execute("ATTACH IF NOT EXISTS ':memory:' AS last_link")
        for table in FAMILY_TABLES:
            self.con.execute(f"CREATE OR REPLACE TABLE last_link.{table} AS FROM {table}")
            self.con.execute(f"DROP TABLE {table}")
        first = first_household_number(self.con, "last_link", issued)
        summary = build_family_tables(self.con, "last_link", first)
        self.next_number = next_household_number(self.con, first)
        return summary

    def households(self) -> dict[str, str]:
        """household id -> its members, comma-separated."""
        return dict(self.rows("SELECT household_id, string_agg(person_id, ',' ORDER BY "
                              "person_id) FROM household_member GROUP BY ALL"))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()


@pytest.fixture
def world() -> World:
    return World()


def _at_uprn(world: World, person: str, record: str, uprn: str, start: dt.date,
             end: dt.date | None = None) -> None:
    world.record(person, "ct", record)
    world.lived("ct", record, f"{uprn} High Street, Town", "SK1 1AA", uprn, start, end)


def test_two_people_overlapping_at_one_uprn_make_one_household(world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2020, 1, 1))
    _at_uprn(world, "P2", "r2", "1001", D(2021, 6, 1))
    summary = world.build()
    assert summary == FamilySummary(households=1, current_households=1,
                                    people_in_current_household=2, communal_establishments=0,
                                    edges_by_relationship={"household_member": 1})
    assert world.rows("SELECT household_id, address_key, uprn, postcode, start_date, end_date, "
                      "members, current_members, current, communal FROM household") == [
        ("HH00000001", "U:1001", "1001", "SK1 1AA", D(2020, 1, 1), None, 2, 2, True, False)]
    assert world.rows("SELECT person_id, start_date, end_date, current, sources, evidence, "
                      "dated FROM household_member ORDER BY person_id") == [
        ("P1", D(2020, 1, 1), None, True, ["ct"], 1, True),
        ("P2", D(2021, 6, 1), None, True, ["ct"], 1, True)]
    assert world.rows("SELECT * FROM family_edge") == [
        ("P1", "P2", "household_member", ["ct"], 0, "co-resident", True,
         CONFIDENCE["co_resident_dated_2"], D(2021, 6, 1), None)]


def test_successive_occupants_are_separate_households(world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2015, 1, 1), D(2020, 1, 1))
    _at_uprn(world, "P2", "r2", "1001", D(2019, 12, 20))  # 12 days' overlap: a move
    summary = world.build()
    assert (summary.households, summary.current_households) == (2, 1)
    assert world.rows("SELECT household_id, start_date, end_date, current FROM household") == [
        ("HH00000001", D(2015, 1, 1), D(2020, 1, 1), False),
        ("HH00000002", D(2019, 12, 20), None, True)]
    assert world.rows("SELECT count(*) FROM family_edge") == [(0,)]


def test_more_than_twelve_people_at_once_is_a_communal_establishment(world: World) -> None:
    for n in range(13):
        _at_uprn(world, f"P{n:02d}", f"r{n}", "2002", D(2020, 1, 1) + dt.timedelta(days=n))
    for n in range(12):  # twelve at once is still a (large) household
        _at_uprn(world, f"Q{n:02d}", f"s{n}", "3003", D(2020, 1, 1))
    for n in range(14):  # seven move out five days after seven others move in
        _at_uprn(world, f"R{n:02d}", f"t{n}", "4004", *(
            (D(2015, 1, 1), D(2024, 9, 16)) if n < 7 else (D(2024, 9, 11), None)))
    summary = world.build()
    assert summary.communal_establishments == 1
    assert (summary.households, summary.people_in_current_household) == (3, 19)
    assert world.rows("SELECT uprn, members, current, communal FROM household "
                      "ORDER BY uprn, household_id") == [
        ("2002", 13, True, True), ("3003", 12, True, False), ("4004", 7, False, False),
        ("4004", 7, True, False)]
    assert world.rows("SELECT count(*), count(*) FILTER (person_id_a LIKE 'P%') "
                      "FROM family_edge") == [(66 + 21 + 21, 0)]


def test_placeholder_addresses_are_skipped(world: World) -> None:
    placeholders = [("NFA", None, None), ("No fixed abode", "SK1 1AA", None),
                    ("12 Oak Road, Town", "ZZ99 3VZ", None), ("Address unknown", None, None),
                    ("Stockport Town Hall, Edward Street", "SK1 3XE", "999"),
                    ("c/o 4 Hill Road, Town", "SK2 2BB", None)]
    for n, (address, postcode, uprn) in enumerate(placeholders):
        for person in ("A", "B"):
            world.record(f"{person}{n}", "csc", f"{person}{n}", address, postcode, uprn,
                         recorded=D(2025, 1, 1))
    summary = world.build()
    assert summary.households == summary.communal_establishments == 0
    assert world.rows("SELECT count(*) FROM household_member") == [(0,)]
    assert world.rows("SELECT count(*) FROM family_edge") == [(0,)]


def test_a_text_address_finds_its_uprn(world: World) -> None:
    world.record("P1", "csc", "c1", "5 Mill Lane, Hilltop, Town", "sk2 5bb", "0003004",
                 recorded=D(2025, 3, 1))
    world.record("P2", "ct", "t2")
    world.lived("ct", "t2", "5 MILL LN, HILLTOP", "SK25BB", None, D(2018, 4, 1))
    world.build()
    assert world.rows("SELECT address_key, uprn, postcode, members FROM household") == [
        ("U:3004", "3004", "SK2 5BB", 2)]


def test_an_open_stay_ends_when_the_person_moves_in_elsewhere(world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2015, 1, 1))
    world.record("P1", "housing", "h1")
    world.lived("housing", "h1", "7 Low Road, Town", "SK3 3CC", "4004", D(2022, 5, 1))
    _at_uprn(world, "P2", "r2", "1001", D(2023, 1, 1))
    world.build()
    assert world.rows("SELECT h.uprn, m.start_date, m.end_date, m.current FROM household_member "
                      "AS m JOIN household AS h USING (household_id) WHERE person_id = 'P1' "
                      "ORDER BY h.uprn") == [
        ("1001", D(2015, 1, 1), D(2022, 5, 1), False), ("4004", D(2022, 5, 1), None, True)]
    assert world.rows("SELECT count(*) FROM family_edge") == [(0,)]


def test_a_dated_history_outranks_a_record_address(world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2010, 1, 1))
    world.record("P1", "health", "x1", "9 Far Lane, Town", "SK4 4DD", "5005", recorded=EXTRACT)
    _at_uprn(world, "P2", "r2", "1001", D(2010, 1, 1), D(2024, 1, 1))
    world.record("P2", "health", "x2", "1001 High Street, Town", "SK1 1AA", "1001",
                 recorded=EXTRACT)  # not evidence that P2 moved back
    world.build()
    assert world.rows("SELECT person_id, uprn, m.current FROM household_member AS m "
                      "JOIN household USING (household_id) ORDER BY person_id") == [
        ("P1", "1001", True), ("P2", "1001", False)]


def test_children_move_out_with_their_parents(world: World) -> None:
    _at_uprn(world, "MUM", "m", "1001", D(2015, 1, 1), D(2023, 6, 1))
    world.record("KID", "health", "k", "1001 High Street, Town", "SK1 1AA", None,
                 recorded=EXTRACT)
    world.record("MUM", "health", "hm")
    world.declared("health", "hm", "k", "parent")
    _at_uprn(world, "NEW", "n", "1001", D(2023, 7, 1))
    world.build()
    assert world.rows("SELECT DISTINCT person_id FROM household_member ORDER BY 1") == [
        ("MUM",), ("NEW",)]
    assert world.rows("SELECT relationship, evidence FROM family_edge") == [
        ("parent", "declared")]


def test_a_death_ends_the_stay(world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2015, 1, 1))
    world.record("P1", "health", "x1", died=D(2022, 2, 2))
    world.build()
    assert world.rows("SELECT end_date, current FROM household_member") == [
        (D(2022, 2, 2), False)]


def test_parent_declared_both_ways_in_two_sources_is_one_edge(world: World) -> None:
    world.record("MUM", "csc", "c1")
    world.record("KID", "csc", "c2")
    world.record("MUM", "housing", "h1")
    world.record("KID", "housing", "h2")
    world.declared("csc", "c1", "c2", "parent")  # mother is parent of child
    world.declared("housing", "h2", "h1", "child")  # child is child of mother
    world.record("DAD", "csc", "c3")
    world.declared("csc", "c3", "c2", "parent")
    world.declared("csc", "c2", "c2", "sibling")  # one record: no edge
    summary = world.build()
    assert summary.edges_by_relationship == {"parent": 2}
    assert world.rows("SELECT person_id_a, person_id_b, relationship, sources, declarations, "
                      "evidence, co_resident, confidence FROM family_edge") == [
        ("DAD", "KID", "parent", ["csc"], 1, "declared", False, CONFIDENCE["declared_1"]),
        ("MUM", "KID", "parent", ["csc", "housing"], 2, "declared", False,
         CONFIDENCE["declared_2"])]
    assert CONFIDENCE["declared_2"] > CONFIDENCE["declared_1"]


def test_siblings_and_partners_are_inferred_through_a_shared_child(world: World) -> None:
    for person, record in (("MUM", "c1"), ("DAD", "c2"), ("ANN", "c3"), ("BEN", "c4")):
        world.record(person, "csc", record)
    world.record("BEN", "health", "x4")
    world.record("MUM", "health", "x1")
    world.declared("csc", "c1", "c3", "parent")
    world.declared("health", "x1", "x4", "parent")
    world.declared("csc", "c2", "c3", "parent")
    world.lived("csc", "c1", "1 Elm Road, Town", "SK5 5EE", "6006", D(2012, 1, 1))
    world.lived("csc", "c2", "1 Elm Road, Town", "SK5 5EE", "6006", D(2012, 1, 1))
    world.build()
    assert world.rows("SELECT person_id_a, person_id_b, relationship, sources, evidence, "
                      "co_resident, confidence FROM family_edge "
                      "WHERE relationship IN ('sibling', 'partner') ORDER BY relationship") == [
        ("DAD", "MUM", "partner", ["csc"], "inferred", True,
         CONFIDENCE["inferred_co_resident"]),
        ("ANN", "BEN", "sibling", ["csc", "health"], "inferred", False,
         CONFIDENCE["inferred"])]
    assert world.rows("SELECT count(*) FROM family_edge "
                      "WHERE relationship = 'household_member'") == [(0,)]


def test_households_keep_their_ids_when_a_new_one_comes_first_in_address_order(
        world: World) -> None:
    # Ids are cited across snapshots (the debt pages' addresses): numbered afresh, the new
    # household at UPRN 1001 would take HH00000001 and shift the others, so a saved link to
    # the Elm Street family's household would open another family's.
    _at_uprn(world, "P2", "r2", "2002", D(2020, 1, 1))
    _at_uprn(world, "P3", "r3", "2002", D(2020, 1, 1))
    _at_uprn(world, "P4", "r4", "3003", D(2018, 5, 1))
    world.build()
    before = world.households()
    assert before == {"HH00000001": "P2,P3", "HH00000002": "P4"}
    _at_uprn(world, "P1", "r1", "1001", D(2021, 1, 1))
    _at_uprn(world, "P5", "r5", "3003", D(2019, 1, 1))  # joins P4's household
    world.rebuild()
    assert world.households() == {"HH00000001": "P2,P3", "HH00000002": "P4,P5",
                                  "HH00000003": "P1"}
    assert world.next_number == 4


def test_a_new_family_at_the_same_address_gets_a_new_id_and_no_id_is_given_twice(
        world: World) -> None:
    _at_uprn(world, "P1", "r1", "1001", D(2015, 1, 1))
    _at_uprn(world, "P2", "r2", "2002", D(2015, 1, 1))
    world.build()
    assert world.households() == {"HH00000001": "P1", "HH00000002": "P2"}
    # P1's record leaves the sources; a new family arrives at the same UPRN years later.
    world.con.execute("DELETE FROM address_history WHERE source_record_id = 'r1'")
    world.con.execute("DELETE FROM person_link WHERE source_record_id = 'r1'")
    _at_uprn(world, "P9", "r9", "1001", D(2024, 3, 1))
    world.rebuild()
    # HH00000001 went with P1 and is not reused for the family now at the address.
    assert world.households() == {"HH00000002": "P2", "HH00000003": "P9"}
    # A number the warehouse reserved earlier (a run that never published) is skipped too.
    _at_uprn(world, "P7", "r7", "4004", D(2022, 1, 1))
    world.rebuild(issued=10)
    assert world.households() == {"HH00000002": "P2", "HH00000003": "P9", "HH00000010": "P7"}


def test_two_households_claiming_one_old_id_leave_it_to_the_one_with_most_people(
        world: World) -> None:
    for person, record in (("P1", "r1"), ("P2", "r2"), ("P3", "r3")):
        _at_uprn(world, person, record, "1001", D(2015, 1, 1))
    world.build()
    assert world.households() == {"HH00000001": "P1,P2,P3"}
    # A new source shows P1 at the address alone years before: an earlier household there,
    # first in start order, which shares one person with HH00000001 where the family shares 3.
    _at_uprn(world, "P1", "r1-old", "1001", D(2008, 1, 1), D(2012, 1, 1))
    world.rebuild()
    assert world.households() == {"HH00000001": "P1,P2,P3", "HH00000002": "P1"}


def test_the_same_households_keep_their_ids_when_someone_lived_there_twice(
        world: World) -> None:
    # P1 is in both households at UPRN 1001, so each old id shares P1 with both; the later
    # household's id must still stay with it (the fewest people in only one of the two),
    # run after run, or a full re-run would differ from the run before on the same records.
    for person, record in (("P1", "r1"), ("P2", "r2"), ("P3", "r3")):
        _at_uprn(world, person, record, "1001", D(2010, 1, 1), D(2014, 1, 1))
    _at_uprn(world, "P1", "r1-back", "1001", D(2020, 1, 1))
    world.build()
    first = world.households()
    assert first == {"HH00000001": "P1,P2,P3", "HH00000002": "P1"}
    world.rebuild()
    assert world.households() == first
    world.rebuild()
    assert world.households() == first and world.next_number == 3


def test_a_family_that_left_and_came_back_keeps_each_households_id(world: World) -> None:
    # Two households of the same people at one address: each old id shares everyone with
    # both, so only the start dates tell which is which.
    for person, record in (("P1", "r1"), ("P2", "r2")):
        _at_uprn(world, person, record, "1001", D(2018, 1, 1))
    world.build()
    for person, record in (("P1", "r1-old"), ("P2", "r2-old")):  # a stay found later
        _at_uprn(world, person, record, "1001", D(2010, 1, 1), D(2012, 1, 1))
    by_start = "SELECT household_id, start_date FROM household ORDER BY start_date"
    for _ in range(2):
        world.rebuild()
        assert world.rows(by_start) == [("HH00000002", D(2010, 1, 1)),
                                        ("HH00000001", D(2018, 1, 1))]
