"""Every validation rule, with a passing and a failing row, on in-memory records (no files)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from joinedup.errors import MappingError, SourceError
from joinedup.sources.load import FileLoadResult, create_model_tables, load_raw
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.raw import arrow_source

AS_OF = dt.date(2026, 10, 31)


def load(rows: list[dict[str, str | None]], targets: list[dict[str, Any]], *,
         date_format: str = "%Y-%m-%d",
         con: duckdb.DuckDBPyConnection | None = None,
         ) -> tuple[duckdb.DuckDBPyConnection, FileLoadResult]:
    con = con or duckdb.connect()
    create_model_tables(con)
    source = SourceConfig.model_validate({
        "name": "test", "system": "Test", "service": "vcse", "data_current_as_of": AS_OF,
        "files": [{"path": "mem.csv", "date_format": date_format, "targets": targets}],
    })
    columns = tuple(dict.fromkeys(k for row in rows for k in row)) or ("Ref",)
    values = [[row.get(c) for row in rows] for c in columns]
    raw = arrow_source(con, Path("mem"), columns, [n + 2 for n in range(len(rows))], values,
                       typed_dates=False)
    result = load_raw(con, source, source.files[0], raw, "mem.csv")
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == len(rows)
    return con, result


def person(**fields: Any) -> list[dict[str, Any]]:
    return [{"entity": "person", "fields": {"source_record_id": "Ref", **fields}}]


def quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT row, field, value, reason FROM quarantine ORDER BY row, field").fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def check_rule(column: str, field: str, good: str, bad: str, reason: str, *,
               entity: str = "person", extra: dict[str, Any] | None = None,
               date_format: str = "%Y-%m-%d") -> tuple[duckdb.DuckDBPyConnection, Any]:
    """Row 2 holds ``good`` (loaded), row 3 ``bad`` (quarantined with ``reason``)."""
    fields: dict[str, Any] = {field: column, **(extra or {})}
    targets = (person(**fields) if entity == "person"
               else [{"entity": entity, "fields": fields}])
    base = {"Ref": "A", "Other": "x"}
    con, result = load([{**base, column: good}, {**base, "Ref": "B", column: bad}], targets,
                       date_format=date_format)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    problems = quarantine(con)
    assert [p[0] for p in problems] == [3], problems
    assert reason in problems[0][3], problems
    assert problems[0][1].endswith("." + field)
    table = {"person": "person_record", "practitioner": "practitioner", "event": "event",
             "involvement": "involvement"}[entity]
    loaded = one(con, f'SELECT "{field}" FROM {table}')
    return con, loaded


def test_trimming_and_empty_strings() -> None:
    con, result = load([{"Ref": " A ", "First": "  Ann\t", "Surname": "   "}],
                       person(first_name="First", surname="Surname"))
    assert result.rows_loaded == 1
    row = con.execute("SELECT source_record_id, first_name, surname FROM person_record").fetchone()
    assert row == ("A", "Ann", None)


def test_required_field() -> None:
    con, result = load([{"Ref": "A"}, {"Ref": "  "}], person())
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantine(con)[0][3].startswith("required field is empty")


def test_codes_translate_and_unknown_codes_are_named() -> None:
    _, loaded = check_rule("Gender", "sex", "Male", "Other",
                           '"Other" is not one of the codes the mapping translates (Male, Female)',
                           extra={"sex": {"column": "Gender",
                                          "codes": {"Male": "M", "Female": "F"}}})
    assert loaded == "M"


def test_codes_can_map_the_empty_value() -> None:
    con, _ = load([{"Ref": "A", "Gender": ""}],
                       person(sex={"column": "Gender", "codes": {"Male": "M", "": "U"}}))
    assert one(con, "SELECT sex FROM person_record") == "U"


def test_code_fields_must_use_the_model_codes() -> None:
    _, loaded = check_rule("Sex", "sex", "F", "Female", "is not a code of person.sex; allowed")
    assert loaded == "F"


def test_codes_translating_to_non_model_codes_are_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="not codes of the model"):
        load([{"Ref": "A", "G": "Male"}],
             person(sex={"column": "G", "codes": {"Male": "Man"}}))


def test_dates_use_the_file_format() -> None:
    _, loaded = check_rule("DOB", "dob", "28/02/2010", "31/02/2010",
                           "not a date in the format %d/%m/%Y", date_format="%d/%m/%Y")
    assert loaded == dt.date(2010, 2, 28)


def test_field_date_format_beats_the_file_format() -> None:
    _, loaded = check_rule("DOB", "dob", "28.02.2010", "2010-02-28",
                           "not a date in the format %d.%m.%Y",
                           extra={"dob": {"column": "DOB", "date_format": "%d.%m.%Y"}})
    assert loaded == dt.date(2010, 2, 28)


def test_dates_before_1900_are_implausible() -> None:
    check_rule("DOB", "dob", "1900-01-01", "1899-12-31", "before 1900-01-01")


def test_dates_far_after_data_current_as_of_are_implausible() -> None:
    ok = (AS_OF + dt.timedelta(days=31)).isoformat()
    late = (AS_OF + dt.timedelta(days=32)).isoformat()
    check_rule("Updated", "recorded_date", ok, late, "after this source's data_current_as_of")


def test_end_date_not_before_start_date() -> None:
    fields = {"involvement_id": "Ref", "source_record_id": "Ref",
              "service": {"value": "vcse"}, "involvement_type": {"value": "support"},
              "start_date": "Start", "end_date": "End"}
    con, result = load([{"Ref": "A", "Start": "2020-01-01", "End": "2020-01-01"},
                        {"Ref": "B", "Start": "2020-01-01", "End": "2019-12-31"},
                        {"Ref": "C", "Start": "2020-01-01", "End": None}],
                       [{"entity": "involvement", "fields": fields}])
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert quarantine(con) == [(3, "involvement.end_date", "2019-12-31",
                                "end_date 2019-12-31 is before start_date 2020-01-01")]


def test_dob_not_after_date_of_death() -> None:
    _, result = load([{"Ref": "A", "DOB": "2000-01-01", "DOD": "1999-01-01"}],
                       person(dob="DOB", date_of_death="DOD"))
    assert result.rows_quarantined == 1


PRACTITIONER = {"staff_id": "Ref", "role": {"value": "Social worker"}}


def test_integers() -> None:
    _, loaded = check_rule("Cases", "caseload", "12.0", "12.5", "not a whole number",
                           entity="practitioner", extra=PRACTITIONER)
    assert loaded == 12


def test_decimals() -> None:
    _, loaded = check_rule("FTE", "fte", "0.8", "0,8", "not a number",
                           entity="practitioner", extra=PRACTITIONER)
    assert loaded == Decimal("0.8")


def test_nhs_numbers_are_checked_and_stored_as_ten_digits() -> None:
    _, loaded = check_rule("NHS", "nhs_number", "943 476 5919", "943 476 5918",
                           "not a valid NHS number")
    assert loaded == "9434765919"


def test_postcodes_are_normalised() -> None:
    _, loaded = check_rule("Postcode", "postcode", "sk13xe", "SK1 3X", "not a UK postcode")
    assert loaded == "SK1 3XE"


def test_uprn() -> None:
    check_rule("UPRN", "uprn", "100012345678", "10001234567X", "not a UPRN")


def test_upn() -> None:
    _, loaded = check_rule("UPN", "upn", "a12345678901b", "A1234", "not a unique pupil number")
    assert loaded == "A12345678901B"


def test_email_and_phone() -> None:
    extra = {"involvement_id": "Ref", "source_record_id": "Ref", "service": {"value": "vcse"},
             "involvement_type": {"value": "support"}, "start_date": {"value": "2020-01-01"}}
    check_rule("Email", "worker_email", "jo@example.org", "jo at example", "not an email",
               entity="involvement", extra=extra)
    check_rule("Phone", "worker_phone", "0161 474 1234", "474 1234", "not a UK phone number",
               entity="involvement", extra=extra)


def test_text_longer_than_max_length() -> None:
    con, _ = check_rule("Surname", "surname", "x" * 500, "y" * 501,
                             "501 characters, longer than the limit of 500")
    value = quarantine(con)[0][2]
    assert len(value) < 300 and value.endswith("(501 characters)")


def test_columns_joined_and_constants() -> None:
    con, _ = load([{"Ref": "A", "L1": "1 High St", "L2": "", "Town": "Stockport"}],
                  person(address={"columns": ["L1", "L2", "Town"], "separator": ", "},
                         first_name={"value": "Constant"}))
    assert con.execute("SELECT address, first_name FROM person_record").fetchone() == (
        "1 High St, Stockport", "Constant")


def test_duplicate_keys_keep_the_first_row() -> None:
    con, result = load([{"Ref": "A", "F": "first"}, {"Ref": "B"}, {"Ref": "A", "F": "second"},
                        {"Ref": "A", "F": "third"}], person(first_name="F"))
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert one(con, "SELECT first_name FROM person_record WHERE source_record_id = 'A'") == \
        "first"
    problems = quarantine(con)
    assert [p[0] for p in problems] == [4, 5]
    assert all("row 2 has the same" in p[3] for p in problems)
    raws = [json.loads(r[0]) for r in con.execute("SELECT raw FROM quarantine ORDER BY row"
                                                   ).fetchall()]
    assert raws == [{"Ref": "A", "F": "second"}, {"Ref": "A", "F": "third"}]


def test_an_invalid_first_row_does_not_block_a_later_valid_one() -> None:
    con, result = load([{"Ref": "A", "DOB": "bad"}, {"Ref": "A", "DOB": "2000-01-01"}],
                       person(dob="DOB"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert one(con, "SELECT _row FROM person_record") == 3


def test_duplicates_across_files_of_one_source() -> None:
    con, _ = load([{"Ref": "A"}], person())
    con, result = load([{"Ref": "A"}], person(), con=con)
    assert result.rows_quarantined == 1
    assert "already loaded from mem.csv row 2" in quarantine(con)[0][3]


def test_a_failure_in_one_target_quarantines_the_whole_row() -> None:
    targets = [*person(dob="DOB"), {"entity": "event", "fields": {
        "event_id": "Ref", "source_record_id": "Ref", "service": {"value": "vcse"},
        "event_type": {"value": "vcse_support"}, "event_date": "When"}}]
    con, result = load([{"Ref": "A", "DOB": "2000-01-01", "When": "2020-01-01"},
                        {"Ref": "B", "DOB": "2000-01-01", "When": "never"},
                        {"Ref": "C", "DOB": "nope", "When": "never"}], targets)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    assert one(con, "SELECT count(*) FROM person_record") == 1
    assert one(con, "SELECT count(*) FROM event") == 1
    problems = quarantine(con)
    assert [(p[0], p[1]) for p in problems] == [
        (3, "event.event_date"), (4, "event.event_date"), (4, "person.dob")]


def test_quarantine_keeps_the_raw_row_and_lineage() -> None:
    con, _ = load([{"Ref": "A", "DOB": "x", "Note": "n" * 5000}],
                  person(dob="DOB"))
    raw = json.loads(one(con, "SELECT raw FROM quarantine"))
    assert raw["Ref"] == "A" and raw["DOB"] == "x"
    assert raw["Note"].endswith("(5000 characters)")
    assert con.execute("SELECT source, file, row FROM quarantine").fetchone() == (
        "test", "mem.csv", 2)


def test_lineage_on_loaded_rows() -> None:
    con, _ = load([{"Ref": "A"}, {"Ref": "B"}], person())
    assert con.execute("SELECT source, _file, _row FROM person_record ORDER BY _row").fetchall(
    ) == [("test", "mem.csv", 2), ("test", "mem.csv", 3)]


def test_missing_columns_name_the_file_and_suggest() -> None:
    with pytest.raises(SourceError) as caught:
        load([{"Ref": "A", "Date of birth": "2000-01-01"}], person(dob="Date of Brith"))
    message = str(caught.value)
    assert "mem.csv" in message and "'Date of Brith'" in message
    assert "did you mean 'Date of birth'" in message and "'Ref'" in message


def test_column_names_match_ignoring_case_and_spaces() -> None:
    _, result = load([{"ref": "A", "DATE  OF BIRTH": "2000-01-01"}],
                       person(dob="Date of birth", source_record_id="Ref"))
    assert result.rows_loaded == 1


def test_upn_not_known_codes_load_as_empty() -> None:
    con, result = load([{"Ref": "A", "UPN": "UN3"}, {"Ref": "B", "UPN": "UN11"}],
                       person(upn="UPN"))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert one(con, "SELECT upn FROM person_record") is None


def test_any_column_name_is_safe_in_sql() -> None:
    odd = 'Client\'s "Gender"; DROP TABLE person_record; --'
    con, result = load([{"Ref": "A", odd: "Male"}, {"Ref": "B", odd: "Other"}],
                       person(sex={"column": odd, "codes": {"Male": "M", "it's": "F"}}))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    reason = quarantine(con)[0][3]
    assert reason.endswith(f'[column "{odd}"]') and "Male, it's" in reason
    assert json.loads(one(con, "SELECT raw FROM quarantine"))[odd] == "Other"


@pytest.mark.parametrize(("good", "bad", "date_format"), [
    # Every format docs/mappings.md lists ("Date formats"), with a value it must refuse.
    ("2010-02-28", "28/02/2010", "%Y-%m-%d"),
    ("28/02/2010", "2010-02-28", "%d/%m/%Y"),
    ("28.02.2010", "28/02/2010", "%d.%m.%Y"),
    ("28-Feb-2010", "28-Fev-2010", "%d-%b-%Y"),
    ("28/02/2010 14:05", "28/02/2010 25:05", "%d/%m/%Y %H:%M"),
    ("28 February 2010", "30 February 2010", "%d %B %Y"),
    ("28/02/10", "28/02/2010x", "%d/%m/%y"),
    # Other formats councils' systems send, each read with its own date_format (and a
    # value in another format quarantined, naming the field and the format expected).
    ("2010-02-28 00:00:00.000", "2010-02-28", "%Y-%m-%d %H:%M:%S.%g"),  # SQL Server
    ("2010-02-28T13:45:00", "2010-02-28 13:45:00", "%Y-%m-%dT%H:%M:%S"),  # ISO 8601
    ("28/02/2010 00:00:00", "28/02/2010", "%d/%m/%Y %H:%M:%S"),  # Excel's CSV of a date
    ("20100228", "2010228", "%Y%m%d"),  # fixed-width and DfE returns
    ("28-02-2010", "28/02/2010", "%d-%m-%Y"),
    ("28-FEB-10", "28-FEB-2010x", "%d-%b-%y"),  # Oracle
    ("28 Feb 2010", "Feb 28 2010", "%d %b %Y"),
    ("2/28/2010", "28/2/2010", "%m/%d/%Y"),  # US order (a US-made system)
    ("28/2/2010", "40237", "%d/%m/%Y"),  # single digits; an Excel serial number is refused
    ("28/02/2010", "02/28/2010", "%d/%m/%Y"),  # a US date in a UK file: month 28 refused
])
def test_every_documented_date_format_reads_and_refuses(good: str, bad: str,
                                                        date_format: str) -> None:
    _, loaded = check_rule("DOB", "dob", good, bad, f"not a date in the format {date_format}",
                           date_format=date_format)
    assert loaded == dt.date(2010, 2, 28)
