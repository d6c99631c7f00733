"""Benchmark: server-side time of the search and person pages under 20 concurrent clients.

    .venv/bin/python bench/web.py [--context-home /tmp/ctx1m] [--home DIR] [--clients 20]
                                  [--seconds 30] [--workers 2] [--threads 4] [--model FILE]

1. The data: bench/context_scale.py's borough of about a million source rows (106,000
   residents, 283,083 person records, linked by its ground truth, with family and context
   tables), made once in --context-home (default bench/out/context-scale; /tmp/ctx1m if you
   have one). Its snapshot is copied into --home (default bench/out/web-scale) and given the
   search tables a link run writes (`search_record`: every person record standardised by
   `prepare_records`; `search_tf`: term frequencies by Splink's formula over them), and a
   matching model: --model, or the one `joinedup link` trains on the 2,000-person borough
   (seed 7), made once under bench/out. Matching a million records is
   bench/linkage_scale.py's subject; here the search index has the size and value
   frequencies of a million-row borough.
2. The server: `joinedup serve` (gunicorn, gthread workers, DEBUG off, SQLite app database,
   every request audited) on a free port with `web_server_timing` on, so each response says
   how long the app spent on it (Server-Timing: app;dur=..., from the first middleware to
   the response; it leaves out gunicorn's queue and the network).
3. The clients: --clients threads, each signed in as the demo children's social worker with a
   session of its own and a reason for access, loop until --seconds have passed: a search
   (POST /search/ with a name, half of them misspelt, a third with a date of birth: the
   ranking, then the redirect to GET /search/: the result rows) and a person page (GET
   /person/<id>/ for someone with records in three or more sources). Cookies are Secure, as
   always; http.client sends them back to http://127.0.0.1 regardless (Python's cookiejar
   would hold them back). A warm-up round (search index loading in each worker) is not
   counted.

It prints p50/p95/p99 server-side milliseconds per page and the client-side times and
throughput beside them, and asserts nothing. Targets: search p95 <= 50 ms, person page p95 <=
150 ms. The clients run on the same machine as the server: with 2 cores the figures are
those of a shared, loaded machine, noisy from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection, HTTPResponse, RemoteDisconnected
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from context_scale import ensure_snapshot  # noqa: E402  (bench scripts are not a package)
from joinedup.config import Settings  # noqa: E402
from joinedup.linkage.frequencies import tf_columns  # noqa: E402
from joinedup.linkage.model import load_model  # noqa: E402
from joinedup.linkage.warehouse_link import (  # noqa: E402
    link_warehouse,
    model_path,
    numbered_records_sql,
    prepare_numbered,
)
from joinedup.synth import generate_borough  # noqa: E402
from joinedup.warehouse.ingest import run_ingest  # noqa: E402
from joinedup.warehouse.snapshots import SnapshotStore, new_run_id  # noqa: E402

JOINEDUP = Path(sys.executable).with_name("joinedup")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMING = re.compile(r"app;dur=([0-9.]+)")
ERROR = re.compile(r'class="govuk-error-message">(.*?)</p>', re.S)


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


# --- the data -------------------------------------------------------------------------

def trained_model() -> Path:
    """The model `joinedup link` trains on the 2,000-person borough (seed 7), made once."""
    home = HERE / "out" / "web-model-p2000-s7"
    model = model_path(Settings(home=home))
    if not model.is_file():
        _say(f"training a matching model on a 2,000-person borough in {home} (once)")
        shutil.rmtree(home, ignore_errors=True)
        settings = Settings(home=home)
        generate_borough(out=settings.sources_dir, people=2_000, seed=7, reference_data=None)
        run_ingest(settings.sources_file, settings)
        link_warehouse(settings)
    return model


def _search_tables(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> None:
    """search_record and search_tf as `joinedup link` writes them, for the whole snapshot."""
    con.execute(f"CREATE TEMP TABLE bench_raw AS {numbered_records_sql()}")
    prepare_numbered(con, "bench_raw", "bench_prepared")
    prepared = [str(r[0]) for r in con.execute("DESCRIBE bench_prepared").fetchall()
                if r[0] not in ("unique_id", "source_dataset", "link_key", "source",
                                "source_record_id", "person_id")]
    con.execute("DROP TABLE IF EXISTS search_record")
    con.execute(f"""
        CREATE TABLE search_record AS
        SELECT r.link_key, r.source, r.source_record_id, l.person_id,
               {", ".join(f'p."{c}"' for c in prepared)}
        FROM bench_prepared AS p JOIN bench_raw AS r ON r.link_key = p.unique_id
        JOIN person_link AS l USING (source, source_record_id) ORDER BY r.link_key""")
    con.execute("DROP TABLE IF EXISTS search_tf")
    con.execute("CREATE TABLE search_tf (column_name VARCHAR, value VARCHAR, tf DOUBLE)")
    for column in tf_columns(model):
        con.execute(f"""INSERT INTO search_tf SELECT ?, CAST("{column}" AS VARCHAR),
            CAST(count(*) AS DOUBLE) / (SELECT count("{column}") FROM bench_prepared)
            FROM bench_prepared WHERE "{column}" IS NOT NULL GROUP BY "{column}" """, [column])
    con.execute("DROP TABLE bench_prepared")


def ensure_home(home: Path, context_home: Path, model: Path) -> Path:
    """The web home: the context-scale snapshot with search tables and a model, made once."""
    marker = home / "bench-web.json"
    source, _ = ensure_snapshot(context_home, 106_000, 2026)
    wanted = {"source": str(source), "model": str(model)}
    settings = Settings(home=home)
    store = SnapshotStore.from_settings(settings)
    if marker.is_file() and json.loads(marker.read_text()) == wanted and store.current_id():
        return store.path(str(store.current_id()))
    _say(f"copying {source} into {home} and adding search tables")
    store.root.mkdir(parents=True, exist_ok=True)
    target = model_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model, target)
    with store.lock():
        run_id = new_run_id()
        path = store.path(run_id)
        shutil.copyfile(source, path)
        con = duckdb.connect(str(path))
        try:
            started = time.perf_counter()
            _search_tables(con, load_model(target))
            con.execute("CHECKPOINT")
            _say(f"search tables written in {time.perf_counter() - started:.0f} s")
        finally:
            con.close()
        store.switch(run_id)
    marker.write_text(json.dumps(wanted))
    return path


def workload(snapshot: Path, seed: int) -> tuple[list[dict[str, str]], list[str]]:
    """Search forms (names, some misspelt, some with a date of birth) and person ids."""
    rng = random.Random(seed)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        people = con.execute(
            "SELECT person_id, first_name, surname, dob FROM person_index "
            "WHERE person_id LIKE 'JP%' AND first_name IS NOT NULL AND surname IS NOT NULL "
            "ORDER BY person_id").fetchall()
        many = [str(p) for (p,) in con.execute(
            "SELECT person_id FROM person_link WHERE person_id LIKE 'JP%' GROUP BY person_id "
            "HAVING count(DISTINCT source) >= 3 ORDER BY person_id").fetchall()]
    searches = []
    for _, first, surname, dob in rng.sample(people, 500):
        name = str(surname)
        if rng.random() < 0.5 and len(name) > 3:
            at = rng.randrange(1, len(name) - 1)
            name = name[:at] + name[at + 1] + name[at] + name[at + 2:]
        form = {"name": f"{first} {name}"}
        if dob is not None and rng.random() < 0.33:
            form.update(dob_day=str(dob.day), dob_month=str(dob.month), dob_year=str(dob.year))
        searches.append(form)
    return searches, rng.sample(many, min(500, len(many)))


# --- the clients ----------------------------------------------------------------------

class Session:
    """One signed-in browser: a kept-alive connection and its cookies (Secure ones too)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[HTTPResponse, bytes, float]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (ConnectionError, RemoteDisconnected):
                # gunicorn closes a kept-alive connection idle for over 2 s: open another.
                self.connection.close()
                self.connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        spent = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content, spent

    def form_post(self, path: str, form: dict[str, str]) -> HTTPResponse:
        _, page, _ = self.request("GET", path)
        token = CSRF.search(page.decode())
        assert token is not None, f"no CSRF token on {path}"
        response, _, _ = self.request("POST", path, {**form, "csrfmiddlewaretoken": token[1]})
        return response

    def sign_in_only(self, username: str, password: str) -> None:
        """Signed in, with no reason for access given (roles that see no person)."""
        signed = self.form_post("/accounts/sign-in/", {"username": username,
                                                       "password": password, "next": "/"})
        assert signed.status == 302, f"sign-in failed ({signed.status})"

    def sign_in(self, username: str, password: str) -> None:
        self.sign_in_only(username, password)
        reason = self.form_post("/accounts/reason/", {"case_reference": "BENCH/1",
                                                      "purpose": "child_protection",
                                                      "next": "/"})
        assert reason.status == 302, f"reason failed ({reason.status})"
        _, page, _ = self.request("GET", "/search/")
        token = CSRF.search(page.decode())
        assert token is not None
        self.search_token = token[1]


Sample = tuple[str, float, float]
"""(page, server ms, client ms)"""


def _server_ms(response: HTTPResponse) -> float:
    found = TIMING.search(response.headers.get("Server-Timing", ""))
    assert found is not None, "no Server-Timing header: is web_server_timing on?"
    return float(found[1])


def client_loop(session: Session, searches: list[dict[str, str]], people: list[str],
                until: float, seed: int, out: list[Sample]) -> None:
    """Search then person page, again and again (no searches when ``searches`` is empty)."""
    rng = random.Random(seed)
    while time.perf_counter() < until:
        if searches:
            _search(session, rng.choice(searches), out)
        page, _, spent = session.request("GET", f"/person/{rng.choice(people)}/")
        assert page.status == 200, f"person page answered {page.status}"
        out.append(("person page", _server_ms(page), spent))


def _search(session: Session, terms: dict[str, str], out: list[Sample]) -> None:
    form = {**terms, "csrfmiddlewaretoken": session.search_token}
    posted, body, spent = session.request("POST", "/search/", form)
    if posted.status != 302:
        problem = ERROR.search(body.decode())
        raise AssertionError(f"search for {form} answered {posted.status}: "
                             f"{problem[1].strip() if problem else ''}")
    results, _, shown = session.request("GET", "/search/")
    assert results.status == 200
    out.append(("search (POST: rank)", _server_ms(posted), spent))
    out.append(("results (GET: rows)", _server_ms(results), shown))
    out.append(("search, both requests", _server_ms(posted) + _server_ms(results),
                spent + shown))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(samples: list[Sample], seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for page in dict.fromkeys(s[0] for s in samples):
        server = [s[1] for s in samples if s[0] == page]
        client = [s[2] for s in samples if s[0] == page]
        out[page] = {
            "requests": len(server), "per_second": round(len(server) / seconds, 1),
            "server_ms": {"p50": round(statistics.median(server), 1),
                          "p95": round(_percentile(server, 0.95), 1),
                          "p99": round(_percentile(server, 0.99), 1)},
            "client_ms": {"p50": round(statistics.median(client), 1),
                          "p95": round(_percentile(client, 0.95), 1)},
        }
    return out


# --- the server -----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(home: Path, port: int, workers: int, threads: int
          ) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "no-such.toml"),
                "JOINEDUP_WEB_SERVER_TIMING": "true"})
    made = subprocess.run([str(JOINEDUP), "web", "create-demo-users", "--json"], env=env,
                          capture_output=True, text=True, check=True)
    account = next(a for a in json.loads(made.stdout) if a["role"] == "childrens_social_worker")
    log = (home / "bench-serve.log").open("wb")
    proc = subprocess.Popen([str(JOINEDUP), "serve", "--port", str(port), "--workers",
                             str(workers), "--threads", str(threads)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            Session(port).request("GET", "/accounts/sign-in/")
            return proc, account
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"joinedup serve did not start; see {home / 'bench-serve.log'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--context-home", type=Path, default=HERE / "out" / "context-scale")
    parser.add_argument("--home", type=Path, default=HERE / "out" / "web-scale")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-search", action="store_true",
                        help="person pages only (e.g. while the search index cannot load)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    snapshot = ensure_home(args.home, args.context_home, args.model or trained_model())
    searches, people = workload(snapshot, 2026)
    if args.no_search:
        searches = []
    port = args.port or _free_port()
    proc, account = serve(args.home, port, args.workers, args.threads)
    try:
        sessions = [Session(port) for _ in range(args.clients)]
        for session in sessions:
            session.sign_in(account["username"], account["password"])
        _say("warming up (the search index loads in each worker)")
        warm: list[Sample] = []
        for round_ in range(2):
            threads = [threading.Thread(target=client_loop, args=(
                s, searches, people, time.perf_counter() + 0.1, 1000 * round_ + n, warm))
                for n, s in enumerate(sessions)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        _say(f"{args.clients} clients for {args.seconds:.0f} s")
        samples: list[Sample] = []
        until = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=client_loop, args=(
            s, searches, people, until, n, samples)) for n, s in enumerate(sessions)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        records = int(con.execute("SELECT count(*) FROM person_record").fetchall()[0][0])
        rows = sum(int(con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0])
                   for t in ("person_record", "event", "involvement", "address_history"))
    print(json.dumps({"snapshot": str(snapshot), "person_records": records, "model_rows": rows,
                      "clients": args.clients, "workers": args.workers,
                      "threads": args.threads, "seconds": round(elapsed, 1),
                      "load_average": os.getloadavg(),
                      "pages": report(samples, elapsed)}, indent=2))


if __name__ == "__main__":
    main()
