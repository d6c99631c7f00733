"""Benchmark: precision at the top of the single person discount review list against the
synthetic borough's planted truth.

    .venv/bin/python bench/spd_review.py --people 30000            # builds a borough (minutes)
    .venv/bin/python bench/spd_review.py --home H --borough B      # an already linked home

Without --home it generates a borough with the electoral register (`--seed`, default 2026)
into a temporary data home, ingests it, links it, then ranks the reviews. It prints the
discounted accounts, how many the truth says are wrong (another adult lives there),
precision and recall at the top 50, 100, 200 and 1,000, and the same with a random order for
comparison, and how often the adult count agrees with the truth. Truth is read here only,
never by the product.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

TOPS = (50, 100, 200, 1000)


def _run(args: list[str], home: Path) -> None:
    env = dict(os.environ, JOINEDUP_HOME=str(home))
    exe = Path(sys.executable).with_name("joinedup")
    subprocess.run([str(exe), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def build(people: int, seed: int, root: Path) -> tuple[Path, Path]:
    home, borough = root / "home", root / "borough"
    _run(["synth", "--people", str(people), "--seed", str(seed), "--out", str(borough),
          "--electoral-register"], home)
    _run(["ingest", str(borough / "sources.yaml")], home)
    _run(["link"], home)
    return home, borough


def measure(home: Path, borough: Path) -> dict[str, object]:
    os.environ["JOINEDUP_HOME"] = str(home)
    from joinedup.config import get_settings
    from joinedup.views.precision import precision_at
    from joinedup.views.spd import spd_reviews
    from joinedup.warehouse.snapshots import open_current

    get_settings.cache_clear()
    began = time.perf_counter()
    with open_current(settings=get_settings()) as con:
        reviews = spd_reviews(con)
    seconds = time.perf_counter() - began
    truth = pq.read_table(borough / "ground_truth" / "spd_review.parquet").to_pylist()
    wrong = {t["account_no"] for t in truth if t["incorrect"]}
    ranked = [r.account_no for r in reviews]
    shuffled = ranked[:]
    random.Random(1).shuffle(shuffled)
    by_account = {r.account_no: r for r in reviews}
    agree = sum(1 for t in truth if t["account_no"] in by_account
                and by_account[t["account_no"]].adults == t["adults"])
    kinds: dict[str, int] = {}
    for t in truth:
        for kind in filter(None, str(t["kind"]).split(",")):
            kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "accounts": len(reviews), "truth_accounts": len(truth), "wrong": len(wrong),
        "wrong_share": round(len(wrong) / max(len(truth), 1), 3), "wrong_by_kind": kinds,
        "adult_count_agrees": round(agree / max(len(truth), 1), 3),
        "ranked": [p.as_dict() for p in precision_at(ranked, wrong, TOPS)],
        "random_order": [p.as_dict() for p in precision_at(shuffled, wrong, TOPS)],
        "value_top_100": round(sum(r.discount_value or 0.0 for r in reviews[:100]), 2),
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--home", type=Path, help="a linked data home (skips building)")
    parser.add_argument("--borough", type=Path, help="its borough folder (for the truth)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.home and args.borough:
        result = measure(args.home, args.borough)
    else:
        with tempfile.TemporaryDirectory(prefix="spd-bench-") as tmp:
            home, borough = build(args.people, args.seed, Path(tmp))
            result = measure(home, borough)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['accounts']:,} discounted accounts; {result['wrong']:,} wrong in the "
          f"planted truth ({result['wrong_share']:.1%}: {result['wrong_by_kind']}); adult "
          f"count agrees with the truth for {result['adult_count_agrees']:.1%}.")
    print("top      ranked precision / recall    random order precision")
    for ranked, rnd in zip(result["ranked"], result["random_order"], strict=True):  # type: ignore[call-overload]
        print(f"{ranked['k']:>5}    {ranked['precision']:.3f} / {ranked['recall']:.3f}"
              f"               {rnd['precision']:.3f}")
    print(f"Discount value of the top 100: £{result['value_top_100']:,.2f} a year; "
          f"the list took {result['seconds']} s.")


if __name__ == "__main__":
    main()
