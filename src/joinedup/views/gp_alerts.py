"""GP alerts: a GP practice learns when a child registered with it is known to children's
social care (an open child in need episode, child protection plan or looked-after episode),
with the allocated worker and how to reach them, and when that ends.

An alert joins two records of one person: the practice's registration (child health system)
and the social care record. Sending one about the wrong child is the harm to avoid, so an
alert is sent only when both records' match probabilities reach a high threshold; the rest
go to review (`decision = "review"`), never to the practice, until a person decides whether
the two records are the same child (`apply_reviews`): "same" sends the alert, "different"
drops it.

Alerts are worked out from one snapshot on one date: `started` for a child with an open
status on the date (the highest of looked after, child protection, child in need), `ended`
for a child whose statuses all ended in the `ended_days` before it. Which alerts a practice
has already had is the web app's record (the history), not this module's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import duckdb

from joinedup.views import queries
from joinedup.views.common import AsDict, age_on, name_of

Row = Mapping[str, Any]
Kind = Literal["started", "ended"]
Decision = Literal["send", "review"]
RANK = {"cla": 3, "cp": 2, "cin": 1}
LABELS = {"cla": "Looked after", "cp": "Child protection plan", "cin": "Child in need"}


@dataclass(frozen=True, slots=True)
class GpAlertSettings:
    """Where registrations and statuses come from, and how sure a match must be."""

    registration_event: str = "gp_registration"
    # The live case system only: the CIN census and SSDA903 returns are year-end snapshots
    # whose "open" episodes may have closed since.
    sources: tuple[str, ...] = ("csc_case_system",)
    status_of: Mapping[str, str] = field(default_factory=lambda: {
        "Child in need episode": "cin", "Looked after child": "cla",
        "cp_plan": "cp", "cla_episode": "cla"})
    threshold: float = 0.95
    ended_days: int = 90
    max_age: int = 17


@dataclass(frozen=True, slots=True)
class GpAlert(AsDict):
    practice: str
    person_id: str
    nhs_number: str | None  # as the practice's registration record holds it
    child_name: str
    dob: dt.date | None
    kind: Kind
    status: str  # cin, cp or cla
    status_label: str
    since: dt.date | None
    ended: dt.date | None
    worker_name: str | None
    worker_role: str | None
    team: str | None
    worker_phone: str | None
    worker_email: str | None
    confidence: float  # the weaker of the two records' match probabilities
    decision: Decision
    registration_record: tuple[str, str]
    social_care_record: tuple[str, str]


def gp_alerts(con: duckdb.DuckDBPyConnection, *, on: dt.date | None = None,
              settings: GpAlertSettings | None = None) -> list[GpAlert]:
    """Every alert on `on` (default: the snapshot's newest data date), sent and for review."""
    settings = settings or GpAlertSettings()
    queries.require_linked(con)
    on = on or queries.reference_date(con)
    since = on - dt.timedelta(days=settings.ended_days)
    registrations = queries.gp_registrations(con, settings.registration_event, on)
    plan_events = [k for k in settings.status_of if k in ("cp_plan", "cla_episode")]
    spells = queries.social_care_spells(con, list(settings.sources), plan_events, since, on)
    children = sorted({str(s["person_id"]) for s in spells})
    people = queries.people(con, children)
    return assemble_alerts(registrations, spells, people, on=on, settings=settings)


def assemble_alerts(registrations: Sequence[Row], spells: Sequence[Row], people: Sequence[Row],
                    *, on: dt.date, settings: GpAlertSettings) -> list[GpAlert]:
    """Pure: the alerts from the query rows, by practice then child."""
    reg_by: dict[str, list[Row]] = defaultdict(list)
    for r in registrations:
        reg_by[str(r["person_id"])].append(r)
    spells_by: dict[str, list[Row]] = defaultdict(list)
    for s in spells:
        if str(s["type"]) in settings.status_of:
            spells_by[str(s["person_id"])].append(s)
    person_by = {str(p["person_id"]): p for p in people}
    alerts: list[GpAlert] = []
    for person_id, mine in sorted(spells_by.items()):
        person = person_by.get(person_id, {})
        age = age_on(person.get("dob"), on)
        if age is None or age > settings.max_age:
            continue
        alert = _alert_for(person_id, person, mine, reg_by.get(person_id, []), on, settings)
        if alert is not None:
            alerts.append(alert)
    return sorted(alerts, key=lambda a: (a.practice, a.kind, a.person_id))


def _open(spell: Row, on: dt.date) -> bool:
    end = spell.get("end_date")
    return (end is None or end > on) and spell.get("status") != "closed"


def _alert_for(person_id: str, person: Row, spells: list[Row], registrations: list[Row],
               on: dt.date, settings: GpAlertSettings) -> GpAlert | None:
    if not registrations:
        return None
    current = [s for s in spells if _open(s, on)]
    kind: Kind = "started" if current else "ended"
    chosen = current or spells
    top = max(chosen, key=lambda s: (RANK[settings.status_of[str(s["type"])]],
                                     s["start_date"] or dt.date.min))
    status = settings.status_of[str(top["type"])]
    # The allocated worker: from the status's own involvement, else any open one that names
    # a worker (a plan event carries none).
    worker = next((s for s in [top, *chosen] if s.get("worker_name")), {})
    registration = max(registrations, key=lambda r: (r["registered_from"] or dt.date.min))
    confidence = min(_prob(registration), _prob(top))
    ended = None if current else max((s["end_date"] for s in spells if s.get("end_date")),
                                     default=None)
    return GpAlert(
        practice=str(registration["practice"]), person_id=person_id,
        nhs_number=registration.get("nhs_number"),
        child_name=name_of(person.get("first_name"), person.get("surname")),
        dob=person.get("dob"), kind=kind, status=status, status_label=LABELS[status],
        since=min((s["start_date"] for s in chosen if s.get("start_date")), default=None),
        ended=ended, worker_name=worker.get("worker_name"),
        worker_role=worker.get("worker_role"), team=worker.get("team"),
        worker_phone=worker.get("worker_phone"), worker_email=worker.get("worker_email"),
        confidence=round(confidence, 4),
        decision="send" if confidence >= settings.threshold else "review",
        registration_record=(str(registration["source"]), str(registration["source_record_id"])),
        social_care_record=(str(top["source"]), str(top["source_record_id"])))


def _prob(row: Row) -> float:
    value = row.get("match_probability")
    return float(value) if value is not None else 0.0


RecordKey = tuple[str, str]
Review = tuple[RecordKey, RecordKey, str]
"""A person's decision on two records: (record, record, "same" or "different")."""


def apply_reviews(alerts: Sequence[GpAlert], reviews: Iterable[Review]) -> list[GpAlert]:
    """Pure: the alerts after people's decisions on their two records (the registration and
    the social care record, in either order). "same" sends an alert held for review;
    "different" drops the alert, sent or held: it would be about the wrong child. A later
    decision on the same pair replaces an earlier one."""
    decided = {frozenset((left, right)): decision for left, right, decision in reviews}
    out: list[GpAlert] = []
    for alert in alerts:
        decision = decided.get(frozenset((alert.registration_record, alert.social_care_record)))
        if decision == "different":
            continue
        if decision == "same" and alert.decision == "review":
            alert = replace(alert, decision="send")
        out.append(alert)
    return out


def held(alerts: Sequence[GpAlert]) -> list[GpAlert]:
    """The alerts waiting for a person's decision, least sure first."""
    return sorted((a for a in alerts if a.decision == "review"),
                  key=lambda a: (a.confidence, a.practice, a.person_id))


CSV_COLUMNS = ("practice", "nhs_number", "child_name", "dob", "kind", "status_label", "since",
               "ended", "worker_name", "worker_role", "team", "worker_phone", "worker_email")
"""The export a practice system imports: one row per sent alert, NHS number as the key."""


REVIEW_CSV_COLUMNS = (*CSV_COLUMNS, "person_id", "confidence", "registration_record",
                      "social_care_record")
"""The alerts held for review, for the council's reviewers: never sent to a practice."""


def csv_rows(alerts: Sequence[GpAlert], *, for_review: bool = False) -> list[dict[str, str]]:
    """Sent alerts only (or, `for_review`, held ones only, with the person, the confidence
    and the two records as source:record), as text (ISO dates, empty for none)."""
    wanted = "review" if for_review else "send"
    columns = REVIEW_CSV_COLUMNS if for_review else CSV_COLUMNS
    out = []
    for alert in alerts:
        if alert.decision != wanted:
            continue
        data = alert.as_dict()
        data["registration_record"] = ":".join(alert.registration_record)
        data["social_care_record"] = ":".join(alert.social_care_record)
        out.append({k: "" if data[k] is None else str(data[k]) for k in columns})
    return out
