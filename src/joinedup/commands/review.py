"""`joinedup review`: the clerical review queue of record pairs the matcher is unsure about."""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict

import click
from rich.table import Table

from joinedup.commands.explain_match import _waterfall
from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.linkage.explain import explain_pair
from joinedup.linkage.review import ReviewItem, decide_item, find_item, open_items
from joinedup.linkage.state import DECISIONS
from joinedup.linkage.warehouse_link import link_state
from joinedup.warehouse.snapshots import open_current


def _record(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def _items_table(items: list[ReviewItem], total: int) -> Table:
    table = Table(title=f"Review queue: {total:,} pairs waiting", title_justify="left")
    for name in ("pair", "record A", "person A", "record B", "person B", "probability",
                 "reason"):
        table.add_column(name, justify="right" if name == "probability" else "left")
    for item in items:
        table.add_row(item.pair_id, _record(item.left), item.person_left, _record(item.right),
                      item.person_right, f"{item.match_probability:.3f}", item.reason)
    return table


@click.group("review")
def command() -> None:
    """Decide pairs of person records the matcher is unsure about.

    `joinedup link` queues pairs scored at least 0.5 whose records ended in different people.
    A decision ("same" or "different") is kept in <warehouse>/linkage/state.sqlite with who
    made it, and every later `joinedup link` honours it (the next run after a decision is a
    full one).
    """


@command.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many pairs to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip this many pairs (for paging).")
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def list_command(limit: int, offset: int, as_json: bool) -> None:
    """List undecided pairs, most likely matches first."""
    settings = get_settings()
    try:
        with open_current(settings=settings) as con:
            items, total = open_items(con, link_state(settings), limit=limit, offset=offset)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"total": total, "items": [asdict(i) for i in items]}, indent=2))
        return
    output_console().print(_items_table(items, total))
    if total > offset + len(items):
        output_console().print(f"Showing {offset + 1}-{offset + len(items)}; use --offset to "
                               "see more.", highlight=False)


@command.command("show")
@click.argument("pair_id")
def show_command(pair_id: str) -> None:
    """Show a queued pair and why it scores as it does."""
    settings = get_settings()
    try:
        with open_current(settings=settings) as con:
            item = find_item(con, pair_id)
            explanation = explain_pair(con, settings, _record(item.left), _record(item.right))
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    console = output_console()
    console.print(f"{item.pair_id} ({item.reason}): {_record(item.left)} is "
                  f"{item.person_left}, {_record(item.right)} is {item.person_right}.",
                  highlight=False)
    console.print(_waterfall(explanation))
    console.print(f"Decide with: joinedup review decide {item.pair_id} same|different",
                  highlight=False)


@command.command("decide")
@click.argument("pair_id")
@click.argument("decision", type=click.Choice(DECISIONS))
@click.option("--by", "decided_by", default=None,
              help="Who is deciding (default: the signed-in user name).")
@click.option("--note", default=None, help="Why, in a few words (kept with the decision).")
def decide_command(pair_id: str, decision: str, decided_by: str | None,
                   note: str | None) -> None:
    """Record that a queued pair is the SAME person or DIFFERENT people."""
    settings = get_settings()
    who = decided_by or getpass.getuser()
    try:
        with open_current(settings=settings) as con:
            made = decide_item(con, link_state(settings), pair_id, decision, who, note)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    output_console().print(
        f"Recorded: {_record(made.left)} and {_record(made.right)} are "
        f"{'the same person' if made.decision == 'same' else 'different people'} "
        f"(by {made.decided_by}). The next `joinedup link` applies it.", highlight=False)


@command.command("decisions")
@click.option("--json", "as_json", is_flag=True, help="Print the decisions as JSON.")
def decisions_command(as_json: bool) -> None:
    """List every decision in force, oldest first."""
    decisions = link_state(get_settings()).decisions()
    if as_json:
        click.echo(json.dumps([asdict(d) for d in decisions], indent=2))
        return
    table = Table(title=f"{len(decisions):,} review decisions", title_justify="left")
    for name in ("pair", "record A", "record B", "decision", "by", "at", "note"):
        table.add_column(name)
    for made in decisions:
        table.add_row(made.pair_id, _record(made.left), _record(made.right), made.decision,
                      made.decided_by, made.decided_at, made.note or "")
    output_console().print(table)
