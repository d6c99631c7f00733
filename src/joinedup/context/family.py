"""Family and household: the people around a person, from the link run's family network.

Reads `family_edge` (relationships declared by sources, inferred siblings, co-residence) and
`household` / `household_member` (see linkage/families.py and linkage/households.py) through
the per-person context tables. Relationships are turned to face the person: a member whose
edge says "parent of" the person is their ``parent``; one the person is parent of is their
``child`` (likewise ``carer`` and ``cared_for``). Residents of a communal establishment (a
care home, a hostel) are not listed as the person's household.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import duckdb

from joinedup.context.common import AsDict, age_on, full_name, require_person
from joinedup.context.tables import Row, rows

RELATIONSHIPS: dict[str, str] = {
    "parent": "Parent",
    "carer": "Carer",
    "partner": "Partner",
    "sibling": "Sibling",
    "child": "Child",
    "cared_for": "Cared for",
    "household_member": "Lives or lived with",
}
"""What a member is to the person, in the order members are listed."""


@dataclass(frozen=True, slots=True)
class FamilyMember(AsDict):
    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    date_of_death: dt.date | None
    relationship: str
    """The strongest relationship (highest confidence): a key of `RELATIONSHIPS`."""
    relationship_label: str
    relationships: tuple[str, ...]
    """Every relationship the sources give between the two."""
    sources: tuple[str, ...]
    confidence: float | None
    evidence: str | None
    """declared, both (declared and lived together), inferred or co-resident."""
    co_resident: bool
    """Lived together at some time."""
    lives_with: bool
    """Both are current members of one household."""
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Resident(AsDict):
    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    current: bool
    sources: tuple[str, ...]
    relationship: str | None
    """What they are to the person, when the family network says."""


@dataclass(frozen=True, slots=True)
class Household(AsDict):
    household_id: str
    address: str | None
    postcode: str | None
    uprn: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    communal: bool
    current: bool
    """The person lives there now."""
    moved_in: dt.date | None
    moved_out: dt.date | None
    sources: tuple[str, ...]
    """The sources placing the person there."""
    residents: tuple[Resident, ...]
    """Everyone else who lived there while it was this household."""


@dataclass(frozen=True, slots=True)
class Family(AsDict):
    person_id: str
    available: bool
    """Whether the snapshot has household and family tables (a link run made them)."""
    members: tuple[FamilyMember, ...]
    households: tuple[Household, ...]


def _rank(relationship: str) -> int:
    order = list(RELATIONSHIPS)
    return order.index(relationship) if relationship in order else len(order)


def _member(rows_of_member: list[Row], today: dt.date, lives_with: bool) -> FamilyMember:
    best = max(rows_of_member, key=lambda r: (r["confidence"] or 0.0, -_rank(r["relationship"])))
    starts = [r["start_date"] for r in rows_of_member if r["start_date"] is not None]
    ends = [r["end_date"] for r in rows_of_member]
    relationships = sorted({r["relationship"] for r in rows_of_member}, key=_rank)
    return FamilyMember(
        person_id=best["member_id"],
        name=full_name(best["member_first_name"], best["member_surname"]),
        dob=best["member_dob"],
        age=age_on(best["member_dob"], today, best["member_date_of_death"]),
        date_of_death=best["member_date_of_death"], relationship=best["relationship"],
        relationship_label=RELATIONSHIPS.get(best["relationship"], str(best["relationship"])),
        relationships=tuple(relationships),
        sources=tuple(sorted({s for r in rows_of_member for s in (r["sources"] or [])})),
        confidence=best["confidence"], evidence=best["evidence"],
        co_resident=any(r["co_resident"] for r in rows_of_member), lives_with=lives_with,
        start_date=min(starts) if starts else None,
        end_date=None if any(e is None for e in ends) else max(e for e in ends if e))


def _households(found: list[Row], person_id: str, today: dt.date,
                related: dict[str, str]) -> tuple[Household, ...]:
    by_household: dict[str, list[Row]] = defaultdict(list)
    for row in found:
        by_household[row["household_id"]].append(row)
    result = []
    for household_id, group in by_household.items():
        first = group[0]
        residents = sorted((Resident(
            r["member_id"], full_name(r["member_first_name"], r["member_surname"]),
            r["member_dob"], age_on(r["member_dob"], today, r["member_date_of_death"]),
            r["member_start"], r["member_end"], bool(r["member_current"]),
            tuple(r["member_sources"] or ()), related.get(r["member_id"]))
            for r in group if r["member_id"] != person_id),
            key=lambda m: (not m.current, m.dob or dt.date.max, m.person_id))
        result.append(Household(
            household_id, first["address"], first["postcode"], first["uprn"],
            first["household_start"], first["household_end"], bool(first["communal"]),
            bool(first["current"]), first["start_date"], first["end_date"],
            tuple(first["sources"] or ()), tuple(residents)))
    return tuple(sorted(result, key=lambda h: (
        not h.current, -(h.moved_in.toordinal() if h.moved_in else 0), h.household_id)))


def family(con: duckdb.DuckDBPyConnection, person_id: str, *, today: dt.date) -> Family:
    """The person's family members and households (empty, with `available` false, when the
    snapshot was linked before households were built)."""
    require_person(con, person_id)
    available = bool(rows(con, "SELECT has_family FROM context_info")[0]["has_family"])
    edges = rows(con, "SELECT * FROM context_family WHERE person_id = ? "
                      "ORDER BY member_id, relationship", [person_id])
    stays = rows(con, "SELECT * FROM context_household WHERE person_id = ? "
                      "ORDER BY household_id, member_id", [person_id])
    together = {r["member_id"] for r in stays
                if r["current"] and r["member_current"] and not r["communal"]}
    by_member: dict[str, list[Row]] = defaultdict(list)
    for row in edges:
        by_member[row["member_id"]].append(row)
    members = [_member(group, today, member in together) for member, group in by_member.items()]
    members.sort(key=lambda m: (_rank(m.relationship), not m.lives_with, m.dob or dt.date.max,
                                m.person_id))
    related = {m.person_id: m.relationship for m in members}
    return Family(person_id, available, tuple(members),
                  _households(stays, person_id, today, related))
