"""`joinedup views debt`: the one view of debt from the command line: the queue of households
owing more than one creditor (or every household in debt) as a table, JSON or the CSV the web
page lists, one household's debts, and one person's (as a table, JSON or CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

import click
from rich.table import Table

from joinedup.commands.common import date_value
from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.model.spreadsheet import safe_row
from joinedup.views import queries
from joinedup.views.debt import (
    CSV_COLUMNS,
    FLAG_LABELS,
    REVENUES,
    HouseholdDebts,
    csv_rows,
    debt_view,
    find_household,
    partner_scope,
    queue,
    scoped,
)
from joinedup.views.debt_export import DEBT_CSV_COLUMNS, debt_csv_rows
from joinedup.views.debt_person import debtor_csv_rows, find_debtor
from joinedup.warehouse.snapshots import open_current


def _households(on: dt.date | None, partner: str | None) -> list[HouseholdDebts]:
    try:
        with open_current(settings=get_settings()) as con:
            households = debt_view(con, on=on)
            agreed = {str(a["source"]) for a in queries.source_agreements(con)}
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if partner is None:
        return scoped(households, REVENUES)
    if partner not in agreed:
        raise Failed(f"{partner!r} is not a source with a recorded data sharing agreement "
                     f"({', '.join(sorted(agreed)) or 'none in this snapshot'}): a partner's "
                     "list is only for a partner whose agreement is recorded in sources.yaml.")
    return scoped(households, partner_scope(partner))


@click.group("debt")
def debt() -> None:
    """One view of debt: every debt a household owes the council and its partners, with flags
    that call for care in recovery (never social care details), and the queue of households
    owing more than one creditor, for a single affordable arrangement."""


_on = click.option("--on", callback=date_value, default=None,
                   help="View date (default: the snapshot's newest data date).")
_partner = click.option("--partner", default=None, metavar="SOURCE",
                        help="What a partner sees: only households owing this source (e.g. "
                             "ha_pennine_vale), its own debts, one combined flag.")


@debt.command("list")
@_on
@_partner
@click.option("--all", "everything", is_flag=True,
              help="Every household in debt, not only those owing more than one creditor.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the households as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the whole list to this CSV file ('-': stdout).")
@click.option("--per-debt", is_flag=True,
              help="With --csv: one row per debt (creditor, balance, stage, arrangement "
                   "amount, frequency, start and status) instead of one per household.")
def list_command(on: dt.date | None, partner: str | None, everything: bool, limit: int,
                 as_json: bool, csv_path: Path | None, per_debt: bool) -> None:
    """List the queue (most creditors, then most owed, first)."""
    if per_debt and csv_path is None:
        raise Failed("--per-debt shapes the CSV file: give --csv FILE (or --csv - for "
                     "stdout) with it.")
    households = _households(on, partner)
    listed = households if everything else queue(households)
    if csv_path is not None:
        _write_csv(listed, csv_path, per_debt=per_debt)
        return
    shown = listed[:limit]
    if as_json:
        click.echo(json.dumps({"households": len(households), "queue": len(queue(households)),
                               "listed": [h.as_dict() for h in shown]}, indent=2))
        return
    table = Table(title=f"One view of debt: {len(queue(households)):,} of "
                        f"{len(households):,} households in debt owe more than one creditor",
                  title_justify="left")
    for name in ("queue", "household", "address", "creditors", "total", "oldest (days)",
                 "flags"):
        table.add_column(name)
    for h in shown:
        table.add_row(str(h.rank or ""), h.key, f"{h.address or ''} {h.postcode or ''}".strip(),
                      str(h.creditor_count), f"£{h.total:,.2f}", str(h.oldest_days),
                      "; ".join(FLAG_LABELS[f] for f in h.flags))
    output_console().print(table)


@debt.command("show")
@click.argument("key")
@_on
@_partner
@click.option("--json", "as_json", is_flag=True, help="Print the household as JSON.")
def show_command(key: str, on: dt.date | None, partner: str | None, as_json: bool) -> None:
    """One household: each person's debts, totals and flags."""
    try:
        h = find_household(_households(on, partner), key)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(h.as_dict(), indent=2))
        return
    console = output_console()
    console.print(f"{h.address or 'Address not known'} {h.postcode or ''}: £{h.total:,.2f} to "
                  f"{h.creditor_count} creditor(s). Flags: "
                  f"{'; '.join(FLAG_LABELS[f] for f in h.flags) or 'none known'}.",
                  highlight=False)
    table = Table(title_justify="left")
    for name in ("person", "name", "creditor", "debt", "balance", "since", "stage",
                 "arrangement", "arrangement status"):
        table.add_column(name)
    for p in h.people:
        for d in p.debts:
            table.add_row(p.person_id, p.name, d.creditor, d.debt_type_label,
                          f"£{d.balance:,.2f}", d.raised_date.isoformat(), d.stage_label or "",
                          d.arrangement or "", d.arrangement_status_label or "")
    console.print(table)


@debt.command("person")
@click.argument("person_id")
@_on
@_partner
@click.option("--json", "as_json", is_flag=True, help="Print the person's debts as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the person's debts to this CSV file, one row per debt "
                                 "('-': stdout).")
def person_command(person_id: str, on: dt.date | None, partner: str | None, as_json: bool,
                   csv_path: Path | None) -> None:
    """One person: each debt (creditor, balance, age, stage, arrangement), their total and
    flags, and the household they live in; the web app's person page, as the same scope."""
    try:
        found = find_debtor(_households(on, partner), person_id)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if csv_path is not None:
        _write_rows(debtor_csv_rows(found), DEBT_CSV_COLUMNS, csv_path, "debts")
        return
    p, h = found.person, found.household
    if as_json:
        click.echo(json.dumps({"person": p.as_dict(), "household": h.key,
                               "address": h.address, "postcode": h.postcode,
                               "household_total": h.total,
                               "household_flags": list(h.flags)}, indent=2))
        return
    console = output_console()
    console.print(f"{p.name} ({p.person_id}), {h.address or 'no known household'} "
                  f"{h.postcode or ''}: £{p.total:,.2f} to {len(found.creditors)} creditor(s). "
                  f"Flags: {'; '.join(FLAG_LABELS[f] for f in p.flags) or 'none known'}; "
                  f"household {h.key}: "
                  f"{'; '.join(FLAG_LABELS[f] for f in h.flags) or 'none known'}.",
                  highlight=False)
    table = Table(title_justify="left")
    for name in ("creditor", "debt", "balance", "since", "age (days)", "stage", "arrangement",
                 "arrangement status"):
        table.add_column(name)
    for d in p.debts:
        table.add_row(d.creditor, f"{d.debt_type_label} ({d.debt_id})", f"£{d.balance:,.2f}",
                      d.raised_date.isoformat(), str(d.age_days), d.stage_label or "",
                      d.arrangement or "", d.arrangement_status_label or "")
    console.print(table)


def _write_csv(households: list[HouseholdDebts], path: Path, *, per_debt: bool = False,
               ) -> None:
    rows = debt_csv_rows(households) if per_debt else csv_rows(households)
    columns = DEBT_CSV_COLUMNS if per_debt else CSV_COLUMNS
    _write_rows(rows, columns, path, "debts" if per_debt else "households")


def _write_rows(rows: list[dict[str, str]], columns: tuple[str, ...], path: Path,
                what: str) -> None:
    if str(path) == "-":
        _csv_to(sys.stdout, rows, columns)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        _csv_to(handle, rows, columns)
    output_console().print(f"Wrote {len(rows):,} {what} to {path}.", highlight=False)


def _csv_to(handle: TextIO, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns)
    writer.writeheader()
    # Names and addresses come from the sources: none may run as a spreadsheet formula.
    writer.writerows(safe_row(row) for row in rows)
