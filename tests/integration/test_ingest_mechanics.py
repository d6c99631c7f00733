"""run_ingest's own logic, with a small fake loader injected so that failures can be staged
precisely. The same behaviour against the real loader is in test_ingest_real.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest

from joinedup.config import Settings, get_settings
from joinedup.errors import SourceError
from joinedup.model import ENTITIES
from joinedup.sources.mapping import SourceConfig
from joinedup.warehouse import SnapshotStore, open_current
from joinedup.warehouse.ingest import run_ingest
from joinedup.warehouse.reconcile import ReconciliationError
from joinedup.warehouse.runinfo import read_load_report, read_run_info

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "warehouse" / "basic"
SOURCES = FIXTURES / "sources.yaml"


@dataclass(frozen=True)
class FakeFile:
    path: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    seconds: float


@dataclass(frozen=True)
class FakeSource:
    name: str
    files: tuple[FakeFile, ...]


class FakeLoader:
    """Loads CSV rows as bare records; a row with 'not' in any value is quarantined."""

    def __init__(self, *, fail_on: str | None = None,
                 tamper: Callable[[FakeFile], FakeFile] | None = None) -> None:
        self.fail_on = fail_on
        self.tamper = tamper
        self.calls: list[str] = []

    def create_model_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        for info in ENTITIES.values():
            columns = ", ".join(f'"{f.name}" VARCHAR' for f in info.fields)
            con.execute(f'CREATE TABLE "{info.table}" ({columns}, _file VARCHAR, _row BIGINT)')
        con.execute("CREATE TABLE quarantine (source VARCHAR, file VARCHAR, row BIGINT, "
                    "field VARCHAR, value VARCHAR, reason VARCHAR, raw VARCHAR)")

    def load_source(self, con: duckdb.DuckDBPyConnection, source: SourceConfig, base_dir: Path,
                    *, on_file: Callable[..., None] | None = None) -> FakeSource:
        self.calls.append(source.name)
        if source.name == self.fail_on:
            raise SourceError("cannot be read (staged failure)", file=source.files[0].path)
        results = []
        for mapping in source.files:
            if not (base_dir / mapping.path).is_file():
                raise SourceError("file not found", file=mapping.path)
            rows = con.execute("SELECT * FROM read_csv(?, all_varchar = true)",
                               [str(base_dir / mapping.path)]).fetchall()
            bad = [n for n, row in enumerate(rows, 1) if any("not" in (v or "").lower()
                                                             for v in row)]
            for n in bad:
                con.execute("INSERT INTO quarantine VALUES (?, ?, ?, 'x', 'not', 'staged', '')",
                            [source.name, mapping.path, n])
            for target in mapping.targets:
                con.execute(
                    f'INSERT INTO "{ENTITIES[target.entity].table}" (source, _file, _row) '
                    "SELECT ?, ?, range FROM range(?)",
                    [source.name, mapping.path, len(rows) - len(bad)],
                )
            result = FakeFile(mapping.path, len(rows), len(rows) - len(bad), len(bad), 0.01)
            result = self.tamper(result) if self.tamper else result
            if on_file:
                on_file(result)
            results.append(result)
        return FakeSource(source.name, tuple(results))


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def run_started(self, sources: int, files: int) -> None:
        self.events.append(("run", str(sources), str(files)))

    def source_started(self, name: str, files: int) -> None:
        self.events.append(("start", name, str(files)))

    def file_done(self, name: str, path: str) -> None:
        self.events.append(("file", name, path))

    def source_done(self, name: str) -> None:
        self.events.append(("done", name))


@pytest.fixture
def settings(home: Path) -> Settings:
    return get_settings()


def test_a_run_publishes_a_reconciled_snapshot_with_its_metadata(settings: Settings) -> None:
    progress = Recorder()
    report = run_ingest(SOURCES, settings, progress, loader=FakeLoader())
    assert [(s.name, s.rows_read, s.rows_loaded, s.rows_quarantined) for s in report.sources] == [
        ("social_care", 9, 7, 2),
        ("schools", 3, 2, 1),
    ]
    assert progress.events == [
        ("run", "2", "3"),
        ("start", "social_care", "2"),
        ("file", "social_care", "social_care/people.csv"),
        ("file", "social_care", "social_care/events.csv"),
        ("done", "social_care"),
        ("start", "schools", "1"),
        ("file", "schools", "schools/pupils.csv"),
        ("done", "schools"),
    ]
    store = SnapshotStore.from_settings(settings)
    assert store.current_id() == report.snapshot_id
    with open_current() as con:
        run = read_run_info(con)
        assert run.run_id == report.snapshot_id
        assert run.started <= run.finished <= dt.datetime.now(dt.UTC)
        assert run.sources_file == str(SOURCES.resolve())
        people = FIXTURES / "social_care" / "people.csv"
        assert {f.path: f.sha256 for f in run.inputs}["social_care/people.csv"] == (
            hashlib.sha256(people.read_bytes()).hexdigest()
        )
        assert len(run.inputs) == 3
        assert read_load_report(con) == list(report.sources)
        levels = con.execute("SELECT level, count(*) FROM load_report GROUP BY ALL ORDER BY 1")
        assert levels.fetchall() == [("file", 3), ("source", 2)]
    lines = report.quarantine_file.read_text(encoding="utf-8").splitlines()
    assert report.quarantine_file == settings.reports_dir / report.snapshot_id / "quarantine.csv"
    assert lines[0] == "source,file,row,field,value,reason,raw"
    assert len(lines) == 1 + 3


def test_a_source_error_midway_leaves_the_served_snapshot_untouched(settings: Settings) -> None:
    first = run_ingest(SOURCES, settings, loader=FakeLoader())
    loader = FakeLoader(fail_on="schools")
    with pytest.raises(SourceError, match="staged failure"):
        run_ingest(SOURCES, settings, loader=loader)
    assert loader.calls == ["social_care", "schools"]  # it failed after loading a source
    store = SnapshotStore.from_settings(settings)
    assert store.current_id() == first.snapshot_id
    assert store.ids() == [first.snapshot_id]
    assert [p.name for p in store.root.glob(".building-*")] == []
    assert [p.name for p in settings.reports_dir.iterdir()] == [first.snapshot_id]


def test_counts_that_do_not_reconcile_fail_the_run(settings: Settings) -> None:
    first = run_ingest(SOURCES, settings, loader=FakeLoader())
    lost_a_row = FakeLoader(tamper=lambda f: replace(f, rows_read=f.rows_read + 1))
    with pytest.raises(ReconciliationError, match=r"people.csv: read 6 rows but loaded 4"):
        run_ingest(SOURCES, settings, loader=lost_a_row)
    assert SnapshotStore.from_settings(settings).ids() == [first.snapshot_id]


def test_counts_that_disagree_with_the_tables_fail_the_run(settings: Settings) -> None:
    overcounted = FakeLoader(tamper=lambda f: replace(f, rows_loaded=f.rows_loaded + 1,
                                                      rows_read=f.rows_read + 1))
    with pytest.raises(ReconciliationError, match=r"social_care: \d+ records expected"):
        run_ingest(SOURCES, settings, loader=overcounted)
    assert SnapshotStore.from_settings(settings).current_id() is None


def test_later_steps_are_published_with_the_load_or_not_at_all(settings: Settings) -> None:
    def add_marts(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE mart AS SELECT 42 AS answer")

    def fail(con: duckdb.DuckDBPyConnection) -> None:
        raise SourceError("linkage failed (staged)")

    report = run_ingest(SOURCES, settings, loader=FakeLoader(), steps=[add_marts])
    with pytest.raises(SourceError):
        run_ingest(SOURCES, settings, loader=FakeLoader(), steps=[add_marts, fail])
    assert SnapshotStore.from_settings(settings).ids() == [report.snapshot_id]
    with open_current() as con:
        assert con.execute("SELECT answer FROM mart").fetchall() == [(42,)]


def test_old_snapshots_and_their_reports_are_pruned(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOINEDUP_SNAPSHOTS_KEEP", "2")
    get_settings.cache_clear()
    settings = get_settings()
    runs = [run_ingest(SOURCES, settings, loader=FakeLoader()) for _ in range(3)]
    assert runs[2].pruned == (runs[0].snapshot_id,)
    kept = [r.snapshot_id for r in runs[1:]]
    assert SnapshotStore.from_settings(settings).ids() == kept
    assert sorted(p.name for p in settings.reports_dir.iterdir()) == kept
