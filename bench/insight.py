"""Benchmark: marts build time and dashboard page times on a borough of about a million
source rows.

    .venv/bin/python bench/insight.py [--rows 1000000] [--seed 2026] [--repeat 3]
                                      [--requests 40] [--home DIR]

1. The data: bench/ingest.py's borough of about --rows source rows (generated once, cached
   under bench/out/), ingested once into bench/out/insight-home (the ingest builds the
   marts, as every pipeline run does); or, with --home, a home the pipeline already made
   (bench/load.py's borough of a million person records: --people 370000).
2. Marts: `build_marts` on a fresh copy of that snapshot, --repeat times; prints the median
   seconds in all and per mart (target: under a minute).
3. Pages: Django in this process (the app's settings, an SQLite app database in the home,
   the analyst signed in with the test client, so every view is logged as in production),
   --requests GETs of every dashboard page and of the map after one warm-up each; prints
   p50 and p95 milliseconds per page (target: p95 <= 300 ms), "cold" with the per-process
   cache of aggregate results emptied before every request (every figure read from the
   marts) and "warm" as served to the next reader of the same snapshot and filters.
   Server-side only: no network, no gunicorn queue. The machine is shared: figures are
   noisy from run to run.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ingest import OUT, borough, people_for, reference_data  # noqa: E402
from joinedup.config import Settings, get_settings  # noqa: E402
from joinedup.warehouse.ingest import run_ingest  # noqa: E402


def ensure_home(sources_file: Path) -> Path:
    """A home holding the borough's snapshot with marts, made once per borough."""
    from joinedup.marts import gazetteer_for, marts_step

    sql = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(
        (HERE.parent / "src" / "joinedup" / "marts" / "sql").glob("*.sql")))).hexdigest()[:8]
    home = OUT / f"insight-home-{sources_file.parent.name}-marts{sql}"  # new SQL: new home
    if not (home / ".complete").exists():
        shutil.rmtree(home, ignore_errors=True)
        started = time.perf_counter()
        run_ingest(sources_file, Settings(home=home),
                   steps=[marts_step(gazetteer_for(sources_file))])
        (home / ".complete").write_text("ingested\n", encoding="utf-8")
        print(f"ingested into {home} in {time.perf_counter() - started:.1f} s", flush=True)
    return home


def time_marts(home: Path, gazetteer: Path, repeat: int) -> None:
    import duckdb

    from joinedup.marts import build_marts
    from joinedup.warehouse.snapshots import SnapshotStore

    store = SnapshotStore(home / "warehouse" / "snapshots")
    current = store.current_id()
    assert current is not None
    runs = []
    scratch = home / "marts-scratch.duckdb"
    for _ in range(repeat):
        shutil.copyfile(store.path(current), scratch)
        with duckdb.connect(str(scratch)) as con:
            rows = con.execute("SELECT count(*) FROM event").fetchone()
            runs.append(build_marts(con, gazetteer))
        scratch.unlink()
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    print(f"marts build: median {statistics.median(r.seconds for r in runs):.2f} s over "
          f"{repeat} runs on {rows[0] if rows else 0:,} events (target < 60 s)")
    for mart in middle.marts:
        print(f"  mart_{mart.name:<18} {mart.rows:>10,} rows {mart.seconds:7.2f} s")


def time_pages(home: Path, requests: int) -> None:
    os.environ["JOINEDUP_HOME"] = str(home)
    os.environ["JOINEDUP_CONFIG"] = str(home / "none.toml")
    reference = reference_data()
    if reference is not None:
        os.environ["JOINEDUP_REFERENCE_DATA"] = str(reference)
    get_settings.cache_clear()
    from joinedup.web import bootstrap

    bootstrap.setup()
    bootstrap.migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # as `joinedup serve` does
    logging.getLogger("joinedup.request").setLevel(logging.WARNING)  # one line per request
    from django.contrib.auth.models import User
    from django.test import Client

    from joinedup.insight.schema import load_dashboards
    from joinedup.web.accounts.roles import assign_role

    user = User.objects.filter(username="bench-analyst").first() or \
        User.objects.create_user("bench-analyst", password="not-used-9-bench")
    assign_role(user, "analyst")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    pages = [f"/dashboards/{key}/" for key in load_dashboards()] + \
        ["/dashboards/attendance/?phase=Secondary", "/dashboards/csc_front_door/map/",
         "/dashboards/usage/"]
    from joinedup.web.core import snapshot_cache as cache

    print(f"pages: {requests} requests each after one warm-up (server side, in process); "
          "milliseconds")
    print(f"  {'page':<45} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9}")
    worst = {"cold": 0.0, "warm": 0.0}
    for path in pages:
        client.get(path)
        figures = []
        for kind in ("cold", "warm"):
            times = []
            for _ in range(requests):
                if kind == "cold":
                    cache.clear()
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            p95 = statistics.quantiles(times, n=20)[-1]
            worst[kind] = max(worst[kind], p95)
            figures += [statistics.median(times), p95]
        print(f"  {path:<45} " + " ".join(f"{f:9.1f}" for f in figures))
    print(f"worst page p95: cold {worst['cold']:.1f} ms, warm {worst['warm']:.1f} ms "
          "(target <= 300 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--home", type=Path, default=None,
                        help="an existing data home made by the pipeline (e.g. bench/load.py's "
                             "million-record borough) instead of --rows")
    args = parser.parse_args()
    if args.home is not None:
        home = args.home.resolve()
        gazetteer = home / "sources" / "gazetteer"
        if not gazetteer.is_dir():
            raise SystemExit(f"{gazetteer} not found: --home needs a home whose sources were "
                             "made by `joinedup synth` (out/gazetteer beside sources.yaml)")
        print(f"home: {home}", flush=True)
    else:
        people = people_for(args.rows, args.seed)
        sources_file = borough(people, args.seed) / "sources.yaml"
        print(f"borough: {people:,} people, seed {args.seed} ({sources_file.parent})",
              flush=True)
        home = ensure_home(sources_file)
        gazetteer = sources_file.parent / "gazetteer"
    time_marts(home, gazetteer, args.repeat)
    time_pages(home, args.requests)


if __name__ == "__main__":
    main()
