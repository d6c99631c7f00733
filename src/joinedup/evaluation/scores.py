"""Measuring matching against a known truth (a column saying which person each record is).

Three views, all counted over unordered pairs of records:
- pairwise: the pairs the model scored at or above the threshold;
- clustered: the pairs implied by the clusters (every two records in one cluster), which is
  what a user of the person index sees, transitive links included;
- blocking recall: the share of true pairs that blocking let the model score at all.

Cluster counts use contingency tables, never listing pairs, so big clusters cost nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    """True positives, false positives and false negatives, counted in pairs."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _pairs_within(groups: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups)


def true_pair_count(truth: Mapping[str, str]) -> int:
    """Number of pairs of records that are the same person."""
    return _pairs_within(Counter(truth.values()).values())


def pairwise_scores(pairs: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> Scores:
    """Score predicted pairs (each unordered pair counted once) against truth clusters.

    A pair naming a record the truth does not know is a false positive.
    """
    seen: set[tuple[str, str]] = set()
    true_positives = 0
    for left, right in pairs:
        if left == right:
            continue
        key = (left, right) if left < right else (right, left)
        if key in seen:
            continue
        seen.add(key)
        left_truth, right_truth = truth.get(left), truth.get(right)
        if left_truth is not None and left_truth == right_truth:
            true_positives += 1
    return Scores(
        true_positives=true_positives,
        false_positives=len(seen) - true_positives,
        false_negatives=true_pair_count(truth) - true_positives,
    )


def cluster_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Score the pairs implied by predicted clusters against truth clusters.

    Records missing from `predicted` count as alone in their own cluster; records missing
    from `truth` count as distinct people.
    """
    both = Counter(
        (cluster, truth[record]) for record, cluster in predicted.items() if record in truth
    )
    true_positives = _pairs_within(both.values())
    predicted_pairs = _pairs_within(Counter(predicted.values()).values())
    return Scores(
        true_positives=true_positives,
        false_positives=predicted_pairs - true_positives,
        false_negatives=true_pair_count(truth) - true_positives,
    )


def minus(whole: Scores, part: Scores) -> Scores:
    """The counts of `whole` not in `part`: scores over all pairs minus those over the pairs
    of a subset of records gives the scores of the pairs touching the rest."""
    return Scores(
        true_positives=whole.true_positives - part.true_positives,
        false_positives=whole.false_positives - part.false_positives,
        false_negatives=whole.false_negatives - part.false_negatives,
    )


def blocking_recall(candidate_pairs: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> float:
    """Share of true pairs that blocking generated (1.0 when there are no true pairs)."""
    return pairwise_scores(candidate_pairs, truth).recall
