"""Turning scored pairs into people: clustering at a threshold, checked against all the
evidence between clusters, with a size cap.

Plain connected components let one wrong link join two people's records: a sparse record
("William", Newark, no surname or date of birth) links to two different Williams and makes
them one person, and chains of weak links can sweep thousands of records together. Here links
are taken strongest first (Kruskal order), and a link joining two clusters is refused when
- the scored pairs between the two clusters disagree on average: the mean match weight over
  every scored pair across them (each clipped to +/-15, so one pair cannot dominate) is below
  `min_average_weight` (average linkage over the model's own evidence);
- the joined cluster would be bigger than the cap: both clusters are flagged for review.
With neither check the result is exactly connected components at the threshold.

People's decisions come first: `must_link` pairs (a reviewer said "same person") are joined
before any scored link, and `cannot_link` pairs ("different people") are never brought into one
cluster, directly or through others. `anchors` name the person a record already belongs to
(incremental linking): two clusters anchored to different people are never joined
automatically; the link is returned in `conflicts` for a reviewer instead.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WEIGHT_CLIP = 15.0
AMBIGUITY_BITS = math.log2(99)
"""A record that links to two people held apart joins one of them only if the evidence for
it is at least this much stronger (in match weight: 99 times as likely)."""


@dataclass(frozen=True, slots=True)
class Clusters:
    """Cluster assignments for every record."""

    cluster_of: dict[str, str]
    """record id -> cluster id (the smallest record id in the cluster)."""
    best_probability: dict[str, float]
    """record id -> highest match probability to another record in its cluster
    (absent for records alone in their cluster)."""
    flagged: frozenset[str]
    """Cluster ids that a refused link would have pushed over the cap: review them."""
    conflicts: tuple[tuple[str, str], ...] = ()
    """Links refused because they would join records that people or earlier runs keep apart
    (a cannot-link decision, or two already-known people): review them."""
    held_apart: tuple[tuple[str, str, str], ...] = ()
    """The refused links of `conflicts` with the reason each was refused (a guardrail's
    name, or "kept apart"), when the caller knows it (`resolve.cluster_predictions`)."""
    guarded: tuple[tuple[str, str, str], ...] = ()
    """Pairs of records that break a guardrail (record, record, rule): never one person."""

    @property
    def count(self) -> int:
        """Number of clusters (people)."""
        return len(set(self.cluster_of.values()))

    def sizes(self) -> dict[str, int]:
        """cluster id -> number of records."""
        sizes: dict[str, int] = {}
        for cluster in self.cluster_of.values():
            sizes[cluster] = sizes.get(cluster, 0) + 1
        return sizes


class _DisjointSets:
    def __init__(self, ids: Sequence[str], anchors: Mapping[str, str]) -> None:
        self.parent = {record: record for record in ids}
        self.members = {record: [record] for record in ids}
        self.anchor = {record: anchors[record] for record in ids if record in anchors}

    def find(self, record: str) -> str:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:  # path compression
            self.parent[record], record = root, self.parent[record]
        return root

    def size(self, root: str) -> int:
        return len(self.members[root])

    def union(self, left: str, right: str) -> None:
        if self.size(left) < self.size(right):
            left, right = right, left
        self.parent[right] = left
        self.members[left].extend(self.members.pop(right))
        if right in self.anchor:
            self.anchor.setdefault(left, self.anchor.pop(right))

    def anchors_differ(self, left: str, right: str) -> bool:
        a, b = self.anchor.get(left), self.anchor.get(right)
        return a is not None and b is not None and a != b

    def kept_apart(self, left: str, right: str, apart: Mapping[str, set[str]]) -> bool:
        """True when a cannot-link pair would end up inside the joined cluster."""
        small, large = sorted((left, right), key=self.size)
        return any(self.find(other) == large
                   for record in self.members[small] for other in apart.get(record, ()))


def _average_weight(sets: _DisjointSets, small: str, large: str,
                    evidence: dict[str, list[tuple[str, float]]]) -> float | None:
    """Mean clipped match weight over scored pairs between two clusters (None: no evidence
    given between them, so nothing counts against the link)."""
    total, count = 0.0, 0
    for record in sets.members[small]:
        for other, weight in evidence.get(record, ()):
            if sets.find(other) == large:
                total += max(-WEIGHT_CLIP, min(WEIGHT_CLIP, weight))
                count += 1
    return total / count if count else None


def cluster_pairs(
    ids: Iterable[str],
    edges: Iterable[tuple[str, str, float]],
    threshold: float,
    max_cluster_size: int | None = None,
    *,
    evidence: Iterable[tuple[str, str, float]] = (),
    min_average_weight: float | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    anchors: Mapping[str, str] | None = None,
    tie_order: Mapping[str, int] | None = None,
) -> Clusters:
    """Cluster records linked by pairs with match probability >= threshold.

    `edges` are (record id, record id, match probability); ids not in `ids` are added.
    With `max_cluster_size`, a link that would create a larger cluster is refused and both
    clusters it would have joined are flagged. With `min_average_weight`, a link is refused
    when the scored pairs between the two clusters (`evidence`: (id, id, match weight))
    average below it; that is the model deciding, so nothing is flagged. Two clusters with no
    evidence between them are joined: a caller may leave out the pairs it knows cannot
    fall below the bar. `must_link`,
    `cannot_link` and `anchors` are described in the module docstring; a must-link that
    contradicts a cannot-link is not applied and is returned in `conflicts`.

    Links of equal probability are taken in the order of their records' ids, or of
    `tie_order` (record id -> a number that does not depend on how a run numbered its
    records, e.g. the warehouse's link keys), so that the same records give the same people
    however they were numbered.
    """
    if max_cluster_size is not None and max_cluster_size < 2:
        raise ValueError("max_cluster_size must be at least 2")

    def order(edge: tuple[float, str, str]) -> tuple[float, Any, Any]:
        if tie_order is None:
            return -edge[0], edge[1], edge[2]
        first, second = sorted((tie_order.get(edge[1], -1), tie_order.get(edge[2], -1)))
        return -edge[0], first, second

    kept = sorted(((p, a, b) for a, b, p in edges if p >= threshold and a != b), key=order)
    forced = [(a, b) for a, b in must_link if a != b]
    all_ids = list(dict.fromkeys([*ids, *(a for _, a, _ in kept), *(b for _, _, b in kept),
                                  *(record for pair in forced for record in pair)]))
    sets = _DisjointSets(all_ids, anchors or {})
    apart: dict[str, set[str]] = {}
    for left, right in cannot_link:
        if left in sets.parent and right in sets.parent and left != right:
            apart.setdefault(left, set()).add(right)
            apart.setdefault(right, set()).add(left)
    conflicts: list[tuple[str, str]] = []
    for left, right in forced:
        root_left, root_right = sets.find(left), sets.find(right)
        if root_left == root_right:
            continue
        if sets.kept_apart(root_left, root_right, apart):
            conflicts.append((left, right))
            continue
        sets.union(root_left, root_right)
    scored: dict[str, list[tuple[str, float]]] = {}
    if min_average_weight is not None:
        for left, right, weight in evidence:
            if left in sets.parent and right in sets.parent and left != right:
                scored.setdefault(left, []).append((right, weight))
                scored.setdefault(right, []).append((left, weight))
    refused: list[tuple[str, str]] = []
    for _, left, right in kept:
        root_left, root_right = sets.find(left), sets.find(right)
        if root_left == root_right:
            continue
        if sets.anchors_differ(root_left, root_right) or (
                apart and sets.kept_apart(root_left, root_right, apart)):
            conflicts.append((left, right))
            continue
        if (max_cluster_size is not None
                and sets.size(root_left) + sets.size(root_right) > max_cluster_size):
            refused.append((left, right))
            continue
        if min_average_weight is not None:
            small, large = sorted((root_left, root_right), key=sets.size)
            average = _average_weight(sets, small, large, scored)
            if average is not None and average < min_average_weight:
                continue
        sets.union(root_left, root_right)

    smallest = {root: min(members) for root, members in sets.members.items()}
    cluster_of = {record: smallest[sets.find(record)] for record in all_ids}
    best: dict[str, float] = {}
    for probability, left, right in kept:
        if cluster_of[left] == cluster_of[right]:
            for record in (left, right):
                if probability > best.get(record, -1.0):
                    best[record] = probability
    flagged = frozenset(cluster_of[record] for pair in refused for record in pair)
    return Clusters(cluster_of=cluster_of, best_probability=best, flagged=flagged,
                    conflicts=tuple(conflicts))


def components(ids: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """record id -> the smallest record id of its connected component under `links` (ids only
    named by a link are included)."""
    parent: dict[str, str] = {record: record for record in ids}

    def find(record: str) -> str:
        while parent[record] != record:
            parent[record] = parent[parent[record]]  # path halving
            record = parent[record]
        return record

    for left, right in links:
        parent.setdefault(left, left)
        parent.setdefault(right, right)
        root_left, root_right = find(left), find(right)
        if root_left != root_right:
            # The smaller id becomes the root, so a root is its component's smallest id.
            if root_right < root_left:
                root_left, root_right = root_right, root_left
            parent[root_right] = root_left
    return {record: find(record) for record in parent}


def needs_checks(component_of: Mapping[str, str], max_cluster_size: int | None,
                 cannot_link: Iterable[tuple[str, str]],
                 anchors: Mapping[str, str] | None) -> set[str]:
    """Components where a rule other than the evidence check could refuse a link: bigger than
    the cap, holding both records of a cannot-link pair, or records of two known people."""
    hard: set[str] = set()
    if max_cluster_size is not None:
        sizes: dict[str, int] = {}
        for component in component_of.values():
            sizes[component] = sizes.get(component, 0) + 1
        hard |= {component for component, size in sizes.items() if size > max_cluster_size}
    for left, right in cannot_link:
        apart = component_of.get(left)
        if apart is not None and apart == component_of.get(right):
            hard.add(apart)
    people: dict[str, str] = {}
    for record, person in (anchors or {}).items():
        known = component_of.get(record)
        if known is not None and people.setdefault(known, person) != person:
            hard.add(known)
    return hard


def cluster_components(
    component_of: Mapping[str, str],
    edges: Sequence[tuple[str, str, float]],
    hard: Collection[str],
    threshold: float,
    max_cluster_size: int | None = None,
    *,
    evidence: Iterable[tuple[str, str, float]] = (),
    min_average_weight: float | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    anchors: Mapping[str, str] | None = None,
    tie_order: Mapping[str, int] | None = None,
) -> Clusters:
    """`cluster_pairs` over the components of the links (`components`), run only on those in
    `hard`: every other component becomes one cluster as it stands.

    The caller vouches that nothing could refuse a link inside an easy component: no scored
    pair in it weighs below `min_average_weight` and `needs_checks` did not name it. Then
    Kruskal with every check accepts every link there, so the result equals `cluster_pairs`
    on everything, without the per-link work for the great majority of people.
    """
    hard = set(hard)
    hard_ids = [record for record, component in component_of.items() if component in hard]
    hard_edges = [edge for edge in edges if component_of[edge[0]] in hard]
    checked = cluster_pairs(
        hard_ids, hard_edges, threshold, max_cluster_size, evidence=evidence,
        min_average_weight=min_average_weight,
        must_link=[(a, b) for a, b in must_link if component_of.get(a) in hard],
        cannot_link=cannot_link,
        anchors={r: p for r, p in (anchors or {}).items() if component_of.get(r) in hard},
        tie_order=tie_order)
    cluster_of = {record: component for record, component in component_of.items()
                  if component not in hard}
    cluster_of.update(checked.cluster_of)
    best = dict(checked.best_probability)
    for left, right, probability in edges:
        if probability >= threshold and component_of[left] not in hard:
            for record in (left, right):
                if probability > best.get(record, -1.0):
                    best[record] = probability
    return Clusters(cluster_of=cluster_of, best_probability=best, flagged=checked.flagged,
                    conflicts=checked.conflicts)


def ambiguous_records(cluster_of: Mapping[str, str],
                      links: Iterable[tuple[str, str, float]],
                      apart: Collection[frozenset[str]],
                      guarded: Iterable[tuple[str, str]] = ()) -> set[str]:
    """Records that fit two people held apart about equally well.

    `links` are (record, record, match weight) at or above the threshold; `apart` holds the
    pairs of clusters that must stay two people (a guardrail pair between them, a reviewer's
    "different", two known people). A record whose strongest link into its own cluster is
    less than `AMBIGUITY_BITS` above its strongest link into a cluster held apart from it
    fits both: a council tax record "Rajesh Patel" with no date of birth at the address of a
    father and his son of the same name. Kruskal's order gave it to whichever link happened
    to be a little stronger; it belongs to neither until a person decides. (A link refused
    only by the evidence check, an average, does not make two people: there the stronger
    side keeps the record.)

    `guarded` are pairs of records that break a guardrail. A record that breaks one with a
    member of the other cluster could never join it, so it does not fit both: "Thomas
    Chudleigh" born 1630 is not in doubt because a record "Rhomas Chudleigh" born the same
    day was held apart as his twin. Without this, one such record would set loose every
    record of the person it was held apart from. A guardrail with a member that is itself in
    doubt bars nothing: two undated council tax accounts "Andrew Brown" at the address of a
    father and son of that name are two people, but which is which is the very doubt, so
    neither account may settle the other's.
    """
    # Only a record of a cluster held apart from another can be in doubt, and only its links
    # into such clusters (its own among them) count: at a million records that leaves a few
    # thousand of the links.
    involved = {cluster for pair in apart for cluster in pair}
    best: dict[tuple[str, str], float] = {}
    for a, b, weight in links:
        if cluster_of[a] not in involved or cluster_of[b] not in involved:
            continue
        for record, other in ((a, b), (b, a)):
            key = (record, cluster_of[other])
            if weight > best.get(key, -math.inf):
                best[key] = weight
    guarded = list(guarded)
    doubtful = _in_doubt(cluster_of, best, apart, set())
    barred: set[tuple[str, str]] = set()
    for a, b in guarded:
        if b not in doubtful:
            barred.add((a, cluster_of[b]))
        if a not in doubtful:
            barred.add((b, cluster_of[a]))
    return _in_doubt(cluster_of, best, apart, barred) if barred else doubtful


def _in_doubt(cluster_of: Mapping[str, str], best: Mapping[tuple[str, str], float],
              apart: Collection[frozenset[str]], barred: Collection[tuple[str, str]]
              ) -> set[str]:
    """`ambiguous_records` given each record's strongest link into each cluster."""
    found = set()
    for (record, cluster), weight in best.items():
        own = cluster_of[record]
        if (cluster == own or frozenset((own, cluster)) not in apart
                or (record, cluster) in barred):
            continue
        mine = best.get((record, own))
        if mine is not None and mine - weight < AMBIGUITY_BITS:
            found.add(record)
    return found
