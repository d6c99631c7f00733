"""Names standardised by an earlier run are reused, not redone, and give the same records."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from joinedup.linkage import prepare
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.prepare import NAME_SCHEMA, names_version, prepare_records
from joinedup.linkage.warehouse_link import NAMES_TABLE, _keep_names, _kept_names

COLUMNS = ["id", "first_name", "middle_names", "surname", "dob"]
FIRST = [("1", "Mohammed", "Imran", "Khan", "2001-02-03"),
         ("2", "JOHN", None, "O'Neill", "1970-01-01"),
         ("3", "Kate", None, "Smith-Jones", None)]
LATER = [("4", "Aisha", None, "Begum", "2015-06-07"),
         ("5", "Mohammed", "Imran", "Khan", "2001-02-03")]  # names met before


def _prepared(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]], out: str,
              known: pa.Table | None = None) -> prepare.PreparedTable:
    con.register("incoming", pa.table({c: [r[i] for r in rows] for i, c in enumerate(COLUMNS)},
                                      schema=pa.schema([(c, pa.string()) for c in COLUMNS])))
    con.execute("CREATE OR REPLACE TABLE raw AS SELECT * FROM incoming")
    con.unregister("incoming")
    return prepare_records(con, "raw", resolve_mapping(COLUMNS, {}), out, known_names=known)


def test_names_met_before_are_not_standardised_again(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    first = _prepared(con, FIRST, "p1")
    assert first.names is not None and first.names.num_rows == len(FIRST)
    calls: list[tuple[Any, ...]] = []
    real = prepare.standardise_name

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(prepare, "standardise_name", counted)
    again = _prepared(con, FIRST + LATER, "p2", known=first.names)
    assert [args[0] for args in calls] == ["Aisha"]  # only the name not met before
    monkeypatch.undo()
    fresh = _prepared(con, FIRST + LATER, "p3")
    reused = con.execute("SELECT * FROM p2 ORDER BY unique_id").fetchall()
    assert reused == con.execute("SELECT * FROM p3 ORDER BY unique_id").fetchall()
    assert again.filled == fresh.filled
    # The lookup kept for the next run holds the names these records give, no more.
    assert again.names is not None and again.names.num_rows == 4
    con.close()


def test_names_kept_by_another_version_of_the_rules_are_not_reused() -> None:
    con = duckdb.connect()
    first = _prepared(con, FIRST, "p1")
    assert _kept_names(con) is None  # no table yet
    _keep_names(con, [first])
    kept = _kept_names(con)
    assert kept is not None and kept.num_rows == len(FIRST)
    assert kept.schema.names == NAME_SCHEMA.names
    con.execute(f"UPDATE {NAMES_TABLE} SET version = 'older'")
    assert names_version() != "older" and _kept_names(con) is None
    con.close()
