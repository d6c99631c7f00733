"""Source records as the explanation and review pages show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from joinedup.context import RecordLink
from joinedup.model.codes import SERVICES, SEX


@dataclass(frozen=True, slots=True)
class RecordView:
    number: int
    """Its place in the list the user sees: what the pair chooser and URLs use."""
    service: str
    system: str
    record_id: str
    name: str
    dob: dt.date | None
    sex: str
    address: str
    nhs_number: str
    upn: str
    recorded: dt.date | None
    probability: float | None
    linked_to: int | None
    """The number of the record it links to most strongly, when the user can see that one."""
    linked_probability: float | None


def record_views(records: Sequence[RecordLink]) -> list[RecordView]:
    number = {r.record_ref: n for n, r in enumerate(records, 1)}
    return [RecordView(
        number=n, service=SERVICES.get(r.service or "", r.service or "Unknown service"),
        system=r.system or r.source, record_id=r.source_record_id, name=r.name,
        dob=r.dob, sex=SEX.get(r.sex or "", r.sex or ""),
        address=", ".join(p for p in (r.address, r.postcode) if p),
        nhs_number=r.nhs_number or "", upn=r.upn or "", recorded=r.recorded_date,
        probability=r.match_probability,
        linked_to=number.get(r.linked_to or ""),
        linked_probability=r.linked_probability if r.linked_to in number else None,
    ) for n, r in enumerate(records, 1)]


def default_pair(views: Sequence[RecordView]) -> tuple[int, int] | None:
    """The first record's strongest visible link, else the first two records."""
    for view in views:
        if view.linked_to is not None:
            return view.number, view.linked_to
    return (1, 2) if len(views) >= 2 else None


def optional_url(name: str, *args: str) -> str | None:
    """A link to a page another app may or may not provide yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
