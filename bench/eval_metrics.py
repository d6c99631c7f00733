"""Scoring for `bench/linkage_eval.py`: pairwise and cluster precision/recall/F1 over record
pairs (`joinedup.evaluation.scores`), merges between related people of the adversarial set,
and the targets. Pure functions of dictionaries, tested in tests/unit/test_linkage_eval.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from joinedup.evaluation import cluster_scores, pairwise_scores

TARGET_PRECISION = 0.99
TARGET_F1 = 0.97
HISTORICAL_TARGET_F1 = 0.92
STRICT_KINDS = ("twin", "parent_junior")
REPORTED_KINDS = ("same_name_stranger",)


def accuracy(cluster_of: Mapping[str, str], pairs: Iterable[tuple[str, str]],
             truth: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """Pairwise scores of `pairs` (those linked at the threshold) and cluster scores of
    `cluster_of` (record -> cluster), both against `truth` (record -> entity). Records the
    truth does not know are left out of the clusters; a record the clustering lost is alone."""
    known = {record: cluster for record, cluster in cluster_of.items() if record in truth}
    return {"pairwise": pairwise_scores(pairs, truth).as_dict(),
            "cluster": cluster_scores(known, truth).as_dict()}


def among(cluster_of: Mapping[str, str], truth: Mapping[str, str],
          records: Iterable[str]) -> dict[str, float]:
    """Cluster scores counting only pairs of two of `records` (say, the records that give a
    date of birth): how the clusters do where the data holds the field that tells relatives
    apart. The clusters themselves are those of every record."""
    chosen = set(records)
    return cluster_scores({r: c for r, c in cluster_of.items() if r in chosen and r in truth},
                          {r: e for r, e in truth.items() if r in chosen}).as_dict()


def merged_relations(cluster_of: Mapping[str, str], person_of: Mapping[str, str],
                     relations: Iterable[tuple[str, str, str]]
                     ) -> list[tuple[str, str, str, list[str]]]:
    """(person, person, kind, the clusters holding records of both) for each pair of related
    people (once each) with records in one cluster."""
    clusters: dict[str, set[str]] = defaultdict(set)
    for record, person in person_of.items():
        if record in cluster_of:
            clusters[person].add(cluster_of[record])
    seen: set[tuple[str, str, str]] = set()
    merged = []
    for a, b, kind in relations:
        key = (min(a, b), max(a, b), kind)
        if a == b or key in seen:
            continue
        seen.add(key)
        common = clusters.get(a, set()) & clusters.get(b, set())
        if common:
            merged.append((a, b, kind, sorted(common)))
    return merged


def relation_merges(cluster_of: Mapping[str, str], person_of: Mapping[str, str],
                    relations: Iterable[tuple[str, str, str]]) -> Counter[str]:
    """Per kind, the pairs of related people (counted once each) with records in one
    cluster."""
    return Counter(kind for _, _, kind, _ in merged_relations(cluster_of, person_of, relations))


def household_merges(cluster_of: Mapping[str, str], person_of: Mapping[str, str],
                     household_of: Mapping[str, str]) -> int:
    """Pairs of different people of one household with records in one cluster."""
    people: dict[str, set[str]] = defaultdict(set)
    for record, cluster in cluster_of.items():
        if record in person_of:
            people[cluster].add(person_of[record])
    pairs: set[tuple[str, str]] = set()
    for members in people.values():
        for a, b in combinations(sorted(members), 2):
            if household_of.get(a) is not None and household_of.get(a) == household_of.get(b):
                pairs.add((a, b))
    return len(pairs)


def largest(groups: Mapping[str, str]) -> int:
    """Size of the largest group of a record -> group mapping."""
    return max(Counter(groups.values()).values(), default=0)


def adversarial_checks(cluster_of: Mapping[str, str], person_of: Mapping[str, str],
                       relations: Sequence[tuple[str, str, str]],
                       household_of: Mapping[str, str]) -> dict[str, Any]:
    merges = relation_merges(cluster_of, person_of, relations)
    kinds = sorted({kind for _, _, kind in relations})
    return {
        "merges": {kind: merges.get(kind, 0) for kind in kinds},
        "household_merges": household_merges(cluster_of, person_of, household_of),
        "largest_cluster": largest(cluster_of),
        "largest_true_cluster": largest(person_of),
    }


def targets(name: str, cluster: Mapping[str, float],
            checks: Mapping[str, Any] | None = None) -> list[tuple[str, bool]]:
    """(description, met) for the set's targets."""
    wanted_f1 = HISTORICAL_TARGET_F1 if name == "historical_50k" else TARGET_F1
    result = [
        (f"cluster precision >= {TARGET_PRECISION}", cluster["precision"] >= TARGET_PRECISION),
        (f"cluster F1 >= {wanted_f1}", cluster["f1"] >= wanted_f1),
    ]
    if checks is not None:
        merges = checks["merges"]
        for kind in STRICT_KINDS:
            result.append((f"zero {kind} merges (got {merges.get(kind, 0)})",
                           merges.get(kind, 0) == 0))
        bound = checks["largest_true_cluster"] + 2
        result.append((f"largest cluster <= largest true + 2 = {bound} "
                       f"(got {checks['largest_cluster']})", checks["largest_cluster"] <= bound))
    return result
