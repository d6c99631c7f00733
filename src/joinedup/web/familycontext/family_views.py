"""Family and household, and the timeline.

**Who is shown on the family page.** Each family member and household resident is shown with
their name, date of birth and a link to their own pages only when the user's role may open
those pages (`can_view_person`: an adult social worker sees people aged 16 or over). Anyone
else is listed by relationship only: "not shown", with whether they live with the person,
and no name, date of birth, sources or link. That a parent has a young child at home matters
to an adult's worker (a young carer, a safeguarding risk); who the child is is not theirs to
see. The sources named are those of services the role may see for the person.

**Timeline.** The events of the services whose cards give the role the ``timeline`` field
and that the person's age allows; the filter is a GET form of service codes only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import can_view_person, visible_fields, visible_services
from joinedup.context import RELATIONSHIPS, Family, family, timeline
from joinedup.context.cards import Freshness
from joinedup.model.codes import SERVICES
from joinedup.web.accounts.reason import requires_reason
from joinedup.web.audit.record import record
from joinedup.web.familycontext import people
from joinedup.web.familycontext.access import warehouse_guard
from joinedup.web.familycontext.network import Node, network_svg
from joinedup.web.familycontext.personpage import brief_or_404, header, source_labels, sources
from joinedup.web.familycontext.served import SERVED

EVIDENCE = {
    "declared": "Recorded by a service",
    "both": "Recorded by a service, and lived together",
    "inferred": "Worked out from other relationships",
    "co-resident": "Lived at the same address",
}


@dataclass(frozen=True, slots=True)
class MemberRow:
    person_id: str | None
    """None for someone the user may not see."""
    name: str
    dob: dt.date | None
    age: int | None
    date_of_death: dt.date | None
    relationship: str
    lives_with: bool
    sources: tuple[str, ...]
    confidence: int | None
    """Per cent."""
    evidence: str


@dataclass(frozen=True, slots=True)
class ResidentRow:
    person_id: str | None
    name: str
    age: int | None
    relationship: str
    start_date: dt.date | None
    end_date: dt.date | None
    current: bool


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    address: str
    current: bool
    moved_in: dt.date | None
    moved_out: dt.date | None
    sources: tuple[str, ...]
    residents: tuple[ResidentRow, ...]


NOT_SHOWN = "Not shown to your role"


def _members(role: str, found: Family, known: dict[str, Freshness],
             services: tuple[str, ...]) -> list[MemberRow]:
    rows = []
    for m in found.members:
        seen = can_view_person(role, m.age)
        rows.append(MemberRow(
            m.person_id if seen else None, m.name if seen else NOT_SHOWN,
            m.dob if seen else None, m.age if seen else None,
            m.date_of_death if seen else None, m.relationship_label, m.lives_with,
            source_labels(known, m.sources, services) if seen else (),
            round(m.confidence * 100) if seen and m.confidence is not None else None,
            EVIDENCE.get(m.evidence or "", m.evidence or "") if seen else ""))
    return rows


def _households(role: str, found: Family, known: dict[str, Freshness],
                services: tuple[str, ...]) -> list[HouseholdRow]:
    out = []
    for h in found.households:
        residents = tuple(ResidentRow(
            r.person_id if can_view_person(role, r.age) else None,
            r.name if can_view_person(role, r.age) else NOT_SHOWN,
            r.age if can_view_person(role, r.age) else None,
            RELATIONSHIPS.get(r.relationship or "", "Lived at the same address"),
            r.start_date, r.end_date, r.current) for r in h.residents)
        address = ", ".join(p for p in (h.address, h.postcode) if p)
        out.append(HouseholdRow(address or "Address not recorded", h.current, h.moved_in,
                                h.moved_out, source_labels(known, h.sources, services),
                                residents))
    return out


@require_GET
@requires_reason
@warehouse_guard
def family_page(request: HttpRequest, pid: str) -> HttpResponse:
    with SERVED.cursor() as (_, con):
        brief, role = brief_or_404(request, con, pid)
        found = family(con, pid, today=people.today())
        known = sources(con)
    services = visible_services(role, brief.age)
    members = _members(role, found, known, services)
    households = _households(role, found, known, services)
    shown_ids = sorted({m.person_id for m in members if m.person_id}
                       | {r.person_id for h in households for r in h.residents if r.person_id})
    record(request, "family_view", pid, person_ids=shown_ids)
    nodes = [Node(m.name, m.relationship, m.lives_with, m.person_id is not None)
             for m in members]
    return render(request, "familycontext/family.html", {
        **header(request, brief, "family"), "available": found.available, "members": members,
        "households": households, "network": network_svg(brief.name, nodes),
    })


def timeline_services(role: str, age: int | None) -> tuple[str, ...]:
    """The services whose events the role sees on this person's timeline."""
    return tuple(s for s in visible_services(role, age) if "timeline" in visible_fields(role, s))


@require_GET
@requires_reason
@warehouse_guard
def timeline_page(request: HttpRequest, pid: str) -> HttpResponse:
    with SERVED.cursor() as (_, con):
        brief, role = brief_or_404(request, con, pid)
        allowed = timeline_services(role, brief.age)
        asked = set(request.GET.getlist("service"))
        chosen = tuple(s for s in allowed if s in asked) or allowed
        entries = timeline(con, pid, services=chosen) if chosen else []
        known = sources(con)
    record(request, "timeline_view", pid, services=list(chosen), events=len(entries))
    return render(request, "familycontext/timeline.html", {
        **header(request, brief, "timeline"),
        "entries": [(e, known[e.source].system if e.source in known else e.source)
                    for e in entries],
        "choices": [(s, SERVICES[s], s in chosen) for s in allowed],
        "filtered": chosen != allowed,
        "allowed": allowed,
    })
