"""The snapshot store on disk: atomic switch, failure safety, lock, leftovers, retention."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from joinedup.config import get_settings
from joinedup.errors import WarehouseError
from joinedup.warehouse import SnapshotStore, open_current
from joinedup.warehouse.runinfo import FileReport, RunInfo, SourceReport, write_run_metadata
from joinedup.warehouse.snapshots import CURRENT_FILE, new_run_id


@pytest.fixture
def store(home: Path) -> SnapshotStore:
    return SnapshotStore.from_settings(get_settings())


def make_snapshot(store: SnapshotStore, value: int, rows: int = 3) -> str:
    """A committed snapshot holding table t(value) and run metadata."""
    with store.lock(), store.build() as build:
        build.con.execute("CREATE TABLE t AS SELECT ? AS value", [value])
        now = dt.datetime.now(dt.UTC)
        run = RunInfo(build.id, now, now, "sources.yaml", "0" * 64, "test", duckdb.__version__, ())
        write_run_metadata(build.con, run, [SourceReport("src", (FileReport("a.csv", rows,
                                                                            rows, 0, 0.0),))])
        build.commit()
        return build.id


def served_value() -> int:
    with open_current() as con:
        row = con.execute("SELECT value FROM t").fetchone()
    assert row is not None
    return int(row[0])


def pointer(store: SnapshotStore) -> str:
    return (store.root / CURRENT_FILE).read_text(encoding="utf-8")


def test_no_snapshot_yet_says_run_ingest_first(store: SnapshotStore) -> None:
    assert store.current_id() is None
    with pytest.raises(WarehouseError, match="run `joinedup ingest` first"):
        open_current()


def test_commit_publishes_and_switches(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    assert pointer(store) == first + "\n"
    assert served_value() == 1
    second = make_snapshot(store, 2)
    assert store.current_id() == second
    assert served_value() == 2
    assert store.ids() == [first, second]
    leftovers = sorted(p.name for p in store.root.iterdir() if p.name.startswith(".building"))
    assert leftovers == []


def test_readers_are_read_only(store: SnapshotStore) -> None:
    make_snapshot(store, 1)
    with open_current() as con, pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE x (a INTEGER)")


def test_a_failure_inside_a_build_publishes_nothing(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    with pytest.raises(RuntimeError), store.lock(), store.build() as build:
        build.con.execute("CREATE TABLE t AS SELECT 2 AS value")
        raise RuntimeError("a step failed")
    assert store.current_id() == first
    assert store.ids() == [first]
    assert served_value() == 1
    assert [p for p in store.root.iterdir() if p.name.startswith(".building")] == []


def test_a_seeded_build_starts_as_a_copy_and_leaves_its_seed_untouched(
        store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    before = store.path(first).read_bytes()
    with store.lock(), store.build(seed=first) as build:
        assert build.seeded
        assert build.con.execute("SELECT value FROM t").fetchall() == [(1,)]
        build.con.execute("UPDATE t SET value = 2")
        build.commit()
    assert served_value() == 2
    assert store.path(first).read_bytes() == before
    with store.open(first) as con:
        assert con.execute("SELECT value FROM t").fetchall() == [(1,)]


def test_a_seed_with_a_write_ahead_log_is_not_copied(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    wal = store.path(first).with_name(store.path(first).name + ".wal")
    wal.write_bytes(b"")
    with store.lock(), store.build(seed=first) as build:
        assert not build.seeded
        assert build.con.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]
    wal.unlink()


def test_a_failed_seeded_build_publishes_nothing(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    with pytest.raises(RuntimeError), store.lock(), store.build(seed=first) as build:
        build.con.execute("DROP TABLE t")
        raise RuntimeError("a step failed")
    assert store.current_id() == first
    assert served_value() == 1
    assert [p for p in store.root.iterdir() if p.name.startswith(".building")] == []


def test_a_build_left_without_commit_is_discarded(store: SnapshotStore) -> None:
    with store.lock(), store.build() as build:
        build.con.execute("CREATE TABLE t AS SELECT 2 AS value")
    assert store.ids() == []
    assert store.current_id() is None


def test_the_pointer_moves_only_by_atomic_replace(
    store: SnapshotStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_snapshot(store, 1)

    def crash(*_: object) -> None:
        raise OSError("simulated crash before the pointer moved")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        make_snapshot(store, 2)
    # The new file was renamed into place, but readers still get the old one, whole.
    assert pointer(store) == first + "\n"
    assert served_value() == 1
    assert len(store.ids()) == 2
    monkeypatch.undo()
    store.list()  # a complete but unserved snapshot is listed and can be rolled forward
    make_snapshot(store, 3)
    assert served_value() == 3
    with store.lock():
        assert [p.name for p in store.clean_leftovers()] == []


def test_leftovers_of_killed_runs_are_never_listed_and_cleaned_under_the_lock(
    store: SnapshotStore,
) -> None:
    first = make_snapshot(store, 1)
    killed = new_run_id()
    for name in (f".building-{killed}.duckdb", f".building-{killed}.duckdb.wal",
                 f".building-{killed}.quarantine.csv", f".CURRENT-{killed}.tmp"):
        (store.root / name).write_bytes(b"half-written")
    assert store.ids() == [first]
    assert [i.id for i in store.list()] == [first]
    with pytest.raises(WarehouseError, match="lock"):
        store.clean_leftovers()  # without the lock a live run's build could be deleted
    with store.lock():
        removed = store.clean_leftovers()
    assert len(removed) == 4
    remaining = sorted(p.name for p in store.root.iterdir())
    assert remaining == sorted([".lock", "CURRENT", f"{first}.duckdb"])


def test_only_one_holder_of_the_lock(store: SnapshotStore) -> None:
    other = SnapshotStore(store.root)
    with store.lock():
        held = rf"another .* is running \(pid {os.getpid()}"
        with pytest.raises(WarehouseError, match=held), other.lock():
            pass
        with pytest.raises(WarehouseError, match="only one may run"):
            other.rollback("anything")
    with other.lock():  # released on exit
        pass


def test_prune_keeps_n_newest_and_never_the_current(store: SnapshotStore) -> None:
    ids = [make_snapshot(store, v) for v in range(4)]
    with store.lock():
        assert store.prune(2) == ids[:2]
    assert store.ids() == ids[2:]
    store.rollback(ids[2])
    newest = make_snapshot(store, 9)
    store.rollback(ids[2])
    with store.lock():
        assert store.prune(1) == sorted([ids[3], newest])
    assert store.ids() == [ids[2]]
    assert served_value() == 2


def test_rollback_serves_an_earlier_snapshot(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    second = make_snapshot(store, 2)
    assert store.rollback(first[:18]) == (second, first)  # a unique prefix is enough
    assert served_value() == 1
    assert store.rollback(second) == (first, second)
    assert served_value() == 2


def test_rollback_to_unknown_or_hostile_ids_fails_clearly(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    with pytest.raises(WarehouseError, match=rf"is not a kept snapshot\. Snapshots: {first}"):
        store.rollback("20990101T000000.000000Z-abcdef")
    with pytest.raises(WarehouseError, match="not a kept snapshot"):
        store.rollback("../../etc/passwd")
    with pytest.raises(WarehouseError, match="not a snapshot id"):
        store.path("../escape")
    assert store.current_id() == first


def test_list_reports_what_each_snapshot_holds(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1, rows=5)
    second = make_snapshot(store, 2, rows=7)
    listed = store.list()
    assert [(i.id, i.current, i.rows, i.sources) for i in listed] == [
        (second, True, 7, ("src",)),
        (first, False, 5, ("src",)),
    ]
    assert all(i.size > 0 and i.created.tzinfo is dt.UTC for i in listed)


def test_a_garbled_pointer_is_reported_not_followed(store: SnapshotStore) -> None:
    make_snapshot(store, 1)
    (store.root / CURRENT_FILE).write_text("../../elsewhere\n", encoding="utf-8")
    with pytest.raises(WarehouseError, match="does not hold a snapshot id"):
        open_current()


def test_a_missing_current_file_is_reported(store: SnapshotStore) -> None:
    first = make_snapshot(store, 1)
    store.path(first).unlink()
    with pytest.raises(WarehouseError, match="is missing"):
        open_current()
