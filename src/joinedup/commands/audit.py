"""`joinedup audit`: check the web app's audit chain and ask it the auditors' questions."""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.errors import JoinedUpError


def _setup() -> None:

    from joinedup.web import bootstrap

    try:
        bootstrap.setup()
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc


@click.group("audit")
def command() -> None:
    """The audit log of the web app: verify its hash chain, report on access."""


@command.command("verify")
def verify() -> None:
    """Recompute every hash in the chain; exit 1 naming the first event that fails."""
    _setup()
    from django.db import DatabaseError

    from joinedup.web import bootstrap
    from joinedup.web.audit.verify import verify_chain

    try:
        verdict = verify_chain()
    except DatabaseError as exc:
        raise Failed(str(bootstrap.database_error(exc))) from exc
    if verdict.ok:
        click.echo(f"Audit chain intact: {verdict.checked:,} events, head #{verdict.head_seq} "
                   f"{verdict.head_hash}")
        return
    click.echo(f"AUDIT CHAIN BROKEN at event {verdict.first_bad_seq}: {verdict.problem}. "
               f"{verdict.checked:,} events before it check out.", err=True)
    sys.exit(1)


@command.command("who-viewed")
@click.argument("person_id")
def who_viewed(person_id: str) -> None:
    """Everyone who opened PERSON_ID's pages, with when, why and the case reference."""
    _setup()
    from joinedup.web.audit.queries import who_viewed as query

    table = Table(title=f"Access to {person_id}")
    for header in ("#", "when", "user", "role", "action", "purpose", "case"):
        table.add_column(header)
    for row in query(person_id):
        table.add_row(str(row.seq), f"{row.at:%Y-%m-%d %H:%M}", row.username, row.role,
                      row.action, row.reason, row.case_reference)
    output_console().print(table)


@command.command("unusual")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to check (default today).")
@click.option("--threshold", type=click.IntRange(min=1), default=20, show_default=True,
              help="Distinct families in a day above which a user is listed.")
def unusual(day: dt.datetime | None, threshold: int) -> None:
    """Users who opened many unrelated people in a day, and views outside a team's area."""
    _setup()
    from joinedup.web.audit.queries import many_unrelated_families, outside_team_area

    on = day.date() if day else dt.date.today()
    out = output_console()
    many = many_unrelated_families(on, threshold=threshold)
    out.print(f"{on}: {len(many)} users above {threshold} families", highlight=False)
    for flag in many:
        out.print(f"  {flag.username}: {flag.people} people in {flag.families} families",
                  highlight=False)
    outside = outside_team_area(on)
    out.print(f"{on}: {len(outside)} views outside the viewer's team area", highlight=False)
    for view in outside:
        out.print(f"  {view.at:%H:%M} {view.username} viewed {view.person_id} in {view.area}",
                  highlight=False)
