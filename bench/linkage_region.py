"""Benchmark: how the matcher's time and memory grow toward a region, on one machine.

    JOINEDUP_REFERENCE_DATA=../shared/data .venv/bin/python bench/linkage_region.py \
        [--boroughs 3] [--people 370000] [--seed 2026] [--home-prefix /tmp/joinedup-region] \
        [--counts 1,3] [--memory-limit 12GB]

The synthetic generator makes one borough (about 370,000 residents, a million person records;
a bigger one runs out of postcode units), and a region is several councils. So borough i
(seed + i, its own home `<home-prefix>-<i>`, generated and ingested once by
`linkage_scale.ensure_borough`) has its person records exported as `joinedup link` reads
them, its record ids prefixed with its number and its postcodes moved to a postcode area of
its own (SK to WA, CH, L, ...), so that two boroughs' people never share a postcode. NHS
numbers and UPNs are kept: two boroughs can draw the same valid number for two people (about
a hundred pairs at a million records each), which the model reads as one person; the figures
here are time and memory, not accuracy.

Then, for 1, 2, ... `--boroughs` boroughs side by side, `run_match` (the path of
`joinedup match dedupe`: standardise, train a model on the input, score, cluster), each in
its own process so its peak memory is its own: records, wall time, peak resident memory of
the process (DuckDB runs in it), pairs scored and people. Nothing is asserted. Issue 17 asks
for a 10-million-record region; the growth from one borough to three says what machine that
would take.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

AREAS = ("SK", "WA", "CH", "WN", "PR", "BB", "BL", "OL", "LA", "CW")
"""Postcode areas for boroughs 0, 1, 2, ... (the generator's borough is in SK)."""


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


def export_borough(home: Path, number: int, people: int, seed: int) -> Path:
    """Borough `number`'s person records as `joinedup link` reads them, renumbered and moved
    to its own postcode area, in a parquet file beside its home (made once)."""
    import duckdb

    import linkage_scale
    from joinedup.linkage.warehouse_link import numbered_records_sql
    from joinedup.warehouse.snapshots import SnapshotStore

    out = home / f"bench-region-records-{number}.parquet"
    if out.is_file():
        return out
    linkage_scale.ensure_borough(home, people, seed)
    store = SnapshotStore.from_settings(linkage_scale._settings(home))
    with store.open_current() as con:
        table = con.sql(numbered_records_sql()).to_arrow_table()
    area = AREAS[number % len(AREAS)]
    local = duckdb.connect()
    local.register("records", table)
    literal = out.as_posix().replace("'", "''")
    local.execute(f"""COPY (
        SELECT * REPLACE ('b{number}-' || link_key AS link_key,
                          regexp_replace(postcode, '^\\s*[A-Za-z]+', '{area}') AS postcode)
        FROM records) TO '{literal}' (FORMAT parquet)""")
    local.close()
    return out


def run_region(files: list[Path], memory_limit: str | None = None) -> dict[str, Any]:
    """`run_match` over the records of `files` side by side (in this process), DuckDB held
    to `memory_limit` (spilling beyond it) when one is given."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from joinedup.linkage import InputTable, MatchOptions, run_match

    table = pa.concat_tables([pq.read_table(f) for f in files])
    started = time.perf_counter()
    run = run_match([InputTable(table, {"id": "link_key"}, name="the region's records")],
                    MatchOptions(memory_limit=memory_limit), _say)
    try:
        seconds = time.perf_counter() - started
        return {"boroughs": len(files), "records": table.num_rows,
                "seconds": round(seconds, 1), "pairs_scored": run.pairs_scored,
                "persons": run.clusters.count,
                "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                        / 1024)}
    finally:
        run.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boroughs", type=int, default=3)
    parser.add_argument("--people", type=int, default=370_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--home-prefix", default="/tmp/joinedup-region")
    parser.add_argument("--counts", default=None, metavar="N[,N...]",
                        help="Which region sizes to match, in boroughs (default: every one "
                             "from 1 to --boroughs), e.g. --counts 10 for the region alone.")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE",
                        help="Hold DuckDB to SIZE (e.g. 12GB), spilling beyond it "
                             "(`MatchOptions.memory_limit`): for a region bigger than memory.")
    parser.add_argument("--child", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_region(args.child, args.memory_limit)))
        return
    counts = (range(1, args.boroughs + 1) if args.counts is None
              else sorted({int(n) for n in args.counts.split(",")}))
    if any(not 1 <= n <= args.boroughs for n in counts):
        parser.error(f"--counts must be between 1 and --boroughs ({args.boroughs})")
    files = []
    for number in range(args.boroughs):
        home = Path(f"{args.home_prefix}-{number}")
        _say(f"borough {number}: {home}")
        files.append(export_borough(home, number, args.people, args.seed + number))
    print(f"{'boroughs':>8} {'records':>11} {'seconds':>8} {'peak MB':>8} {'pairs':>12} "
          f"{'people':>10}")
    limit = ["--memory-limit", args.memory_limit] if args.memory_limit else []
    for count in counts:
        _say(f"matching {count} borough(s) side by side")
        done = subprocess.run([sys.executable, __file__, *limit, "--child",
                               *map(str, files[:count])],
                              stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"{count:>8} failed (exit {done.returncode}): out of memory?", flush=True)
            break
        result = json.loads(done.stdout)
        print(f"{result['boroughs']:>8} {result['records']:>11,} {result['seconds']:>8} "
              f"{result['peak_memory_mb']:>8,} {result['pairs_scored']:>12,} "
              f"{result['persons']:>10,}", flush=True)


if __name__ == "__main__":
    main()
