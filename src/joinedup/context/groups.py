"""Which of a set of people belong to one family, for the auditors' unusual-access report.

A practitioner working with a large family opens many person pages in a day; that is not
unusual. The report counts families, not people: two people are in one family when the family
network (`context_family`: declared relationships and co-residence, from `family_edge`)
connects them, directly or through others in the same set.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from joinedup.context.tables import rows


def _root(parent: dict[str, str], person: str) -> str:
    while parent[person] != person:
        parent[person] = parent[parent[person]]
        person = parent[person]
    return person


def family_groups(con: duckdb.DuckDBPyConnection, person_ids: Sequence[str]) -> dict[str, str]:
    """Each of ``person_ids`` mapped to a family key: the smallest id of the people in the set
    that the family network connects it to (itself when none). Only edges between two people
    of the set count, so the answer depends on the set, not on the whole borough."""
    people = sorted(set(person_ids))
    parent = {p: p for p in people}
    if len(people) > 1:
        edges = rows(con, "SELECT DISTINCT person_id, member_id FROM context_family "
                          "WHERE person_id IN (SELECT unnest(?)) "
                          "AND member_id IN (SELECT unnest(?))", [people, people])
        for edge in edges:
            first, second = _root(parent, edge["person_id"]), _root(parent, edge["member_id"])
            if first != second:
                parent[max(first, second)] = min(first, second)
    return {p: _root(parent, p) for p in people}
