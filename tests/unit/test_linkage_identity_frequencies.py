"""Term frequencies count people (identities), not records: a person known to five services
does not make their own name look five times commoner."""

from __future__ import annotations

import duckdb
import pytest

from joinedup.linkage.frequencies import count_frequencies, lookup_table

MODEL = {"comparisons": [{"comparison_levels": [
    {"sql_condition": "surname_l = surname_r", "tf_adjustment_column": "surname"}]}]}


def _frequencies(rows: list[tuple[str | None, str | None, str | None]]) -> dict[str, float]:
    con = duckdb.connect()
    con.execute("CREATE TABLE p (unique_id VARCHAR, first_name VARCHAR, surname VARCHAR, "
                "dob VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)",
                    [(str(n), *row) for n, row in enumerate(rows)])
    count_frequencies(con, ["p"], MODEL)
    return {str(value): float(tf) for value, tf in con.execute(
        f'SELECT surname, tf_surname FROM "{lookup_table("surname")}"').fetchall()}


def test_one_person_with_many_records_counts_once() -> None:
    szymanski = [("piotr", "szymanski", "1980-01-02")] * 5  # one man, five services
    smiths = [("john", "smith", "1970-03-04"), ("jane", "smith", "1972-05-06")]
    tf = _frequencies(szymanski + smiths)
    # Three people: two Smiths, one Szymanski, however many records each has.
    assert tf["smith"] == pytest.approx(2 / 3)
    assert tf["szymanski"] == pytest.approx(1 / 3)


def test_people_differing_in_any_identity_field_count_apart() -> None:
    tf = _frequencies([("ali", "khan", "2001-01-01"), ("ali", "khan", "2003-01-01"),
                       ("ali", "khan", None), ("sara", "jones", "1990-01-01"),
                       (None, None, None)])
    # A record with no surname gives none; the three Ali Khans are three identities.
    assert tf == pytest.approx({"khan": 3 / 4, "jones": 1 / 4})


def test_an_identity_on_more_records_than_a_person_has_counts_each() -> None:
    # "John Smith, 1 January 1980" on 60 records is a placeholder, not a person: its values
    # stay as common as they look, so a match on them is no evidence.
    placeholder = [("john", "smith", "1980-01-01")] * 60
    tf = _frequencies([*placeholder, ("anna", "nowak", "1990-02-03")])
    assert tf == pytest.approx({"smith": 60 / 61, "nowak": 1 / 61})
