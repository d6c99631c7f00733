"""The timeline: every event any service recorded about the person, in date order.

Each source's events are listed as that source holds them: the same referral in the case
system and in the CIN census return shows twice, once per source, so nothing is hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from joinedup.context.common import AsDict, require_person
from joinedup.context.facts import Definitions, load_definitions
from joinedup.context.tables import rows
from joinedup.model.codes import SERVICES


@dataclass(frozen=True, slots=True)
class TimelineEntry(AsDict):
    date: dt.date
    end_date: dt.date | None
    service: str
    service_label: str
    event_type: str
    label: str
    """The event type's short name."""
    text: str
    """What the event says, in words (codes labelled)."""
    category: str | None
    value: Decimal | None
    detail: str | None
    source: str
    event_id: str
    involvement_id: str | None


def timeline(con: duckdb.DuckDBPyConnection, person_id: str,
             services: Iterable[str] | None = None, *, newest_first: bool = True,
             definitions: Definitions | None = None) -> list[TimelineEntry]:
    """The person's events, newest first (or oldest first), of the given services only when
    `services` is given (an empty set gives none)."""
    require_person(con, person_id)
    definitions = definitions or load_definitions()
    direction = "DESC" if newest_first else "ASC"
    wanted = None if services is None else sorted(set(services))
    found = rows(con, f"""
        SELECT * FROM context_event
        WHERE person_id = ? AND event_date IS NOT NULL
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], service))
        ORDER BY event_date {direction}, end_date {direction} NULLS LAST, service, source,
                 event_id
    """, [person_id, wanted, wanted])
    return [TimelineEntry(
        date=r["event_date"], end_date=r["end_date"], service=r["service"],
        service_label=SERVICES.get(r["service"], str(r["service"])), event_type=r["event_type"],
        label=definitions.label(r["event_type"]),
        text=definitions.text(r["event_type"], r["category"], r["value"], r["detail"],
                              r["end_date"]),
        category=r["category"], value=r["value"], detail=r["detail"], source=r["source"],
        event_id=r["event_id"], involvement_id=r["involvement_id"]) for r in found]
