"""Where joinedup's missed matches go: every true pair of records left in two clusters,
put down to the first step that kept them apart.

    PYTHONPATH=src .venv/bin/python bench/linkage_losses.py [--set historical_50k]
        [--threshold 0.8] [--examples 5] [--without-guardrail NAME ...]

For each person of the set's truth split over several clusters, each two of their clusters
(A, B) lose |A| x |B| true pairs. The pair of clusters is put down to, in this order:
- a guardrail (its name) when two of the person's records across A and B break it: the rule
  read one person as two;
- the reason of a link refused between A and B (`Clusters.held_apart`: a guardrail met
  through other records, "fits two people held apart", "kept apart");
- "too little: an initial or no forename" when the strongest link between A and B, at or
  above the threshold, has a record whose forename is an initial or missing (such a pair
  links directly only with more, `resolve.INITIAL_ONLY`, `UNNAMED_SAME_BIRTH`);
- "evidence check or cap" when a link at or above the threshold joins A and B but was
  refused without a reason (the average weight between the clusters, or the size cap);
- "model: below threshold" when the pairs between them were scored, none high enough;
- "blocking: never scored" when no pair between them was scored.
Prints lost pairs per cause (and as a share of all true pairs, the cluster recall they
cost) and a few examples of each, so a change can be aimed where recall goes. Nothing is
asserted. Reads truth only to count; the matcher never sees it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eval_sets  # noqa: E402
from joinedup.commands.match import InputFile  # noqa: E402
from joinedup.linkage import DEFAULT_THRESHOLD, MatchOptions, run_match  # noqa: E402
from joinedup.linkage.resolve import _node, _node_sql  # noqa: E402

REPO = HERE.parent
SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "historical_50k", "adversarial")


def _load(name: str, workdir: Path) -> eval_sets.EvalSet:
    if name.startswith("febrl"):
        return eval_sets.febrl(name, workdir)
    if name == "historical_50k":
        configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
        return eval_sets.historical(Path(configured) if configured
                                    else REPO.parent / "shared" / "data")
    if name == "adversarial":
        return eval_sets.adversarial(20_000, workdir)
    raise SystemExit(f"unknown set {name!r}: choose one of {', '.join(SETS)}")


def _records(run: Any, linking: bool) -> dict[str, tuple[Any, ...]]:
    """node -> the prepared record's forename, surname, date of birth and postcode (None
    where the input has no such column)."""
    out: dict[str, tuple[Any, ...]] = {}
    for item in run.prepared:
        columns = [f"p.{c}" if c in item.filled else "NULL"
                   for c in ("first_name", "surname", "dob", "postcode")]
        out.update((str(row[0]), tuple(row[1:])) for row in run.con.execute(
            f'SELECT {_node_sql(linking, "p")}, {", ".join(columns)} '
            f'FROM "{item.table}" AS p').fetchall())
    return out


def _line(record: tuple[Any, ...]) -> str:
    return " | ".join("" if value is None else str(value) for value in record)


def attribute(data: eval_sets.EvalSet, threshold: float,
              without: tuple[str, ...], examples: int) -> None:
    inputs = [InputFile(path, dict(columns)).read()[0]
              for path, columns in zip(data.files, data.columns, strict=True)]
    run = run_match(inputs, MatchOptions(threshold=threshold, extras=data.extras,
                                         without_guardrails=without),
                    lambda m: print(f"  {m}", file=sys.stderr))
    try:
        node_of = {record: node for node, _, record in run.records}
        entity_of = {node_of[r]: e for r, e in data.truth.items() if r in node_of}
        cluster_of = run.clusters.cluster_of
        scored: dict[frozenset[str], float] = {}
        linking = any(source is not None for _, source, _ in run.records)
        for a, b, p in run.con.execute(
                f'SELECT {_node(linking, "l")}, {_node(linking, "r")}, match_probability '
                f'FROM "{run.predictions}" AS p').fetchall():
            if entity_of.get(str(a)) is not None and entity_of.get(str(a)) == entity_of.get(
                    str(b)):
                scored[frozenset((str(a), str(b)))] = float(p)
        records = _records(run, linking)
        guard_of = {frozenset((a, b)): rule for a, b, rule in run.clusters.guarded}
        held: dict[frozenset[str], str] = {}
        for a, b, reason in run.clusters.held_apart:
            held.setdefault(frozenset((cluster_of[a], cluster_of[b])), reason)
        members: dict[str, list[str]] = defaultdict(list)
        for node, entity in entity_of.items():
            members[entity].append(node)
        total = sum(len(m) * (len(m) - 1) // 2 for m in members.values())
        lost: Counter[str] = Counter()
        shown: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for nodes in members.values():
            parts: dict[str, list[str]] = defaultdict(list)
            for node in nodes:
                parts[cluster_of[node]].append(node)
            for (ca, a_nodes), (cb, b_nodes) in itertools.combinations(parts.items(), 2):
                cross = [(a, b) for a in a_nodes for b in b_nodes]
                rules = [guard_of[frozenset(p)] for p in cross if frozenset(p) in guard_of]
                probabilities = [scored[frozenset(p)] for p in cross if frozenset(p) in scored]
                if rules:
                    cause = f"guardrail: {Counter(rules).most_common(1)[0][0]}"
                    pair = next(p for p in cross if frozenset(p) in guard_of)
                elif frozenset((ca, cb)) in held:
                    cause = f"held apart: {held[frozenset((ca, cb))]}"
                    pair = cross[0]
                elif probabilities and max(probabilities) >= threshold:
                    pair = max((p for p in cross if frozenset(p) in scored),
                               key=lambda p: scored[frozenset(p)])
                    sparse = any(len(records[n][0] or "") <= 1 for n in pair)
                    cause = ("too little: an initial or no forename" if sparse
                             else "evidence check or cap")
                elif probabilities:
                    cause = "model: below threshold"
                    pair = max((p for p in cross if frozenset(p) in scored),
                               key=lambda p: scored[frozenset(p)])
                else:
                    cause = "blocking: never scored"
                    pair = cross[0]
                lost[cause] += len(cross)
                if len(shown[cause]) < examples:
                    shown[cause].append(pair)
        by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
        for node, entity in entity_of.items():
            by_cluster[cluster_of[node]][entity] += 1
        predicted = sum(sum(c.values()) * (sum(c.values()) - 1) // 2
                        for c in by_cluster.values())
        correct = sum(n * (n - 1) // 2 for c in by_cluster.values() for n in c.values())
    finally:
        run.close()
    print(f"\n{data.name}: {len(entity_of):,} records, {total:,} true pairs, "
          f"{sum(lost.values()):,} lost (cluster recall {1 - sum(lost.values()) / total:.4f}); "
          f"{predicted - correct:,} of {predicted:,} pairs in clusters are false (cluster "
          f"precision {correct / predicted if predicted else 1.0:.4f})")
    print(f"{'cause':<58} {'pairs lost':>11} {'recall cost':>12}")
    for cause, count in lost.most_common():
        print(f"{cause:<58} {count:>11,} {count / total:>12.3f}")
    for cause, _count in lost.most_common():
        print(f"\n{cause}:")
        for a, b in shown[cause]:
            p = scored.get(frozenset((a, b)))
            print(f"  {_line(records[a])}  <->  {_line(records[b])}"
                  + (f"  (p={p:.3f})" if p is not None else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="historical_50k", choices=SETS)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--without-guardrail", action="append", default=[], metavar="NAME")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        attribute(_load(args.set, Path(tmp)), args.threshold, tuple(args.without_guardrail),
                  args.examples)


if __name__ == "__main__":
    main()
