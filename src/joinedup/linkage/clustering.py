"""Turning scored pairs into people: clustering at a threshold, with a size cap and
cannot-link pairs.

Plain connected components let one wrong link join two people's records, and a chain of weak
links can sweep thousands of records into one "person". Here links are taken strongest first
(Kruskal order) and a link is refused when
- it would make a cluster bigger than the cap: the clusters either side are flagged for review;
- it would put in one cluster two records the model scored as clearly different people
  (a *conflict*: e.g. a sparse record that looks like two people, each of whom it links to).
Without caps and conflicts the result is exactly connected components at the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


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
    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {record: record for record in ids}
        self.size = dict.fromkeys(ids, 1)

    def find(self, record: str) -> str:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:  # path compression
            self.parent[record], record = root, self.parent[record]
        return root

    def union(self, left: str, right: str) -> None:
        if self.size[left] < self.size[right]:
            left, right = right, left
        self.parent[right] = left
        self.size[left] += self.size[right]


def cluster_pairs(
    ids: Iterable[str],
    edges: Iterable[tuple[str, str, float]],
    threshold: float,
    max_cluster_size: int | None = None,
    conflicts: Iterable[tuple[str, str]] = (),
) -> Clusters:
    """Cluster records linked by pairs with match probability >= threshold.

    `edges` are (record id, record id, match probability); ids not in `ids` are added.
    With `max_cluster_size`, a link that would create a larger cluster is refused and both
    clusters it would have joined are flagged. `conflicts` are pairs that must not end up in
    one cluster; a link that would join them is refused (and not flagged: that is the model
    deciding, not a limit being hit).
    """
    if max_cluster_size is not None and max_cluster_size < 2:
        raise ValueError("max_cluster_size must be at least 2")
    kept = sorted(
        ((p, a, b) for a, b, p in edges if p >= threshold and a != b),
        key=lambda edge: (-edge[0], edge[1], edge[2]),
    )
    all_ids = list(dict.fromkeys([*ids, *(a for _, a, _ in kept), *(b for _, _, b in kept)]))
    sets = _DisjointSets(all_ids)
    # root -> records (anywhere) that some member of the cluster must not be with
    cannot: dict[str, set[str]] = {}
    for left, right in conflicts:
        if left in sets.parent and right in sets.parent and left != right:
            cannot.setdefault(left, set()).add(right)
            cannot.setdefault(right, set()).add(left)
    refused: list[tuple[str, str]] = []
    for _, left, right in kept:
        root_left, root_right = sets.find(left), sets.find(right)
        if root_left == root_right:
            continue
        if (max_cluster_size is not None
                and sets.size[root_left] + sets.size[root_right] > max_cluster_size):
            refused.append((left, right))
            continue
        smaller, larger = sorted((root_left, root_right), key=lambda r: len(cannot.get(r, ())))
        if any(sets.find(other) == larger for other in cannot.get(smaller, ())):
            continue
        sets.union(root_left, root_right)
        merged_root = sets.find(root_left)
        merged = cannot.pop(root_left, set()) | cannot.pop(root_right, set())
        if merged:
            cannot[merged_root] = merged

    smallest: dict[str, str] = {}
    for record in all_ids:
        root = sets.find(record)
        if root not in smallest or record < smallest[root]:
            smallest[root] = record
    cluster_of = {record: smallest[sets.find(record)] for record in all_ids}
    best: dict[str, float] = {}
    for probability, left, right in kept:
        if cluster_of[left] == cluster_of[right]:
            for record in (left, right):
                if probability > best.get(record, -1.0):
                    best[record] = probability
    flagged = frozenset(cluster_of[record] for pair in refused for record in pair)
    return Clusters(cluster_of=cluster_of, best_probability=best, flagged=flagged)
