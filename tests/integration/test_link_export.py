"""Which records a link run matches again (`warehouse_link._export_records`): the new and
changed ones, and those that take fields from another source's record under the same id
when that record comes, changes or goes (a CIN census return takes its child's names from
the case record), though their own fields are as they were."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pyarrow as pa

from joinedup.linkage.state import Registry
from joinedup.linkage.warehouse_link import _export_records
from joinedup.sources.schema import create_model_tables


def _world() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_model_tables(con)
    rows = [("csc_case_system", "100", "Yan", "Li"), ("cin_census", "100", None, None),
            ("cin_census", "300", None, None), ("council_tax", "900", "Ann", "Lee")]
    con.executemany("INSERT INTO person_record (source, source_record_id, first_name, surname) "
                    "VALUES (?, ?, ?, ?)", rows)
    return con


def _known(con: duckdb.DuckDBPyConnection, registry: pa.Table) -> dict[tuple[str, str], bool]:
    con.execute("DROP TABLE IF EXISTS link_records")
    con.execute("DROP TABLE IF EXISTS link_bereft")
    _export_records(SimpleNamespace(con=con), Registry("run1", registry))  # type: ignore[arg-type]
    return {(str(s), str(r)): known is not None for s, r, known in con.execute(
        "SELECT source, source_record_id, known_person_id FROM link_records").fetchall()}


def _registered(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every record now in link_records, registered to a person of its own."""
    return con.sql("SELECT source, source_record_id, 'P' || link_key AS person_id, "
                   "record_hash FROM link_records").to_arrow_table()


def test_a_record_is_matched_again_when_the_record_it_borrows_from_comes_or_goes() -> None:
    con = _world()
    empty = pa.table({"source": pa.array([], pa.string()),
                      "source_record_id": pa.array([], pa.string()),
                      "person_id": pa.array([], pa.string()),
                      "record_hash": pa.array([], pa.string())})
    assert not any(_known(con, empty).values())  # the first run: everything is new
    registry = _registered(con)
    assert all(_known(con, registry).values())  # nothing changed: nothing to match again

    # The case record of id 300 arrives: the return under that id is matched again with it;
    # the other return and the council tax record (another id) are not.
    con.execute("INSERT INTO person_record (source, source_record_id, first_name, surname) "
                "VALUES ('csc_case_system', '300', 'Zoe', 'Hart')")
    known = _known(con, registry)
    assert not known[("csc_case_system", "300")] and not known[("cin_census", "300")]
    assert known[("cin_census", "100")] and known[("csc_case_system", "100")]
    assert known[("council_tax", "900")]

    # The case record of id 100 leaves: its return is matched again (it has no names now).
    registry = _registered(con)
    con.execute("DELETE FROM person_record WHERE source = 'csc_case_system' "
                "AND source_record_id = '100'")
    known = _known(con, registry)
    assert not known[("cin_census", "100")]
    assert known[("cin_census", "300")] and known[("council_tax", "900")]
    # New and changed records are numbered after every known one (`new_from`).
    keys = con.execute("SELECT link_key, known_person_id IS NULL FROM link_records "
                       "ORDER BY link_key").fetchall()
    assert [fresh for _, fresh in keys] == sorted(fresh for _, fresh in keys)
