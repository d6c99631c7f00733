"""Ingest: load every source in sources.yaml into a new snapshot, reconcile, then publish it.

Test-only hook: ``JOINEDUP_TEST_PAUSE_AFTER_SOURCE=N`` makes a run print a marker line to
stderr and sleep for a minute after its N-th source, so tests can SIGKILL it mid-run. Never set
it outside tests.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb

from joinedup import __version__
from joinedup.config import Settings
from joinedup.errors import WarehouseError
from joinedup.model.spreadsheet import safe_select_sql
from joinedup.sources.mapping import SourceConfig, load_sources_file
from joinedup.warehouse import reconcile
from joinedup.warehouse.runinfo import (
    FileReport,
    RunInfo,
    SourceReport,
    checksum_inputs,
    sha256_file,
    write_run_metadata,
)
from joinedup.warehouse.snapshots import SnapshotStore

PAUSE_ENV = "JOINEDUP_TEST_PAUSE_AFTER_SOURCE"
PAUSE_MARKER = "JOINEDUP_TEST_PAUSE: paused"
QUARANTINE_EXPORT = "quarantine.csv"


class FileResult(Protocol):
    @property
    def path(self) -> Any: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def rows_loaded(self) -> int: ...
    @property
    def rows_quarantined(self) -> int: ...
    @property
    def seconds(self) -> float: ...


class SourceResult(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def files(self) -> Sequence[FileResult]: ...


class Loader(Protocol):
    """What ingest needs from joinedup.sources.load (the module itself satisfies it)."""

    def create_model_tables(self, con: duckdb.DuckDBPyConnection) -> None: ...

    def load_source(
        self,
        con: duckdb.DuckDBPyConnection,
        source: SourceConfig,
        base_dir: Path,
        *,
        on_file: Callable[..., None] | None = None,
    ) -> SourceResult: ...


class IngestProgress(Protocol):
    """Receives progress; the CLI draws rich progress bars from it."""

    def run_started(self, sources: int, files: int) -> None: ...
    def source_started(self, name: str, files: int) -> None: ...
    def file_done(self, name: str, path: str) -> None: ...
    def source_done(self, name: str) -> None: ...


Step = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of a successful run."""

    snapshot_id: str
    snapshot_path: Path
    run: RunInfo
    sources: tuple[SourceReport, ...]
    quarantine_file: Path
    pruned: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sources)

    @property
    def rows_quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources)

    @property
    def seconds(self) -> float:
        """Seconds spent loading sources, as in the per-source figures."""
        return sum(s.seconds for s in self.sources)

    @property
    def run_seconds(self) -> float:
        """Seconds from start to finish of the run, checksums and reconciliation included."""
        return (self.run.finished - self.run.started).total_seconds()


def _real_loader() -> Loader:
    # Imported late so ingest's own logic can be tested with a stand-in loader.
    import joinedup.sources.load

    return joinedup.sources.load


def _report(result: SourceResult) -> SourceReport:
    return SourceReport(
        result.name,
        tuple(
            FileReport(str(f.path), int(f.rows_read), int(f.rows_loaded),
                       int(f.rows_quarantined), float(f.seconds))
            for f in result.files
        ),
    )


def _pause_for_tests(done: int, source: str) -> None:
    wanted = os.environ.get(PAUSE_ENV)
    if wanted and wanted.isdigit() and int(wanted) == done:
        print(f"{PAUSE_MARKER} after source {source}", file=sys.stderr, flush=True)
        time.sleep(60)


def _export_quarantine(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    # COPY cannot take its target as a bound parameter, so the literal is escaped instead.
    literal = target.as_posix().replace("'", "''")
    # The raw text of rejected rows is the most hostile text joinedup ever writes out: a
    # reviewer opens this file in a spreadsheet, so no cell may run as a formula.
    columns = [(str(r[0]), str(r[1])) for r in con.execute("DESCRIBE quarantine").fetchall()]
    con.execute(
        f"COPY ({safe_select_sql(columns, 'quarantine')} ORDER BY ALL) TO '{literal}' "
        "(FORMAT csv, HEADER true)"
    )


def _after_commit(
    store: SnapshotStore, settings: Settings, run_id: str, staged: Path
) -> tuple[Path, list[str], list[str]]:
    """Housekeeping once published; a failure here is a warning, the run has succeeded."""
    quarantine_file = settings.reports_dir / run_id / QUARANTINE_EXPORT
    warnings = store.place_side_file(staged, quarantine_file,
                                     "the rows are in the snapshot's quarantine table")
    pruned, housekeeping_warnings = store.housekeep(settings.snapshots_keep, settings.reports_dir)
    warnings.extend(housekeeping_warnings)
    return quarantine_file, pruned, warnings


def _load_all(
    con: duckdb.DuckDBPyConnection,
    loader: Loader,
    sources: Sequence[SourceConfig],
    base_dir: Path,
    progress: IngestProgress | None,
) -> list[SourceReport]:
    reports = []
    for done, source in enumerate(sources, start=1):
        if progress:
            progress.source_started(source.name, len(source.files))

        def on_file(result: FileResult, _name: str = source.name) -> None:
            if progress:
                progress.file_done(_name, str(result.path))

        result = loader.load_source(con, source, base_dir, on_file=on_file)
        if result.name != source.name:
            raise WarehouseError(
                f"the loader returned results for {result.name!r} when asked for "
                f"{source.name!r}; this is a bug, please report it"
            )
        reports.append(_report(result))
        if progress:
            progress.source_done(source.name)
        _pause_for_tests(done, source.name)
    return reports


def run_ingest(
    sources_file: Path,
    settings: Settings,
    progress: IngestProgress | None = None,
    *,
    loader: Loader | None = None,
    steps: Sequence[Step] = (),
) -> IngestReport:
    """Load the sources into a new snapshot and make it current only if all went well.

    ``steps`` run on the new snapshot after loading and before reconciliation, so later stages
    of a pipeline can add tables that are published together with the loaded data (or not at
    all). ``loader`` replaces joinedup.sources.load, for tests.
    """
    config, base_dir = load_sources_file(sources_file)
    loader = loader or _real_loader()
    store = SnapshotStore.from_settings(settings)
    with store.lock():
        store.clean_leftovers()
        started = dt.datetime.now(dt.UTC)
        inputs = checksum_inputs(base_dir, (f.path for s in config.sources for f in s.files))
        if progress:
            progress.run_started(len(config.sources), sum(len(s.files) for s in config.sources))
        with store.build() as build:
            loader.create_model_tables(build.con)
            reports = _load_all(build.con, loader, config.sources, base_dir, progress)
            for step in steps:
                step(build.con)
            reconcile.check(build.con, config.sources, reports)
            run = RunInfo(
                run_id=build.id,
                started=started,
                finished=dt.datetime.now(dt.UTC),
                sources_file=str(sources_file.resolve()),
                sources_file_sha256=sha256_file(sources_file).sha256,
                joinedup_version=__version__,
                duckdb_version=duckdb.__version__,
                inputs=inputs,
            )
            write_run_metadata(build.con, run, reports)
            staged = build.side_file(QUARANTINE_EXPORT)
            _export_quarantine(build.con, staged)
            path = build.commit()
        quarantine_file, pruned, warnings = _after_commit(store, settings, build.id, staged)
    return IngestReport(build.id, path, run, tuple(reports), quarantine_file, tuple(pruned),
                        tuple(warnings))
