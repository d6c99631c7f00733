"""Scoring linkage against truth: the synthetic borough's ground truth, public benchmarks and
the adversarial families set. Evaluation reads truth; matching never does, so
`joinedup.linkage` must not import this package (import-linter enforces it)."""

from joinedup.evaluation.scores import (
    Scores,
    blocking_recall,
    cluster_scores,
    pairwise_scores,
    true_pair_count,
)

__all__ = ["Scores", "blocking_recall", "cluster_scores", "pairwise_scores", "true_pair_count"]
