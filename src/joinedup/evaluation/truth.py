"""Scoring a linked snapshot against a synthetic borough's ground truth.

The truth is `ground_truth/records.parquet` written by `joinedup synth`: one row per
(source, file, row) with the `record_id` the extract gives that row and the true `person_id`.
A person record's `(source, source_record_id)` is the truth's `(source, record_id)`; the
truth lists a record once per file it appears in (a child's id recurs in referrals,
assessments...), so it is reduced to distinct (source, record_id, person_id) first. Records
the truth gives two people are left out and counted.

Pairwise scores use `person_link_pair` at the threshold the link ran with; cluster scores use
`person_link`. Both are also given per source, over the pairs with at least one record of
that source, because one hard source (council tax parties without a date of birth) can hide
that the others link well, or the reverse. Blocking recall needs every scored pair, which the
snapshot does not keep, so it is reported only as the recall of pairs kept for review (scored
at least `warehouse_link.REVIEW_FLOOR`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from joinedup.errors import WarehouseError
from joinedup.evaluation.scores import Scores, cluster_scores, minus, pairwise_scores
from joinedup.linkage.warehouse_link import REVIEW_FLOOR

_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Example:
    """A false merge (one predicted person, several true) or a missed link (the reverse)."""

    kind: str
    group: str
    """The predicted person id (false merge) or the true person id (missed link)."""
    wrong_pairs: int
    records: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SourceScores:
    """Scores over the pairs with at least one record of `source`."""

    source: str
    records: int
    pairwise: Scores
    clusters: Scores


@dataclass(frozen=True, slots=True)
class LinkEvaluation:
    records_evaluated: int
    records_unmatched: int
    """Linked records the truth does not know (or gives two people)."""
    threshold: float
    pairwise: Scores
    clusters: Scores
    review_pair_recall: float
    false_merges: tuple[Example, ...] = field(default=())
    missed_links: tuple[Example, ...] = field(default=())
    by_source: tuple[SourceScores, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "records_evaluated": self.records_evaluated,
            "records_unmatched": self.records_unmatched,
            "threshold": self.threshold,
            "pairwise": self.pairwise.as_dict(),
            "clusters": self.clusters.as_dict(),
            "blocking_recall": None,
            f"recall_of_pairs_scored_at_least_{REVIEW_FLOOR}": self.review_pair_recall,
            "false_merges": [_example_dict(e) for e in self.false_merges],
            "missed_links": [_example_dict(e) for e in self.missed_links],
            "by_source": {s.source: {"records": s.records, "pairwise": s.pairwise.as_dict(),
                                     "clusters": s.clusters.as_dict()}
                          for s in self.by_source},
        }


def _example_dict(example: Example) -> dict[str, Any]:
    return {"group": example.group, "wrong_pairs": example.wrong_pairs,
            "records": [{k: (str(v) if v is not None else None) for k, v in r.items()}
                        for r in example.records]}


def _key(source: object, record_id: object) -> str:
    return f"{source}{_SEP}{record_id}"


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> dict[str, str]:
    """record key (source, unit separator, record id) -> true person, for records the truth
    gives exactly one person."""
    path = truth_dir / "records.parquet"
    if not path.is_file():
        raise WarehouseError(f"no ground truth at {path}: give --truth the ground_truth folder "
                             "of a synthetic borough made by `joinedup synth`.")
    rows = con.execute(
        "SELECT DISTINCT source, record_id, CAST(person_id AS VARCHAR) FROM read_parquet(?)",
        [str(path)],
    ).fetchall()
    people: dict[str, set[str]] = defaultdict(set)
    for source, record_id, person in rows:
        people[_key(source, record_id)].add(str(person))
    return {key: next(iter(ids)) for key, ids in people.items() if len(ids) == 1}


def _require_link(con: duckdb.DuckDBPyConnection) -> float:
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if not {"person_link", "person_link_pair", "link_run"} <= tables:
        raise WarehouseError("the current snapshot has not been linked: run `joinedup link` "
                             "first.")
    return float(con.execute("SELECT threshold FROM link_run").fetchall()[0][0])


def _examples(kind: str, groups: dict[str, list[str]], other: dict[str, str],
              details: dict[str, dict[str, Any]], limit: int) -> tuple[Example, ...]:
    """Groups that the other side splits, worst first (most wrongly paired records)."""
    scored = []
    for group, members in groups.items():
        split = Counter(other[m] for m in members)
        if len(split) < 2:
            continue
        same = sum(n * (n - 1) // 2 for n in split.values())
        wrong = len(members) * (len(members) - 1) // 2 - same
        scored.append((wrong, group, members))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(
        Example(kind, group, wrong, tuple(
            {**details[m], ("true_person" if kind == "false_merge" else "person_id"): other[m]}
            for m in sorted(members, key=lambda m: (other[m], m))[:8]
        ))
        for wrong, group, members in scored[:limit]
    )


def _by_source(predicted: dict[str, str], truth: dict[str, str],
               direct: list[tuple[str, str]], pairwise: Scores,
               clusters: Scores) -> tuple[SourceScores, ...]:
    """Per source: all pairs' scores minus those of the pairs without the source's records."""
    sources = Counter(key.split(_SEP, 1)[0] for key in predicted)
    result = []
    for source, count in sorted(sources.items()):
        prefix = source + _SEP
        others = {k: v for k, v in truth.items() if not k.startswith(prefix)}
        without_pairs = pairwise_scores(
            ((a, b) for a, b in direct if a in others and b in others), others)
        without_clusters = cluster_scores(
            {k: v for k, v in predicted.items() if k in others}, others)
        result.append(SourceScores(source, count, minus(pairwise, without_pairs),
                                   minus(clusters, without_clusters)))
    return tuple(result)


def evaluate_link(con: duckdb.DuckDBPyConnection, truth_dir: Path,
                  examples: int = 5, exclude: Collection[str] = ()) -> LinkEvaluation:
    """Score the linked snapshot on `con` against the ground truth in `truth_dir`, leaving
    out the records of the sources in `exclude` (and every pair touching them)."""
    threshold = _require_link(con)
    truth_all = load_truth(con, truth_dir)
    linked = con.execute("""
        SELECT l.source, l.source_record_id, l.person_id, r.first_name, r.surname,
               CAST(r.dob AS VARCHAR), r.postcode
        FROM person_link AS l
        JOIN (SELECT DISTINCT source, source_record_id, first_name, surname, dob, postcode
              FROM person_record) AS r USING (source, source_record_id)
    """).fetchall()
    sources = {str(row[0]) for row in linked}
    unknown = sorted(set(exclude) - sources)
    if unknown:
        raise WarehouseError(f"no linked records come from {', '.join(unknown)}; the sources "
                             f"are: {', '.join(sorted(sources))}.")
    predicted: dict[str, str] = {}
    details: dict[str, dict[str, Any]] = {}
    unmatched = 0
    for source, record_id, person, first, surname, dob, postcode in linked:
        if source in exclude:
            continue
        key = _key(source, record_id)
        if key not in truth_all:
            unmatched += 1
            continue
        predicted[key] = str(person)
        details[key] = {"source": source, "source_record_id": record_id, "first_name": first,
                        "surname": surname, "dob": dob, "postcode": postcode}
    truth = {key: truth_all[key] for key in predicted}
    pairs = con.execute(
        "SELECT source_l, source_record_id_l, source_r, source_record_id_r, match_probability "
        "FROM person_link_pair"
    ).fetchall()
    review = [(_key(a, b), _key(c, d), float(p)) for a, b, c, d, p in pairs]
    known = [(left, right, p) for left, right, p in review if left in truth and right in truth]
    by_predicted: dict[str, list[str]] = defaultdict(list)
    by_truth: dict[str, list[str]] = defaultdict(list)
    for key, person in predicted.items():
        by_predicted[person].append(key)
        by_truth[truth[key]].append(key)
    direct = [(a, b) for a, b, p in known if p >= threshold]
    pairwise = pairwise_scores(direct, truth)
    clusters = cluster_scores(predicted, truth)
    return LinkEvaluation(
        records_evaluated=len(predicted),
        records_unmatched=unmatched,
        threshold=threshold,
        pairwise=pairwise,
        clusters=clusters,
        review_pair_recall=pairwise_scores(((a, b) for a, b, _ in known), truth).recall,
        false_merges=_examples("false_merge", by_predicted, truth, details, examples),
        missed_links=_examples("missed_link", by_truth, predicted, details, examples),
        by_source=_by_source(predicted, truth, direct, pairwise, clusters),
    )
