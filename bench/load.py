"""Load: N signed-in practitioners at once on the production server, for a while.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 120] [--people 30000]
                                   [--home DIR] [--workers 4] [--threads 8]
                                   [--think-seconds 5] [--dashboard-share 0.2]
                                   [--database-url postgresql://...]

1. The data: a synthetic borough of --people residents (seed --seed), ingested and linked by
   the real pipeline (`joinedup synth`, `ingest`, `link`), made once under bench/out/ (or
   any linked home given with --home).
2. The server: `joinedup serve` (gunicorn, gthread workers, DEBUG off, every request
   audited) on a free port, with the app database given by --database-url (default: SQLite
   in the home; a council runs PostgreSQL).
3. The clients: --clients accounts made for this run, each with a password of its own and
   full-strength hashing, a session of its own, on its own thread and connection.
   --dashboard-share of them (default a fifth) are analysts, who open one shipped dashboard
   after another; the rest are children's social workers who give a reason for access and
   then, again and again, make a search (POST /search/ with a name, half of them misspelt,
   a third with a date of birth; then GET /search/ for the rows) and open a person page and
   that person's family page. With --think-seconds, each pauses between requests
   (exponential, that mean) as a person reading the page would, and starts with such a
   pause. Sign-in and a warm-up (rounds of 10 s of the same workload until no request takes
   over 1 s: each worker loading the search index, the dashboards' first queries) are not
   counted.

It prints, per page and overall: requests, throughput, client-side p50/p95/p99 in
milliseconds, the server-side p50/p95 (Server-Timing: the app's own time, without the queue
for a worker and a core) and errors (any unexpected status or failed request); then checks
the logs: exactly one `person_view` audit entry per person page served (and one
`family_view` per family page, one `results` per results page, one usage log entry per
dashboard page) for this run's accounts, and `joinedup audit verify` on the whole chain.
Exit code 1 when a check fails. The goals (issue 16): p95 < 300 ms and no errors. The
clients share the machine with the server, so on a small machine the figures include the
clients' own waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from joinedup.insight.schema import load_dashboards  # noqa: E402
from joinedup.warehouse.snapshots import SnapshotStore  # noqa: E402
from web import TIMING, Session, _free_port, _percentile, workload  # noqa: E402  (bench scripts)

JOINEDUP = Path(sys.executable).with_name("joinedup")
GOAL_P95_MS = 300.0

# Run in a child with the server's settings: accounts, then the audit counts.
MAKE_USERS = """
import json, sys
from joinedup.web import bootstrap
bootstrap.setup(); bootstrap.migrate()
from joinedup.web.accounts.users import create_user
prefix, count, analysts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print(json.dumps([[a.username, a.password] for a in (
    create_user(f"{prefix}{n:03d}", "analyst" if n < analysts else "childrens_social_worker",
                team="Load test insight" if n < analysts else "Load test")
    for n in range(count))]))
"""
COUNT_AUDIT = """
import json, sys
from joinedup.web import bootstrap
bootstrap.setup()
from django.db.models import Count
from joinedup.web.audit.models import AuditEvent
from joinedup.web.dashboards.models import DashboardView
rows = (AuditEvent.objects.filter(username__startswith=sys.argv[1])
        .values("action").annotate(n=Count("seq")))
counts = {r["action"]: r["n"] for r in rows}
counts["dashboard page logged"] = DashboardView.objects.filter(
    username__startswith=sys.argv[1], kind="page").count()
print(json.dumps(counts))
"""


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


# --- the data and the server ----------------------------------------------------------

def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "no-such.toml")}
    if database_url:
        env["JOINEDUP_WEB_DATABASE_URL"] = database_url
    return env


def _linked(home: Path) -> Path | None:
    store = SnapshotStore(home / "warehouse" / "snapshots")
    current = store.current_id()
    if current is None:
        return None
    with duckdb.connect(str(store.path(current)), read_only=True) as con:
        tables = {str(r[0]) for r in con.execute("SHOW TABLES").fetchall()}
    return store.path(current) if "person_index" in tables else None


def ensure_home(home: Path, people: int, seed: int) -> Path:
    """A linked borough in ``home``, made by the real pipeline once."""
    found = _linked(home)
    if found is not None:
        return found
    env = _env(home, None)
    sources = home / "sources"
    for argv in (["synth", "--people", str(people), "--seed", str(seed), "--out", str(sources)],
                 ["ingest", str(sources / "sources.yaml")], ["link"]):
        _say(f"joinedup {' '.join(argv[:1])} (once, into {home})")
        subprocess.run([str(JOINEDUP), *argv], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    linked = _linked(home)
    assert linked is not None
    return linked


def _child(script: str, env: dict[str, str], *args: str) -> Any:
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int, workers: int, threads: int, log: Path
                 ) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen([str(JOINEDUP), "serve", "--port", str(port), "--workers",
                                 str(workers), "--threads", str(threads)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"joinedup serve exited; see {log}")
        try:
            response, _, _ = Session(port).request("GET", "/healthz")
            if response.status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"joinedup serve did not start; see {log}")


# --- the practitioners ----------------------------------------------------------------

@dataclass
class Tally:
    """What one practitioner did: (page, milliseconds) per request, and errors by kind."""

    samples: list[tuple[str, float, float]] = field(default_factory=list)
    """(page, client-side ms, server-side ms from Server-Timing)"""
    errors: Counter[str] = field(default_factory=Counter)
    served: Counter[str] = field(default_factory=Counter)


class Clicks:
    """One signed-in person's requests, timed and tallied, with pauses to read."""

    def __init__(self, session: Session, until: float, seed: int, tally: Tally,
                 think: float) -> None:
        self.session, self.until, self.tally, self.think = session, until, tally, think
        self.rng = random.Random(seed)

    def running(self) -> bool:
        return time.perf_counter() < self.until

    def pause(self) -> None:
        # Reading a page before the next click: exponential, mean ``think`` seconds.
        if self.think > 0:
            time.sleep(min(self.rng.expovariate(1 / self.think),
                           max(0.0, self.until - time.perf_counter())))

    def get(self, page: str, method: str, path: str, expected: int,
            form: dict[str, str] | None = None) -> bool:
        try:
            response, _, spent = self.session.request(method, path, form)
        except OSError as exc:
            self.tally.errors[f"{page}: {type(exc).__name__}"] += 1
            return False
        timing = TIMING.search(response.headers.get("Server-Timing", ""))
        self.tally.samples.append((page, spent, float(timing[1]) if timing else float("nan")))
        if response.status != expected:
            self.tally.errors[f"{page}: HTTP {response.status}"] += 1
            return False
        self.tally.served[page] += 1
        return True


def practitioner(clicks: Clicks, searches: list[dict[str, str]], people: list[str]) -> None:
    """A social worker: a search and its results, a person page, that person's family."""
    # Practitioners do not all click at the same instant: each starts reading a page, as
    # at any moment of a working day (otherwise every run opens with a burst of 50 searches).
    clicks.pause()
    while clicks.running():
        form = {**clicks.rng.choice(searches), "csrfmiddlewaretoken": clicks.session.search_token}
        if clicks.get("search (POST)", "POST", "/search/", 302, form):
            clicks.get("results (GET)", "GET", "/search/", 200)
        clicks.pause()
        person = clicks.rng.choice(people)
        clicks.get("person", "GET", f"/person/{person}/", 200)
        clicks.pause()
        clicks.get("family", "GET", f"/person/{person}/family/", 200)
        clicks.pause()


def dashboard_user(clicks: Clicks, dashboards: list[str]) -> None:
    """An analyst or manager: one shipped dashboard after another."""
    clicks.pause()
    while clicks.running():
        clicks.get("dashboard", "GET", f"/dashboards/{clicks.rng.choice(dashboards)}/", 200)
        clicks.pause()


def figures(samples: list[tuple[str, float, float]], seconds: float) -> dict[str, Any]:
    """Client-side percentiles (what a practitioner waits), and server-side ones (the app's
    own time, from the first middleware to the response: the rest is queueing for a worker
    thread or a core, and the network)."""
    def summary(rows: list[tuple[str, float, float]]) -> dict[str, Any]:
        client = [r[1] for r in rows]
        server = [r[2] for r in rows]
        return {"requests": len(rows), "per_second": round(len(rows) / seconds, 1),
                "p50_ms": round(statistics.median(client), 1),
                "p95_ms": round(_percentile(client, 0.95), 1),
                "p99_ms": round(_percentile(client, 0.99), 1),
                "server_p50_ms": round(statistics.median(server), 1),
                "server_p95_ms": round(_percentile(server, 0.95), 1)}

    out = {page: summary([r for r in samples if r[0] == page])
           for page in dict.fromkeys(r[0] for r in samples)}
    out["all requests"] = summary(samples)
    return out


@dataclass(frozen=True)
class Workload:
    searches: list[dict[str, str]]
    people: list[str]
    dashboards: list[str]
    dashboard_users: int
    """The first this many sessions are dashboard users, the rest practitioners."""


def run_clients(sessions: list[Session], work: Workload, seconds: float, seed: int,
                think: float = 0.0) -> tuple[list[Tally], float]:
    tallies = [Tally() for _ in sessions]
    until = time.perf_counter() + seconds

    def client(n: int) -> None:
        clicks = Clicks(sessions[n], until, seed + n, tallies[n], think)
        if n < work.dashboard_users:
            dashboard_user(clicks, work.dashboards)
        else:
            practitioner(clicks, work.searches, work.people)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(sessions))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tallies, time.perf_counter() - started


WARM_ROUND_SECONDS = 10.0
WARM_MAX_ROUNDS = 9
WARM_SLOWEST_MS = 1_000.0


def warm_up(sessions: list[Session], work: Workload, think: float) -> None:
    """Rounds of WARM_ROUND_SECONDS of the workload as it will run (`think`), not counted,
    until a round has no request slower than WARM_SLOWEST_MS (every worker has its search
    index and the snapshot's pages are in memory: on a million person records each worker
    takes several seconds to load the index), at most WARM_MAX_ROUNDS rounds. Without
    pauses every request queues for a core, so one round is all the warming there is."""
    rounds = WARM_MAX_ROUNDS if think > 0 else 1
    for round_number in range(1, rounds + 1):
        tallies, _ = run_clients(sessions, work, WARM_ROUND_SECONDS, 10_000 + round_number,
                                 think)
        slowest = max((s[1] for t in tallies for s in t.samples), default=0.0)
        _say(f"warming up, round {round_number}: slowest request {slowest:,.0f} ms")
        if slowest < WARM_SLOWEST_MS:
            return
    if think > 0:
        _say(f"still slow after {rounds} warm-up rounds; measuring anyway")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--home", type=Path, default=None,
                        help="a linked data home (default bench/out/load-p<people>-s<seed>)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--think-seconds", type=float, default=0.0,
                        help="mean pause between a practitioner's requests (default 0: each "
                             "asks again as soon as answered, the worst case)")
    parser.add_argument("--database-url", default=None,
                        help="the app database (default: SQLite in the home)")
    parser.add_argument("--dashboard-share", type=float, default=0.2,
                        help="share of the clients who are analysts opening dashboards "
                             "(default 0.2; the rest are social workers)")
    args = parser.parse_args()
    if not 0.0 <= args.dashboard_share <= 1.0:
        parser.error("--dashboard-share must be between 0 and 1")
    home = (args.home or HERE / "out" / f"load-p{args.people}-s{args.seed}").resolve()
    home.mkdir(parents=True, exist_ok=True)
    snapshot = ensure_home(home, args.people, args.seed)
    searches, people = workload(snapshot, args.seed)
    analysts = round(args.clients * args.dashboard_share)
    work = Workload(searches, people, sorted(load_dashboards()), analysts)
    env = _env(home, args.database_url) | {"JOINEDUP_WEB_SERVER_TIMING": "true"}
    prefix = f"load-{secrets.token_hex(3)}-"
    _say(f"making {args.clients} accounts ({prefix}...)")
    accounts = _child(MAKE_USERS, env, prefix, str(args.clients), str(analysts))
    port = _free_port()
    proc = start_server(env, port, args.workers, args.threads, home / "bench-load-serve.log")
    try:
        _say(f"signing in {args.clients - analysts} practitioners and {analysts} analysts")
        sessions = [Session(port) for _ in accounts]
        for n, (session, (username, password)) in enumerate(zip(sessions, accounts,
                                                                 strict=True)):
            if n < analysts:
                session.sign_in_only(username, password)
            else:
                session.sign_in(username, password)
        warm_up(sessions, work, args.think_seconds)
        before = _child(COUNT_AUDIT, env, prefix)
        _say(f"{args.clients} clients for {args.seconds:.0f} s")
        tallies, elapsed = run_clients(sessions, work, args.seconds, args.seed,
                                       args.think_seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    after = _child(COUNT_AUDIT, env, prefix)
    served: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for tally in tallies:
        served += tally.served
        errors += tally.errors
    audited = {action: after.get(action, 0) - before.get(action, 0)
               for action in ("person_view", "family_view", "results", "dashboard page logged")}
    checks = {
        "person_view per person page": [audited["person_view"], served["person"]],
        "family_view per family page": [audited["family_view"], served["family"]],
        "results per results page": [audited["results"], served["results (GET)"]],
        "usage log entry per dashboard page": [audited["dashboard page logged"],
                                               served["dashboard"]],
    }
    verify = subprocess.run([str(JOINEDUP), "audit", "verify"], env=env, capture_output=True,
                            text=True, timeout=900, check=False)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        records = int(con.execute("SELECT count(*) FROM person_record").fetchall()[0][0])
        persons = int(con.execute("SELECT count(*) FROM person_index").fetchall()[0][0])
    pages = figures([s for t in tallies for s in t.samples], elapsed)
    result = {
        "snapshot": str(snapshot), "person_records": records, "people": persons,
        "app_database": "postgresql" if args.database_url else "sqlite",
        "clients": args.clients, "dashboard_users": analysts,
        "think_seconds": args.think_seconds,
        "workers": args.workers, "threads": args.threads,
        "seconds": round(elapsed, 1), "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pages": pages, "errors": dict(errors), "error_count": sum(errors.values()),
        "audit": {"checks": checks, "verify": verify.stdout.strip().splitlines()[:1]},
        "goal": {"p95_under_ms": GOAL_P95_MS,
                 "met": pages["all requests"]["p95_ms"] < GOAL_P95_MS and not errors},
    }
    print(json.dumps(result, indent=2))
    if any(logged != pages_served for logged, pages_served in checks.values()) or (
            verify.returncode != 0):
        raise SystemExit("the audit or usage log does not hold exactly one entry per page "
                         "served")


if __name__ == "__main__":
    main()
