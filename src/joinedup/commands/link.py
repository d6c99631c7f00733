"""`joinedup link`: link the current snapshot's person records into people (a new snapshot)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console, refresh_open_data
from joinedup.commands.match import _reporting
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.linkage.pipeline import (
    DEFAULT_MAX_CLUSTER_SIZE,
    DEFAULT_MIN_AVERAGE_WEIGHT,
    DEFAULT_THRESHOLD,
    MatchOptions,
)
from joinedup.linkage.warehouse_link import LinkReport, link_warehouse
from joinedup.marts import marts_step


def _family_rows(report: LinkReport) -> list[tuple[str, str]]:
    family = report.family
    if family is None:
        return []
    edges = ", ".join(f"{kind} {count:,}" for kind, count in
                      sorted(family.edges_by_relationship.items()))
    return [("households (current)", f"{family.households:,} ({family.current_households:,})"),
            ("people in a current household", f"{family.people_in_current_household:,}"),
            ("communal establishments", f"{family.communal_establishments:,}"),
            ("family network edges", edges or "none")]


def _summary(report: LinkReport) -> Table:
    table = Table(title="Person linkage", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    changes = report.id_changes
    for name, value in (
        ("run", f"{report.mode} ({report.mode_reason})"),
        ("person records", f"{report.records:,}"),
        ("new or changed records", f"{report.new_records:,}"),
        ("persons", f"{report.persons:,}"),
        ("records per person", f"{report.records / max(report.persons, 1):.2f}"),
        ("persons with more than one record", f"{report.linked_persons:,}"),
        ("person ids: new / merged / split / retired",
         " / ".join(f"{changes.get(k, 0):,}" for k in ("new", "merged", "split", "retired"))),
        *_family_rows(report),
        ("clusters flagged oversized", f"{report.flagged:,}"),
        ("review queue", f"{report.review_queue:,} pairs"),
        ("pairs scored", f"{report.pairs_scored:,}"),
        ("model", "trained and saved" if report.trained else "reused"),
        ("seconds", f"{report.seconds:.1f}"),
    ):
        table.add_row(name, value)
    return table


@click.command("link")
@click.option("--retrain", is_flag=True,
              help="Train a new model even if the warehouse has one (and save it).")
@click.option("--full", is_flag=True,
              help="Score every pair again instead of only pairs with new or changed records.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=DEFAULT_THRESHOLD, show_default=True,
              help="Link pairs scored at or above this match probability.")
@click.option("--max-cluster-size", type=click.IntRange(min=2),
              default=DEFAULT_MAX_CLUSTER_SIZE, show_default=True,
              help="Refuse links that would make a bigger person; flag it instead.")
@click.option("--min-average-weight", type=float, default=DEFAULT_MIN_AVERAGE_WEIGHT,
              show_default=True,
              help="Join two clusters only if their scored pairs average at least this weight.")
def command(retrain: bool, full: bool, threshold: float, max_cluster_size: int,
            min_average_weight: float) -> None:
    """Link every person record in the current snapshot into people.

    Writes person_link, person_index (golden records), person_link_pair and review_queue
    into a copy of the current snapshot and switches to it; a failure leaves the current
    snapshot served. The model is <warehouse>/linkage/model.json, with the term frequencies
    it scores with beside it (trained on first use or with --retrain).

    Person ids are stable from run to run: merges and splits are recorded (see
    docs/matching.md). A run is incremental (only new or changed records are matched, and
    only the people they can change are clustered again; the people are those a full run
    gives) unless --full is given, the model is retrained, review decisions were made since
    the last run, or most records are new. Review decisions (`joinedup review`) are honoured
    by every run.
    """
    settings = get_settings()
    options = MatchOptions(threshold=threshold, max_cluster_size=max_cluster_size,
                           min_average_weight=min_average_weight)
    try:
        with _reporting() as (console, steps):
            # The marts are rebuilt in the linked snapshot (the residents mart counts the
            # people it places), then the open datasets are refreshed from it.
            report = link_warehouse(settings, retrain=retrain, full=full, options=options,
                                    progress=steps, steps=[marts_step(None)])
    except JoinedUpError as exc:
        raise Failed(f"{exc}\nThe current snapshot was not changed.") from exc
    out = output_console()
    out.print(_summary(report))
    out.print(f"Snapshot {report.snapshot_id} is now current ({report.snapshot_path}); "
              f"linked from {report.previous_id}.", highlight=False)
    if report.flagged:
        out.print("[yellow]Some people reached the size cap: see person_link.flagged.[/]")
    if report.review_queue:
        out.print(f"{report.review_queue:,} pairs wait for review: `joinedup review list`.",
                  highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    refresh_open_data(settings, Console(stderr=True))
