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
person none of whose records are in the sources any more). A merged id's survivor is the
person holding most of its records; between equals, the older id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
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


@dataclass(frozen=True, slots=True)
class Votes:
    """What a clustering says about the previous ids: all `assign_from_votes` needs, small
    enough (one row per cluster and previous id) to be counted in SQL at a million records."""

    clusters: Sequence[tuple[str, int]]
    """(cluster id, how many records), in order of the cluster's smallest record key."""
    votes: Sequence[tuple[str, str, int]]
    """(cluster id, previous person id, how many of the cluster's records had that id)."""
    previous: Collection[str]
    """Every person id of the last run."""
    settled: Sequence[tuple[str, str]] = ()
    """(cluster id, person id) pairs known to be uncontested, left out of `votes`: the
    cluster's records had only that previous id, and that id's records are all in the
    cluster. They keep the id and record nothing; most people of a rerun are like this."""


def assign_person_ids(clusters: Mapping[str, Sequence[RecordKey]],
                      previous: Mapping[RecordKey, str],
                      next_number: int) -> IdAssignment:
    """Give every cluster a person id, keeping previous ids wherever the records allow.

    `clusters`: cluster id -> its records; `previous`: record -> the person id it had in the
    last run (records new since then are absent); `next_number`: above every id ever issued.
    """
    votes = [(cluster, person, count) for cluster, records in clusters.items()
             for person, count in Counter(previous[r] for r in records if r in previous).items()]
    first_key = {cluster: min(records) if records else ("", cluster)
                 for cluster, records in clusters.items()}
    ordered = sorted(clusters, key=first_key.__getitem__)
    return assign_from_votes(
        Votes([(cluster, len(clusters[cluster])) for cluster in ordered], votes,
              set(previous.values())), next_number)


def assign_from_votes(votes: Votes, next_number: int) -> IdAssignment:
    """`assign_person_ids` from the counted votes (see the module docstring for the rules)."""
    number = {person: person_number(person) for person in {vote[1] for vote in votes.votes}}
    claims = sorted(votes.votes, key=lambda claim: (-claim[2], number[claim[1]], claim[0]))
    person_of = dict(votes.settled)
    owner = {person: cluster for cluster, person in votes.settled}
    for cluster, person, _ in claims:
        if cluster not in person_of and person not in owner:
            person_of[cluster], owner[person] = person, cluster
    for cluster, _ in votes.clusters:
        if cluster not in person_of:
            person_of[cluster] = format_person_id(next_number)
            next_number += 1
    return IdAssignment(person_of, tuple(_changes(votes, person_of, owner)), next_number)


def _changes(votes: Votes, person_of: Mapping[str, str],
             owner: Mapping[str, str]) -> list[IdEvent]:
    """new: no record had an id; split: some of a person's records now belong to another
    person (fresh or existing); merged: none of a person's records kept its id."""
    events: list[IdEvent] = []
    # Where each previous person's records went: cluster -> how many.
    went: dict[str, dict[str, int]] = defaultdict(dict)
    for cluster, person, count in votes.votes:
        went[person][cluster] = count
    voted = {cluster for cluster, _, _ in votes.votes} | {c for c, _ in votes.settled}
    fresh = sorted((c for c in votes.clusters if c[0] not in voted),
                   key=lambda c: person_of[c[0]])
    events += [IdEvent("new", person_of[cluster], None, size) for cluster, size in fresh]
    # A person whose records all stayed together under their id has nothing to record.
    moved = [person for person, places in went.items()
             if person not in owner or len(places) > 1]
    for person in sorted(moved, key=person_number):
        destinations = went[person]
        if person not in owner:
            # The person holding most of its records; between equals, the older id.
            survivor = min(destinations,
                           key=lambda c: (-destinations[c], person_number(person_of[c])))
            events.append(IdEvent("merged", person, person_of[survivor],
                                  sum(destinations.values())))
            continue
        for cluster, count in sorted(destinations.items(), key=lambda d: person_of[d[0]]):
            if cluster != owner[person]:
                events.append(IdEvent("split", person, person_of[cluster], count))
    kept = set(went) | {person for _, person in votes.settled}
    for person in sorted(set(votes.previous) - kept, key=person_number):
        events.append(IdEvent("retired", person, None, 0))
    return events
