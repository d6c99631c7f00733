"""Benchmark: person matching accuracy, time and memory.

    .venv/bin/python bench/linkage.py [--threshold P] [--json]

Part (a), the synthetic borough at about a million records against plain Splink, is
`bench/linkage_scale.py` (it generates its own borough, so it runs on its own).

Part (b): Splink's public `historical_50k` dataset (50,578 synthetic records of 5,156 real
historical people, with typos, nicknames, missing values and moved postcodes) from the
reference data directory (JOINEDUP_REFERENCE_DATA, else ../shared/data; never committed).
It runs the code path of

    joinedup match dedupe historical_50k.parquet --out OUT \\
        --columns id=unique_id,sex=gender,postcode=postcode_fake --extra birth_place,occupation

(model trained on the input, no labels used), then scores the result against the dataset's
`cluster` column: clustered precision/recall/F1 (pairs implied by the clusters), pairwise
F1 at the threshold, blocking recall, wall time and peak memory. It asserts nothing.
Splink's own example settings score clustered F1 0.83 on this data; joinedup's target is 0.92.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from joinedup.commands.match import InputFile
from joinedup.evaluation import blocking_recall, cluster_scores, pairwise_scores
from joinedup.linkage import (
    DEFAULT_THRESHOLD,
    MatchOptions,
    cluster_pairs,
    parse_columns,
    run_match,
    write_output,
)
from joinedup.linkage.resolve import ClusterRules, cluster_predictions

REPO = Path(__file__).resolve().parent.parent
COLUMNS = "id=unique_id,sex=gender,postcode=postcode_fake"
EXTRAS = ("birth_place", "occupation")


def reference_data() -> Path | None:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


def _peak_mb() -> float:
    # ru_maxrss is kilobytes on Linux; DuckDB runs in-process, so it is included.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_b(reference: Path, threshold: float, quiet: bool) -> dict[str, Any]:
    """historical_50k through `joinedup match dedupe`'s code path, scored against truth."""
    path = reference / "linkage" / "historical_50k.parquet"
    if not path.is_file():
        raise SystemExit(f"{path} not found: set JOINEDUP_REFERENCE_DATA to shared/data")
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not quiet:
            print(f"  {time.perf_counter() - started:6.1f} s  {message}", file=sys.stderr,
                  flush=True)

    options = MatchOptions(threshold=threshold, extras=EXTRAS)
    table, _ = InputFile(path, parse_columns(COLUMNS)).read()  # as `joinedup match` reads it
    run = run_match([table], options, progress)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            write_output(run, Path(scratch) / "clusters.csv")
        seconds = time.perf_counter() - started
        peak = _peak_mb()
        truth = {str(a): str(b) for a, b in run.con.execute(
            "SELECT unique_id, cluster FROM read_parquet(?)", [str(path)]).fetchall()}
        scored = [(str(a), str(b), float(p)) for a, b, p in run.con.execute(
            f'SELECT unique_id_l, unique_id_r, match_probability FROM "{run.predictions}"'
        ).fetchall()]
        # The same scored pairs clustered without the twins policy (--no-separate-twins).
        _, no_twins = cluster_predictions(
            run.con, run.predictions, run.prepared, False,
            ClusterRules(threshold, options.max_cluster_size, options.min_average_weight,
                         separate_twins=False),
        )
    finally:
        run.close()
    clustered = cluster_scores(run.clusters.cluster_of, truth)
    linked = [(a, b) for a, b, p in scored if p >= threshold]
    plain = cluster_pairs(truth, scored, threshold)
    return {
        "dataset": "historical_50k",
        "records": len(truth),
        "people": len(set(truth.values())),
        "threshold": threshold,
        "seconds": round(seconds, 1),
        "peak_memory_mb": round(peak),
        "pairs_scored": run.pairs_scored,
        "blocking_recall": round(blocking_recall(((a, b) for a, b, _ in scored), truth), 4),
        "pairwise": {k: round(v, 4) for k, v in pairwise_scores(linked, truth).as_dict().items()},
        "clustered": {k: round(v, 4) for k, v in clustered.as_dict().items()},
        "clustered_f1_plain_components": round(cluster_scores(plain.cluster_of, truth).f1, 4),
        "clustered_no_separate_twins": {
            k: round(v, 4) for k, v in cluster_scores(no_twins.cluster_of, truth).as_dict().items()
        },
        "clusters": run.clusters.count,
        "flagged_clusters": len(run.clusters.flagged),
    }


def _print(result: dict[str, Any]) -> None:
    clustered, pairwise = result["clustered"], result["pairwise"]
    print(f"{result['dataset']}: {result['records']:,} records of {result['people']:,} people, "
          f"threshold {result['threshold']}")
    print(f"  clustered  precision {clustered['precision']:.4f}  recall {clustered['recall']:.4f}"
          f"  F1 {clustered['f1']:.4f}")
    print(f"  pairwise   precision {pairwise['precision']:.4f}  recall {pairwise['recall']:.4f}"
          f"  F1 {pairwise['f1']:.4f}")
    print(f"  blocking recall {result['blocking_recall']:.4f} over "
          f"{result['pairs_scored']:,} scored pairs")
    twins = result["clustered_no_separate_twins"]
    print(f"  clustered with --no-separate-twins: precision {twins['precision']:.4f}  "
          f"recall {twins['recall']:.4f}  F1 {twins['f1']:.4f}")
    print(f"  clustered F1 with plain connected components (no evidence check or twins "
          f"policy): {result['clustered_f1_plain_components']:.4f}")
    print(f"  {result['clusters']:,} clusters, {result['flagged_clusters']} flagged at the cap")
    print(f"  time {result['seconds']:.1f} s, peak memory {result['peak_memory_mb']:,} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    reference = reference_data()
    if reference is None:
        raise SystemExit("reference data not found: set JOINEDUP_REFERENCE_DATA to shared/data")
    result = part_b(reference, args.threshold, quiet=args.json)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)


if __name__ == "__main__":
    main()
