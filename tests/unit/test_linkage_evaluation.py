from __future__ import annotations

import pytest

from joinedup.linkage.evaluation import (
    Scores,
    blocking_recall,
    cluster_scores,
    pairwise_scores,
    true_pair_count,
)

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
