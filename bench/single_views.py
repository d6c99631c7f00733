"""Benchmark: the figures issue 14 asks for, for all three single views on one synthetic
borough, against its planted truth (read here only, never by the product):

- the council tax single person discount review: precision (and recall) of the ranked list's
  top 100 and top 1,000 (and 50, 200), beside the base rate (a random order's precision);
- GP alerts: sent, held for review, and the share sent to the wrong child (goal 0), at the
  product's threshold and others, and how many children who should have an alert got one;
- one view of debt: precision and recall of the queue of households owing more than one
  creditor.

    .venv/bin/python bench/single_views.py --home data --borough data/sources  # after make demo
    .venv/bin/python bench/single_views.py --people 30000 --seed 2026          # builds one
    .venv/bin/python bench/single_views.py --people 3000 --seed 7 --json       # small, quick

Without --home it generates a borough with the electoral register and the debt extracts into
a temporary data home, ingests it and links it (what `joinedup demo` does). The SPD and GP
figures come from bench/spd_review.py and bench/gp_alerts.py (same definitions). A debt queue
household is right when all its debts are one real household's (by the truth behind each
debtor record and where that person really lives on the view date) and that household really
owes more than one creditor; recall is the share of such real households the queue reaches.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gp_alerts as gp_bench  # noqa: E402  (bench scripts are not a package)
import spd_review as spd_bench  # noqa: E402


def build(people: int, seed: int, root: Path) -> tuple[Path, Path]:
    home, borough = root / "home", root / "borough"
    spd_bench._run(["synth", "--people", str(people), "--seed", str(seed), "--out",
                    str(borough), "--electoral-register", "--debts"], home)
    spd_bench._run(["ingest", str(borough / "sources.yaml")], home)
    spd_bench._run(["link"], home)
    return home, borough


def measure_debt(home: Path, borough: Path) -> dict[str, Any]:
    os.environ["JOINEDUP_HOME"] = str(home)
    from joinedup.config import get_settings
    from joinedup.views import queries
    from joinedup.views.debt import debt_view, queue
    from joinedup.warehouse.snapshots import open_current

    get_settings.cache_clear()
    began = time.perf_counter()
    with open_current(settings=get_settings()) as con:
        households = debt_view(con)
        on = queries.reference_date(con)
        debts = con.execute("SELECT source, debt_id, source_record_id, creditor, balance, "
                            "arrangement_status FROM debt").fetchall()
    seconds = time.perf_counter() - began
    truth = pq.read_table(borough / "ground_truth" / "records.parquet",
                          columns=["source", "record_id", "person_id"]).to_pylist()
    person_of = {(r["source"], str(r["record_id"])): r["person_id"] for r in truth}
    home_of = {r["person_id"]: r["household_id"] for r in pq.read_table(
        borough / "ground_truth" / "residence.parquet").to_pylist()
        if r["start_date"] <= on and (r["end_date"] is None or r["end_date"] > on)}
    record_of = {(s, d): str(r) for s, d, r, *_ in debts}

    def really(source: str, debt_id: str) -> object:
        person = person_of[(source, record_of[(source, debt_id)])]
        return home_of.get(person, ("nowhere", person))

    owes: dict[object, set[str]] = defaultdict(set)
    for source, debt_id, _, creditor, balance, _ in debts:
        if balance is not None and balance > 0:
            owes[really(source, debt_id)].add(creditor)
    truly = {h for h, creditors in owes.items() if len(creditors) > 1}
    waiting = queue(households)
    right = sum(1 for h in waiting if len(homes := {really(d.source, d.debt_id)
                                                    for d in h.debts}) == 1
                and next(iter(homes)) in truly)
    found = {really(d.source, d.debt_id) for h in waiting for d in h.debts} & truly
    statuses: dict[str, int] = defaultdict(int)
    for line in (d for h in households for d in h.debts if d.arrangement):
        statuses[line.arrangement_status or "not recorded"] += 1
    return {
        "date": on.isoformat(), "households_in_debt": len(households),
        "debts_owed": sum(len(h.debts) for h in households), "queue": len(waiting),
        "queue_right": right, "true_multi_creditor": len(truly), "found": len(found),
        "precision": round(right / len(waiting), 3) if waiting else 0.0,
        "recall": round(len(found) / len(truly), 3) if truly else 0.0,
        "arrangements_by_status": dict(sorted(statuses.items())),
        "flagged_households": sum(1 for h in households if h.flags),
        "seconds": round(seconds, 2),
    }


def measure(home: Path, borough: Path) -> dict[str, Any]:
    return {"spd": spd_bench.measure(home, borough), "gp_alerts": gp_bench.measure(home, borough),
            "debt": measure_debt(home, borough)}


def report(result: dict[str, Any]) -> None:
    spd, gp, debt = result["spd"], result["gp_alerts"], result["debt"]
    print("Council tax single person discount review")
    print(f"  {spd['accounts']:,} discounted accounts; {spd['wrong']:,} wrong in the planted "
          f"truth (base rate {spd['wrong_share']:.1%}); the list took {spd['seconds']} s.")
    print("  top     precision  recall  random order precision")
    for ranked, rnd in zip(spd["ranked"], spd["random_order"], strict=True):
        print(f"  {ranked['k']:>5,}   {ranked['precision']:.3f}     {ranked['recall']:.3f}"
              f"   {rnd['precision']:.3f}")
    print(f"GP alerts on {gp['date']}")
    print("  threshold  sent  held for review  wrong child (share)  children alerted / expected")
    for r in gp["by_threshold"]:
        print(f"  {r['threshold']:>9}  {r['sent']:>4}  {r['held_for_review']:>15}  "
              f"{r['wrong_child']:>11} ({r['wrong_child_share']:.2%})  "
              f"{r['children_alerted']} / {r['children_expected']} ({r['recall']:.1%})")
    print(f"One view of debt on {debt['date']}")
    print(f"  {debt['households_in_debt']:,} households in debt ({debt['debts_owed']:,} debts, "
          f"{debt['flagged_households']:,} flagged); {debt['queue']:,} in the queue (more than "
          f"one creditor); the view took {debt['seconds']} s.")
    print(f"  queue precision {debt['precision']:.3f} ({debt['queue_right']} of {debt['queue']}"
          f" one real multi-creditor household), recall {debt['recall']:.3f} "
          f"({debt['found']} of {debt['true_multi_creditor']} real ones reached)")
    print(f"  arrangements by status: {debt['arrangements_by_status']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--home", type=Path, help="a linked data home (skips building)")
    parser.add_argument("--borough", type=Path, help="its borough folder (for the truth)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if bool(args.home) != bool(args.borough):
        parser.error("give --home and --borough together (after make demo: --home data "
                     "--borough data/sources), or neither to build a borough")
    if args.home:
        result = measure(args.home, args.borough)
    else:
        with tempfile.TemporaryDirectory(prefix="single-views-bench-") as tmp:
            home, borough = build(args.people, args.seed, Path(tmp))
            result = measure(home, borough)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)


if __name__ == "__main__":
    main()
