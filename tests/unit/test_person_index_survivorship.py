"""Survivorship rules of the golden record (joinedup.linkage.person_index)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.linkage.identity import format_person_id
from joinedup.linkage.person_index import (
    GOLDEN_FIELDS,
    IDENTITY,
    SourceRecord,
    golden_record,
    golden_records,
    write_golden_records,
)

VALID_NHS = "9434765919"  # check digit valid
OTHER_VALID_NHS = "4010232137"


def record(source: str, rid: str, service: str | None, **fields: object) -> SourceRecord:
    return SourceRecord(source, rid, service, **fields)  # type: ignore[arg-type]


def test_nhs_number_and_dob_come_from_health_over_more_recent_or_commoner_sources() -> None:
    golden = golden_record([
        record("police", "1", "police", nhs_number=OTHER_VALID_NHS, dob=dt.date(2010, 2, 1),
               recorded_date=dt.date(2026, 1, 1)),
        record("housing", "2", "housing", nhs_number=OTHER_VALID_NHS, dob=dt.date(2010, 2, 1)),
        record("chis", "3", "health", nhs_number=VALID_NHS, dob=dt.date(2010, 1, 2),
               recorded_date=dt.date(2019, 1, 1)),
    ])
    assert golden.nhs_number == VALID_NHS
    assert golden.dob == dt.date(2010, 1, 2)


def test_an_nhs_number_failing_its_check_digit_never_survives() -> None:
    golden = golden_record([
        record("chis", "1", "health", nhs_number="9434765918"),
        record("csc", "2", "childrens_social_care", nhs_number=VALID_NHS),
    ])
    assert golden.nhs_number == VALID_NHS
    assert golden_record([record("chis", "1", "health", nhs_number="123")]).nhs_number is None


def test_upn_comes_from_education_then_childrens_social_care() -> None:
    records = [
        record("csc", "1", "childrens_social_care", upn="A111111111111"),
        record("ems", "2", "education", upn="B222222222222"),
        record("eh", "3", "early_help", upn="C333333333333"),
    ]
    assert golden_record(records).upn == "B222222222222"
    assert golden_record([records[0], records[2]]).upn == "A111111111111"


def test_address_postcode_and_uprn_come_together_from_the_most_recent_record() -> None:
    golden = golden_record([
        record("chis", "1", "health", address="1 Old Road", postcode="SK1 1AA", uprn="100",
               recorded_date=dt.date(2020, 5, 1)),
        record("housing", "2", "housing", address="9 New Street", postcode="SK2 2BB",
               recorded_date=dt.date(2026, 3, 1)),
        record("police", "3", "police", recorded_date=dt.date(2026, 9, 1)),  # no address
    ])
    assert (golden.address, golden.postcode, golden.uprn) == ("9 New Street", "SK2 2BB", None)


def test_without_a_trusted_source_the_majority_then_completeness_decides() -> None:
    golden = golden_record([
        record("police", "1", "police", first_name="Jon", surname="Smith"),
        record("housing", "2", "housing", first_name="John", surname="Smith"),
        record("ctax", "3", "council_tax", first_name="John", surname="Smyth",
               dob=dt.date(1980, 1, 1)),
    ])
    assert golden.first_name == "John"
    assert golden.surname == "Smith"
    lone = golden_record([
        record("police", "1", "police", first_name="Jon"),
        record("housing", "2", "housing", first_name="John", dob=dt.date(1980, 1, 1)),
    ])
    assert lone.first_name == "John"  # same agreement: the more complete record wins


def test_full_ties_are_broken_by_source_and_id_not_by_input_order() -> None:
    a = record("b_source", "1", None, first_name="Ann")
    b = record("a_source", "9", None, first_name="Anne")
    assert golden_record([a, b]).first_name == "Anne"
    assert golden_record([b, a]).first_name == "Anne"


def test_empty_values_never_win_and_a_person_with_nothing_has_an_empty_golden_record() -> None:
    golden = golden_record([
        record("chis", "1", "health", first_name="  ", surname="Jones"),
        record("police", "2", "police", first_name="Megan"),
    ])
    assert golden.first_name == "Megan"
    assert golden_records({"JP1": [record("x", "1", None)]})["JP1"].as_dict() == {
        name: None for name in golden.as_dict()
    }


def test_person_ids_are_opaque() -> None:
    assert format_person_id(7) == "JP00000007"


# --- write_golden_records (SQL) agrees with golden_record (Python) ---------------------------

_TEXT = st.sampled_from(["Ann", "Anne", "ann", "  ", "", "\t", "\u00a0Bo", "Zoë", None])
_RECORD = st.builds(
    dict,
    source=st.sampled_from(["chis", "ems", "csc", "police", "b_src"]),
    service=st.sampled_from([*IDENTITY, "early_help", "police", None]),
    first_name=_TEXT, surname=_TEXT,
    dob=st.sampled_from([dt.date(2010, 1, 2), dt.date(1980, 5, 6), None]),
    sex=st.sampled_from(["F", "M", " ", None]),
    address=st.sampled_from(["1 Old Road", "9 New St", " ", None]),
    postcode=st.sampled_from(["SK1 1AA", "SK2 2BB", "", None]),
    uprn=st.sampled_from(["100", "200", None]),
    nhs_number=st.sampled_from([VALID_NHS, OTHER_VALID_NHS, "943 476 5919", "943-476-5919",
                                "9434765918", "123", " ", None]),
    upn=st.sampled_from(["A111111111111", "B222222222222", "", None]),
    recorded_date=st.sampled_from([dt.date(2020, 5, 1), dt.date(2026, 3, 1), None]),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), _RECORD), min_size=1, max_size=14))
def test_the_sql_survivorship_picks_what_the_python_rules_pick(
        rows: list[tuple[int, dict[str, Any]]]) -> None:
    members: dict[str, list[SourceRecord]] = {}
    for number, (person, fields) in enumerate(rows):
        members.setdefault(format_person_id(person), []).append(
            SourceRecord(source_record_id=f"r{number:03d}", **fields))
    con = duckdb.connect()
    names = [f.name for f in dataclasses.fields(SourceRecord)]
    con.register("records", pa.table({
        "person_id": [p for p, records in members.items() for _ in records],
        "link_key": [f"{n:010d}" for n in range(len(rows))],
        **{name: [getattr(r, name) for records in members.values() for r in records]
           for name in names}}))
    assert write_golden_records(con, "records", "golden") == len(members)
    got = con.execute("SELECT * FROM golden").fetchall()
    expected = golden_records(members)
    assert [row[0] for row in got] == sorted(members)
    for person_id, *values, count, sources in got:
        assert dict(zip(GOLDEN_FIELDS, values, strict=True)) == {
            name: getattr(expected[person_id], name) for name in GOLDEN_FIELDS}
        assert count == len(members[person_id])
        assert sources == sorted({r.source for r in members[person_id]})
