"""Benchmark part (a): the synthetic borough at about a million person records, joinedup's
`link` against a plain Splink run on the same records, side by side.

    .venv/bin/python bench/linkage_scale.py [--people 370000] [--home DIR] [--json]
        [--incremental 5000]

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
  and clustered with Splink's connected components at the same threshold
  (`bench/plain_splink.py`, which `bench/linkage_eval.py` runs too, there with the Splink
  examples' own blocking rules). `--splink-blocking examples` gives it those rules here too.

- **incremental** (`--incremental N`, after the rest): N records held out of the
  snapshot, the rest linked in full, then the N put back and `joinedup link` run as the
  nightly run would (incremental), timed; a full re-run with the same model follows and the
  records whose person differs between the two are counted, and so are the rows of the other
  tables the two wrote (people, households, family, Family Context, pairs held apart, review
  queue) found in one and not the other. Target (issue 17): 5,000 new records in under 30 s
  at a million, with 0 differing.
- **referrals** (after joinedup, unless `--referrals 0`): the latency of scoring one incoming
  record against the person index that run built (`SearchIndex` over the snapshot's search
  tables, the path Family Context's search takes): `--referrals` records drawn from the index
  at random, each typed with one kind of noise (`bench/search.py`'s `noisy_query`: typo,
  nickname, surname first, day/month swap, no postcode, NHS number only), are searched one by
  one; p50/p95/p99 and the share whose top candidate is the record's own person are printed.
  The records stay in the index (a real referral's person usually has other records there),
  so the hit rate is an upper bound; the latency is the point. Target (issue 17): p95 <= 50 ms
  at a million records. `bench/search.py` measures the same on a million records made by
  filling a 20,000-person borough with synthetic people, holding its queries out.

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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
THRESHOLD = 0.8
sys.path.insert(0, str(HERE))


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
    from joinedup.linkage.warehouse_link import NAMES_TABLE, link_warehouse
    from joinedup.warehouse.snapshots import SnapshotStore

    settings = _settings(home)
    # Timed from cold, as plain Splink is: no names kept by an earlier run on this home
    # (`warehouse_link.NAMES_TABLE`; a nightly run reads them, the side-by-side does not).
    _republish(home, f"DROP TABLE IF EXISTS {NAMES_TABLE}")
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


def export_person_records(home: Path, export: Path) -> None:
    """Write the current snapshot's person records as `joinedup link` reads them (with their
    address periods), keyed `record_key` = source, unit separator, source record id."""
    from joinedup.linkage.warehouse_link import MATCH_COLUMNS, match_records_sql
    from joinedup.warehouse.snapshots import SnapshotStore

    with SnapshotStore.from_settings(_settings(home)).open_current() as snapshot:
        literal = export.as_posix().replace("'", "''")
        snapshot.execute(
            f"COPY (SELECT source || chr(31) || source_record_id AS record_key, "
            f"{', '.join(MATCH_COLUMNS)} FROM {match_records_sql()}) TO '{literal}' "
            "(FORMAT parquet)")


def run_plain_splink(home: Path, joinedup_blocking: bool = True,
                     threshold: float = THRESHOLD) -> dict[str, Any]:
    """Plain Splink (`bench/plain_splink.py`) on the borough's person records, standardised by
    joinedup's `prepare`. With `joinedup_blocking` it blocks with joinedup's own rules (like
    with like at scale); otherwise with the Splink examples' rules."""
    import duckdb

    from joinedup.evaluation.scores import cluster_scores, pairwise_scores
    from joinedup.evaluation.truth import load_truth
    from joinedup.linkage import blocking
    from joinedup.linkage.fields import resolve_mapping
    from joinedup.linkage.model import present_columns
    from joinedup.linkage.prepare import prepare_records
    from plain_splink import run_plain_splink as plain

    settings = _settings(home)
    export = home / "bench-person-records.parquet"
    export_person_records(home, export)
    con = duckdb.connect()
    truth = load_truth(con, settings.sources_dir / "ground_truth")
    started = time.perf_counter()
    con.execute("CREATE TABLE raw AS SELECT * FROM read_parquet(?)", [str(export)])
    columns = [str(row[0]) for row in con.execute("DESCRIBE raw").fetchall()]
    mapping = resolve_mapping(columns, {"id": "record_key"}, [], file=str(export))
    prepared = prepare_records(con, "raw", mapping, "prepared")
    present = present_columns(dict(prepared.filled), prepared.rows, 0.01)
    rules = (blocking.rules(blocking.keys_available(blocking.BLOCKING_KEYS, present))
             if joinedup_blocking else None)
    run = plain(con, ["prepared"], present, threshold=threshold, blocking=rules, say=_say)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    export.unlink(missing_ok=True)
    con.close()
    known = {k: v for k, v in run.cluster_of.items() if k in truth}
    return {"system": "plain Splink", "blocking": "joinedup" if joinedup_blocking else "examples",
            "records": prepared.rows, "seconds": round(seconds, 1),
            "peak_memory_mb": round(peak), "pairs_linked": len(run.pairs),
            "persons": len(set(run.cluster_of.values())),
            "pairwise": pairwise_scores(((a, b) for a, b, _ in run.pairs
                                         if a in truth and b in truth), truth).as_dict(),
            "clusters": cluster_scores(known, {k: truth[k] for k in known}).as_dict()}


def run_referrals(home: Path, queries: int, seed: int = 17) -> dict[str, Any]:
    """Search the linked snapshot's person index for `queries` noisy copies of its records."""
    import random
    import statistics

    from joinedup.linkage.search import SearchIndex
    from joinedup.linkage.warehouse_link import model_path
    from joinedup.warehouse.snapshots import SnapshotStore
    from search import KINDS, noisy_query

    settings = _settings(home)
    store = SnapshotStore.from_settings(settings)
    current = store.current_id()
    if current is None:
        raise SystemExit("no linked snapshot: run the joinedup step first")
    snapshot = store.path(current)
    started = time.perf_counter()
    index = SearchIndex.open(snapshot, model_path(settings))
    load = time.perf_counter() - started
    import duckdb

    with duckdb.connect(str(snapshot), read_only=True) as con:
        relation = con.sql(f"""
            SELECT p.first_name, p.surname, p.sex, p.postcode, p.dob, p.nhs_number,
                   s.person_id
            FROM person_record AS p JOIN search_record AS s
              ON s.source = p.source AND s.source_record_id = p.source_record_id
            ORDER BY hash(p.source, p.source_record_id, {seed}) LIMIT {queries}""")
        records = [dict(zip(relation.columns, row, strict=True))
                   for row in relation.fetchall()]
    rng = random.Random(seed)
    times: list[float] = []
    cpu: list[float] = []  # the query's own CPU time: what contention for the cores hides
    hits = 0
    for record in records:
        query = noisy_query(record, rng.choice(KINDS))
        began, cpu_began = time.perf_counter(), time.thread_time()
        try:
            found = index.search(query, limit=20)
        except Exception:  # a query left with nothing to search on counts as no answer
            found = []
        times.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - cpu_began)
        hits += bool(found) and found[0].person_id == record["person_id"]

    def ms(q: float, values: list[float] = times) -> float:
        ordered = sorted(values)
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"cpu_p50_ms": ms(0.5, cpu), "cpu_p95_ms": ms(0.95, cpu),
            "records": index.records, "queries": len(times), "load_seconds": round(load, 1),
            "p50_ms": ms(0.5), "p95_ms": ms(0.95), "p99_ms": ms(0.99),
            "mean_ms": round(1000 * statistics.fmean(times), 1),
            "top_is_own_person": round(hits / max(1, len(times)), 3),
            "peak_memory_mb": round(_peak_mb()),
            "load_average": [round(x, 1) for x in os.getloadavg()]}


def _republish(home: Path, sql: str, parquet: Path | None = None) -> None:
    """A new snapshot: the current one with `sql` applied (`held` is the held-out records'
    parquet file when given)."""
    from joinedup.warehouse.snapshots import SnapshotStore

    store = SnapshotStore.from_settings(_settings(home))
    with store.lock():
        current = store.current_id()
        with store.build(seed=current) as build:
            if parquet is not None:
                literal = parquet.as_posix().replace("'", "''")
                build.con.execute(f"CREATE TEMP VIEW held AS SELECT * FROM "
                                  f"read_parquet('{literal}')")
            build.con.execute(sql)
            build.commit()


def _partition(home: Path) -> dict[str, frozenset[str]]:
    """record -> every record of its person, from the current snapshot's person_link."""
    from joinedup.warehouse.snapshots import SnapshotStore

    with SnapshotStore.from_settings(_settings(home)).open_current() as con:
        rows = con.execute("SELECT source || chr(31) || source_record_id, person_id "
                           "FROM person_link").fetchall()
    people: dict[str, set[str]] = {}
    for record, person in rows:
        people.setdefault(str(person), set()).add(str(record))
    return {record: frozenset(group) for group in people.values() for record in group}


# What else a link run writes, compared between the incremental run and the full re-run:
# per-person tables whole, and tables of pairs with the pair either way round (a pair's two
# records are in the run's numbering order, which differs between the two runs).
_PERSON_TABLES = ("person_index", "household", "household_member", "family_edge",
                  "context_person", "context_record", "context_address", "context_involvement",
                  "context_event", "context_family", "context_household")
_PAIR_TABLES = {"person_link_pair": "round(match_probability, 9)",
                "person_link_held": "reason",
                "review_queue": "pair_id, reason, round(match_probability, 9)",
                "context_pair": "person_id, round(match_probability, 9)"}


def _tables_differ(first: Path, second: Path) -> dict[str, int]:
    """Per table, the rows of one snapshot not in the other (both ways, counted with
    repeats)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for name, path in (("a", first), ("b", second)):
        literal = path.as_posix().replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS {name} (READ_ONLY)")
    pair = ("least(source_l || chr(31) || source_record_id_l, source_r || chr(31) || "
            "source_record_id_r), greatest(source_l || chr(31) || source_record_id_l, "
            "source_r || chr(31) || source_record_id_r)")
    selects = {**{table: (f"SELECT * FROM {{db}}.{table}") for table in _PERSON_TABLES},
               **{table: f"SELECT {pair}, {extra} FROM {{db}}.{table}"
                  for table, extra in _PAIR_TABLES.items()}}
    differ = {}
    for table, select in selects.items():
        a, b = select.format(db="a"), select.format(db="b")
        differ[table] = sum(int(con.execute(f"SELECT count(*) FROM ({x} EXCEPT ALL {y})")
                                .fetchall()[0][0]) for x, y in ((a, b), (b, a)))
    con.close()
    return differ


def run_incremental(home: Path, new: int) -> dict[str, Any]:
    """Issue 17, item 4: a day's `new` records added to the index without a full dedupe.

    `new` person records (drawn at random) are held out of the current snapshot, the rest
    linked in full with a fresh model (the index), then the held-out records come back as
    the day's extract and `joinedup link` runs as it would that night (incremental: only
    pairs with a new record are scored, known people keep their ids). A full re-run with
    the same model follows, and the two are compared record by record: a record counts as
    different when the set of records in its person differs. The other tables the two runs
    wrote are compared row by row too (`_tables_differ`)."""
    from joinedup.linkage.warehouse_link import link_warehouse

    settings = _settings(home)
    held = home / "bench-held-out.parquet"
    literal = held.as_posix().replace("'", "''")
    _republish(home, f"""COPY (SELECT * FROM person_record
        ORDER BY hash(source, source_record_id, 17) LIMIT {int(new)}) TO '{literal}'
        (FORMAT parquet);
        DELETE FROM person_record WHERE (source, source_record_id) IN
            (SELECT (source, source_record_id) FROM read_parquet('{literal}'))""")
    _say(f"held out {new:,} records; linking the rest in full (the index)")
    link_warehouse(settings, retrain=True, full=True, progress=_say)
    _republish(home, "INSERT INTO person_record SELECT * FROM held", held)
    _say("the day's records are back: linking as the nightly run would")
    started = time.perf_counter()
    incremental = link_warehouse(settings, progress=_say)
    seconds = time.perf_counter() - started
    after_incremental = _partition(home)
    _say("a full re-run with the same model, to compare")
    started = time.perf_counter()
    full = link_warehouse(settings, full=True, progress=_say)
    full_seconds = time.perf_counter() - started
    after_full = _partition(home)
    differ = sum(after_incremental.get(record) != group for record, group in after_full.items())
    tables = _tables_differ(incremental.snapshot_path, full.snapshot_path)
    held.unlink(missing_ok=True)
    return {"new_records": incremental.new_records, "mode": incremental.mode,
            "mode_reason": incremental.mode_reason, "records": incremental.records,
            "seconds": round(seconds, 1), "full_seconds": round(full_seconds, 1),
            "full_mode": full.mode, "records_in_a_different_person": differ,
            "rows_differing_from_the_full_run": tables,
            "peak_memory_mb": round(_peak_mb())}


def _child(which: str, home: Path, *extra: str) -> dict[str, Any]:
    """Run one system in a fresh process (peak memory is then that system's own)."""
    _say(f"running {which}")
    done = subprocess.run([sys.executable, __file__, "--child", which, "--home", str(home),
                           *extra], check=True, stdout=subprocess.PIPE, text=True)
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
    parser.add_argument("--referrals", type=int, default=1_000,
                        help="incoming records searched against the index (0: none)")
    parser.add_argument("--skip-link", action="store_true",
                        help="reuse the last joinedup link of --home (for --referrals)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--incremental", type=int, default=0, metavar="N",
                        help="afterwards, add a day's N new records to the index and time "
                             "the incremental link against a full re-run (issue 17: 5,000 "
                             "records in under 30 s, the same people and tables); 0: skip")
    parser.add_argument("--splink-blocking", choices=("joinedup", "examples"),
                        default="joinedup",
                        help="plain Splink's blocking rules: joinedup's own (default: both "
                             "score the same pairs) or the Splink examples'")
    parser.add_argument("--child", choices=("joinedup", "splink", "referrals", "incremental"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "referrals":
        print(json.dumps(run_referrals(args.home, args.referrals)))
        return
    if args.child == "incremental":
        print(json.dumps(run_incremental(args.home, args.incremental)))
        return
    if args.child:
        result = (run_joinedup(args.home) if args.child == "joinedup" else
                  run_plain_splink(args.home, args.splink_blocking == "joinedup"))
        print(json.dumps(result))
        return
    records = ensure_borough(args.home, args.people, args.seed)
    _say(f"{records:,} person records")
    results = [] if args.skip_link else [_child("joinedup", args.home)]
    if not args.skip_baseline:
        results.append(_child("splink", args.home, "--splink-blocking", args.splink_blocking))
    summary: dict[str, Any] = {"records": records, "people": args.people, "cores":
                               os.cpu_count(), "results": results}
    if args.referrals:
        summary["referrals"] = _child("referrals", args.home,
                                      "--referrals", str(args.referrals))
    if args.incremental:
        summary["incremental"] = _child("incremental", args.home,
                                        "--incremental", str(args.incremental))
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
    if not args.skip_baseline and args.splink_blocking == "examples":
        print("plain Splink blocked with the Splink examples' rules (--splink-blocking examples)")
    if "time_ratio_joinedup_over_splink" in summary:
        print(f"time ratio joinedup / plain Splink: {summary['time_ratio_joinedup_over_splink']}")
    if "referrals" in summary:
        ref = summary["referrals"]
        print(f"referral search: {ref['queries']:,} queries against {ref['records']:,} records "
              f"(index load {ref['load_seconds']} s): p50 {ref['p50_ms']} ms  p95 "
              f"{ref['p95_ms']} ms  p99 {ref['p99_ms']} ms (CPU p50 {ref['cpu_p50_ms']} ms, p95 "
              f"{ref['cpu_p95_ms']} ms); top candidate is the record's own "
              f"person {ref['top_is_own_person']:.1%}; load average {ref['load_average']}")
    if "incremental" in summary:
        inc = summary["incremental"]
        print(f"incremental: {inc['new_records']:,} new records added to {inc['records']:,} "
              f"in {inc['seconds']} s ({inc['mode']} run: {inc['mode_reason']}); a full "
              f"re-run took {inc['full_seconds']} s; records whose person differs: "
              f"{inc['records_in_a_different_person']:,} (goal: 5,000 in under 30 s, 0)")
        tables = inc["rows_differing_from_the_full_run"]
        print("  rows differing from the full re-run's: " + (", ".join(
            f"{table} {rows:,}" for table, rows in tables.items() if rows) or "none"))


if __name__ == "__main__":
    main()
