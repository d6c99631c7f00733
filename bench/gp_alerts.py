"""Benchmark: GP alerts against the synthetic borough's truth: the share sent to the wrong
child (goal 0), how many were held for review, and how many of the children who should have
an alert got one.

    .venv/bin/python bench/gp_alerts.py --home H --borough B [--json]

H is a linked data home, B the borough folder it was ingested from (for
ground_truth/records.parquet and people.parquet); bench/spd_review.py --people N builds one.
An alert is to the wrong child when the practice's registration record and the social care
record it joins belong to two different true people. A child should have a "started" alert
when, by the truth behind the records, one true child under 18 holds both an open social care
status in the case system and an open GP registration.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

import pyarrow.parquet as pq

THRESHOLDS = (0.5, 0.8, 0.95, 0.99)


def measure(home: Path, borough: Path) -> dict[str, object]:
    os.environ["JOINEDUP_HOME"] = str(home)
    from joinedup.config import get_settings
    from joinedup.views import queries
    from joinedup.views.gp_alerts import GpAlertSettings, gp_alerts
    from joinedup.warehouse.snapshots import open_current

    get_settings.cache_clear()
    records = pq.read_table(borough / "ground_truth" / "records.parquet",
                            columns=["source", "record_id", "person_id"]).to_pylist()
    truth = {(r["source"], str(r["record_id"])): r["person_id"] for r in records}
    people = pq.read_table(borough / "ground_truth" / "people.parquet",
                           columns=["person_id", "dob"]).to_pylist()
    born = {int(str(p["person_id"])[1:]): p["dob"] for p in people}
    settings = GpAlertSettings()
    with open_current(settings=get_settings()) as con:
        on = queries.reference_date(con)
        by_threshold = {t: gp_alerts(con, on=on, settings=GpAlertSettings(threshold=t))
                        for t in THRESHOLDS}
        registrations = queries.gp_registrations(con, settings.registration_event, on)
        spells = queries.social_care_spells(con, list(settings.sources),
                                            ["cp_plan", "cla_episode"], on, on)

    def who(record: tuple[str, str]) -> object:
        return truth.get(record)

    def child(person: object) -> bool:
        dob = born.get(int(str(person))) if person is not None else None
        return isinstance(dob, dt.date) and (on - dob).days / 365.25 < 18

    registered = {who((r["source"], str(r["source_record_id"]))) for r in registrations}
    known = {who((s["source"], str(s["source_record_id"]))) for s in spells
             if s["type"] in settings.status_of and s.get("status") != "closed"
             and (s["end_date"] is None or s["end_date"] > on)}
    expected = {p for p in known & registered if p is not None and child(p)}
    rows = []
    for threshold, alerts in by_threshold.items():
        sent = [a for a in alerts if a.decision == "send"]
        wrong = [a for a in sent if who(a.registration_record) != who(a.social_care_record)]
        started = {who(a.social_care_record) for a in sent if a.kind == "started"}
        rows.append({
            "threshold": threshold, "sent": len(sent),
            "held_for_review": sum(a.decision == "review" for a in alerts),
            "wrong_child": len(wrong),
            "wrong_child_share": round(len(wrong) / len(sent), 4) if sent else 0.0,
            "children_expected": len(expected),
            "children_alerted": len(started & expected),
            "recall": round(len(started & expected) / len(expected), 3) if expected else 0.0,
        })
    return {"date": on.isoformat(), "by_threshold": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--borough", type=Path, required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.home, args.borough)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"GP alerts on {result['date']}:")
    print("threshold  sent  for review  wrong child (share)  children alerted / expected")
    for r in result["by_threshold"]:  # type: ignore[attr-defined]
        print(f"{r['threshold']:>9}  {r['sent']:>4}  {r['held_for_review']:>10}  "
              f"{r['wrong_child']:>5} ({r['wrong_child_share']:.2%})        "
              f"{r['children_alerted']} / {r['children_expected']} ({r['recall']:.1%})")


if __name__ == "__main__":
    main()
