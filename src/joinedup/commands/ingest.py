"""`joinedup ingest`: load the sources into a new warehouse snapshot and switch to it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn
from rich.table import Table

from joinedup.config import Settings, get_settings
from joinedup.errors import ConfigError, JoinedUpError
from joinedup.marts import gazetteer_for, marts_step
from joinedup.warehouse.ingest import IngestReport, run_ingest
from joinedup.warehouse.runinfo import SourceReport


class Failed(click.ClickException):
    """An expected failure: a clear message on stderr, no traceback, exit code 2 (as cli.main)."""

    exit_code = 2


def output_console() -> Console:
    """stdout; when piped, 120 columns rather than rich's 80 so snapshot ids are not cut."""
    console = Console()
    if not console.is_terminal:
        console.width = 120
    return console


def sources_file_from(argument: Path | None, settings: Settings) -> Path:
    """The sources.yaml named by the argument (a file or a folder holding one), or the default."""
    if argument is None:
        return settings.sources_file
    if argument.is_dir():
        candidate = argument / "sources.yaml"
        if not candidate.is_file():
            raise ConfigError(
                f"{argument} has no sources.yaml. Give the path of your sources file, or run "
                "`joinedup synth --out DIR` to make a synthetic borough there."
            )
        return candidate
    return argument


class RichProgress:
    """Progress bars on stderr: one for the run (files) and one per source."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=False,
        )
        self._overall: TaskID | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._progress.stop()

    def run_started(self, sources: int, files: int) -> None:
        self._overall = self._progress.add_task(f"all {sources} sources (files)", total=files)

    def source_started(self, name: str, files: int) -> None:
        self._tasks[name] = self._progress.add_task(name, total=files)

    def file_done(self, name: str, path: str) -> None:
        self._progress.advance(self._tasks[name])
        if self._overall is not None:
            self._progress.advance(self._overall)

    def source_done(self, name: str) -> None:
        task = self._tasks[name]
        missing = (self._progress.tasks[task].total or 0) - self._progress.tasks[task].completed
        self._progress.update(task, completed=self._progress.tasks[task].total)
        if self._overall is not None and missing > 0:
            self._progress.advance(self._overall, missing)


def report_table(sources: Sequence[SourceReport], title: str) -> Table:
    """Rows read, loaded and quarantined per source, with totals in the footer."""
    table = Table(title=title, show_footer=True)
    totals = [
        sum(s.rows_read for s in sources),
        sum(s.rows_loaded for s in sources),
        sum(s.rows_quarantined for s in sources),
    ]
    table.add_column("source", footer="total")
    for header, total in zip(("rows read", "loaded", "quarantined"), totals, strict=True):
        table.add_column(header, justify="right", footer=f"{total:,}")
    table.add_column("seconds", justify="right",
                     footer=f"{sum(s.seconds for s in sources):.2f}")
    for s in sources:
        table.add_row(s.name, f"{s.rows_read:,}", f"{s.rows_loaded:,}",
                      f"{s.rows_quarantined:,}", f"{s.seconds:.2f}")
    return table


def report_json(report: IngestReport) -> dict[str, Any]:
    def counts(item: SourceReport | IngestReport) -> dict[str, Any]:
        return {
            "rows_read": item.rows_read,
            "rows_loaded": item.rows_loaded,
            "rows_quarantined": item.rows_quarantined,
            "seconds": round(item.seconds, 3),
        }

    return {
        "snapshot": report.snapshot_id,
        "sources": [{"name": s.name, **counts(s)} for s in report.sources],
        "totals": {**counts(report), "run_seconds": round(report.run_seconds, 3)},
        "quarantine_file": str(report.quarantine_file),
    }


@click.command("ingest")
@click.argument("dir_or_config", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print the run report as JSON on stdout, and nothing else.")
def command(dir_or_config: Path | None, as_json: bool) -> None:
    """Load every source into a new warehouse snapshot, then make it current.

    DIR_OR_CONFIG is a sources.yaml, or a folder holding one (default: the `sources` setting).
    A run that fails or is interrupted leaves the current snapshot as it was.
    """
    settings = get_settings()
    errors = Console(stderr=True)
    try:
        sources_file = sources_file_from(dir_or_config, settings)
        with RichProgress(errors) as progress:
            # The marts are built in the same snapshot, so they are published with their data.
            gazetteer = gazetteer_for(sources_file)
            report = run_ingest(sources_file, settings, progress, steps=[
                marts_step(gazetteer if gazetteer.is_dir() else None)])
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    for warning in report.warnings:
        errors.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    open_data = refresh_open_data(settings, None if as_json else errors)
    if as_json:
        click.echo(json.dumps({**report_json(report), "open_data": open_data}, indent=2))
        return
    out = output_console()
    out.print(report_table(report.sources, f"Ingest run {report.snapshot_id}"))
    out.print(f"Snapshot [bold]{report.snapshot_id}[/] is now current ({report.snapshot_path}); "
              f"{report.run_seconds:.1f} s in all.", highlight=False,
              soft_wrap=True)
    if report.rows_quarantined:
        out.print(
            f"{report.rows_quarantined:,} rows were quarantined with the reason: see "
            f"{report.quarantine_file} (also the `quarantine` table in the snapshot).",
            highlight=False, soft_wrap=True,  # a wrapped path cannot be copied
        )
    else:
        out.print("No rows were quarantined.")
    if report.pruned:
        out.print(f"Deleted old snapshots: {', '.join(report.pruned)}.", highlight=False)


def refresh_open_data(settings: Settings, console: Console | None) -> list[dict[str, Any]]:
    """Rebuild the open datasets from the snapshot just published (docs/open-data.md). A
    dataset whose source fails keeps serving its last good version: never fail the run.
    Prints a line per dataset to ``console``; with none (``--json``) the outcomes go in the
    report instead, so stdout stays one JSON document."""
    from joinedup.commands.opendata import build_and_report  # it imports this module

    try:
        outcomes = build_and_report(settings, console)
    except JoinedUpError as exc:
        if console is not None:
            console.print(f"[yellow]Warning:[/] open data not refreshed: {exc}",
                          highlight=False)
        return [{"ok": False, "message": f"open data not refreshed: {exc}"}]
    return [{"name": o.name, "ok": o.ok, "message": o.message, "version": o.version}
            for o in outcomes]
