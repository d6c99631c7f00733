"""`joinedup opendata`: build the open datasets into the published store and list them."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.config import Settings, get_settings
from joinedup.errors import JoinedUpError
from joinedup.opendata.build import Outcome, build_from_settings, store_for
from joinedup.opendata.spec import load_specs


@click.group("opendata")
def command() -> None:
    """Open data: aggregate, disclosure-controlled datasets for the public portal."""


def build_and_report(settings: Settings, console: Console, datasets: Path | None = None
                     ) -> list[Outcome]:
    """Build every dataset and print one line each (what ingest and demo call)."""
    outcomes = build_from_settings(settings, datasets)
    for o in outcomes:
        if o.ok:
            console.print(f"Open data [bold]{o.name}[/]: {o.message} (version {o.version}).",
                          highlight=False)
        else:
            kept = f" Still serving version {o.version}." if o.version else " Not published."
            console.print(f"[yellow]Open data {o.name}:[/] {o.message.rstrip('.')}.{kept}",
                          highlight=False)
    return outcomes


@command.command("build")
@click.option("--datasets", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, help="A folder of dataset declarations (default: the built-in ones).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
def build_cmd(datasets: Path | None, as_json: bool) -> None:
    """Build every dataset from the current snapshot and the reference data.

    A dataset whose source fails keeps serving its last good version. Exit code 1 when a
    dataset was refused (its declaration, or disclosure control), 0 otherwise.
    """
    settings = get_settings()
    try:
        if as_json:
            outcomes = build_from_settings(settings, datasets)
            click.echo(json.dumps([o.__dict__ for o in outcomes], indent=2))
        else:
            outcomes = build_and_report(settings, output_console(), datasets)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if any(o.refused for o in outcomes):
        raise SystemExit(1)


@command.command("list")
def list_cmd() -> None:
    """Every declared dataset, what is published and whether its last refresh worked."""
    try:
        store = store_for(get_settings())
        specs = load_specs()
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    table = Table(title=f"Open datasets in {store.root}")
    for header in ("name", "data", "rows", "version", "built (UTC)", "last refresh"):
        table.add_column(header, justify="right" if header == "rows" else "left")
    for spec in specs.values():
        published = store.published(spec.name)
        status = store.status(spec.name)
        table.add_row(
            spec.name, "synthetic" if spec.synthetic else "real",
            str(len(published.rows)) if published else "-",
            published.version if published else "-",
            published.built_at.strftime("%Y-%m-%d %H:%M") if published else "-",
            "never" if status is None else ("ok" if status.ok else f"failed: {status.message}"))
    output_console().print(table)
