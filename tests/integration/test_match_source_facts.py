"""What preparation learns from each source's records: shared record ids (the DfE returns use
the case system's child ids) and adults-only sources (council tax)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.source_facts import learn_source_facts

NEWEST_BABY = dt.date(2026, 10, 1)


def _records() -> list[dict[str, Any]]:
    rng = random.Random(4)
    rows: list[dict[str, Any]] = []

    def add(source: str, record_id: str, first: str | None, surname: str | None,
            dob: dt.date | None) -> None:
        rows.append({"id": f"{source}:{record_id}", "source": source,
                     "source_record_id": record_id, "first_name": first, "surname": surname,
                     "dob": dob.isoformat() if dob else None})

    children = [(str(700000 + n), f"Child{n}", "Okafor",
                 dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000))) for n in range(60)]
    for record_id, first, surname, dob in children:
        add("cases", record_id, first, surname, dob)
    for record_id, _, _, dob in children[:30]:  # the return: ids and dates of birth, no names
        add("returns", record_id, None, None, dob)
    # Council tax: adults only, most without a date of birth; five party ids happen to be
    # case ids too.
    for n in range(200):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        add("tax", str(700000 + n if n < 5 else 800000 + n), f"Adult{n}", "Smith",
            born if n % 3 == 0 else None)
    add("health", "H1", "New", "Baby", NEWEST_BABY)
    return rows


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.register("incoming", pa.Table.from_pylist(_records()))
    connection.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    connection.execute("CREATE VIEW facts AS SELECT source AS src, source_record_id AS rid, "
                       "dob, NULL::VARCHAR AS nhs FROM raw")
    return connection


def test_sources_sharing_ids_are_found_and_chance_collisions_are_not(
        con: duckdb.DuckDBPyConnection) -> None:
    facts = learn_source_facts(con, "facts")
    assert dict(facts.id_groups) == {"cases": "cases", "returns": "cases"}


def test_an_adults_only_source_is_found_from_its_dated_records(
        con: duckdb.DuckDBPyConnection) -> None:
    facts = learn_source_facts(con, "facts")
    assert facts.adult_sources == frozenset({"tax"})  # cases hold children, health a baby
    assert facts.born_by == "2008-10-01"  # 18 years before the newest date of birth


def test_preparation_fills_a_return_from_its_case_record_and_marks_adults(
        con: duckdb.DuckDBPyConnection) -> None:
    prepare_records(con, "raw", resolve_mapping(list(_records()[0]), {}), "p")
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT unique_id, first_name, surname, dob, born_by FROM p").fetchall()}
    assert rows["returns:700003"][:3] == rows["cases:700003"][:3]
    assert rows["returns:700003"][0] == "child3"
    # A council tax party whose id is also a case id borrows nothing.
    assert rows["tax:700001"][:2] == ("adult1", "smith")
    # Undated council tax records are adults; dated ones are compared on their dates.
    assert rows["tax:800010"][3] == "2008-10-01"
    assert rows["tax:700003"][3] is None and rows["tax:700003"][2] is not None
    assert rows["cases:700003"][3] is None


def test_without_source_columns_nothing_is_learnt() -> None:
    connection = duckdb.connect()
    rows = [{"id": str(n), "first_name": "Ann", "dob": None} for n in range(5)]
    connection.register("incoming", pa.Table.from_pylist(rows))
    connection.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepared = prepare_records(connection, "raw", resolve_mapping(["id", "first_name", "dob"],
                                                                  {}), "p")
    assert prepared.filled["born_by"] == 0
