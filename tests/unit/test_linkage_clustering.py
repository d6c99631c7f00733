from __future__ import annotations

import pytest

from joinedup.linkage.clustering import cluster_pairs


def test_connected_components_at_the_threshold() -> None:
    clusters = cluster_pairs(
        ["a", "b", "c", "d", "e"],
        [("a", "b", 0.99), ("b", "c", 0.95), ("d", "e", 0.5)],
        threshold=0.9,
    )
    assert clusters.cluster_of == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "e"}
    assert clusters.count == 3
    assert clusters.best_probability == {"a": 0.99, "b": 0.99, "c": 0.95}
    assert not clusters.flagged


def test_records_only_in_edges_are_added() -> None:
    clusters = cluster_pairs([], [("x", "y", 1.0)], threshold=0.5)
    assert clusters.cluster_of == {"x": "x", "y": "x"}


def test_cap_refuses_the_weakest_link_and_flags_both_sides() -> None:
    edges = [("a", "b", 0.99), ("c", "d", 0.98), ("b", "c", 0.91)]
    clusters = cluster_pairs("abcd", edges, threshold=0.9, max_cluster_size=3)
    assert clusters.sizes() == {"a": 2, "c": 2}
    assert clusters.flagged == {"a", "c"}
    uncapped = cluster_pairs("abcd", edges, threshold=0.9)
    assert uncapped.count == 1


def test_cap_must_allow_a_pair() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        cluster_pairs("ab", [], threshold=0.5, max_cluster_size=1)


def test_average_weight_stops_a_sparse_record_bridging_two_people() -> None:
    # w1 (sparse) links to both Williams; the Williams' own records clearly differ.
    edges = [("c1", "c2", 0.999), ("b1", "b2", 0.999), ("w", "c1", 0.97), ("w", "b1", 0.96)]
    evidence = [
        ("c1", "c2", 12.0), ("b1", "b2", 12.0), ("w", "c1", 5.0), ("w", "b1", 4.6),
        ("c1", "b1", -14.0), ("c2", "b2", -20.0), ("c1", "b2", -13.0),
    ]
    plain = cluster_pairs(["c1", "c2", "b1", "b2", "w"], edges, threshold=0.9)
    assert plain.count == 1
    checked = cluster_pairs(["c1", "c2", "b1", "b2", "w"], edges, threshold=0.9,
                            evidence=evidence, min_average_weight=-3.0)
    assert checked.cluster_of["w"] == checked.cluster_of["c1"] == checked.cluster_of["c2"]
    assert checked.cluster_of["b1"] == checked.cluster_of["b2"] != checked.cluster_of["c1"]
    assert not checked.flagged


def test_average_weight_allows_a_merge_the_evidence_supports() -> None:
    edges = [("a", "b", 0.95), ("b", "c", 0.95)]
    evidence = [("a", "b", 4.0), ("b", "c", 4.0), ("a", "c", -1.0)]
    clusters = cluster_pairs("abc", edges, threshold=0.9, evidence=evidence,
                             min_average_weight=-3.0)
    assert clusters.count == 1
    # One clipped pair cannot veto: -40 counts as -15, averaged with +4.
    evidence[2] = ("a", "c", -40.0)
    assert cluster_pairs("abc", edges, threshold=0.9, evidence=evidence,
                         min_average_weight=-6.0).count == 1
    assert cluster_pairs("abc", edges, threshold=0.9, evidence=evidence,
                         min_average_weight=-3.0).count == 2


def test_must_link_joins_records_the_model_kept_apart() -> None:
    clusters = cluster_pairs("abc", [("a", "b", 0.3)], threshold=0.9, must_link=[("a", "c")])
    assert clusters.cluster_of == {"a": "a", "b": "b", "c": "a"}
    assert not clusters.conflicts


def test_cannot_link_holds_through_chains() -> None:
    # a-b and b-c are strong links, but a reviewer said a and c are different people: the
    # weaker of the two links that would bring them together is refused.
    edges = [("a", "b", 0.99), ("b", "c", 0.95)]
    clusters = cluster_pairs("abc", edges, threshold=0.9, cannot_link=[("a", "c")])
    assert clusters.cluster_of == {"a": "a", "b": "a", "c": "c"}
    assert clusters.conflicts == (("b", "c"),)
    assert cluster_pairs("abc", edges, threshold=0.9).count == 1


def test_must_link_contradicting_cannot_link_is_a_conflict_not_a_merge() -> None:
    clusters = cluster_pairs("abc", [], threshold=0.9, must_link=[("a", "b"), ("b", "c")],
                             cannot_link=[("a", "c")])
    assert clusters.cluster_of["c"] == "c"
    assert clusters.cluster_of["b"] == "a"
    assert clusters.conflicts == (("b", "c"),)


def test_anchored_people_are_never_merged_automatically() -> None:
    # x and y belong to two known people; a new record n links strongly to both.
    anchors = {"x1": "P1", "x2": "P1", "y1": "P2"}
    clusters = cluster_pairs(
        ["x1", "x2", "y1", "n"], [("n", "x1", 0.99), ("n", "y1", 0.98)], threshold=0.9,
        must_link=[("x1", "x2")], anchors=anchors)
    assert clusters.cluster_of == {"x1": "n", "x2": "n", "n": "n", "y1": "y1"}
    assert clusters.conflicts == (("n", "y1"),)


def test_links_of_equal_probability_are_taken_in_a_stable_order() -> None:
    # Three records a, b, c; a-b and b-c equally likely; the size cap takes only one link.
    # Two runs number the records differently (as the warehouse's link keys are).
    def people(number: dict[str, str], tie_order: dict[str, int] | None) -> set[frozenset[str]]:
        name = {n: record for record, n in number.items()}
        edges = [(number["a"], number["b"], 0.95), (number["b"], number["c"], 0.95)]
        got = cluster_pairs(list(number.values()), edges, 0.9, max_cluster_size=2,
                            tie_order=tie_order)
        groups: dict[str, set[str]] = {}
        for record, cluster in got.cluster_of.items():
            groups.setdefault(cluster, set()).add(name[record])
        return {frozenset(group) for group in groups.values()}

    first, second = {"a": "1", "b": "2", "c": "3"}, {"a": "3", "b": "2", "c": "1"}
    assert people(first, None) != people(second, None)  # the numbering decided
    stable = {"a": 0, "b": 1, "c": 2}
    in_order = [{n: stable[r] for r, n in numbering.items()} for numbering in (first, second)]
    assert people(first, in_order[0]) == people(second, in_order[1]) == {
        frozenset("ab"), frozenset("c")}
