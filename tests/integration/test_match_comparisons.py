"""Hand-made pairs go through standardisation and land in the comparison level meant for them."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from joinedup.linkage import comparisons
from joinedup.linkage.fields import FIELDS, resolve_mapping
from joinedup.linkage.prepare import PREPARED_COLUMNS, prepare_records

NICKNAME = "nickname or variant (Peggy/Margaret)"


def _level(comparison: Any, left: dict[str, str | None], right: dict[str, str | None]) -> str:
    """The label of the level a pair of raw records falls into."""
    columns = [name for name in FIELDS if name != "id"]
    rows = [{"id": "L", **dict.fromkeys(columns), **left},
            {"id": "R", **dict.fromkeys(columns), **right}]
    con = duckdb.connect()
    con.register("incoming", pa.Table.from_pylist(
        rows, schema=pa.schema([(name, pa.string()) for name in ["id", *columns]])))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepare_records(con, "raw", resolve_mapping(["id", *columns], {}), "p")
    sides = ", ".join(f'{side}."{c}" AS "{c}_{side}"' for c in PREPARED_COLUMNS
                      for side in ("l", "r"))
    levels = comparison.get_comparison("duckdb").comparison_levels
    case = " ".join(
        f"WHEN {level.sql_condition} THEN '{level.label_for_charts.replace(chr(39), chr(39) * 2)}'"
        for level in levels if level.sql_condition != "ELSE"
    )
    sql = (f"SELECT CASE {case} ELSE 'else' END FROM (SELECT {sides} FROM p AS l, p AS r "
           "WHERE l.unique_id = 'L' AND r.unique_id = 'R')")
    label = con.execute(sql).fetchall()[0][0]
    con.close()
    return str(label)


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("2012-03-04", "2012-04-03", "day and month swapped"),
        ("04/03/2012", "2012-03-04", "exact"),
        ("20120304", "4/3/2012", "exact"),
        ("2012-03-04", "2012-03-05", "one digit different or two adjacent swapped"),
        ("2012-03-04", "2021-03-04", "one digit different or two adjacent swapped"),
        ("2012-03-04", "2012-08-09", "two digits different"),
        ("2012-03-04", "2012-11-20", "same year"),
        ("1990-03-04", "2012-11-20", "else"),
        ("2012-03-04", "not known", "dob is NULL"),
    ],
)
def test_date_of_birth_levels(left: str, right: str, level: str) -> None:
    assert _level(comparisons.dob_comparison(), {"dob": left}, {"dob": right}) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ({"first_name": "Siân"}, {"first_name": "SIAN"}, "exact"),
        ({"first_name": "Peggy"}, {"first_name": "Margaret"}, NICKNAME),
        ({"first_name": "Bill"}, {"first_name": "William"}, NICKNAME),
        ({"first_name": "Ade"}, {"first_name": "Adebayo"},
         "one is the start or end of the other (Kath/Katherine)"),
        ({"first_name": "Siobhan"}, {"first_name": "Siobahn"}, "Jaro-Winkler >= 0.92"),
        ({"first_name": "Lee", "surname": "Smith"},
         {"first_name": "Anne", "middle_names": "Lee", "surname": "Smith"},
         "forename among the other's names (middle name, swapped)"),
        ({"first_name": "J"}, {"first_name": "Jasmine"}, "initial matches"),
        ({"first_name": "Oliver"}, {"first_name": "Zainab"}, "else"),
        ({"first_name": "Baby of"}, {"first_name": "Margaret"}, "first_name is NULL"),
        ({"first_name": "Twin 1"}, {"first_name": "Twin 1"}, "first_name is NULL"),
    ],
)
def test_forename_levels(left: dict[str, str], right: dict[str, str], level: str) -> None:
    assert _level(comparisons.forename_comparison(), left, right) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ({"surname": "O'Brien"}, {"surname": "OBRIEN"}, "exact"),
        ({"surname": "Smith-Jones"}, {"surname": "Jones"},
         "a surname word in common (Smith-Jones/Jones)"),
        ({"surname": "Thompson"}, {"surname": "Thomson"}, "Jaro-Winkler >= 0.92"),
        ({"first_name": "Grace", "surname": "Thomas"}, {"first_name": "Thomas", "surname": "Grace"},
         "surname among the other's names (maiden, middle, swapped)"),
        ({"surname": "Smyth"}, {"surname": "Smith"}, "Jaro-Winkler >= 0.8"),
        ({"surname": "Ahmed"}, {"surname": "Kowalski"}, "else"),
        ({"surname": "Unknown"}, {"surname": "Kowalski"}, "surname is NULL"),
    ],
)
def test_surname_levels(left: dict[str, str], right: dict[str, str], level: str) -> None:
    assert _level(comparisons.surname_comparison(), left, right) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("SK1 1AA", "sk11aa", "same unit (SK1 1AA)"),
        ("SK1 1AB", "SK1 1AA", "one character different"),
        ("SK1 1ZZ", "SK1 1AA", "same sector (SK1 1)"),
        ("SK1 2ZZ", "SK1 1AA", "same district (SK1)"),
        ("SK4 2ZZ", "SK1 1AA", "same area (SK)"),
        ("M1 1AA", "SK1 1AA", "else"),
        ("nope", "SK1 1AA", "postcode is NULL"),
    ],
)
def test_postcode_levels(left: str, right: str, level: str) -> None:
    assert _level(comparisons.postcode_comparison(), {"postcode": left},
                  {"postcode": right}) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("943 476 5919", "9434765919", "same number"),
        ("9434765919", "9434765918", "one digit different (typing error)"),
        ("9434765919", "4010232137", "else"),
        ("0000000000", "0000000000", "nhs_number is NULL"),
        ("12345", "12345", "nhs_number is NULL"),
    ],
)
def test_nhs_number_levels(left: str, right: str, level: str) -> None:
    comparison = comparisons.identifier_comparison("nhs_number", "NHS number")
    assert _level(comparison, {"nhs_number": left}, {"nhs_number": right}) == level


def test_a_one_digit_nhs_typo_has_a_fixed_small_weight() -> None:
    levels = comparisons.identifier_comparison("nhs_number", "NHS number").get_comparison(
        "duckdb").comparison_levels
    typo = next(level for level in levels if "typing" in (level.label_for_charts or ""))
    assert typo._fix_m_probability and typo._fix_u_probability
    assert 1 < typo.m_probability / typo.u_probability < 10


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [("1", "Male", "same"), ("F", "m", "else"), ("F", "unknown", "sex is NULL")],
)
def test_sex_levels(left: str, right: str, level: str) -> None:
    assert _level(comparisons.sex_comparison(), {"sex": left}, {"sex": right}) == level


def test_comparisons_follow_the_fields_present() -> None:
    names = [c.get_comparison("duckdb").output_column_name
             for c in comparisons.comparisons_for({"first_name", "dob", "extra_job"}, ["job"])]
    assert names == ["first_name", "dob", "extra_job"]
