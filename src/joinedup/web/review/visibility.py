"""Which source records and review pairs a role may see, under the access policy.

A source record says which service knows the person, which is the `status` of that service's
card; so on a person's "why" page a record is shown only when the role sees that service's
card for a person of that age (`joinedup.access.visible_services`), as on the person page. A
children's social worker never learns from it that the police hold a record of a
17-year-old. Records of sources with no service card (council tax) are not shown there.

A review pair is shown only to a role with the `match_review` capability that may open both
people, and only when it may see both records: a record of a card service under the same
card rule, or a record of a source with no card at all. Reviewers see those (council tax
records are about half of a borough's queue) because no decision can be made without them;
they hold names, dates of birth and addresses, not involvement with a service, and the
reviewer's `record_matching` purpose covers them. A record whose source has no known service
is never shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from joinedup.access import CARD_SERVICES, can_view_person, has_capability, visible_services
from joinedup.context import PersonBrief, RecordLink
from joinedup.linkage.review import ReviewItem

REVIEW_CAPABILITY = "match_review"


def can_review(role: str | None) -> bool:
    return role is not None and has_capability(role, REVIEW_CAPABILITY)


def visible_records(role: str, age: int | None,
                    records: Iterable[RecordLink]) -> list[RecordLink]:
    """The records the role may see for a person of this age, in the order given."""
    if not can_view_person(role, age):
        return []
    services = set(visible_services(role, age))
    return [r for r in records if r.service in services]


@dataclass(frozen=True, slots=True)
class VisibleItem:
    item: ReviewItem
    service_left: str
    service_right: str


def visible_items(role: str, items: Sequence[ReviewItem], people: Mapping[str, PersonBrief],
                  service_of: Mapping[str, str | None]) -> list[VisibleItem]:
    """Queue items whose two people and two records the role may see (people missing from
    ``people`` are not in the snapshot and are left out)."""
    cache: dict[str, frozenset[str] | None] = {}

    def services(person_id: str) -> frozenset[str] | None:
        if person_id not in cache:
            brief = people.get(person_id)
            cache[person_id] = (frozenset(visible_services(role, brief.age))
                                if brief is not None and can_view_person(role, brief.age)
                                else None)
        return cache[person_id]

    def sees(person_id: str, service: str | None) -> bool:
        allowed = services(person_id)
        return allowed is not None and service is not None and (
            service in allowed or service not in CARD_SERVICES)

    shown = []
    for item in items:
        service_left, service_right = service_of.get(item.left[0]), service_of.get(item.right[0])
        if sees(item.person_left, service_left) and sees(item.person_right, service_right):
            assert service_left is not None and service_right is not None
            shown.append(VisibleItem(item, service_left, service_right))
    return shown
