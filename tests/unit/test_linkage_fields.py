from __future__ import annotations

import pytest

from joinedup.errors import ConfigError, SourceError
from joinedup.linkage.fields import parse_columns, resolve_mapping


def test_parse_columns_reads_field_equals_column() -> None:
    assert parse_columns("id=unique_id, sex=gender,postcode=") == {
        "id": "unique_id", "sex": "gender", "postcode": None}
    assert parse_columns(None) == {}
    assert parse_columns("") == {}


@pytest.mark.parametrize(
    ("spec", "message"),
    [("id", "is not field=column"), ("shoe_size=s", "unknown field 'shoe_size'"),
     ("id=a,id=b", "mapped twice")],
)
def test_parse_columns_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_columns(spec)


def test_unmapped_fields_use_same_named_columns() -> None:
    mapping = resolve_mapping(["unique_id", "First_Name", "surname", "gender", "postcode_fake"],
                              {"id": "unique_id", "sex": "gender", "postcode": "postcode_fake"})
    assert dict(mapping.fields) == {"id": "unique_id", "first_name": "First_Name",
                                    "surname": "surname", "sex": "gender",
                                    "postcode": "postcode_fake"}
    assert mapping.names == ("id", "first_name", "surname", "sex", "postcode")
    assert "sex<-gender" in mapping.describe()


def test_an_empty_mapping_leaves_a_field_out() -> None:
    mapping = resolve_mapping(["id", "surname", "dob"], {"dob": None})
    assert "dob" not in mapping.fields


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match=r"column 'gender' .*is not in the file") as raised:
        resolve_mapping(["id", "sex"], {"sex": "gender"}, file="people.csv")
    assert raised.value.field == "sex"
    assert "people.csv" in str(raised.value)


def test_no_id_column_is_an_error() -> None:
    with pytest.raises(SourceError, match="no id column"):
        resolve_mapping(["person", "surname"], {})


def test_nothing_to_compare_is_an_error() -> None:
    with pytest.raises(SourceError, match="nothing to compare"):
        resolve_mapping(["id", "notes"], {})


def test_extras_must_exist_and_be_plain_names() -> None:
    mapping = resolve_mapping(["id", "birth_place"], {}, ["birth_place", "birth_place"])
    assert mapping.extras == ("birth_place",)
    with pytest.raises(SourceError, match="extra column 'job'"):
        resolve_mapping(["id", "surname"], {}, ["job"])
    with pytest.raises(ConfigError, match="plain column name"):
        resolve_mapping(["id", "surname"], {}, ["a;b"])


def test_common_names_are_guessed_and_reported() -> None:
    mapping = resolve_mapping(["Record ID", "Given_Name", "last_name", "Date of Birth",
                               "post_code", "NHS No", "gender"], {})
    assert dict(mapping.fields) == {"id": "Record ID", "first_name": "Given_Name",
                                    "surname": "last_name", "dob": "Date of Birth",
                                    "sex": "gender", "postcode": "post_code",
                                    "nhs_number": "NHS No"}
    assert set(mapping.guessed) == {"id", "first_name", "surname", "dob", "sex", "postcode",
                                    "nhs_number"}
    assert "guessed id<-Record ID" in mapping.describe()


def test_the_system_and_its_record_id_and_the_first_address_line_are_guessed() -> None:
    # One file pooled from several systems: which system and its own id let the rules read
    # what each system shows (two records one system keeps apart, an adults-only register).
    mapping = resolve_mapping(["record_id", "Source System", "Source ID", "forename",
                               "surname", "Address Line 1", "postcode"], {})
    assert mapping.fields["source"] == "Source System"
    assert mapping.fields["source_record_id"] == "Source ID"
    assert mapping.fields["address"] == "Address Line 1"
    assert mapping.fields["id"] == "record_id"


def test_a_field_of_the_same_name_wins_over_a_guess_and_columns_overrides() -> None:
    mapping = resolve_mapping(["id", "record_id", "surname", "family_name"], {})
    assert mapping.fields["id"] == "id" and mapping.fields["surname"] == "surname"
    assert mapping.guessed == ()
    mapping = resolve_mapping(["record_id", "person_id", "surname"], {"id": "person_id"})
    assert mapping.fields["id"] == "person_id" and "id" not in mapping.guessed
    assert "surname" not in resolve_mapping(["id", "last_name", "dob"], {"surname": None}).fields


def test_a_person_number_is_guessed_from_an_ni_number_column_and_placeholders_dropped(
        ) -> None:
    import duckdb
    import pyarrow as pa

    from joinedup.linkage.prepare import prepare_records

    mapping = resolve_mapping(["id", "forename", "NI Number"], {})
    assert mapping.fields["person_number"] == "NI Number"
    con = duckdb.connect()
    con.register("incoming", pa.table({
        "id": ["1", "2", "3", "4"], "forename": ["Ann", "Bob", "Cy", "Di"],
        "NI Number": ["qq 12 34 56 c", "AAAAAAAAA", "", "X1"]}))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepare_records(con, "raw", mapping, "p")
    got = dict(con.execute("SELECT unique_id, person_number FROM p").fetchall())
    assert got == {"1": "QQ123456C", "2": None, "3": None, "4": None}

