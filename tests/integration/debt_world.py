"""Shared set-up of the one view of debt tests: a small borough with the debt extracts,
ingested and linked once per test session into a data home of its own.

Import the fixtures into a test module: ``from debt_world import debt_world, debt_home``.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from joinedup.config import Settings, get_settings
from joinedup.linkage.warehouse_link import link_warehouse
from joinedup.warehouse.ingest import run_ingest
from joinedup.warehouse.snapshots import SnapshotStore

SEED = 7
PEOPLE = 3_000


@dataclass(frozen=True)
class DebtWorld:
    borough: Path
    home: Path
    snapshot: Path

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.snapshot), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def reference() -> Path | None:
    configured = os.environ.get("JOINEDUP_TEST_REFERENCE_DATA")
    return Path(configured) if configured else None


@pytest.fixture(scope="session")
def debt_world(tmp_path_factory: pytest.TempPathFactory) -> DebtWorld:
    """The borough with debts, generated, ingested and linked once per session."""
    from joinedup.synth import generate_borough

    root = tmp_path_factory.getbasetemp() / "debt-world"
    root.mkdir(exist_ok=True)
    borough, home = root / "borough", root / "home"
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            generate_borough(out=borough, people=PEOPLE, seed=SEED, reference_data=reference(),
                             debts=True)
            settings = Settings(home=home)
            run_ingest(borough / "sources.yaml", settings)
            link_warehouse(settings)
            (root / "done").write_text("ok")
    store = SnapshotStore(home / "warehouse" / "snapshots")
    current = store.current_id()
    assert current is not None
    return DebtWorld(borough, home, store.path(current))


@pytest.fixture
def debt_home(debt_world: DebtWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[DebtWorld]:
    """Point the CLI and the web app at the debt world's data home for one test."""
    monkeypatch.setenv("JOINEDUP_HOME", str(debt_world.home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(debt_world.home / "no-such.toml"))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    get_settings.cache_clear()
    yield debt_world
    get_settings.cache_clear()
