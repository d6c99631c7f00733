"""Benchmark: the same matching job on the DuckDB engine and on Spark, time and memory.

    .venv/bin/python bench/spark_scale.py [--people 20000] [--master local[2]]
        [--home DIR] [--conf KEY=VALUE ...]

A synthetic borough of `--people` residents is generated and ingested into `--home` once
(`bench/linkage_scale.py`'s `ensure_borough`), and its person records exported as
`joinedup link` reads them. A model is trained on them with DuckDB (not timed). Then, each in
its own process, `run_match` applies that model with `engine="duckdb"` and with
`engine="spark"` (`--master`, local[2] by default, or a cluster's URL with `--staging` on a
shared mount): wall time, peak memory of the Python process and, for Spark, of its driver JVM
(VmHWM), pairs scored, people found, and whether the two engines' clusters are identical.

It asserts nothing. On one machine Spark is expected to be slower (see docs/matching.md,
"Running on Spark"); the figures say by how much, and what a run costs in memory.
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
sys.path.insert(0, str(HERE))


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


def _jvm_peak_mb(spark: Any) -> float | None:
    """Peak resident memory of the driver JVM (local mode: all of Spark's work)."""
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_engine(home: Path, engine: str, master: str, staging: Path | None,
               conf: list[tuple[str, str]]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from joinedup.linkage import InputTable, MatchOptions, run_match
    from joinedup.linkage.spark_engine import SparkOptions, start_session

    table = pq.read_table(home / "bench-person-records.parquet")
    spark, jvm_peak = None, None
    options = MatchOptions(model=home / "bench-model.json")
    if engine == "spark":
        spark, _ = start_session(SparkOptions(master=master, config=tuple(conf)))
        options = MatchOptions(model=home / "bench-model.json", engine="spark",
                               spark=SparkOptions(session=spark, staging=staging))
    started = time.perf_counter()
    run = run_match([InputTable(table, {"id": "record_key"}, name="person records")],
                    options, _say)
    seconds = time.perf_counter() - started
    out = home / f"bench-clusters-{engine}.parquet"
    pq.write_table(run.output_table(), out)
    result = {"engine": engine, "records": table.num_rows, "seconds": round(seconds, 1),
              "pairs_scored": run.pairs_scored, "persons": run.clusters.count,
              "python_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    run.close()
    if spark is not None:
        jvm_peak = _jvm_peak_mb(spark)
        result["jvm_peak_mb"] = None if jvm_peak is None else round(jvm_peak)
        result["master"] = master
        spark.stop()
    return result


def _prepare(home: Path, people: int, seed: int) -> int:
    """The borough, its exported person records and a model trained on them (once)."""
    import pyarrow.parquet as pq

    from joinedup.linkage import InputTable, MatchOptions, run_match
    from linkage_scale import ensure_borough, export_person_records

    ensure_borough(home, people, seed)
    export = home / "bench-person-records.parquet"
    if not export.is_file():
        export_person_records(home, export)
    model = home / "bench-model.json"
    if not model.is_file():
        _say("training the model on DuckDB (once, not timed)")
        table = pq.read_table(export)
        run_match([InputTable(table, {"id": "record_key"}, name="person records")],
                  MatchOptions(save_model=model), _say).close()
    return int(pq.read_metadata(export).num_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--staging", type=Path, default=None)
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--child", choices=("duckdb", "spark"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    home = args.home or Path(f"/tmp/joinedup-bench-spark-p{args.people}-s{args.seed}")
    conf = [tuple(item.split("=", 1)) for item in args.conf]
    if args.child:
        print(json.dumps(run_engine(home, args.child, args.master, args.staging, conf)))
        return
    records = _prepare(home, args.people, args.seed)
    results = []
    for engine in ("duckdb", "spark"):
        _say(f"running {engine}")
        extra = [arg for item in args.conf for arg in ("--conf", item)]
        if args.staging:
            extra += ["--staging", str(args.staging)]
        done = subprocess.run([sys.executable, __file__, "--child", engine, "--home", str(home),
                               "--master", args.master, *extra],
                              check=True, stdout=subprocess.PIPE, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    import pyarrow.parquet as pq

    same = (pq.read_table(home / "bench-clusters-duckdb.parquet")
            .equals(pq.read_table(home / "bench-clusters-spark.parquet")))
    print(f"{records:,} person records of a {args.people:,}-resident synthetic borough, "
          f"{os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for result in results:
        jvm = (f", driver JVM peak {result['jvm_peak_mb']:,} MB"
               if result.get("jvm_peak_mb") is not None else "")
        print(f"{result['engine']:>7}: {result['seconds']:7.1f} s  Python peak "
              f"{result['python_peak_mb']:,} MB{jvm}  {result['pairs_scored']:,} pairs  "
              f"{result['persons']:,} persons")
    print(f"clusters identical: {same}")


if __name__ == "__main__":
    main()
