"""The SQL checks (DuckDB macros) agree with the Python references in joinedup.model.checks."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.model.checks import is_valid_nhs_number, nhs_check_digit, normalise_postcode
from joinedup.sources.macros import install_macros


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()


def _sql(con: duckdb.DuckDBPyConnection, expression: str, value: str | None) -> object:
    row = con.execute(f"SELECT {expression}", {"v": value}).fetchone()
    assert row is not None
    return row[0]


def _with_check_digit(first_nine: str) -> str | None:
    check = nhs_check_digit(first_nine)
    return None if check is None else first_nine + str(check)


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
nhs_like = st.one_of(
    st.text(alphabet="0123456789 -x", max_size=14),
    nine_digits.map(_with_check_digit).filter(lambda v: v is not None),
    nine_digits.map(lambda d: f"{d[:3]} {d[3:6]} {d[6:]}0"),
)


@settings(max_examples=200, deadline=None)
@given(value=nhs_like)
def test_nhs_macro_matches_python(con: duckdb.DuckDBPyConnection, value: str) -> None:
    assert _sql(con, "ju_nhs($v) IS NOT NULL", value) == is_valid_nhs_number(value)


@settings(max_examples=200, deadline=None)
@given(first_nine=nine_digits)
def test_every_valid_nhs_number_passes_and_is_stored_as_ten_digits(
        con: duckdb.DuckDBPyConnection, first_nine: str) -> None:
    number = _with_check_digit(first_nine)
    if number is None:
        assert _sql(con, "ju_nhs($v)", first_nine + "0") is None
        return
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert _sql(con, "ju_nhs($v)", spaced) == number
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    assert _sql(con, "ju_nhs($v)", wrong) is None


@pytest.mark.parametrize(("value", "valid"), [
    ("943 476 5919", True), ("9434765919", True), ("943-476-5919", True),
    ("9434765918", False), ("943476591", False), ("94347659190", False), ("abcdefghij", False),
])
def test_nhs_examples(con: duckdb.DuckDBPyConnection, value: str, valid: bool) -> None:
    assert (_sql(con, "ju_nhs($v)", value) is not None) is valid
    assert is_valid_nhs_number(value) is valid


postcode_like = st.one_of(
    st.text(alphabet="ABCSKMN0123456789 abc", max_size=9),
    st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? {0,2}[0-9][A-Za-z]{2}", fullmatch=True),
)


@settings(max_examples=200, deadline=None)
@given(value=postcode_like)
def test_postcode_macro_matches_python(con: duckdb.DuckDBPyConnection, value: str) -> None:
    assert _sql(con, "ju_postcode($v)", value) == normalise_postcode(value)


@pytest.mark.parametrize(("expression", "good", "bad"), [
    ("ju_postcode($v)", "sk1 3xe", "SK1 3X"),
    ("ju_partial_postcode($v)", "sk1 3", "SK1"),
    ("ju_uprn($v)", "100012345678", "1000123456789"),
    ("ju_upn($v)", "a123456789012", "A12345678901"),
    ("ju_email($v)", "jo.bloggs@stockport.gov.uk", "jo.bloggs@stockport"),
    ("ju_phone($v)", "0161 474 1234", "474 1234"),
    ("ju_phone($v)", "+44 161 474 1234", "0161 474 12345 6"),
    ("ju_integer($v)", "12", "12.5"),
    ("ju_decimal($v)", "£1,234.50", "1,5"),
])
def test_check_examples(con: duckdb.DuckDBPyConnection, expression: str, good: str,
                        bad: str) -> None:
    assert _sql(con, expression, good) is not None
    assert _sql(con, expression, bad) is None


def test_normalised_forms(con: duckdb.DuckDBPyConnection) -> None:
    assert _sql(con, "ju_postcode($v)", " sk13xe ") == "SK1 3XE"
    assert _sql(con, "ju_partial_postcode($v)", "sk13") == "SK1 3"
    assert _sql(con, "ju_upn($v)", "a12345678901b") == "A12345678901B"
    assert _sql(con, "ju_integer($v)", "3.0") == 3
    assert str(_sql(con, "ju_decimal($v)", "£1,234.50")) == "1234.5000"


@pytest.mark.parametrize(("value", "expected"), [
    ("  Ann  ", "Ann"), ("\tAnn\r\n", "Ann"), ("Ann\u00a0", "Ann"), ("", None), ("   ", None),
    ("Ann Smith", "Ann Smith"), ("é", "é"), (None, None),
])
def test_clean_trims_and_empties(con: duckdb.DuckDBPyConnection, value: str | None,
                                 expected: str | None) -> None:
    assert _sql(con, "ju_clean($v)", value) == expected


def test_shorten_says_how_long(con: duckdb.DuckDBPyConnection) -> None:
    assert _sql(con, "ju_shorten($v, 3)", "abcdef") == "abc… (6 characters)"
    assert _sql(con, "ju_shorten($v, 3)", "abc") == "abc"


def test_dates(con: duckdb.DuckDBPyConnection) -> None:
    import datetime as dt

    assert _sql(con, "ju_date($v, '%d/%m/%Y')", "28/02/2020") == dt.date(2020, 2, 28)
    assert _sql(con, "ju_date($v, '%d/%m/%Y')", "31/02/2020") is None
    assert _sql(con, "ju_date($v, '%d/%m/%Y')", "2020-02-28") is None
    assert _sql(con, "ju_date_typed($v, '%d/%m/%Y')", "2020-02-28") == dt.date(2020, 2, 28)
    assert _sql(con, "ju_date_typed($v, '%d/%m/%Y')", "2020-02-28 13:45:00") == dt.date(
        2020, 2, 28)
