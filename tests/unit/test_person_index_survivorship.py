"""Survivorship rules of the golden record (joinedup.linkage.person_index)."""

from __future__ import annotations

import datetime as dt

from joinedup.linkage.identity import format_person_id
from joinedup.linkage.person_index import SourceRecord, golden_record, golden_records

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
