"""Service cards as one role may see them: the fields the access policy gives the role for
each service, and nothing else.

The filtering happens here, on the data, before any template or JSON sees it: a template
cannot show a field the role may not see, because the value is not there. The person page
shows each card's status (`CardView`); the key worker, contact, dates and key facts come
only from the card's own expansion (`CardDetail`), which is fetched and audited separately.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from joinedup.access import Policy, visible_fields
from joinedup.context import KeyFact, ServiceCard
from joinedup.context.common import AsDict

STATUS_LABELS = {"current": "Current", "historic": "Historic", "none": "None found"}
STATUS_TAGS = {"current": "govuk-tag--green", "historic": "govuk-tag--blue",
               "none": "govuk-tag--grey"}
EXPANDABLE_FIELDS = ("key_worker", "contact", "dates", "facts")
EXPANSION_WORDS = {"key_worker": "key worker", "contact": "contact details", "dates": "dates",
                   "facts": "key facts"}


@dataclass(frozen=True, slots=True)
class SourceView(AsDict):
    source: str
    system: str | None
    data_current_as_of: dt.date | None
    holds_records: bool


@dataclass(frozen=True, slots=True)
class CardView(AsDict):
    """What the person page shows of a card: the `status` field."""

    service: str
    label: str
    status: str
    status_label: str
    correct_as_of: dt.date | None
    since: dt.date | None
    connected: bool
    sources: tuple[SourceView, ...]
    fields: tuple[str, ...]
    """The fields the role sees on this card (policy order)."""
    expandable: bool
    """Whether the expansion has anything for this role (fields beyond status, and the
    service holds records of the person)."""

    @property
    def tag_classes(self) -> str:
        return STATUS_TAGS.get(self.status, "govuk-tag--grey")

    @property
    def expansion_label(self) -> str:
        """What the expansion shows, in words: "Key worker, contact details and dates"."""
        words = [EXPANSION_WORDS[f] for f in EXPANDABLE_FIELDS if f in self.fields]
        text = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class WorkerView(AsDict):
    name: str
    role: str | None
    team: str | None
    organisation: str | None
    phone: str | None
    """Only with the `contact` field."""
    email: str | None
    since: dt.date | None


@dataclass(frozen=True, slots=True)
class InvolvementView(AsDict):
    involvement_type: str
    source: str
    system: str
    """The source's system, in words."""
    start_date: dt.date | None
    end_date: dt.date | None
    current: bool
    open: bool
    reason: str | None
    """Only with the `facts` field."""
    outcome: str | None
    """Only with the `facts` field."""


@dataclass(frozen=True, slots=True)
class FactView(AsDict):
    label: str
    text: str
    date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True, slots=True)
class CardDetail(AsDict):
    """A card's expansion: only the fields the role sees are filled in."""

    card: CardView
    shows_key_worker: bool
    key_worker: WorkerView | None
    shows_dates: bool
    last_activity: dt.date | None
    involvements: tuple[InvolvementView, ...]
    shows_facts: bool
    facts: tuple[FactView, ...]


def card_view(role: str, card: ServiceCard, policy: Policy | None = None) -> CardView:
    fields = visible_fields(role, card.service, policy)
    return CardView(
        service=card.service, label=card.label, status=card.status,
        status_label=STATUS_LABELS.get(card.status, card.status),
        correct_as_of=card.correct_as_of, since=card.since, connected=card.connected,
        sources=tuple(SourceView(s.source, s.system, s.data_current_as_of, s.holds_records)
                      for s in card.sources),
        fields=fields,
        expandable=card.status != "none" and any(f in fields for f in EXPANDABLE_FIELDS),
    )


def card_detail(role: str, card: ServiceCard, policy: Policy | None = None) -> CardDetail:
    view = card_view(role, card, policy)
    fields = set(view.fields)
    worker = card.key_worker
    contact = "contact" in fields
    key_worker = WorkerView(
        worker.name, worker.role, worker.team, worker.organisation,
        worker.phone if contact else None, worker.email if contact else None, worker.since,
    ) if worker is not None and "key_worker" in fields else None
    facts = "facts" in fields
    systems = {s.source: s.system or s.source for s in card.sources}
    involvements = tuple(InvolvementView(
        i.involvement_type, i.source, systems.get(i.source, i.source), i.start_date,
        i.end_date, i.current, i.open,
        i.reason if facts else None, i.outcome if facts else None)
        for i in card.involvements) if "dates" in fields else ()
    return CardDetail(
        card=view, shows_key_worker="key_worker" in fields, key_worker=key_worker,
        shows_dates="dates" in fields,
        last_activity=card.last_activity if "dates" in fields else None,
        involvements=involvements, shows_facts=facts,
        facts=tuple(_fact(f) for f in card.facts) if facts else (),
    )


def _fact(fact: KeyFact) -> FactView:
    return FactView(fact.label, fact.text, fact.date, fact.end_date)
