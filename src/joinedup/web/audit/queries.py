"""Questions auditors ask of the log: who looked at this person, what did this user look at,
and whose access looks unusual. Named queries for the auditor pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

from joinedup.web.audit.models import AuditEvent

# Actions that show something about one person.
PERSON_ACTIONS = ("person_view", "card_expand", "family_view", "timeline_view", "explain_view",
                  "review_view", "review_decision")

FamilyOf = Callable[[Sequence[str]], Mapping[str, str]]
AreasOf = Callable[[Sequence[str]], Mapping[str, frozenset[str]]]


@dataclass(frozen=True, slots=True)
class Access:
    seq: int
    at: dt.datetime
    username: str
    role: str
    action: str
    person_id: str
    reason: str
    case_reference: str


@dataclass(frozen=True, slots=True)
class ManyFamilies:
    username: str
    day: dt.date
    people: int
    families: int


@dataclass(frozen=True, slots=True)
class OutsideArea:
    username: str
    person_id: str
    area: str
    at: dt.datetime


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight in the app's time zone (Europe/London), as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


def _accesses(**filters: object) -> list[Access]:
    rows = (AuditEvent.objects.filter(action__in=PERSON_ACTIONS, **filters).order_by("seq")
            .values_list("seq", "at", "username", "role", "action", "person_id", "reason",
                         "case_reference"))
    return [Access(*row) for row in rows]


def who_viewed(person_id: str, since: dt.datetime | None = None,
               until: dt.datetime | None = None) -> list[Access]:
    """Every event that showed something about one person, oldest first: the person-level
    views of them, and the pages that listed them among others (a family page showing a
    sibling, search results, the named pupils behind a dashboard figure, a GP practice's
    alerts, a discount review naming the adults at an address), whose events carry the
    people shown in ``person_ids``. A subject access request must see those too."""
    filters: dict[str, object] = {}
    if since is not None:
        filters["at__gte"] = since
    if until is not None:
        filters["at__lt"] = until
    direct = _accesses(person_id=person_id, **filters)
    seen = {access.seq for access in direct}
    # The JSON text is searched first so that only the few events naming the person are
    # read; the list itself decides (an id inside another field does not count).
    rows = (AuditEvent.objects.filter(detail__icontains=person_id, **filters)
            .exclude(seq__in=seen).order_by("seq")
            .values_list("seq", "at", "username", "role", "action", "reason",
                         "case_reference", "detail"))
    listed = [Access(seq, at, username, role, action, person_id, reason, case_reference)
              for seq, at, username, role, action, reason, case_reference, detail in rows
              if isinstance(detail, dict) and person_id in (detail.get("person_ids") or ())]
    return sorted([*direct, *listed], key=lambda access: access.seq)


def what_user_viewed(username: str, since: dt.datetime | None = None,
                     until: dt.datetime | None = None) -> list[Access]:
    """Every person-level event by one user, oldest first."""
    filters: dict[str, object] = {"username": username}
    if since is not None:
        filters["at__gte"] = since
    if until is not None:
        filters["at__lt"] = until
    return _accesses(**filters)


def _own_family(person_ids: Sequence[str]) -> Mapping[str, str]:
    return {p: p for p in person_ids}


def many_unrelated_families(day: dt.date, *, threshold: int = 20,
                            family_of: FamilyOf | None = None) -> list[ManyFamilies]:
    """Users who opened more than ``threshold`` distinct families in a day.

    ``family_of`` maps person ids to a family or household key (from the warehouse); people
    in one family count once, so a worker going through a large family is not flagged.
    Without it every person is their own family.
    """
    start, end = day_bounds(day)
    seen: dict[str, set[str]] = defaultdict(set)
    for username, person_id in (AuditEvent.objects
                                .filter(action__in=PERSON_ACTIONS, at__gte=start, at__lt=end)
                                .exclude(person_id="").order_by()
                                .values_list("username", "person_id").distinct()):
        seen[username].add(person_id)
    everyone = sorted({p for people in seen.values() for p in people})
    families = (family_of or _own_family)(everyone)
    flagged = []
    for username, people in sorted(seen.items()):
        distinct = {families.get(p, p) for p in people}
        if len(distinct) > threshold:
            flagged.append(ManyFamilies(username, day, len(people), len(distinct)))
    return flagged


def _profile_areas(usernames: Sequence[str]) -> Mapping[str, frozenset[str]]:
    from joinedup.web.accounts.models import Profile

    rows = Profile.objects.filter(user__username__in=usernames).values_list(
        "user__username", "areas")
    return {name: frozenset(a.strip() for a in areas.split(",") if a.strip())
            for name, areas in rows}


def outside_team_area(day: dt.date, *, areas_of: AreasOf | None = None) -> list[OutsideArea]:
    """Person-level views of people living outside the viewer's team area.

    A user with no areas on their profile covers the whole authority and is never listed;
    events without a recorded area (an address unknown at the time) are not listed either.
    """
    start, end = day_bounds(day)
    rows = list(AuditEvent.objects
                .filter(action__in=PERSON_ACTIONS, at__gte=start, at__lt=end)
                .exclude(area="").order_by("seq")
                .values_list("username", "person_id", "area", "at"))
    areas = (areas_of or _profile_areas)(sorted({r[0] for r in rows}))
    return [OutsideArea(username, person_id, area, at)
            for username, person_id, area, at in rows
            if areas.get(username) and area not in areas[username]]
