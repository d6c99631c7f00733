"""Benchmark: the Family Context queries, per function and for a whole person page.

    .venv/bin/python bench/context.py [SNAPSHOT.duckdb] [--people N] [--build] [--json]

Without a path it reads the current snapshot of the configured data home (JOINEDUP_HOME).
`--build` first copies the snapshot to a temporary file and writes the context tables there
(`joinedup.context.build_context_tables`, as a link run does), timing that too; use it on a
snapshot linked before the context tables existed. Without the tables the queries run over
the fallback views, which is what this measures then.

A person page is `person_summary` + `service_cards` + `family` + `timeline` +
`person_records`, on one read-only connection, for N people drawn at random (seeded) from
people with records in several sources (what practitioners open). It prints, per function
and for the page, the median, 95th percentile and maximum in milliseconds, and the batch
search-row functions for 25 people. It asserts nothing: timings on a shared machine are
noisy; the target is a page p95 of at most 150 ms on a snapshot of about a million records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from joinedup.config import get_settings
from joinedup.context import (
    build_context_tables,
    current_address,
    family,
    person_briefs,
    person_records,
    person_summary,
    service_cards,
    services_known,
    timeline,
)
from joinedup.warehouse.snapshots import SnapshotStore

TODAY = dt.date.today()


def _snapshot(path: str | None) -> Path:
    if path:
        return Path(path)
    store = SnapshotStore.from_settings(get_settings())
    current = store.current_id()
    if current is None:
        sys.exit(f"no current snapshot under {store.root}: run `joinedup demo` first")
    return store.path(current)


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2)}


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def run(path: Path, people: int, seed: int) -> dict[str, Any]:
    con = duckdb.connect(str(path), read_only=True)
    materialised = bool(con.execute("SELECT count(*) FROM duckdb_tables() "
                                    "WHERE table_name = 'context_event'").fetchall()[0][0])
    counts = {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0])
              for t in ("person_record", "event", "involvement", "address_history")}
    ids = [str(p) for (p,) in con.execute(
        "SELECT person_id FROM person_link GROUP BY person_id HAVING count(*) > 2 "
        "ORDER BY person_id").fetchall()]
    chosen = random.Random(seed).sample(ids, min(people, len(ids)))
    steps: dict[str, Callable[[str], Any]] = {
        "person_summary": lambda p: person_summary(con, p, today=TODAY),
        "service_cards": lambda p: service_cards(con, p, today=TODAY),
        "family": lambda p: family(con, p, today=TODAY),
        "timeline": lambda p: timeline(con, p),
        "person_records": lambda p: person_records(con, p),
    }
    timeline(con, chosen[0])  # the first query of a connection pays for loading the catalogue
    times: dict[str, list[float]] = {name: [] for name in steps}
    pages = []
    for person in chosen:
        page = 0.0
        for name, step in steps.items():
            spent = _timed(lambda step=step, person=person: step(person))  # type: ignore[misc]
            times[name].append(spent)
            page += spent
        pages.append(page)
    batch = random.Random(seed + 1).sample(ids, min(25, len(ids)))
    search = {
        "person_briefs_25": [_timed(lambda: person_briefs(con, batch, today=TODAY))
                             for _ in range(20)],
        "services_known_25": [_timed(lambda: services_known(con, batch)) for _ in range(20)],
        "current_address_25": [_timed(lambda: current_address(con, batch)) for _ in range(20)],
    }
    con.close()
    return {"snapshot": str(path), "rows": counts, "people": len(chosen),
            "context_tables": materialised,
            "functions": {name: _figures(t) for name, t in {**times, **search}.items()},
            "page": _figures(pages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", nargs="?")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = _snapshot(args.snapshot)
    built = None
    with tempfile.TemporaryDirectory(prefix="joinedup-context-") as scratch:
        if args.build:
            copy = Path(scratch) / path.name
            shutil.copyfile(path, copy)
            con = duckdb.connect(str(copy))
            started = time.perf_counter()
            build_context_tables(con)
            built = round(time.perf_counter() - started, 2)
            con.close()
            path = copy
        result = run(path, args.people, args.seed)
    result["build_seconds"] = built
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"snapshot {result['snapshot']}: {result['rows']}")
    print(f"context tables: {'yes' if result['context_tables'] else 'no (fallback views)'}"
          + (f", built in {built} s" if built is not None else ""))
    print(f"{'function':<22}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, figures in {**result["functions"], "whole page": result["page"]}.items():
        print(f"{name:<22}{figures['median_ms']:>10}{figures['p95_ms']:>10}"
              f"{figures['max_ms']:>10}")


if __name__ == "__main__":
    main()
