"""What the pages and the API share: ranked search, result rows and the golden record, each
cut down to what one role may see.

A role sees a person when the access policy lets it (`can_view_person`: the adult social
worker only people aged 16 or over); search leaves everyone else out of the results. Of a
person it sees the services `visible_services` allows for the person's age, and the identity
values (names, dates of birth, identifiers, addresses) as those services' sources record them:
a value known only from a source whose service the role may not see (the police, for a
child) is left out, and so is the name of that source. The golden record itself (the name,
date of birth and address the person is known by) is always shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
from django.utils import timezone

from joinedup.access import can_view_person, visible_services
from joinedup.context import (
    AddressSighting,
    PersonBrief,
    PersonSummary,
    Sighting,
    ValueVariant,
    person_briefs,
)
from joinedup.context.common import AsDict, full_name
from joinedup.linkage.model import LinkageError
from joinedup.model.codes import SERVICES
from joinedup.web.familycontext.forms import query_from_terms
from joinedup.web.familycontext.served import SERVED

SHOWN = 20
"""Result rows shown for one search."""
CANDIDATES = 60
"""People asked of the index, so that rows the role may not see still leave SHOWN to show."""


class SearchProblem(Exception):
    """The search cannot run as typed (nothing to search on); the message says what to add."""


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True, slots=True)
class ResultRow(AsDict):
    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    date_of_death: dt.date | None
    address: str | None
    postcode: str | None
    services: tuple[str, ...]
    """Card services holding records of the person that the role may see."""
    service_labels: tuple[str, ...]


def ranked_person_ids(terms: dict[str, str]) -> list[str]:
    """People the terms may be, best first, by the matching model (not by role)."""
    index = SERVED.search_index()
    try:
        found = index.search(query_from_terms(terms), limit=CANDIDATES)
    except LinkageError as exc:
        raise SearchProblem(
            "Add a surname, a full date of birth, a postcode, an NHS number, a UPN or a case "
            "ID: there is not enough in what you typed to search on") from exc
    return [c.person_id for c in found]


def result_rows(con: duckdb.DuckDBPyConnection, role: str, person_ids: Sequence[str], *,
                on: dt.date, limit: int = SHOWN) -> list[ResultRow]:
    """The result rows of the people the role may see, in the given order (one query)."""
    briefs = person_briefs(con, person_ids, today=on)
    rows: list[ResultRow] = []
    for person_id in person_ids:
        brief = briefs.get(person_id)
        if brief is None or not can_view_person(role, brief.age):
            continue
        allowed = set(visible_services(role, brief.age))
        services = tuple(s for s in brief.services if s in allowed)
        rows.append(ResultRow(brief.person_id, brief.name, brief.dob, brief.age,
                              brief.date_of_death, brief.address, brief.postcode, services,
                              tuple(SERVICES[s] for s in services)))
        if len(rows) == limit:
            break
    return rows


@dataclass(frozen=True, slots=True)
class SeenIn(AsDict):
    """One source system stating a value: how many of its records do, and the latest date."""

    source: str
    system: str
    records: int
    latest: dt.date | None


@dataclass(frozen=True, slots=True)
class IdentityValue(AsDict):
    value: str
    golden: bool
    seen_in: tuple[SeenIn, ...]


@dataclass(frozen=True, slots=True)
class AddressView(AsDict):
    address: str | None
    postcode: str | None
    current: bool
    from_date: dt.date | None
    to_date: dt.date | None
    seen_in: tuple[SeenIn, ...]


@dataclass(frozen=True, slots=True)
class Identity(AsDict):
    """The golden record and every identity value the role's services record."""

    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    sex: str | None
    date_of_death: dt.date | None
    address: str | None
    postcode: str | None
    nhs_number: str | None
    upn: str | None
    services: tuple[str, ...]
    """The card services the role sees for this person."""
    names: tuple[IdentityValue, ...]
    dates_of_birth: tuple[IdentityValue, ...]
    nhs_numbers: tuple[IdentityValue, ...]
    upns: tuple[IdentityValue, ...]
    addresses: tuple[AddressView, ...]


def _seen_in(sightings: Iterable[Sighting | AddressSighting], systems: dict[str, str],
             allowed: set[str]) -> tuple[SeenIn, ...]:
    by_source: dict[str, list[dt.date | None]] = {}
    for sighting in sightings:
        if sighting.source not in allowed:
            continue
        day = (sighting.recorded_date if isinstance(sighting, Sighting)
               else sighting.recorded_date or sighting.end_date or sighting.start_date)
        by_source.setdefault(sighting.source, []).append(day)
    seen = [SeenIn(source, systems.get(source, source), len(days),
                   max((d for d in days if d is not None), default=None))
            for source, days in by_source.items()]
    return tuple(sorted(seen, key=lambda s: (-(s.latest or dt.date.min).toordinal(), s.system)))


def _text(value: object) -> str:
    return f"{value.day} {value:%B %Y}" if isinstance(value, dt.date) else str(value)


def identity(role: str, summary: PersonSummary) -> Identity:
    """The golden record and the identity values the role may see (module docstring)."""
    services = visible_services(role, summary.age)
    allowed = {s.source for s in summary.sources if s.service in services}
    systems = {s.source: s.system or s.source for s in summary.sources}

    def shown(text: str, golden: bool, sightings: Iterable[Sighting]) -> list[IdentityValue]:
        seen = _seen_in(sightings, systems, allowed)
        return [IdentityValue(text, golden, seen)] if seen or golden else []

    def values(variants: Iterable[ValueVariant], golden: object) -> tuple[IdentityValue, ...]:
        return tuple(item for v in variants
                     for item in shown(_text(v.value), _same(v.value, golden), v.sightings))

    # The golden name is the first variant with the golden first name and surname (the
    # context package puts it first); others with the same two names differ in middle names.
    golden_name = summary.name.casefold()
    golden_at = next((i for i, v in enumerate(summary.names)
                      if full_name(v.first_name, v.surname).casefold() == golden_name), None)
    names = tuple(item for i, v in enumerate(summary.names)
                  for item in shown(v.name, i == golden_at, v.sightings))
    addresses = tuple(
        AddressView(a.address, a.postcode, a.current, a.from_date, a.to_date,
                    _seen_in(a.sightings, systems, allowed))
        for a in summary.addresses)
    return Identity(
        person_id=summary.person_id, name=summary.name, dob=summary.dob, age=summary.age,
        sex=summary.sex, date_of_death=summary.date_of_death, address=summary.address,
        postcode=summary.postcode, nhs_number=summary.nhs_number, upn=summary.upn,
        services=services, names=names,
        dates_of_birth=values(summary.dates_of_birth, summary.dob),
        nhs_numbers=values(summary.nhs_numbers, summary.nhs_number),
        upns=values(summary.upns, summary.upn),
        addresses=tuple(a for a in addresses if a.seen_in or a.current),
    )


def _same(value: object, golden: object) -> bool:
    if isinstance(value, str) and isinstance(golden, str):
        return value.replace(" ", "").upper() == golden.replace(" ", "").upper()
    return value == golden


def brief_of(summary: PersonSummary) -> PersonBrief:
    """The person header's data, from a summary already read."""
    return PersonBrief(summary.person_id, summary.name, summary.dob, summary.age, summary.sex,
                       summary.date_of_death, summary.address, summary.postcode,
                       summary.services)
