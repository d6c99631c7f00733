"""Clustering only the components that need the checks gives what checking all of them gives."""

from __future__ import annotations

import random

import pytest

from joinedup.linkage.clustering import (
    cluster_components,
    cluster_pairs,
    components,
    needs_checks,
)


def test_components_are_named_by_their_smallest_id() -> None:
    found = components(["d", "c", "b", "a", "z"], [("d", "c"), ("c", "a"), ("x", "y")])
    assert found == {"a": "a", "c": "a", "d": "a", "b": "b", "z": "z", "x": "x", "y": "x"}


def test_needs_checks_names_oversized_kept_apart_and_two_people_components() -> None:
    component_of = {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f", "g": "f"}
    assert needs_checks(component_of, 2, [], None) == {"a"}
    assert needs_checks(component_of, None, [("d", "e"), ("a", "f")], None) == {"d"}
    # One known person in a component is no conflict; two are.
    anchors = {"a": "P1", "b": "P1", "f": "P1", "g": "P2"}
    assert needs_checks(component_of, None, [], anchors) == {"f"}


def _contested(component_of: dict[str, str], evidence: list[tuple[str, str, float]],
               floor: float) -> set[str]:
    return {component_of[a] for a, b, w in evidence
            if component_of[a] == component_of[b] and w < floor}


@pytest.mark.parametrize("seed", range(40))
def test_cluster_components_equals_cluster_pairs_on_random_graphs(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"r{i:02d}" for i in range(40)]
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(90)}
    scored = [(a, b, rng.uniform(-12, 14)) for a, b in sorted(pairs)]
    # A weight maps to a probability as Splink's does (prior included).
    edges = [(a, b, 2**w / (1 + 2**w)) for a, b, w in scored]
    threshold, floor, cap = 0.8, -3.0, rng.choice([None, 6])
    kept = [(a, b, p) for a, b, p in edges if p >= threshold]
    cannot = [tuple(rng.sample(ids, 2)) for _ in range(2)]
    anchors = {r: rng.choice(["P1", "P2"]) for r in rng.sample(ids, 3)}
    must = [tuple(rng.sample(ids, 2))]
    expected = cluster_pairs(ids, kept, threshold, cap, evidence=scored,
                             min_average_weight=floor, must_link=must,
                             cannot_link=cannot, anchors=anchors)
    component_of = components(ids, [*((a, b) for a, b, _ in kept), *must])
    hard = needs_checks(component_of, cap, cannot, anchors)
    hard |= _contested(component_of, scored, floor)
    inside = [(a, b, w) for a, b, w in scored
              if component_of[a] == component_of[b] and component_of[a] in hard]
    got = cluster_components(component_of, kept, hard, threshold, cap, evidence=inside,
                             min_average_weight=floor, must_link=must, cannot_link=cannot,
                             anchors=anchors)
    assert got.cluster_of == expected.cluster_of
    assert got.best_probability == expected.best_probability
    assert got.flagged == expected.flagged
    assert set(got.conflicts) == set(expected.conflicts)


def test_an_easy_component_becomes_one_cluster_without_evidence() -> None:
    component_of = components("abc", [("a", "b"), ("b", "c")])
    got = cluster_components(component_of, [("a", "b", 0.9), ("b", "c", 0.95)], set(), 0.8,
                             min_average_weight=-3.0)
    assert got.cluster_of == {"a": "a", "b": "a", "c": "a"}
    assert got.best_probability == {"a": 0.9, "b": 0.95, "c": 0.95}
