"""Stable person ids: who keeps which id when a new link run clusters the records again.

A person id, once issued, names the same person for as long as any of their records do: a
practitioner's bookmark, an audit entry or a review decision must not start pointing at
someone else because records were added or a run was repeated. So ids are never derived from
the clustering itself. Each new cluster inherits the previous id held by most of its records;
ties go to the older (lower-numbered) id, and every previous id goes to at most one cluster,
the one holding most of its records. Clusters with nothing to inherit get fresh numbers, above
any ever issued, in the order of their smallest record key.

What changed is recorded as events: ``new`` (a fresh id), ``merged`` (a previous id whose
records all joined another person: it is retired, pointing at the survivor), ``split`` (some
records of a person now belong to another person, named by ``other``) and ``retired`` (a
person none of whose records are in the sources any more).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

PERSON_ID_PREFIX = "JP"
EventKind = Literal["new", "merged", "split", "retired"]
RecordKey = tuple[str, str]
"""(source, source_record_id)."""


def format_person_id(number: int) -> str:
    return f"{PERSON_ID_PREFIX}{number:08d}"


def person_number(person_id: str) -> int:
    """The number in a person id ("JP00000042" -> 42)."""
    digits = person_id.removeprefix(PERSON_ID_PREFIX)
    if not digits.isdigit() or digits == person_id:
        raise ValueError(f"{person_id!r} is not a person id")
    return int(digits)


@dataclass(frozen=True, slots=True)
class IdEvent:
    kind: EventKind
    person_id: str
    other_person_id: str | None
    """merged: the survivor; split: the person split off."""
    records: int
    """Records involved: the merged person's, the split-off part's, or the new person's."""


@dataclass(frozen=True, slots=True)
class IdAssignment:
    person_of_cluster: dict[str, str]
    """cluster id -> person id."""
    events: tuple[IdEvent, ...]
    next_number: int
    """The number the next fresh id will use."""

    def count(self, kind: EventKind) -> int:
        return sum(1 for event in self.events if event.kind == kind)


def assign_person_ids(clusters: Mapping[str, Sequence[RecordKey]],
                      previous: Mapping[RecordKey, str],
                      next_number: int) -> IdAssignment:
    """Give every cluster a person id, keeping previous ids wherever the records allow.

    `clusters`: cluster id -> its records; `previous`: record -> the person id it had in the
    last run (records new since then are absent); `next_number`: above every id ever issued.
    """
    votes: dict[str, Counter[str]] = {
        cluster: Counter(previous[record] for record in records if record in previous)
        for cluster, records in clusters.items()
    }
    claims = sorted(
        ((count, person, cluster) for cluster, counter in votes.items()
         for person, count in counter.items()),
        key=lambda claim: (-claim[0], person_number(claim[1]), claim[2]),
    )
    person_of: dict[str, str] = {}
    owner: dict[str, str] = {}
    for _, person, cluster in claims:
        if cluster not in person_of and person not in owner:
            person_of[cluster], owner[person] = person, cluster
    events: list[IdEvent] = []
    first_key = {cluster: min(records) if records else ("", cluster)
                 for cluster, records in clusters.items()}
    for cluster in sorted((c for c in clusters if c not in person_of), key=first_key.__getitem__):
        person_of[cluster] = format_person_id(next_number)
        next_number += 1
    events += _changes(clusters, previous, votes, person_of, owner)
    return IdAssignment(person_of, tuple(events), next_number)


def _changes(clusters: Mapping[str, Sequence[RecordKey]], previous: Mapping[RecordKey, str],
             votes: Mapping[str, Counter[str]], person_of: Mapping[str, str],
             owner: Mapping[str, str]) -> list[IdEvent]:
    """new: no record had an id; split: some of a person's records now belong to another
    person (fresh or existing); merged: none of a person's records kept its id."""
    events: list[IdEvent] = []
    # Where each previous person's records went: cluster -> how many.
    went: dict[str, Counter[str]] = defaultdict(Counter)
    for cluster, counter in votes.items():
        for person, count in counter.items():
            went[person][cluster] = count
    for cluster in sorted(clusters, key=person_of.__getitem__):
        if not votes[cluster]:
            events.append(IdEvent("new", person_of[cluster], None, len(clusters[cluster])))
    for person in sorted(went, key=person_number):
        destinations = went[person]
        if person not in owner:
            survivor = person_of[destinations.most_common(1)[0][0]]
            events.append(IdEvent("merged", person, survivor, sum(destinations.values())))
            continue
        for cluster, count in sorted(destinations.items(), key=lambda d: person_of[d[0]]):
            if cluster != owner[person]:
                events.append(IdEvent("split", person, person_of[cluster], count))
    live = set(went)
    for person in sorted(set(previous.values()) - live, key=person_number):
        events.append(IdEvent("retired", person, None, 0))
    return events
