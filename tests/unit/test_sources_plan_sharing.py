"""Work shared between targets of one file, and loads that skip work without losing any."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from joinedup.sources.load import create_model_tables, load_raw
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.plan import build_plan
from joinedup.sources.raw import Params, arrow_source

AS_OF = dt.date(2026, 10, 31)
ROWS: list[dict[str, str | None]] = [
    {"Ref": "A", "Addr1": "1 High St", "Addr2": "Stockport", "Pc": "sk1 3xe", "From": "2020-01-02"},
    {"Ref": "B", "Addr1": "2 Low St", "Addr2": None, "Pc": "not a postcode", "From": "2021-05-06"},
]
TARGETS: list[dict[str, Any]] = [
    {"entity": "person", "fields": {
        "source_record_id": "Ref", "postcode": "Pc",
        "address": {"columns": ["Addr1", "Addr2"], "separator": ", "}}},
    {"entity": "address", "fields": {
        "source_record_id": "Ref", "postcode": "Pc", "start_date": "From",
        "address": {"columns": ["Addr1", "Addr2"], "separator": ", "}}},
]


def _source() -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "test", "system": "Test", "service": "vcse", "data_current_as_of": AS_OF,
        "files": [{"path": "mem.csv", "targets": TARGETS}],
    })


def _raw(con: duckdb.DuckDBPyConnection, rows: list[dict[str, str | None]]) -> Any:
    columns = tuple(rows[0])
    return arrow_source(con, Path("mem"), columns, [n + 2 for n in range(len(rows))],
                        [[row[c] for row in rows] for c in columns], typed_dates=False)


def test_equal_parameters_are_bound_once_and_types_are_kept_apart() -> None:
    p = Params()
    assert p.add(", ") == p.add(", ") == "$p1"
    assert p.add("2026-01-01") != p.add(dt.date(2026, 1, 1))
    assert p.add(1) != p.add(True)
    assert p.add(["a", "b"]) == p.add(["a", "b"])
    assert p.values == {"p1": ", ", "p2": "2026-01-01", "p3": dt.date(2026, 1, 1), "p4": 1,
                        "p5": True, "p6": ["a", "b"]}


def test_columns_mapped_by_two_targets_are_computed_once() -> None:
    con = duckdb.connect()
    source = _source()
    plan = build_plan(source, source.files[0], _raw(con, ROWS), "mem.csv")
    assert plan.sql.count("concat_ws(") == 1
    assert plan.sql.count("upper(replace(") == 1
    typed = {t.info.name: {f.spec.name: f.typed for f in t.fields} for t in plan.targets}
    assert typed["person"]["postcode"] == typed["address"]["postcode"]
    assert typed["person"]["address"] == typed["address"]["address"]


def test_a_shared_check_still_quarantines_under_each_target() -> None:
    con = duckdb.connect()
    create_model_tables(con)
    source = _source()
    result = load_raw(con, source, source.files[0], _raw(con, ROWS), "mem.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    assert con.execute("SELECT address, postcode FROM person_record").fetchall() == [
        ("1 High St, Stockport", "SK1 3XE")]
    assert con.execute("SELECT address, postcode, start_date FROM address_history").fetchall() == [
        ("1 High St, Stockport", "SK1 3XE", dt.date(2020, 1, 2))]
    assert con.execute("SELECT row, field, value FROM quarantine ORDER BY field").fetchall() == [
        (3, "address.postcode", "not a postcode"), (3, "person.postcode", "not a postcode")]


def test_a_clean_file_writes_no_quarantine_and_leaves_no_temp_objects() -> None:
    con = duckdb.connect()
    create_model_tables(con)
    source = _source()
    result = load_raw(con, source, source.files[0], _raw(con, ROWS[:1]), "mem.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 1, 0)
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    assert not con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_ju_%' "
        "AND table_name NOT LIKE '_ju_macros_%' UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '_ju_%'").fetchall()
