"""A run SIGKILLed midway leaves the served snapshot intact, and the next run cleans up.

Uses the test-only hook JOINEDUP_TEST_PAUSE_AFTER_SOURCE (see joinedup.warehouse.ingest): the
child pauses after its first source, with its half-built snapshot on disk, and is killed there.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from joinedup.config import get_settings
from joinedup.warehouse import SnapshotStore, open_current
from joinedup.warehouse.ingest import PAUSE_ENV, PAUSE_MARKER, run_ingest
from joinedup.warehouse.runinfo import table_counts

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "tests" / "fixtures" / "warehouse" / "basic" / "sources.yaml"
CLI = "from joinedup.cli import main; main()"

pytestmark = pytest.mark.skipif(
    not (REPO / "src" / "joinedup" / "sources" / "load.py").exists(),
    reason="joinedup.sources.load (contract 2) is not written yet",
)


def _table_counts() -> dict[str, int]:
    with open_current() as con:
        return dict(table_counts(con))


def _wait_for_marker(child: subprocess.Popen[bytes], timeout: float) -> str:
    """The child's stderr up to the pause marker; raw reads, so no line is left in a buffer."""
    assert child.stderr is not None
    fd = child.stderr.fileno()
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline and PAUSE_MARKER.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break  # the child exited without pausing
            seen += chunk
    if PAUSE_MARKER.encode() not in seen:
        child.kill()
        pytest.fail(f"the child never paused; exit {child.wait()}, stderr: {seen.decode()}")
    return seen.decode()


def test_a_killed_run_leaves_the_served_snapshot_intact(home: Path) -> None:
    settings = get_settings()
    store = SnapshotStore.from_settings(settings)
    first = run_ingest(SOURCES, settings)
    before = _table_counts()

    env = {**os.environ, PAUSE_ENV: "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", CLI, "ingest", str(SOURCES)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        assert "after source social_care" in _wait_for_marker(child, timeout=60)
        building = list(store.root.glob(".building-*.duckdb"))
        assert len(building) == 1  # killed with a half-built snapshot on disk
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert store.current_id() == first.snapshot_id
    assert store.ids() == [first.snapshot_id]  # the leftover is never listed
    assert [i.id for i in store.list()] == [first.snapshot_id]
    assert _table_counts() == before  # still readable, still the same

    second = run_ingest(SOURCES, settings)  # the lock died with the child
    assert store.current_id() == second.snapshot_id
    assert list(store.root.glob(".building-*")) == []
    assert store.ids() == [first.snapshot_id, second.snapshot_id]
