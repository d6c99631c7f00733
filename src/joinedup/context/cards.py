"""One card per service: is the service involved now, who to call, and the key facts.

A card is **current** when, on `today`, the person has an open involvement in the service
(started, not closed, no end date or one still to come), an open event of a type that lasts
(`ongoing` in key_facts.yaml: a plan, a placement, a school enrolment, a GP registration) or
a recent event of a type that counts as involvement while recent (`recent`: a police incident
in the last year). It is **historic** when the service holds records of the person but none
of that is open, and **none** when it holds nothing.

Sources of one service overlap: a statutory return (the CIN census, SSDA903) repeats the case
system's episodes as they stood at the return's date. An open item from one source is
*superseded*, and does not make the card current, when a source of the same service with
fresher data (`data_current_as_of`) holds an item of the same kind (involvement type, or
event type) for the person that was running at or after the open item's start: the fresher
source has seen that period and says how it ended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from joinedup.context.common import CARD_SERVICES, AsDict, require_person
from joinedup.context.facts import Definitions, FactRule, load_definitions, render
from joinedup.context.tables import Row, rows
from joinedup.model.codes import SERVICES

Status = str
CURRENT, HISTORIC, NONE = "current", "historic", "none"


@dataclass(frozen=True, slots=True)
class SourceFreshness(AsDict):
    source: str
    system: str | None
    data_current_as_of: dt.date | None
    holds_records: bool
    """Whether this source holds anything about the person."""


@dataclass(frozen=True, slots=True)
class KeyWorker(AsDict):
    name: str
    role: str | None
    team: str | None
    phone: str | None
    email: str | None
    organisation: str | None
    source: str
    involvement_id: str
    involvement_type: str
    since: dt.date | None


@dataclass(frozen=True, slots=True)
class InvolvementItem(AsDict):
    source: str
    involvement_id: str
    involvement_type: str
    status: str | None
    """As the source records it (open, closed or empty)."""
    open: bool
    """Open on `today` by its own source."""
    current: bool
    """Open and not superseded by a fresher source: counts for the card's status."""
    start_date: dt.date | None
    end_date: dt.date | None
    reason: str | None
    outcome: str | None
    worker_name: str | None
    worker_role: str | None
    team: str | None
    worker_phone: str | None
    worker_email: str | None
    organisation: str | None


@dataclass(frozen=True, slots=True)
class KeyFact(AsDict):
    label: str
    text: str
    date: dt.date | None = None
    end_date: dt.date | None = None
    source: str | None = None
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceCard(AsDict):
    service: str
    label: str
    status: Status
    correct_as_of: dt.date | None
    """The data date of the sources the status rests on (see docs/family-context.md)."""
    since: dt.date | None
    """Start of the earliest current item (current cards only)."""
    last_activity: dt.date | None
    """The latest date anything happened in the service, up to `today`."""
    records: int
    """Person records of the person in this service's sources."""
    key_worker: KeyWorker | None
    involvements: tuple[InvolvementItem, ...] = ()
    facts: tuple[KeyFact, ...] = ()
    sources: tuple[SourceFreshness, ...] = field(default_factory=tuple)

    @property
    def connected(self) -> bool:
        """Whether any source of this service is in the warehouse at all."""
        return bool(self.sources)


@dataclass(frozen=True, slots=True)
class _Item:
    """An involvement or event, with what the card logic needs."""

    row: Row
    kind: tuple[str, str]
    start: dt.date | None
    end: dt.date | None
    open: bool
    current: bool = False


def _within(start: dt.date | None, end: dt.date | None, today: dt.date) -> bool:
    return start is not None and start <= today and (end is None or end >= today)


def _involvement(row: Row, today: dt.date) -> _Item:
    closed = (row["status"] or "").lower() == "closed"
    return _Item(row, ("involvement", row["involvement_type"]), row["start_date"],
                 row["end_date"], not closed and _within(row["start_date"], row["end_date"], today))


def _event(row: Row, today: dt.date, ongoing: Sequence[str], recent: Mapping[str, int]) -> _Item:
    kind = row["event_type"]
    start, end = row["event_date"], row["end_date"]
    if kind in ongoing:
        is_open = _within(start, end, today)
    elif kind in recent:
        is_open = start is not None and today - dt.timedelta(days=recent[kind]) <= start <= today
    else:
        is_open = False
    return _Item(row, ("event", kind), start, end, is_open)


def _mark_current(items: Sequence[_Item], as_of: Mapping[str, dt.date | None]) -> list[_Item]:
    """Open items that no fresher source of the same service supersedes (module docstring)."""
    by_kind: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)

    def superseded(item: _Item) -> bool:
        mine = as_of.get(item.row["source"])
        if mine is None or item.start is None:
            return False
        for other in by_kind[item.kind]:
            theirs = as_of.get(other.row["source"])
            if (theirs is not None and theirs > mine and other.row["source"] != item.row["source"]
                    and (other.end is None or other.end >= item.start)):
                return True
        return False

    return [_Item(i.row, i.kind, i.start, i.end, i.open, i.open and not superseded(i))
            for i in items]


def _dedupe_key(item: _Item, text: str) -> tuple[object, ...]:
    return (item.kind, text)


def _fact_events(items: Iterable[_Item], rule: FactRule) -> list[_Item]:
    return [i for i in items if i.kind[0] == "event" and i.kind[1] in rule.events]


def _fact(rule: FactRule, items: Sequence[_Item], definitions: Definitions,
          as_of: Mapping[str, dt.date | None], today: dt.date) -> list[KeyFact]:
    def text(item: _Item) -> str:
        row = item.row
        said = definitions.text(row["event_type"], row["category"], row["value"],
                                row["detail"], row["end_date"])
        label = definitions.label(row["event_type"])
        if len(rule.events) > 1 or not said:
            return f"{label}: {said}" if said else label
        return said

    def freshness(item: _Item) -> int:
        day = as_of.get(item.row["source"])
        return day.toordinal() if day else 0

    chosen = _fact_events(items, rule)
    if rule.within_days is not None:
        since = today - dt.timedelta(days=rule.within_days)
        chosen = [i for i in chosen if i.start is not None and since <= i.start <= today]
    if rule.kind == "count":
        seen: dict[tuple[str, dt.date | None], _Item] = {}
        for item in sorted(chosen, key=lambda i: -freshness(i)):
            seen.setdefault((item.kind[1], item.start), item)
        total = sum((Decimal(i.row["value"]) for i in seen.values() if i.row["value"] is not None),
                    Decimal(0))
        return [KeyFact(rule.label, render(rule.text, {"count": len(seen), "total": total}))]
    if rule.kind == "open":
        chosen = [i for i in chosen if i.current]
    priority = {event: n for n, event in enumerate(rule.events)}
    ordered = sorted(chosen, key=lambda i: (
        priority[i.kind[1]] if rule.kind == "open" else 0,
        -(i.start.toordinal() if i.start else 0), -freshness(i), i.row["source"],
        str(i.row["event_id"])))
    facts: list[KeyFact] = []
    shown: set[tuple[object, ...]] = set()
    limit = len(ordered) if rule.kind == "open" else rule.limit
    for item in ordered:
        said = text(item)
        if _dedupe_key(item, said) in shown:
            continue
        shown.add(_dedupe_key(item, said))
        facts.append(KeyFact(rule.label, said, item.start, item.end, item.row["source"],
                             item.kind[1]))
        if len(facts) == limit:
            break
    if not facts and rule.none:
        facts.append(KeyFact(rule.label, rule.none))
    return facts


def _key_worker(items: Sequence[_Item]) -> KeyWorker | None:
    held = [i for i in items if i.kind[0] == "involvement" and i.current
            and (i.row["worker_name"] or "").strip()]
    if not held:
        return None
    best = max(held, key=lambda i: (i.start or dt.date.min, i.row["source"],
                                    i.row["involvement_id"]))
    row = best.row
    return KeyWorker(row["worker_name"].strip(), row["worker_role"], row["team"],
                     row["worker_phone"], row["worker_email"], row["organisation"],
                     row["source"], row["involvement_id"], row["involvement_type"], best.start)


def _involvement_item(item: _Item, codes: Mapping[str, str]) -> InvolvementItem:
    row = item.row
    return InvolvementItem(
        row["source"], row["involvement_id"], row["involvement_type"], row["status"], item.open,
        item.current, row["start_date"], row["end_date"],
        codes.get(row["reason"] or "", row["reason"]),
        codes.get(row["outcome"] or "", row["outcome"]), row["worker_name"], row["worker_role"],
        row["team"], row["worker_phone"], row["worker_email"], row["organisation"])


def _latest(items: Sequence[_Item], today: dt.date) -> dt.date | None:
    days = [d for i in items for d in (i.start, i.end) if d is not None and d <= today]
    return max(days) if days else None


@dataclass(frozen=True, slots=True)
class Freshness:
    """A row of source_freshness."""

    source: str
    service: str | None
    system: str | None
    data_current_as_of: dt.date | None


def build_card(service: str, records: Sequence[Row], involvements: Sequence[Row],
               events: Sequence[Row], freshness: Sequence[Freshness],
               definitions: Definitions, today: dt.date) -> ServiceCard:
    """One service's card from the person's rows in that service (pure; module docstring)."""
    rules = definitions.rules(service)
    as_of = {f.source: f.data_current_as_of for f in freshness}
    items = _mark_current(
        [_involvement(r, today) for r in involvements]
        + [_event(r, today, rules.ongoing, rules.recent) for r in events], as_of)
    holding = {r["source"] for r in records} | {i.row["source"] for i in items}
    sources = tuple(sorted(
        (SourceFreshness(f.source, f.system, f.data_current_as_of, f.source in holding)
         for f in freshness if f.service == service or f.source in holding),
        key=lambda s: s.source))
    current = [i for i in items if i.current]
    status = CURRENT if current else HISTORIC if holding else NONE
    deciding = ({i.row["source"] for i in current} if current else holding if holding
                else {s.source for s in sources})
    dates = [day for s in deciding if (day := as_of.get(s)) is not None]
    facts: list[KeyFact] = []
    if status != NONE:
        for rule in rules.facts:
            facts.extend(_fact(rule, items, definitions, as_of, today))
    involved = sorted((i for i in items if i.kind[0] == "involvement"), key=lambda i: (
        not i.current, not i.open, -(i.start.toordinal() if i.start else 0), i.row["source"],
        i.row["involvement_id"]))
    starts = [i.start for i in current if i.start is not None]
    return ServiceCard(
        service=service, label=SERVICES.get(service, service), status=status,
        correct_as_of=max(dates) if dates else None, since=min(starts) if starts else None,
        last_activity=_latest(items, today), records=sum(1 for _ in records),
        key_worker=_key_worker(items),
        involvements=tuple(_involvement_item(i, rules.involvement_codes) for i in involved),
        facts=tuple(facts), sources=sources)


def freshness_rows(con: duckdb.DuckDBPyConnection) -> list[Freshness]:
    """Every source's freshness (one row per source; the latest date if loaded twice)."""
    return [Freshness(str(s), svc, system, day) for s, svc, system, day in con.execute(
        "SELECT source, min(service), min(system), max(data_current_as_of) "
        "FROM source_freshness GROUP BY source ORDER BY source").fetchall()]


def service_cards(con: duckdb.DuckDBPyConnection, person_id: str, *, today: dt.date,
                  definitions: Definitions | None = None) -> list[ServiceCard]:
    """A card for every service in `CARD_SERVICES` order, "none found" ones included (the
    web layer decides which a user may see)."""
    require_person(con, person_id)
    definitions = definitions or load_definitions()
    records = rows(con, "SELECT source, service FROM context_record WHERE person_id = ?",
                   [person_id])
    involvements = rows(con, "SELECT * FROM context_involvement WHERE person_id = ?",
                        [person_id])
    events = rows(con, "SELECT * FROM context_event WHERE person_id = ?", [person_id])
    freshness = freshness_rows(con)
    return [build_card(
        service, [r for r in records if r["service"] == service],
        [r for r in involvements if r["service"] == service],
        [r for r in events if r["service"] == service], freshness, definitions, today)
        for service in CARD_SERVICES]
