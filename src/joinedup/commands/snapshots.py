"""`joinedup snapshots`: list, inspect and roll back warehouse snapshots."""

from __future__ import annotations

import click
import duckdb
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console, report_table
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.warehouse.runinfo import read_load_report, read_run_info, table_counts
from joinedup.warehouse.snapshots import SnapshotStore


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@click.group("snapshots")
def command() -> None:
    """Warehouse snapshots: one per ingest run; readers are served the current one."""


@command.command("list")
def list_() -> None:
    """List kept snapshots, newest first."""
    try:
        store = SnapshotStore.from_settings(get_settings())
        infos = store.list()
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    out = output_console()
    if not infos:
        out.print(f"No snapshots in {store.root}: run `joinedup ingest` first.", highlight=False)
        return
    table = Table(title=f"Snapshots in {store.root}")
    for header in ("id", "created (UTC)", "size", "sources", "rows loaded", "current"):
        table.add_column(header, justify="right" if header in ("size", "rows loaded") else "left",
                         no_wrap=header in ("id", "created (UTC)"))
    for info in infos:
        table.add_row(
            info.id,
            info.created.strftime("%Y-%m-%d %H:%M:%S"),
            _size(info.size),
            f"{len(info.sources)}" if info.summary else "unreadable",
            f"{info.rows:,}" if info.rows is not None else "?",
            "current" if info.current else "",
        )
    out.print(table)


@command.command("rollback")
@click.argument("snapshot_id")
def rollback(snapshot_id: str) -> None:
    """Serve SNAPSHOT_ID (an id from `joinedup snapshots list`, or a unique prefix of one)."""
    try:
        previous, now = SnapshotStore.from_settings(get_settings()).rollback(snapshot_id)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    output_console().print(f"Now serving snapshot {now} (was {previous or 'none'}).",
                           highlight=False)


@command.command("show")
@click.argument("snapshot_id", required=False)
def show(snapshot_id: str | None) -> None:
    """Row counts per table and the load report of SNAPSHOT_ID (default: the current one)."""
    try:
        store = SnapshotStore.from_settings(get_settings())
        run_id = store.resolve(snapshot_id) if snapshot_id else store.current_id()
        if run_id is None:
            raise Failed(f"there is no snapshot in {store.root} yet: run `joinedup ingest` first.")
        with store.open(run_id) as con:
            run = read_run_info(con)
            counts = table_counts(con)
            report = read_load_report(con)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    except duckdb.Error as exc:
        raise Failed(f"snapshot {run_id} cannot be read ({exc}); roll back to another one with "
                     "`joinedup snapshots rollback ID`.") from exc
    out = output_console()
    current = " (current)" if run_id == store.current_id() else ""
    out.print(f"[bold]Snapshot {run_id}[/]{current}", highlight=False)
    out.print(
        f"ran {run.started:%Y-%m-%d %H:%M:%S} to {run.finished:%H:%M:%S} UTC with joinedup "
        f"{run.joinedup_version} (DuckDB {run.duckdb_version}) from {run.sources_file} "
        f"({len(run.inputs)} input files, checksums in table run_info)",
        highlight=False,
    )
    tables = Table(title="Tables")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in counts:
        tables.add_row(name, f"{count:,}")
    out.print(tables)
    out.print(report_table(report, "Load report"))
