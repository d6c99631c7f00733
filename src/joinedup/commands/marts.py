"""`joinedup marts`: build the marts of the current snapshot, list what is in them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.marts import MARTS, freshness, gazetteer_for, infos, rebuild_current
from joinedup.warehouse.snapshots import SnapshotStore


@click.group("marts")
def command() -> None:
    """Marts: aggregate tables for dashboards, maps and open data, built from each snapshot."""


@command.command("build")
@click.option("--gazetteer", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Folder holding postcodes.csv and schools.csv "
              "(default: `gazetteer/` beside the sources file, when it exists).")
def build(gazetteer: Path | None) -> None:
    """Build every mart from the current snapshot into a new snapshot and switch to it.

    `joinedup ingest` builds them already; run this after changing a mart's SQL or the
    gazetteer. A failure leaves the current snapshot served.
    """
    settings = get_settings()
    folder = gazetteer or gazetteer_for(settings.sources_file)
    try:
        report = rebuild_current(settings, folder if folder.is_dir() else None)
    except JoinedUpError as exc:
        raise Failed(f"{exc}\nThe current snapshot was not changed.") from exc
    out = output_console()
    table = Table(title=f"Marts built into snapshot {report.snapshot_id}")
    for header in ("mart", "rows", "seconds"):
        table.add_column(header, justify="left" if header == "mart" else "right")
    for mart in report.marts:
        table.add_row(f"mart_{mart.name}", f"{mart.rows:,}", f"{mart.seconds:.2f}")
    out.print(table)
    out.print(f"Geography: {report.geography}; {report.seconds:.1f} s in all.", highlight=False)


@command.command("list")
@click.option("--stale-after", type=click.IntRange(min=0), default=7, show_default=True,
              help="Days after which a mart's data counts as stale.")
def list_(stale_after: int) -> None:
    """Every mart in the current snapshot: rows, when built, how current its data is."""
    try:
        with SnapshotStore.from_settings(get_settings()).open_current() as con:
            found = infos(con)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    out = output_console()
    if not found:
        out.print("This snapshot has no marts: run `joinedup marts build`.")
        return
    table = Table(title="Marts in the current snapshot")
    for header in ("mart", "rows", "built (UTC)", "data as of", "fresh", "level",
                   "description"):
        table.add_column(header, justify="right" if header == "rows" else "left")
    today = dt.datetime.now(dt.UTC).date()
    for mart in MARTS:
        info = found.get(mart.name)
        if info is None:
            table.add_row(mart.table, "-", "not built", "", "", "", mart.description)
            continue
        state = freshness(info, today, stale_after)
        table.add_row(mart.table, f"{info.rows:,}", info.built_at.strftime("%Y-%m-%d %H:%M"),
                      str(info.data_as_of or "?"), "stale" if state.stale else "fresh",
                      "record" if info.record_level else "aggregate", info.description)
    out.print(table)
    geography = next(iter(found.values())).geography
    out.print(f"Geography: {geography} (wards and LSOAs from the postcode lookup; 'none' "
              "puts everyone in the area 'unknown').", highlight=False)
