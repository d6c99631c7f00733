"""Benchmark: the Family Context queries on a snapshot of about a million source rows.

    .venv/bin/python bench/context_scale.py [--home DIR] [--people 106000] [--seed 2026]

Generates and ingests (once, kept in --home, default bench/out/context-scale) a synthetic
borough of about a million source rows, then links it *by its ground truth* instead of by
Splink: every record goes to the person the generator made it for. Matching a million
records takes many minutes and is measured by bench/linkage_scale.py; what is measured here
is reading one person's page, which depends on the sizes of the tables and clusters, and
true clusters have realistic sizes. Household and family tables (linkage/households.py) and
the context tables (joinedup.context) are then built as a link run builds them, timed, and
bench/context.py's measurement runs on the result. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from context import run  # noqa: E402  (bench scripts are not a package)
from joinedup.config import Settings  # noqa: E402
from joinedup.context import build_context_tables  # noqa: E402
from joinedup.linkage.households import build_family_tables  # noqa: E402
from joinedup.synth import generate_borough  # noqa: E402
from joinedup.warehouse.ingest import run_ingest  # noqa: E402
from joinedup.warehouse.snapshots import SnapshotStore  # noqa: E402

TRUTH_LINK = """
    CREATE OR REPLACE TABLE person_link AS
    WITH truth AS (
        SELECT DISTINCT source, record_id AS source_record_id,
               'JP' || lpad(CAST(person_id AS VARCHAR), 8, '0') AS person_id
        FROM read_parquet(?)
    ), linked AS (
        SELECT r.source, r.source_record_id,
               coalesce(t.person_id, 'JX' || lpad(CAST(row_number() OVER () AS VARCHAR), 8, '0'))
                   AS person_id
        FROM (SELECT DISTINCT source, source_record_id FROM person_record) AS r
        LEFT JOIN (SELECT source, source_record_id, min(person_id) AS person_id FROM truth
                   GROUP BY ALL) AS t USING (source, source_record_id)
    )
    SELECT source, source_record_id, person_id,
           count(*) OVER (PARTITION BY person_id) AS cluster_size,
           CASE WHEN count(*) OVER (PARTITION BY person_id) > 1 THEN 0.99 END AS match_probability,
           false AS flagged
    FROM linked ORDER BY person_id, source, source_record_id
"""
# One record per person stands in for the golden record: survivorship is not what is timed.
TRUTH_INDEX = """
    CREATE OR REPLACE TABLE person_index AS
    SELECT l.person_id,
           arg_max(r.first_name, completeness) AS first_name,
           arg_max(r.surname, completeness) AS surname, arg_max(r.dob, completeness) AS dob,
           arg_max(r.sex, completeness) AS sex, arg_max(r.postcode, completeness) AS postcode,
           arg_max(r.address, completeness) AS address, arg_max(r.uprn, completeness) AS uprn,
           arg_max(r.nhs_number, completeness) AS nhs_number,
           arg_max(r.upn, completeness) AS upn, count(*) AS records,
           list(DISTINCT r.source ORDER BY r.source) AS sources
    FROM (SELECT *, (first_name IS NOT NULL)::INT + (dob IS NOT NULL)::INT
                    + (address IS NOT NULL)::INT + coalesce(epoch(recorded_date), 0) / 1e12
                    AS completeness FROM person_record) AS r
    JOIN person_link AS l USING (source, source_record_id)
    GROUP BY l.person_id ORDER BY l.person_id
"""
TRUTH_PAIRS = """
    CREATE OR REPLACE TABLE person_link_pair AS
    SELECT source AS source_l, source_record_id AS source_record_id_l,
           lead(source) OVER w AS source_r, lead(source_record_id) OVER w AS source_record_id_r,
           0.99::DOUBLE AS match_probability, 6.6::DOUBLE AS match_weight
    FROM person_link
    WINDOW w AS (PARTITION BY person_id ORDER BY source, source_record_id)
    QUALIFY lead(source) OVER w IS NOT NULL
"""


def _say(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')}  {message}", file=sys.stderr, flush=True)


def ensure_snapshot(home: Path, people: int, seed: int) -> tuple[Path, dict[str, float]]:
    settings = Settings(home=home)
    store = SnapshotStore.from_settings(settings)
    marker = home / "bench-context.json"
    wanted = {"people": people, "seed": seed}
    if marker.is_file() and json.loads(marker.read_text())["wanted"] == wanted:
        saved = json.loads(marker.read_text())
        return Path(saved["snapshot"]), saved["seconds"]
    ingested = home / "bench-ingested.json"
    if not (ingested.is_file() and json.loads(ingested.read_text()) == wanted):
        _say(f"generating a borough of {people:,} residents in {home} (once)")
        generate_borough(out=settings.sources_dir, people=people, seed=seed,
                         reference_data=None)
        _say("ingesting it")
        run_ingest(settings.sources_file, settings)
        ingested.write_text(json.dumps(wanted))
    current = store.current_id()
    assert current is not None
    path = store.path(current)
    seconds: dict[str, float] = {}
    con = duckdb.connect(str(path))
    try:
        _say("linking it by its ground truth")
        truth = (settings.sources_dir / "ground_truth" / "records.parquet").as_posix()
        started = time.perf_counter()
        con.execute(TRUTH_LINK, [truth])
        con.execute(TRUTH_INDEX)
        con.execute(TRUTH_PAIRS)
        seconds["truth_link"] = round(time.perf_counter() - started, 1)
        _say("building household and family tables")
        started = time.perf_counter()
        build_family_tables(con)
        seconds["family_tables"] = round(time.perf_counter() - started, 1)
        _say("building context tables")
        started = time.perf_counter()
        build_context_tables(con)
        seconds["context_tables"] = round(time.perf_counter() - started, 1)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    marker.write_text(json.dumps({"wanted": wanted, "snapshot": str(path), "seconds": seconds}))
    return path, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=HERE / "out" / "context-scale")
    parser.add_argument("--people", type=int, default=106_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sample", type=int, default=300, help="people whose page is timed")
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    path, seconds = ensure_snapshot(args.home, args.people, args.seed)
    result = run(path, args.sample, 1)
    result["build_seconds"] = seconds
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
