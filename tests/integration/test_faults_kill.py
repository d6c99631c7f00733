"""Pipeline runs killed with SIGKILL at random moments, many times, on a small borough.

Whenever a run dies, whatever CURRENT names must be a complete snapshot with the same
contents as before (a kill after the switch may leave the new one served: it must be just as
complete), every snapshot that is listed must be whole, and the next run must start clean.
Every other kill comes at a random moment from the run's start (the lock, the clean-up, the
build), the others at a random moment after its half-built snapshot appears, within the
build's length as measured first on this machine; the seed is in the failure message.

Two runs at once: the second is refused with a message naming the first's pid.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from joinedup.warehouse.ingest import PAUSE_ENV, PAUSE_MARKER
from joinedup.warehouse.runinfo import table_counts
from joinedup.warehouse.snapshots import SnapshotStore

JOINEDUP = Path(sys.executable).with_name("joinedup")
SEED = 20261204
pytestmark = pytest.mark.slow


@dataclass
class Pipeline:
    home: Path
    sources: Path
    env: dict[str, str]

    @property
    def store(self) -> SnapshotStore:
        return SnapshotStore(self.home / "warehouse" / "snapshots")

    def argv(self, command: str) -> list[str]:
        return [str(JOINEDUP), command, *([str(self.sources)] if command == "ingest" else [])]

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(command), env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)


@pytest.fixture
def pipeline(small_borough: Path, tmp_path: Path) -> Pipeline:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOINEDUP_")}
    env |= {"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(tmp_path / "none.toml")}
    return Pipeline(home, small_borough / "sources.yaml", env)


def _leftovers(store: SnapshotStore) -> list[str]:
    return sorted(p.name for p in store.root.glob(".building-*")) + sorted(
        p.name for p in store.root.glob(".*.tmp"))


def _contents(store: SnapshotStore, run_id: str, tables: tuple[str, ...]) -> dict[str, int]:
    with store.open(run_id) as con:
        counts = dict(table_counts(con))
    return {name: counts.get(name, -1) for name in tables}


def _whole(store: SnapshotStore, run_id: str) -> bool:
    """A committed snapshot is whole: it opens, and what a run writes last before the commit
    (run_info and the load report, reconciled) is there."""
    try:
        with store.open(run_id) as con:
            (runs,) = con.execute("SELECT count(*) FROM run_info").fetchone() or (0,)
            (wrong,) = con.execute(
                "SELECT count(*) FROM load_report "
                "WHERE rows_read <> rows_loaded + rows_quarantined").fetchone() or (1,)
    except duckdb.Error:
        return False
    return runs == 1 and wrong == 0


def _building_window(pipeline: Pipeline, command: str) -> tuple[float, float]:
    """Seconds from start until the half-built snapshot appears, and until it is published
    (or the run ends): after publishing, a run refreshes the open data, which a kill cannot
    leave half written in the snapshot, so the kills are aimed before it."""
    child = subprocess.Popen(pipeline.argv(command), env=pipeline.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    appeared = published = None
    while child.poll() is None:
        building = bool(list(pipeline.store.root.glob(".building-*.duckdb")))
        if appeared is None and building:
            appeared = time.monotonic() - started
        elif appeared is not None and published is None and not building:
            published = time.monotonic() - started
        time.sleep(0.01)
    assert child.returncode == 0
    ended = time.monotonic() - started
    return (appeared if appeared is not None else 0.0), (published or ended)


def _kill_many(pipeline: Pipeline, command: str, tables: tuple[str, ...], kills: int,
               seed: int) -> None:
    store = pipeline.store
    early, late = _building_window(pipeline, command)
    served = store.current_id()
    assert served is not None
    expected = _contents(store, served, tables)
    rng = random.Random(seed)
    mid_build = 0
    for n in range(kills):
        child = subprocess.Popen(pipeline.argv(command), env=pipeline.env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if n % 2:
            # From when the build file appears: a shared machine's start-up time varies too
            # much for a clock from the start to land there reliably.
            while child.poll() is None and not list(store.root.glob(".building-*.duckdb")):
                time.sleep(0.005)
            delay = rng.uniform(0, (late - early) * 1.1)
        else:
            delay = rng.uniform(0, late * 1.05)  # anywhere: the lock, clean-up, the build
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        if list(store.root.glob(".building-*.duckdb")):
            mid_build += 1
        label = f"{command} kill {n} at {delay:.2f} s (seed {seed})"
        now = store.current_id()
        assert now is not None and now in store.ids(), label  # a committed file, always
        if now != served:
            # Killed after the switch (or it finished first): the new one is served, whole.
            assert child.returncode in (0, -signal.SIGKILL), label
            served = now
        assert _contents(store, now, tables) == expected, label
        for kept in store.ids():
            assert _whole(store, kept), f"{label}: snapshot {kept} is listed but not whole"
    assert mid_build >= kills // 3, (
        f"only {mid_build} of {kills} kills landed while a snapshot was half built")
    done = pipeline.run(command)  # the next run: not blocked, cleans up, publishes
    assert done.returncode == 0, done.stderr
    assert _leftovers(store) == []
    after = store.current_id()
    assert after is not None and after != served
    assert _contents(store, after, tables) == expected


MODEL = ("person_record", "address_history", "involvement", "event", "relationship",
         "quarantine", "load_report")


def test_ingest_killed_at_random_points(pipeline: Pipeline) -> None:
    first = pipeline.run("ingest")
    assert first.returncode == 0, first.stderr
    _kill_many(pipeline, "ingest", MODEL, kills=10, seed=SEED)


def test_link_killed_at_random_points(pipeline: Pipeline) -> None:
    for command in ("ingest", "link"):
        done = pipeline.run(command)
        assert done.returncode == 0, done.stderr
    _kill_many(pipeline, "link", ("person_record", "person_link", "person_index"), kills=5,
               seed=SEED + 1)


def test_two_runs_at_once_the_second_is_refused(pipeline: Pipeline) -> None:
    first = pipeline.run("ingest")
    assert first.returncode == 0, first.stderr
    store = pipeline.store
    served = store.current_id()
    holder = subprocess.Popen(pipeline.argv("ingest"), env={**pipeline.env, PAUSE_ENV: "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stderr is not None
        for line in holder.stderr:  # paused after its first source, holding the lock
            if PAUSE_MARKER in line:
                break
        else:
            pytest.fail(f"the first run never paused (exit {holder.wait()})")
        for command in ("ingest", "link"):
            second = pipeline.run(command)
            assert second.returncode == 2, (command, second.stdout, second.stderr)
            assert f"is running (pid {holder.pid}" in second.stderr, second.stderr
            assert "Wait for it to finish, then run again" in second.stderr
            assert "Traceback" not in second.stderr
        rollback = subprocess.run([str(JOINEDUP), "snapshots", "rollback", str(served)],
                                  env=pipeline.env, capture_output=True, text=True, timeout=60,
                                  check=False)
        assert rollback.returncode == 2 and f"pid {holder.pid}" in rollback.stderr
        assert store.current_id() == served
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    third = pipeline.run("ingest")  # the lock died with the holder
    assert third.returncode == 0, third.stderr
    assert _leftovers(store) == []
