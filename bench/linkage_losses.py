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


def _record_details(run: Any, nodes: set[str]) -> dict[str, str]:
    """node -> a short line of the prepared record (forename, surname, dob, postcode)."""
    out: dict[str, str] = {}
    linking = any(source is not None for _, source, _ in run.records)
    for item in run.prepared:
        columns = [c for c in ("first_name", "surname", "dob", "postcode") if c in item.filled]
        node = ("source_dataset || ':' || unique_id" if linking
                else "CAST(unique_id AS VARCHAR)")
        for row in run.con.execute(
                f'SELECT {node}, {", ".join(columns)} FROM "{item.table}"').fetchall():
            if str(row[0]) in nodes:
                out[str(row[0])] = " | ".join("" if v is None else str(v) for v in row[1:])
    return out


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
        left = ("source_dataset_l || ':' || unique_id_l" if linking
                else "CAST(unique_id_l AS VARCHAR)")
        right = ("source_dataset_r || ':' || unique_id_r" if linking
                 else "CAST(unique_id_r AS VARCHAR)")
        for a, b, p in run.con.execute(
                f'SELECT {left}, {right}, match_probability FROM "{run.predictions}"'
        ).fetchall():
            if entity_of.get(str(a)) is not None and entity_of.get(str(a)) == entity_of.get(
                    str(b)):
                scored[frozenset((str(a), str(b)))] = float(p)
        forename: dict[str, str | None] = {}
        for item in run.prepared:
            node = ("source_dataset || ':' || unique_id" if linking
                    else "CAST(unique_id AS VARCHAR)")
            forename.update((str(n), f) for n, f in run.con.execute(
                f'SELECT {node}, first_name FROM "{item.table}"').fetchall())
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
                    sparse = any(len(forename.get(n) or "") <= 1 for n in pair)
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
        details = _record_details(run, {n for pairs in shown.values() for p in pairs for n in p})
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
            print(f"  {details.get(a, a)}  <->  {details.get(b, b)}"
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
