"""Search's pure parts: reading a query, its keys, and compiling level conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from joinedup.linkage.conditions import Env, compile_condition
from joinedup.linkage.model import LinkageError
from joinedup.linkage.search_keys import SEARCH_KEYS, SEPARATOR, key_hash, query_keys
from joinedup.linkage.search_query import (
    SearchQuery,
    clean,
    name_readings,
    query_records,
    standard_record,
)


def test_wildcards_are_removed_and_dates_read() -> None:
    assert clean(" Sm*it%h? ") == "Smith"
    assert clean("***") is None
    assert clean(dt.date(2003, 2, 1)) == "2003-02-01"
    assert standard_record(dob="1/2/2003")["dob"] == "2003-02-01"  # UK order
    assert standard_record(dob="2003-13-45")["dob"] == "2003-13-45"  # kept: digits are evidence
    assert standard_record(dob="1985")["dob"] is None


def test_free_text_names_are_read_both_ways() -> None:
    assert name_readings(SearchQuery(full_name="SMITH John Paul")) == [
        ("SMITH", "John", "Paul"), ("John", "Paul", "SMITH")]
    assert name_readings(SearchQuery(full_name="Smith, John Paul")) == [
        ("John", "Paul", "Smith")]
    assert name_readings(SearchQuery(full_name="Smith")) == [
        (None, None, "Smith"), ("Smith", None, None)]
    assert name_readings(SearchQuery(first_name="Bill", surname="Smith")) == [
        ("Bill", None, "Smith")]
    assert name_readings(SearchQuery()) == [(None, None, None)]


def test_a_query_is_prepared_like_a_record() -> None:
    (record,) = query_records(SearchQuery(first_name="Bill", surname="O'Brien-Smith",
                                          dob="20030201", sex="male", postcode="sk11aa",
                                          nhs_number="943 476 5919"))
    assert record["first_name"] == "bill" and "william" in record["first_name_variants"]
    assert record["forename_key"] == "william"
    assert record["surname"] == "obrien smith" and record["surname_tokens"] == ("obrien", "smith")
    assert (record["dob"], record["dob_year"], record["dob_dm"]) == ("2003-02-01", "2003", "0102")
    assert (record["sex"], record["postcode"], record["postcode_district"]) == ("M", "SK1 1AA",
                                                                                "SK1")
    assert record["nhs_number"] == "9434765919"


def test_query_keys() -> None:
    (record,) = query_records(SearchQuery(first_name="Bill", surname="Smith", dob="1/2/2003"))
    keys = dict(query_keys(record, SEARCH_KEYS))
    assert keys["dob"] == "2003-02-01"
    assert keys["forename_surname_sound"] == f"william{SEPARATOR}S530"
    assert keys["name_starts"] == f"bil{SEPARATOR}smi"
    assert ("name_word_year", f"smith{SEPARATOR}2003") in query_keys(record, SEARCH_KEYS)
    assert "postcode" not in keys and "nhs_number" not in keys
    assert key_hash("a") != key_hash("b") and 0 <= key_hash("a") < 2**64


def _truth(sql: str, left: dict[str, Any], right: dict[str, list[Any]]) -> list[bool]:
    columns = {}
    for name, values in right.items():
        array = np.empty(len(values), dtype=object)
        array[:] = values
        columns[name] = array
    n = len(next(iter(right.values())))
    return [bool(v) for v in compile_condition(sql)(Env(left, columns, np.arange(n)))]


def test_conditions_follow_sql_null_logic() -> None:
    right = {"a": ["x", None, "y"], "b": [None, None, "z"]}
    # NULL = 'x' is unknown, so NOT (...) is unknown too: neither holds.
    assert _truth("a_l = a_r", {"a": "x"}, right) == [True, False, False]
    assert _truth("NOT (a_l = a_r)", {"a": "x"}, right) == [False, False, True]
    # Unknown OR true holds; unknown AND false does not.
    assert _truth("a_l = a_r OR b_r = 'z'", {"a": "y"}, right) == [False, False, True]
    assert _truth("a_r IS NULL AND b_r IS NULL", {}, right) == [False, True, False]
    # least() skips NULLs, as DuckDB's does.
    assert _truth("least(length(a_r), length(b_r)) = 1", {}, right) == [True, False, True]
    assert _truth("list_contains(t_r, a_l)", {"a": "x"},
                  {"t": [("x", "q"), None, ("q",)]}) == [True, False, False]
    assert _truth("jaro_winkler_similarity(a_l, a_r) >= 0.9", {"a": "martha"},
                  {"a": ["marhta", "mark", None]}) == [True, False, False]


def test_sql_search_does_not_understand_fails_loudly() -> None:
    for sql in ("jaccard(a_l, a_r) >= 0.9", "substr(a_l, -2, 2) = a_r", "l.a = r.a",
                "regexp_matches(a_l, 'x')"):
        with pytest.raises(LinkageError):
            compile_condition(sql)
