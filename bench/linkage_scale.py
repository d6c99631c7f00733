"""Benchmark part (a): the synthetic borough at about a million person records, joinedup's
`link` against a plain Splink run on the same records, side by side.

    .venv/bin/python bench/linkage_scale.py [--people 370000] [--home DIR] [--json]

A borough of `--people` residents (370,000 give about a million person records) is generated
and ingested into `--home` once (kept for later runs; reference data from
JOINEDUP_REFERENCE_DATA, else ../shared/data). Then, each in its own process so that peak
memory is its own:

- **joinedup**: `joinedup link --retrain --full` (standardise, train, score, cluster, stable
  ids, person index, review queue, publish the snapshot): wall time and peak memory, then
  pairwise and cluster precision/recall/F1 against the ground truth (not timed).
- **plain Splink**: the same person records, standardised by joinedup's own `prepare` (so
  both see the same columns and the same blocking rules), Splink's default comparisons for
  those columns (NameComparison for forename and surname, DateOfBirthComparison, exact
  sex, PostcodeComparison, exact NHS number and UPN), trained the same way (prior from
  deterministic rules, u by random sampling, EM on name and date-of-birth blocks), scored,
  and clustered with Splink's connected components at the same threshold.

It prints both, the time ratio and both F1s, and asserts nothing. Targets (issue 3): joinedup
within 90 s and under 8 GiB for a million records on two cores; plain Splink took about
155 s for a million noisy person records.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
THRESHOLD = 0.8


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


def _reference() -> Path | None:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


def _settings(home: Path) -> Any:
    from joinedup.config import Settings
    return Settings(home=home, reference_data=_reference())


def ensure_borough(home: Path, people: int, seed: int) -> int:
    """Generate and ingest the borough unless `home` already holds it; person records."""
    from joinedup.synth import generate_borough
    from joinedup.warehouse.ingest import run_ingest
    from joinedup.warehouse.snapshots import SnapshotStore

    settings = _settings(home)
    marker = home / "bench-borough.json"
    wanted = {"people": people, "seed": seed}
    store = SnapshotStore.from_settings(settings)
    if not (marker.is_file() and json.loads(marker.read_text()) == wanted
            and store.current_id() is not None):
        _say(f"generating a borough of {people:,} residents in {home} (once)")
        generate_borough(out=settings.sources_dir, people=people, seed=seed,
                         reference_data=_reference())
        _say("ingesting it")
        run_ingest(settings.sources_file, settings)
        marker.write_text(json.dumps(wanted))
    with store.open_current() as con:
        return int(con.execute("SELECT count(*) FROM person_record").fetchall()[0][0])


def run_joinedup(home: Path) -> dict[str, Any]:
    from joinedup.evaluation.truth import evaluate_link
    from joinedup.linkage.warehouse_link import link_warehouse
    from joinedup.warehouse.snapshots import SnapshotStore

    settings = _settings(home)
    started = time.perf_counter()
    report = link_warehouse(settings, retrain=True, full=True, progress=_say)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    with SnapshotStore.from_settings(settings).open_current() as con:
        scores = evaluate_link(con, settings.sources_dir / "ground_truth", 0)
    return {"system": "joinedup", "records": report.records, "seconds": round(seconds, 1),
            "peak_memory_mb": round(peak), "pairs_scored": report.pairs_scored,
            "persons": report.persons, "pairwise": scores.pairwise.as_dict(),
            "clusters": scores.clusters.as_dict()}


def _baseline_settings(present: set[str]) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator

    from joinedup.linkage import blocking

    comparisons = [
        comparison for column, comparison in (
            ("first_name", cl.NameComparison("first_name")),
            ("surname", cl.NameComparison("surname")),
            ("dob", cl.DateOfBirthComparison("dob", input_is_string=True)),
            ("sex", cl.ExactMatch("sex")),
            ("postcode", cl.PostcodeComparison("postcode")),
            ("nhs_number", cl.ExactMatch("nhs_number")),
            ("upn", cl.ExactMatch("upn")),
        ) if column in present
    ]
    keys = blocking.keys_available(blocking.BLOCKING_KEYS, present)
    return SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                           blocking_rules_to_generate_predictions=blocking.rules(keys),
                           retain_matching_columns=False,
                           retain_intermediate_calculation_columns=False)


def run_plain_splink(home: Path) -> dict[str, Any]:
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    from joinedup.evaluation.scores import cluster_scores, pairwise_scores
    from joinedup.evaluation.truth import load_truth
    from joinedup.linkage.fields import resolve_mapping
    from joinedup.linkage.model import present_columns
    from joinedup.linkage.prepare import prepare_records
    from joinedup.linkage.warehouse_link import MATCH_COLUMNS, match_records_sql
    from joinedup.warehouse.snapshots import SnapshotStore

    settings = _settings(home)
    with SnapshotStore.from_settings(settings).open_current() as snapshot:
        records = snapshot.sql(
            f"SELECT source || chr(31) || source_record_id AS record_key, "
            f"{', '.join(MATCH_COLUMNS)} FROM {match_records_sql()}").to_arrow_table()
    con = duckdb.connect()
    truth = load_truth(con, settings.sources_dir / "ground_truth")
    started = time.perf_counter()
    con.register("raw", records)
    mapping = resolve_mapping(records.column_names, {"id": "record_key"}, [])
    prepared = prepare_records(con, "raw", mapping, "prepared")
    present = present_columns(dict(prepared.filled), prepared.rows, 0.01)
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("prepared"), _baseline_settings(present))
    _say("plain Splink: training")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    _say("plain Splink: scoring")
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    _say("plain Splink: clustering")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, THRESHOLD)
    assigned = {str(u): str(c) for u, c in con.sql(
        f'SELECT unique_id, cluster_id FROM "{clusters.physical_name}"').fetchall()}
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    pairs = [(str(a), str(b)) for a, b in con.sql(
        f'SELECT unique_id_l, unique_id_r FROM "{predictions.physical_name}"').fetchall()]
    known = {k: v for k, v in assigned.items() if k in truth}
    return {"system": "plain Splink", "records": prepared.rows, "seconds": round(seconds, 1),
            "peak_memory_mb": round(peak), "pairs_linked": len(pairs),
            "persons": len(set(assigned.values())),
            "pairwise": pairwise_scores((p for p in pairs if p[0] in truth and p[1] in truth),
                                        truth).as_dict(),
            "clusters": cluster_scores(known, {k: truth[k] for k in known}).as_dict()}


def _child(which: str, home: Path) -> dict[str, Any]:
    """Run one system in a fresh process (peak memory is then that system's own)."""
    _say(f"running {which}")
    done = subprocess.run([sys.executable, __file__, "--child", which, "--home", str(home)],
                          check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _line(result: dict[str, Any]) -> str:
    pair, cluster = result["pairwise"], result["clusters"]
    return (f"{result['system']:>13}: {result['seconds']:7.1f} s  peak "
            f"{result['peak_memory_mb']:>6,} MB  pairwise P {pair['precision']:.4f} "
            f"R {pair['recall']:.4f} F1 {pair['f1']:.4f}  cluster F1 {cluster['f1']:.4f}  "
            f"persons {result['persons']:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=370_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--home", type=Path, default=Path("/tmp/joinedup-bench-linkage"))
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", choices=("joinedup", "splink"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_joinedup if args.child == "joinedup" else run_plain_splink
        print(json.dumps(run(args.home)))
        return
    records = ensure_borough(args.home, args.people, args.seed)
    _say(f"{records:,} person records")
    results = [_child("joinedup", args.home)]
    if not args.skip_baseline:
        results.append(_child("splink", args.home))
    summary: dict[str, Any] = {"records": records, "people": args.people, "cores":
                               os.cpu_count(), "results": results}
    if len(results) == 2:
        summary["time_ratio_joinedup_over_splink"] = round(
            results[0]["seconds"] / results[1]["seconds"], 2)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{records:,} person records of a {args.people:,}-resident synthetic borough, "
          f"{os.cpu_count()} cores")
    for result in results:
        print(_line(result))
    if "time_ratio_joinedup_over_splink" in summary:
        print(f"time ratio joinedup / plain Splink: {summary['time_ratio_joinedup_over_splink']}")


if __name__ == "__main__":
    main()
