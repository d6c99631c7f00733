from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.model import ENTITIES, Event, FieldType, PersonRecord
from joinedup.model.checks import is_valid_nhs_number, nhs_check_digit, normalise_postcode
from joinedup.model.codes import EVENT_TYPES, SERVICES
from joinedup.model.describe import BEGIN, END, render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_docs_match_the_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN): text.index(END) + len(END)]
    assert generated == render(), "regenerate docs/data-model.md from joinedup.model.describe"


def test_every_field_is_described_and_typed() -> None:
    for info in ENTITIES.values():
        for spec in info.fields:
            assert spec.description, f"{info.name}.{spec.name} has no description"
            if spec.type is FieldType.CODE:
                assert spec.codes, f"{info.name}.{spec.name} is a code without a code list"
        for key in info.key:
            assert info.field(key).required


def test_records_are_typed_and_immutable() -> None:
    person = PersonRecord(source="csc", source_record_id="P1", dob=dt.date(2015, 3, 1))
    assert person.first_name is None
    with pytest.raises(AttributeError):
        person.surname = "Smith"  # type: ignore[misc]
    with pytest.raises(TypeError):
        PersonRecord(source="csc")  # type: ignore[call-arg]


def test_event_codes_cover_the_services() -> None:
    assert Event.__dataclass_fields__["event_type"].metadata["spec"]["codes"] == tuple(EVENT_TYPES)
    assert "childrens_social_care" in SERVICES and "vcse" in SERVICES


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9434765919", True), ("943 476 5919", True), ("9434765918", False), ("123", False),
     ("abcdefghij", False)],
)
def test_nhs_number_check_digit(number: str, valid: bool) -> None:
    assert is_valid_nhs_number(number) is valid


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_generated_check_digits_validate(first_nine: str) -> None:
    check = nhs_check_digit(first_nine)
    if check is None:
        assert not any(is_valid_nhs_number(first_nine + str(d)) for d in range(10))
    else:
        assert is_valid_nhs_number(first_nine + str(check))
        assert sum(is_valid_nhs_number(first_nine + str(d)) for d in range(10)) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("sk1 3xe", "SK1 3XE"), ("SK13XE", "SK1 3XE"), (" sk4  2lh ", "SK4 2LH"),
     ("M1 1AE", "M1 1AE"), ("EC1A1BB", "EC1A 1BB"), ("SK1", None), ("12345", None)],
)
def test_postcode_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected
