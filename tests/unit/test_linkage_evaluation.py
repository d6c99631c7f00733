from __future__ import annotations

import pytest

from joinedup.evaluation.scores import (
    Scores,
    blocking_recall,
    cluster_scores,
    minus,
    pairwise_scores,
    true_pair_count,
)
from joinedup.evaluation.truth import _by_source

# Three people: A has records a1-a3, B has b1-b2, C has c1.
TRUTH = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}


def test_true_pairs_are_counted_within_clusters() -> None:
    assert true_pair_count(TRUTH) == 3 + 1
    assert true_pair_count({}) == 0


def test_pairwise_scores_count_each_unordered_pair_once() -> None:
    predicted = [("a1", "a2"), ("a2", "a1"), ("a2", "a3"), ("a1", "b1"), ("b2", "b2")]
    scores = pairwise_scores(predicted, TRUTH)
    assert scores == Scores(true_positives=2, false_positives=1, false_negatives=2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_unknown_records_in_predicted_pairs_are_false_positives() -> None:
    scores = pairwise_scores([("a1", "zz"), ("zz", "yy")], TRUTH)
    assert (scores.true_positives, scores.false_positives) == (0, 2)


def test_cluster_scores_use_the_pairs_clusters_imply() -> None:
    # a1-a3 and b1 in one cluster (wrong merge), b2 alone (missed), c1 alone.
    predicted = {"a1": "x", "a2": "x", "a3": "x", "b1": "x", "b2": "y", "c1": "z"}
    scores = cluster_scores(predicted, TRUTH)
    # Implied pairs: C(4,2) = 6, of which 3 (within A) are true.
    assert scores == Scores(true_positives=3, false_positives=3, false_negatives=1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.75)
    assert scores.f1 == pytest.approx(0.6)


def test_perfect_clusters_score_one() -> None:
    scores = cluster_scores(dict(TRUTH), TRUTH)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_all_singletons_have_full_precision_and_no_recall() -> None:
    scores = cluster_scores({record: record for record in TRUTH}, TRUTH)
    assert scores.precision == 1.0
    assert scores.recall == 0.0
    assert scores.f1 == 0.0


def test_records_missing_from_truth_are_distinct_people() -> None:
    scores = cluster_scores({"a1": "x", "q": "x"}, TRUTH)
    assert (scores.true_positives, scores.false_positives) == (0, 1)


def test_blocking_recall_is_the_share_of_true_pairs_generated() -> None:
    assert blocking_recall([("a1", "a2"), ("b1", "b2"), ("a1", "c1")], TRUTH) == 0.5
    assert blocking_recall([], {"x": "1", "y": "2"}) == 1.0


def test_scores_as_dict_reports_every_figure() -> None:
    figures = Scores(1, 1, 0).as_dict()
    assert figures["precision"] == 0.5 and figures["recall"] == 1.0
    assert set(figures) == {"true_positives", "false_positives", "false_negatives",
                            "precision", "recall", "f1"}


def test_scores_by_source_count_the_pairs_touching_each_source() -> None:
    # Two people: p1 has a record in each source, p2 two council tax records. The link found
    # p1's pair and put p2's records apart; the cluster view merged a1 with p2's t2.
    sep = "\x1f"
    truth = {f"health{sep}a1": "p1", f"tax{sep}t1": "p1",
             f"tax{sep}t2": "p2", f"tax{sep}t3": "p2"}
    predicted = {f"health{sep}a1": "x", f"tax{sep}t1": "x", f"tax{sep}t2": "x",
                 f"tax{sep}t3": "y"}
    direct = [(f"health{sep}a1", f"tax{sep}t1")]
    pairwise = pairwise_scores(direct, truth)
    clusters = cluster_scores(predicted, truth)
    by = {s.source: s for s in _by_source(predicted, truth, direct, pairwise, clusters)}
    assert by["health"].records == 1 and by["tax"].records == 3
    # health touches one true pair (a1-t1), found directly; its cluster also pairs a1 with t2.
    assert (by["health"].pairwise.true_positives, by["health"].pairwise.false_negatives) == (1, 0)
    assert (by["health"].clusters.true_positives, by["health"].clusters.false_positives) == (1, 1)
    # tax touches both true pairs; t2-t3 was missed both ways; the cluster adds t1-t2 wrongly.
    assert (by["tax"].pairwise.true_positives, by["tax"].pairwise.false_negatives) == (1, 1)
    assert (by["tax"].clusters.true_positives, by["tax"].clusters.false_positives,
            by["tax"].clusters.false_negatives) == (1, 2, 1)
    assert minus(clusters, clusters) == Scores(0, 0, 0)
