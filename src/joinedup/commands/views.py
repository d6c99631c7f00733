"""`joinedup views`: single views on the person index (the council tax single person
discount review, GP alerts)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click
from rich.table import Table

from joinedup.commands.common import date_value
from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.linkage.warehouse_link import link_state
from joinedup.model.spreadsheet import safe_row
from joinedup.views.common import to_jsonable
from joinedup.views.errors import AccountNotFound
from joinedup.views.gp_alerts import CSV_COLUMNS as GP_CSV_COLUMNS
from joinedup.views.gp_alerts import REVIEW_CSV_COLUMNS as GP_REVIEW_CSV_COLUMNS
from joinedup.views.gp_alerts import GpAlertSettings, apply_reviews, gp_alerts
from joinedup.views.gp_alerts import csv_rows as gp_csv_rows
from joinedup.views.spd import SpdReview, find_review, spd_reviews
from joinedup.warehouse.snapshots import open_current

CSV_COLUMNS = ("rank", "account_no", "score", "adults", "unknown_age", "band",
               "discount_value", "lead_person_id", "lead_name", "address", "postcode",
               "placement", "other_people")


def _reviews(on: dt.date | None, band_d: float | None) -> list[SpdReview]:
    try:
        with open_current(settings=get_settings()) as con:
            return spd_reviews(con, on=on, band_d=band_d)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc


@click.group("views")
def command() -> None:
    """Single views on the person index."""


@command.group("spd")
def spd() -> None:
    """The council tax single person discount review: discounted accounts where the joined
    data places more than one adult, ranked, with the evidence. Nothing is decided here: an
    officer records each outcome on the web page."""


_on = click.option("--on", callback=date_value, default=None,
                   help="Review date (default: the snapshot's newest data date).")
_band_d = click.option("--band-d", type=click.FloatRange(min=0.01), default=None,
                       help="The council's Band D charge for the year (default: England's "
                            "2025-26 average, £2,280).")


@spd.command("list")
@_on
@_band_d
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--all", "everything", is_flag=True,
              help="Every discounted account, including those with no other adult.")
@click.option("--json", "as_json", is_flag=True, help="Print the reviews as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the whole ranked list to this CSV file ('-': stdout).")
def list_command(on: dt.date | None, band_d: float | None, limit: int, everything: bool,
                 as_json: bool, csv_path: Path | None) -> None:
    """List the reviews, most likely first."""
    reviews = _reviews(on, band_d)
    listed = reviews if everything else [r for r in reviews if r.score > 0]
    if csv_path is not None:
        _write_csv(listed, csv_path)
        return
    shown = listed[:limit]
    if as_json:
        click.echo(json.dumps({"accounts": len(reviews), "to_review": len(listed),
                               "reviews": [r.as_dict() for r in shown]}, indent=2))
        return
    table = Table(title=f"Single person discount review: {len(listed):,} of {len(reviews):,} "
                        "discounted accounts to review", title_justify="left")
    for name in ("rank", "account", "score", "adults", "band", "a year", "account holder",
                 "address"):
        table.add_column(name)
    for r in shown:
        table.add_row(str(r.rank), r.account_no, f"{r.score:.3f}", str(r.adults),
                      r.band or "", f"£{r.discount_value:,.2f}" if r.discount_value else "",
                      r.lead_name, f"{r.address or ''} {r.postcode or ''}".strip())
    output_console().print(table)


@spd.command("show")
@click.argument("account_no")
@_on
@_band_d
@click.option("--json", "as_json", is_flag=True, help="Print the review as JSON.")
def show_command(account_no: str, on: dt.date | None, band_d: float | None,
                 as_json: bool) -> None:
    """One account: the people at the property, with the evidence and match confidence."""
    review = find_review(_reviews(on, band_d), account_no)
    if review is None:
        raise Failed(str(AccountNotFound(account_no)))
    if as_json:
        click.echo(json.dumps(review.as_dict(), indent=2))
        return
    console = output_console()
    console.print(f"Account {review.account_no} (rank {review.rank}, score {review.score:.3f}): "
                  f"{review.lead_name} ({review.lead_person_id}), band {review.band}, "
                  f"discount £{review.discount_value or 0:,.2f} a year.", highlight=False)
    console.print(f"Property: {review.address or 'not placed'} {review.postcode or ''} "
                  f"(household {review.household_id}, placed by {review.placement}).",
                  highlight=False)
    table = Table(title=f"{review.adults} adult(s) placed there, the account holder included",
                  title_justify="left")
    for name in ("person", "name", "age", "adult by", "sources there", "since",
                 "match confidence", "likelihood", "note"):
        table.add_column(name)
    for o in review.others:
        table.add_row(o.person_id, o.name, "" if o.age is None else str(o.age), o.adult_basis,
                      ", ".join(o.sources), o.start_date.isoformat() if o.start_date else "",
                      f"{o.match_confidence:.3f}", f"{o.likelihood:.3f}",
                      "may be the account holder" if o.maybe_account_holder else "")
    console.print(table)


def _write_csv(reviews: list[SpdReview], path: Path) -> None:
    rows = []
    for r in reviews:
        data = to_jsonable(r)
        data["other_people"] = "; ".join(
            f"{o.person_id} {o.name} ({_adult_word(o.adult)}; {', '.join(o.sources)}; "
            f"{o.likelihood:.2f})" for o in r.others)
        rows.append({k: data[k] for k in CSV_COLUMNS})
    if str(path) == "-":
        _csv_to(sys.stdout, rows)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        _csv_to(handle, rows)
    output_console().print(f"Wrote {len(rows):,} reviews to {path}.", highlight=False)


def _adult_word(adult: bool | None) -> str:
    return "age unknown" if adult is None else "adult" if adult else "child"


def _csv_to(handle: object, rows: Sequence[Mapping[str, object]],
            columns: Sequence[str] = CSV_COLUMNS) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns)  # type: ignore[arg-type]
    writer.writeheader()
    # Names and addresses come from the sources: none may run as a spreadsheet formula.
    writer.writerows(safe_row(row) for row in rows)


@command.group("gp-alerts")
def gp_alerts_group() -> None:
    """GP alerts: children registered with a practice who are known to children's social
    care (child in need, child protection plan, looked after), with the allocated worker,
    and when that ends. Only matches at or above the threshold are sent; the rest are
    held for review (a reviewer decides on the web page /gp-alerts/review/ whether the two
    records are the same child; "same" sends the alert, "different" drops it)."""


@gp_alerts_group.command("list")
@_on
@click.option("--practice", default=None, help="One practice's alerts (its ODS code).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Match probability an alert needs to be sent (default 0.95).")
@click.option("--review", "review", is_flag=True, help="List the alerts held for review.")
@click.option("--json", "as_json", is_flag=True, help="Print the alerts as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the sent alerts as the practice export CSV ('-': "
                                 "stdout); with --review, the held ones with their "
                                 "confidence and records.")
def gp_list(on: dt.date | None, practice: str | None, threshold: float | None, review: bool,
            as_json: bool, csv_path: Path | None) -> None:
    """List the alerts, by practice."""
    settings = GpAlertSettings() if threshold is None else GpAlertSettings(threshold=threshold)
    try:
        with open_current(settings=get_settings()) as con:
            alerts = gp_alerts(con, on=on, settings=settings)
        # Reviewers' decisions on held alerts (the web page's), as the practices get them.
        alerts = apply_reviews(alerts, ((d.left, d.right, d.decision) for d in
                                        link_state(get_settings()).decisions()))
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    alerts = [a for a in alerts if practice is None or a.practice == practice]
    shown = [a for a in alerts if (a.decision == "review") == review]
    if csv_path is not None:
        rows = gp_csv_rows(shown, for_review=review)
        columns = GP_REVIEW_CSV_COLUMNS if review else GP_CSV_COLUMNS
        if str(csv_path) == "-":
            _csv_to(sys.stdout, rows, columns)
            return
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            _csv_to(handle, rows, columns)
        output_console().print(f"Wrote {len(rows):,} alerts to {csv_path}.", highlight=False)
        return
    if as_json:
        click.echo(json.dumps({"alerts": [a.as_dict() for a in shown],
                               "held_for_review": sum(a.decision == "review" for a in alerts)},
                              indent=2))
        return
    table = Table(title=f"GP alerts: {len(shown):,} {'for review' if review else 'to send'}",
                  title_justify="left")
    for name in ("practice", "NHS number", "child", "alert", "status", "since", "worker",
                 "phone", "confidence"):
        table.add_column(name)
    for a in shown:
        table.add_row(a.practice, a.nhs_number or "", a.child_name, a.kind, a.status_label,
                      (a.ended if a.kind == "ended" else a.since or "").__str__(),
                      a.worker_name or "", a.worker_phone or "", f"{a.confidence:.3f}")
    output_console().print(table)


def _add_debt() -> None:
    # The debt view lives in its own module (views.py would grow past a readable size).
    from joinedup.commands.debt_views import debt

    command.add_command(debt)


_add_debt()
