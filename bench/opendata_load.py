"""Load check: 50 concurrent clients on the open data API.

    .venv/bin/python bench/opendata_load.py [--clients 50] [--seconds 30] [--workers 2]
                                            [--threads 4] [--reference ../shared/data]

1. The data: the datasets built from the reference data (DfE workforce and demand per
   council, Stockport's LSOAs) and one synthetic ward dataset from a made-up mart of 21 wards
   over 5 years, published into a fresh home under bench/out/opendata-load. Without reference
   data only the synthetic dataset is there.
2. The server: `joinedup serve` (gunicorn, gthread workers, DEBUG off) on a free port.
3. The clients: --clients threads, each with its own connection, no sign-in, loop until
   --seconds have passed over a mix of API calls a harvester or dashboard makes: the list,
   one dataset's metadata, a filtered and sorted page of rows, a conditional GET with the
   ETag it was given (304), and a whole download.

It prints requests, throughput, p50/p95/p99 client-side milliseconds per kind of call and in
all, and the errors (any status other than 200 or the expected 304, or a failed connection).
The clients share the 2-core machine with the server: figures are those of a loaded machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JOINEDUP = Path(sys.executable).with_name("joinedup")

from joinedup.opendata.build import build_all  # noqa: E402
from joinedup.opendata.sources import BuildContext, MartTable  # noqa: E402
from joinedup.opendata.spec import load_specs  # noqa: E402
from joinedup.opendata.store import Store  # noqa: E402

API = "/open-data/api/v1"


def publish(home: Path, reference: Path | None) -> list[str]:
    rng = random.Random(7)
    rows = [{"month": dt.date(2020 + y, 3, 1), "financial_year": f"{2020 + y}-{21 + y}",
             "ward_code": f"E050{w:05d}", "referrals": rng.randint(0, 60),
             "re_referrals": 0, "cp_plans_started": rng.randint(0, 9),
             "cla_started": rng.randint(0, 6)}
            for y in range(5) for w in range(21)]
    for r in rows:
        r["re_referrals"] = rng.randint(0, r["referrals"])
    specs = load_specs()
    wanted = ["childrens-social-care-by-ward"]
    if reference is not None:
        wanted += ["childrens-social-care-demand", "childrens-social-work-workforce",
                   "stockport-areas"]
    ctx = BuildContext(reference, lambda name: MartTable(tuple(rows[0]), rows, False, "BENCH"),
                       "BENCH")
    outcomes = build_all([specs[n] for n in wanted], ctx, Store(home / "opendata"))
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"could not publish: {failed}")
    return wanted


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(home: Path, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOINEDUP_")}
    env.update({"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "none.toml")})
    log = (home / "serve.log").open("wb")
    proc = subprocess.Popen([str(JOINEDUP), "serve", "--port", str(port), "--workers",
                             str(workers), "--threads", str(threads)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", f"{API}/datasets")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start: see {home / 'serve.log'}")


Sample = tuple[str, float, bool]  # (kind, ms, ok)


def client(port: int, names: list[str], until: float, seed: int, out: list[Sample]) -> None:
    rng = random.Random(seed)
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    etags: dict[str, str] = {}

    def call(kind: str, path: str, expect: int = 200, headers: dict[str, str] | None = None
             ) -> dict[str, str]:
        nonlocal conn
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers or {})
            response = response_ = conn.getresponse()
            response_.read()
            ok = response.status == expect
            found = dict(response.getheaders())
        except OSError:
            conn.close()
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            ok, found = False, {}
        out.append((kind, (time.perf_counter() - started) * 1000, ok))
        return found

    while time.monotonic() < until:
        name = rng.choice(names)
        call("list", f"{API}/datasets")
        call("metadata", f"{API}/datasets/{name}")
        query = f"{API}/datasets/{name}/rows?limit=50&offset={rng.randint(0, 100)}"
        got = call("rows", query)
        if "ETag" in got:
            etags[query] = got["ETag"]
            call("rows, conditional (304)", query, 304, {"If-None-Match": etags[query]})
        call("download csv", f"{API}/datasets/{name}/download/csv")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reference", type=Path,
                        default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--home", type=Path, default=HERE / "out" / "opendata-load")
    args = parser.parse_args()
    reference = args.reference if (args.reference / "dfe").is_dir() else None
    shutil.rmtree(args.home, ignore_errors=True)
    args.home.mkdir(parents=True)
    names = publish(args.home, reference)
    port = free_port()
    proc = start(args.home, port, args.workers, args.threads)
    samples: list[Sample] = []
    try:
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(port, names, until, i, samples))
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    kinds = Counter(k for k, _, _ in samples)
    result: dict[str, Any] = {"clients": args.clients, "seconds": args.seconds,
                              "workers": args.workers, "threads": args.threads,
                              "datasets": names, "calls": {}}
    for kind in [*kinds, "all"]:
        ms = [m for k, m, _ in samples if kind in ("all", k)]
        errors = sum(1 for k, _, ok in samples if kind in ("all", k) and not ok)
        result["calls"][kind] = {
            "requests": len(ms), "per_second": round(len(ms) / args.seconds, 1),
            "errors": errors, "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(percentile(ms, 0.95), 1), "p99_ms": round(percentile(ms, 0.99), 1)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
