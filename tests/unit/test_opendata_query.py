"""Named queries over a published dataset: filter, sort, page, select; CSV escaping."""

from __future__ import annotations

import datetime as dt

import pytest

from joinedup.opendata.query import QueryError, csv_text, query
from joinedup.opendata.spec import load_specs
from joinedup.opendata.store import Published

ROWS = [{"lsoa_code": f"E0100{i}", "lsoa_name": name, "ward_code": ward, "ward_name": "W"}
        for i, (name, ward) in enumerate([("b", "W2"), ("a", "W1"), ("c", "W1"), (None, "W3")])]


def published() -> Published:
    return Published("stockport-areas", "v1", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), None,
                     ("lsoa_code", "lsoa_name", "ward_code", "ward_name"), ROWS)


def spec():
    return load_specs()["stockport-areas"]


def test_filter_sort_page_and_select() -> None:
    page = query(spec(), published(), filters={"ward_code": ["W1", "W2"]}, sort=["-lsoa_name"],
                 select=["lsoa_name"], offset=1, limit=1)
    assert page.total == 3 and page.rows == [{"lsoa_name": "b"}]
    missing_last = query(spec(), published(), sort=["lsoa_name"])
    assert [r["lsoa_name"] for r in missing_last.rows] == ["a", "b", "c", None]


@pytest.mark.parametrize("kwargs", [{"select": ["name"]}, {"sort": ["-nope"]},
                                    {"filters": {"dob": ["1"]}}, {"limit": 0},
                                    {"limit": 1001}, {"offset": -1}])
def test_bad_queries_say_what_is_allowed(kwargs) -> None:
    with pytest.raises(QueryError):
        query(spec(), published(), **kwargs)


def test_csv_defuses_formulas_and_marks_hidden_counts() -> None:
    text = csv_text(["a", "n", "m"], [{"a": "=SUM(A1)", "n": None, "m": None},
                                      {"a": "+44 161", "n": 12, "m": -3},
                                      {"a": "@x", "n": 0, "m": 1.5},
                                      {"a": "\tx", "n": 5, "m": None}], hidden=["n"])
    lines = text.splitlines()
    assert lines[1] == "'=SUM(A1),c,"
    assert lines[2] == "'+44 161,12,-3"  # numbers stay numbers, text is defused
    assert lines[3] == "'@x,0,1.5"
    assert lines[4].startswith("'\tx") or lines[4].startswith("\"'\tx")
