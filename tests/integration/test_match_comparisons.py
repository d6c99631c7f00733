"""Hand-made pairs go through standardisation and land in the comparison level meant for them."""

from __future__ import annotations

import csv
import datetime as dt
import random
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from joinedup.commands.match import InputFile
from joinedup.linkage import MatchOptions, TrainingOptions, comparisons, run_match
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
        ("2012-03-04", "2012-03-05", "one digit different or the year's last two digits swapped"),
        ("2012-03-04", "2021-03-04", "one digit different or the year's last two digits swapped"),
        ("2012-03-04", "2012-08-09", "two digits different"),
        ("2012-03-04", "2012-03-40", "two digits different"),
        ("2012-03-04", "2012-11-20", "same year"),
        ("2012-01-01", "2012-11-20", "same year, one is 1 January (day and month not known)"),
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
        # A failed check digit is a mistyped number, which says nothing either way.
        ("9434765919", "9434765918", "nhs_number is NULL"),
        ("9434765919", "4010232137", "else"),
        ("0000000000", "0000000000", "nhs_number is NULL"),
        ("12345", "12345", "nhs_number is NULL"),
    ],
)
def test_nhs_number_levels(left: str, right: str, level: str) -> None:
    comparison = comparisons.identifier_comparison("nhs_number", "NHS number")
    assert _level(comparison, {"nhs_number": left}, {"nhs_number": right}) == level


def test_no_level_of_an_identifier_has_a_fixed_weight() -> None:
    levels = comparisons.identifier_comparison("nhs_number", "NHS number").get_comparison(
        "duckdb").comparison_levels
    assert not any(level._fix_m_probability or level._fix_u_probability for level in levels)


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [("1", "Male", "same"), ("F", "m", "else"), ("F", "unknown", "sex is NULL")],
)
def test_sex_levels(left: str, right: str, level: str) -> None:
    assert _level(comparisons.sex_comparison(), {"sex": left}, {"sex": right}) == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ({"first_name": "John Freddie Anthony"}, {"first_name": "John", "middle_names": "Noah"},
         "else"),
        ({"first_name": "John", "middle_names": "Freddie Anthony"},
         {"first_name": "John Anthony"}, "a middle name in common"),
        ({"first_name": "John"}, {"first_name": "John", "middle_names": "Noah"},
         "given_names is NULL"),
    ],
)
def test_middle_name_levels(left: dict[str, str], right: dict[str, str], level: str) -> None:
    assert _level(comparisons.middle_names_comparison(), left, right) == level


def test_comparisons_follow_the_fields_present() -> None:
    names = [c.get_comparison("duckdb").output_column_name
             for c in comparisons.comparisons_for({"first_name", "dob", "extra_job"}, ["job"])]
    assert names == ["first_name", "dob", "extra_job"]


def test_no_comparison_level_has_a_fixed_m_or_u() -> None:
    """Every weight is learnt from the data given; policy lives in the guardrails."""
    present = {"first_name", "surname", "given_names", "dob", "sex", "postcode", "born_by",
               "address", "uprn", "address_from", "nhs_number", "upn"}
    for comparison in comparisons.comparisons_for(present):
        for level in comparison.get_comparison("duckdb").comparison_levels:
            assert not (level._fix_m_probability or level._fix_u_probability), \
                level.label_for_charts


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ({"postcode": "SK1 1AA", "address_from": "2019-03-01", "address_to": "2022-06-05"},
         {"postcode": "SK7 2BB", "address_from": "05/06/2022"},
         "one left an address the day the other arrived at another"),
        ({"postcode": "SK1 1AA", "address_from": "2019-03-01", "address_to": "2022-06-05"},
         {"postcode": "SK7 2BB", "address_from": "2022-06-20"},
         "one left an address the month the other arrived at another"),
        ({"postcode": "SK1 1AA", "address_from": "2019-03-01"},
         {"postcode": "SK7 2BB", "address_from": "2020-01-01", "address_to": "2023-01-01"},
         "at different postcodes at the same time"),
        ({"postcode": "SK1 1AA", "address_from": "2010-03-01", "address_to": "2012-01-01"},
         {"postcode": "SK7 2BB", "address_from": "2020-01-01"}, "else"),
        # At one postcode the dates are a household's, not a move.
        ({"postcode": "SK1 1AA", "address_from": "2019-03-01", "address_to": "2022-06-05"},
         {"postcode": "SK1 1AA", "address_from": "2022-06-05"},
         "no dates, or the same postcode"),
        ({"postcode": "SK1 1AA"}, {"postcode": "SK7 2BB", "address_from": "2022-06-05"},
         "no dates, or the same postcode"),
    ],
)
def test_address_period_levels(left: dict[str, str], right: dict[str, str], level: str) -> None:
    assert _level(comparisons.address_period_comparison(), left, right) == level


def test_the_new_levels_are_read_by_search_scoring() -> None:
    """Every level condition compiles for `scoring` (the search helper's Python scorer)."""
    compile_condition = pytest.importorskip("joinedup.linkage.conditions").compile_condition
    present = {"first_name", "surname", "given_names", "dob", "sex", "postcode", "born_by",
               "address_from", "nhs_number", "upn"}
    for comparison in comparisons.comparisons_for(present):
        for level in comparison.get_comparison("duckdb").comparison_levels:
            if level.sql_condition != "ELSE":
                compile_condition(level.sql_condition)


# --- Whole pipeline: a model trained on a small made-up file clusters crafted records. ---

_FORENAMES = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "George", "Mia", "Noah",
              "Ella", "Leo", "Grace", "Arthur", "Lily", "Oscar", "Freya", "Theo", "Sophie",
              "Aisha", "Kwame", "Zofia", "Priya", "Tomasz", "Chidi", "Hamza", "Niamh"]
_SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
             "Patel", "Khan", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Green",
             "Hall", "Wood", "Clarke", "Okafor", "Nowak", "Murphy", "Kelly", "Price"]
_CRAFTED = [
    # (record id, person, first name, surname, dob, sex, postcode, nhs)
    # Sisters at one address whose NHS numbers are one digit apart: were a one-digit
    # difference taken as the same number (+15), they would be one person.
    ("X1", "typo-a", "Aisha", "Khan", "1990-01-01", "F", "SK1 1AA", "9434765919"),
    ("X2", "typo-b", "Amina", "Khan", "1990-11-21", "F", "SK1 1AA", "9434765918"),
    ("S1", "sex", "Zofia", "Kowalska", "1985-04-03", "F", "SK3 3AD", "4010232137"),
    ("S2", "sex", "Zofia", "Kowalska", "1985-04-03", "M", "SK3 3AD", ""),
    ("S3", "sex", "Zofia", "Kowalska", "1985-04-03", "F", "SK3 3AD", ""),
    ("N1", "nick", "Margaret", "Hughes-Lloyd", "1950-07-12", "F", "SK2 5EF", ""),
    ("N2", "nick", "Peggy", "Lloyd", "1950-12-07", "F", "SK2 5EF", ""),
    ("N3", "nick", "Margaret", "Hughes-Lloyd", "1950-07-12", "F", "SK2 5EF", ""),
    ("B1", "baby-1", "Baby", "Osei", "2025-02-01", "M", "SK5 6GH", ""),
    ("B2", "baby-2", "Baby", "Osei", "2025-02-01", "F", "SK5 6GH", ""),
    ("T1", "twin-1", "Kofi", "Mensah", "2016-09-09", "M", "SK6 7JK", ""),
    ("T2", "twin-1", "Kofi", "Mensah", "2016-09-09", "M", "SK6 7JK", ""),
    ("T3", "twin-2", "Esi", "Mensah", "2016-09-09", "F", "SK6 7JK", ""),
    ("T4", "twin-2", "Esi", "Mensah", "2016-09-09", "F", "SK6 7JK", ""),
]


def _made_up_people(seed: int = 5, people: int = 150) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for person in range(people):
        first, last = rng.choice(_FORENAMES), rng.choice(_SURNAMES)
        dob = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))
        postcode = f"SK{rng.randint(1, 8)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}" \
                   f"{rng.choice('LNPQRSTU')}"
        sex = rng.choice("MF")
        for _ in range(rng.choice([1, 2, 2, 3])):
            rows.append({"id": f"R{len(rows):04d}", "person": f"P{person}",
                         "first_name": first, "surname": last, "dob": dob.isoformat(),
                         "sex": sex, "postcode": postcode if rng.random() < 0.8 else "",
                         "nhs_number": ""})
    return rows


@pytest.fixture(scope="module")
def crafted_clusters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    rows = _made_up_people()
    rows += [dict(zip(("id", "person", "first_name", "surname", "dob", "sex", "postcode",
                       "nhs_number"), values, strict=True)) for values in _CRAFTED]
    path = tmp_path_factory.mktemp("crafted") / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = run_match([InputFile(path).read()[0]],
                    MatchOptions(training=TrainingOptions(u_max_pairs=2e5)))
    try:
        _TRAINED.update(run.settings)
        return {node: cluster for node, cluster in run.clusters.cluster_of.items()}
    finally:
        run.close()


_TRAINED: dict[str, Any] = {}


def test_no_trained_m_probability_is_below_what_the_data_can_show(
        crafted_clusters: dict[str, str]) -> None:
    prior = _TRAINED["probability_two_random_records_match"]
    rows = len(_made_up_people()) + len(_CRAFTED)
    floor = 0.5 / (prior * rows * (rows - 1) / 2 + 1)
    ms = [level["m_probability"] for comparison in _TRAINED["comparisons"]
          for level in comparison["comparison_levels"] if "m_probability" in level]
    assert ms and min(ms) >= floor * (1 - 1e-9)


def test_a_mistyped_nhs_number_does_not_merge_two_people(
        crafted_clusters: dict[str, str]) -> None:
    assert crafted_clusters["X1"] != crafted_clusters["X2"]


def test_one_miscoded_sex_does_not_split_a_person(crafted_clusters: dict[str, str]) -> None:
    assert crafted_clusters["S1"] == crafted_clusters["S2"] == crafted_clusters["S3"]


def test_nickname_half_a_double_barrelled_name_and_a_day_month_swap_still_match(
        crafted_clusters: dict[str, str]) -> None:
    assert crafted_clusters["N1"] == crafted_clusters["N2"] == crafted_clusters["N3"]


def test_placeholder_names_and_twins_stay_apart(crafted_clusters: dict[str, str]) -> None:
    assert crafted_clusters["B1"] != crafted_clusters["B2"]
    assert crafted_clusters["T1"] == crafted_clusters["T2"]
    assert crafted_clusters["T3"] == crafted_clusters["T4"]
    assert crafted_clusters["T1"] != crafted_clusters["T3"]
