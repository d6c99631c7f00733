"""Benchmark: single-record search against a ~1M-record index.

    .venv/bin/python bench/search.py [--records 1000000] [--queries 1000] [--people 20000]

1. A linked base borough: a synthetic borough of --people people (seed 2026) is generated,
   ingested and linked once, cached under bench/out/ (about 56,000 person records for 20,000
   people; linking a borough big enough for 1M records directly would take far longer).
2. The index: 1,000 of the base records are held out as new referrals; the other base records
   keep their persons, and synthetic records are added until the index holds --records.
   Each synthetic record takes its forename (with middle names and sex), surname, date of
   birth (shifted by up to a year either way) and postcode (inward digit changed) from four
   different base records chosen at random, and gets a fresh NHS number and UPN where its
   forename donor had one. That keeps the base's value frequencies but makes new people, so
   blocks grow as they would in a bigger council. The borough has fewer distinct surnames
   and postcodes than a real 1M-record council, so candidate sets are, if anything, larger.
   Synthetic records are prepared by `prepare_records`, as a link run does, and term
   frequencies are computed over the whole index with Splink's formula; the tables are
   written in the search-table layout to bench/out/ and reused.
3. The queries: each held-out record with one kind of noise (surname typo, nickname,
   surname-first free text, day/month swap, no postcode, NHS number only, record as typed).
   It prints index load time and memory, p50/p95/p99 latency and the share of queries whose
   top candidate is the held-out record's true person (ground truth). It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import duckdb

from joinedup.config import get_settings
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.forenames import UK_DIMINUTIVES
from joinedup.linkage.prepare import PREPARED_COLUMNS, prepare_records
from joinedup.linkage.search import SearchIndex, SearchQuery
from joinedup.linkage.warehouse_link import link_warehouse, model_path
from joinedup.synth import generate_borough
from joinedup.warehouse.ingest import run_ingest

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
REPO = HERE.parent
SEED = 2026
HELD_OUT = 1_000
RAW = ("first_name", "middle_names", "surname", "dob", "sex", "postcode", "nhs_number", "upn")


def fingerprint(*parts: str) -> str:
    """Changes with the code a cached build depends on, so it never goes stale."""
    digest = hashlib.sha256()
    for part in parts:
        root = REPO / "src" / "joinedup" / part
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def reference_data() -> Path | None:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if (path / "dfe").is_dir() else None


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def base_borough(people: int, key: str) -> tuple[Path, Path, Path]:
    """(linked snapshot, model, ground truth records) of the base borough, built once."""
    folder = OUT / f"search-base-p{people}-s{SEED}-{key}"
    home, borough = folder / "home", folder / "borough"
    os.environ["JOINEDUP_HOME"] = str(home)
    os.environ.pop("JOINEDUP_SOURCES", None)
    get_settings.cache_clear()
    settings = get_settings()
    current = settings.warehouse_dir / "snapshots" / "CURRENT"
    if not current.is_file() or not model_path(settings).is_file() or not _searchable(current):
        started = time.perf_counter()
        if not (borough / "sources.yaml").is_file():
            generate_borough(out=borough, people=people, seed=SEED,
                             reference_data=reference_data())
        run_ingest(borough / "sources.yaml", settings)
        report = link_warehouse(settings)
        print(f"base borough built in {time.perf_counter() - started:.0f} s: "
              f"{report.records:,} records, {report.persons:,} persons")
    snapshot = current.parent / f"{current.read_text().strip()}.duckdb"
    return snapshot, model_path(settings), borough / "ground_truth" / "records.parquet"


def _searchable(current: Path) -> bool:
    """Whether the base snapshot has search tables with today's prepared columns."""
    snapshot = current.parent / f"{current.read_text().strip()}.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'search_record'"
        ).fetchall()}
    return set(PREPARED_COLUMNS) <= columns


def _held_out(con: duckdb.DuckDBPyConnection) -> None:
    """Records that become queries: their true person has other records in the index."""
    con.execute(f"""
        CREATE TABLE held_out AS
        WITH truth AS (SELECT s.link_key, t.person_id AS truth
                       FROM base.search_record AS s
                       JOIN (SELECT DISTINCT source, record_id, person_id FROM truth_file) AS t
                         ON t.source = s.source AND t.record_id = s.source_record_id),
        counted AS (SELECT *, count(*) OVER (PARTITION BY truth) AS records FROM truth)
        SELECT link_key, truth FROM counted WHERE records > 1
        ORDER BY hash(link_key, {SEED}) LIMIT {HELD_OUT}
    """)


def _synthetic_raw(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Raw synthetic records: fields from four random donors each (see the module doc)."""
    con.execute("""
        CREATE TABLE donor AS
        SELECT row_number() OVER (ORDER BY s.link_key) - 1 AS n, r.*, s.postcode AS clean_pc
        FROM base.search_record AS s
        JOIN base_raw AS r USING (link_key)
        WHERE s.link_key NOT IN (SELECT link_key FROM held_out)
    """)
    donors = con.execute("SELECT count(*) FROM donor").fetchall()[0][0]
    con.execute(f"""
        CREATE TABLE synthetic_raw AS
        WITH ids AS (SELECT range AS i FROM range({rows})),
        picks AS (SELECT i, hash(i, 1) % {donors} AS f, hash(i, 2) % {donors} AS s,
                         hash(i, 3) % {donors} AS d, hash(i, 4) % {donors} AS p FROM ids)
        SELECT 'S' || lpad(CAST(i AS VARCHAR), 9, '0') AS id,
               f.first_name, f.middle_names, f.sex, s.surname,
               d.dob + CAST(hash(i, 5) % 731 AS INTEGER) - 365 AS dob,
               CASE WHEN p.clean_pc IS NOT NULL THEN
                   split_part(p.clean_pc, ' ', 1) || ' ' || CAST(hash(i, 6) % 10 AS VARCHAR)
                   || right(p.clean_pc, 2) END AS postcode,
               CASE WHEN f.nhs_number IS NOT NULL
                    THEN '4' || lpad(CAST(hash(i, 7) % 1000000000 AS VARCHAR), 9, '0') END
                   AS nhs_number,
               CASE WHEN f.upn IS NOT NULL
                    THEN 'S' || lpad(CAST(hash(i, 8) % 1000000000000 AS VARCHAR), 12, '0') END
                   AS upn
        FROM picks JOIN donor AS f ON f.n = picks.f JOIN donor AS s ON s.n = picks.s
        JOIN donor AS d ON d.n = picks.d JOIN donor AS p ON p.n = picks.p
    """)


def build_index(snapshot: Path, truth: Path, records: int, key: str) -> Path:
    """The ~1M-record search tables, written once to bench/out/."""
    target = OUT / f"search-index-{records}-{key}.duckdb"
    if target.is_file():
        return target
    started = time.perf_counter()
    part = target.with_suffix(".part")
    part.unlink(missing_ok=True)
    con = duckdb.connect(str(part))
    con.execute("ATTACH ? AS base (READ_ONLY)", [str(snapshot)])
    con.execute("CREATE TEMP TABLE truth_file AS SELECT * FROM read_parquet(?)", [str(truth)])
    con.execute(f"""
        CREATE TABLE base_raw AS
        SELECT lpad(CAST(row_number() OVER (ORDER BY source, source_record_id, _file, _row)
                         AS VARCHAR), 10, '0') AS link_key, source, source_record_id,
               {", ".join(RAW)}
        FROM base.person_record
    """)
    _held_out(con)
    kept = con.execute("SELECT count(*) FROM base.search_record").fetchall()[0][0] - HELD_OUT
    _synthetic_raw(con, max(0, records - kept))
    mapping = resolve_mapping(["id", *RAW], {})
    prepare_records(con, "synthetic_raw", mapping, "synthetic")
    columns = ", ".join(f'"{c}"' for c in PREPARED_COLUMNS)
    con.execute(f"""
        CREATE TABLE search_record AS
        SELECT link_key, source, source_record_id, person_id, {columns}
        FROM base.search_record WHERE link_key NOT IN (SELECT link_key FROM held_out)
        UNION ALL
        SELECT 'S' || unique_id, 'synthetic', unique_id, 'SYN' || unique_id, {columns}
        FROM synthetic
    """)
    tf = " UNION ALL ".join(
        f"SELECT '{c}' AS column_name, {c} AS value, CAST(count(*) AS DOUBLE) / "
        f"(SELECT count({c}) FROM search_record) AS tf FROM search_record "
        f"WHERE {c} IS NOT NULL GROUP BY {c}"
        for c in ("first_name", "surname", "dob", "postcode"))
    con.execute(f"CREATE TABLE search_tf AS {tf}")
    con.execute("""
        CREATE TABLE bench_query AS
        SELECT h.truth, r.* FROM held_out AS h JOIN base_raw AS r USING (link_key)
        ORDER BY h.link_key
    """)
    for table in ("synthetic", "synthetic_raw", "donor", "base_raw", "held_out"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DETACH base")
    con.close()
    part.rename(target)
    for stale in OUT.glob(f"search-index-{records}-*"):  # earlier code's builds
        if stale != target:
            stale.unlink()
    print(f"index tables built in {time.perf_counter() - started:.0f} s")
    return target


NICKNAMES = {canonical: names[0] for canonical, names in UK_DIMINUTIVES.items()}


def _typo(word: str) -> str:
    middle = len(word) // 2
    return word[:middle] + ("x" if word[middle].lower() != "x" else "q") + word[middle + 1:]


def noisy_query(record: dict[str, Any], kind: str) -> SearchQuery:
    """A held-out record as a practitioner might type it, with one kind of noise."""
    dob = record["dob"]
    fields = {c: record[c] for c in ("first_name", "surname", "sex", "postcode")}
    if kind == "surname typo" and fields["surname"] and len(fields["surname"]) > 3:
        fields["surname"] = _typo(fields["surname"])
    elif kind == "nickname" and fields["first_name"]:
        name = str(fields["first_name"]).lower()
        fields["first_name"] = NICKNAMES.get(name, name)
    elif kind == "surname first":
        words = [fields.pop("surname") or "", fields.pop("first_name") or ""]
        return SearchQuery(full_name=" ".join(w for w in words if w), dob=dob,
                           postcode=fields["postcode"])
    elif kind == "day/month swap" and isinstance(dob, dt.date) and dob.day <= 12:
        dob = dt.date(dob.year, dob.day, dob.month)
    elif kind == "no postcode":
        fields["postcode"] = None
    elif kind == "NHS number only" and record["nhs_number"]:
        return SearchQuery(nhs_number=record["nhs_number"])
    return SearchQuery(dob=dob, **fields)


KINDS = ("as typed", "surname typo", "nickname", "surname first", "day/month swap",
         "no postcode", "NHS number only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--max-candidates", type=int, default=None,
                        help="records scored per search (default: the index's)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    snapshot, model, truth = base_borough(args.people, fingerprint("synth"))
    tables = build_index(snapshot, truth, args.records, fingerprint(
        "synth", "linkage/prepare.py", "linkage/names.py", "linkage/forenames.py"))

    before = rss_mb()
    started = time.perf_counter()
    index = SearchIndex.open(tables, model)
    load = time.perf_counter() - started
    if args.max_candidates:
        index.max_candidates = args.max_candidates
    after = rss_mb()
    with duckdb.connect(str(tables), read_only=True) as con:
        relation = con.sql("SELECT * FROM bench_query")
        held = [dict(zip(relation.columns, r, strict=True)) for r in relation.fetchall()]
        truth_of = {(s, r): p for s, r, p in con.execute(
            "SELECT DISTINCT source, record_id, person_id FROM read_parquet(?)",
            [str(truth)]).fetchall()}
    rng = random.Random(SEED)
    times: list[float] = []
    cpu: list[float] = []  # the query's own CPU time: what contention for the cores hides
    hits, answered, empty = 0, 0, 0
    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for number in range(args.queries):
        record = held[number % len(held)]
        kind = rng.choice(KINDS)
        query = noisy_query(record, kind)
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            results = index.search(query, limit=20)
        except Exception:  # a query left with nothing to search on counts as no answer
            results = []
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        cpu.append(time.thread_time() - cpu_started)
        by_kind[kind].append(elapsed)
        if not results:
            empty += 1
            continue
        answered += 1
        hits += truth_of.get((results[0].source, results[0].source_record_id)) == record["truth"]

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index: {index.records:,} records, up to {index.max_candidates:,} scored per search; "
          f"load {load:.1f} s; resident memory "
          f"+{after - before:,.0f} MB for the index ({index.memory_bytes() / 2**20:,.0f} MB "
          f"in arrays); process peak {peak:,.0f} MB")
    print(f"{len(times)} queries: p50 {pct(times, 0.5):.1f} ms  p95 {pct(times, 0.95):.1f} ms"
          f"  p99 {pct(times, 0.99):.1f} ms  mean {1000 * statistics.fmean(times):.1f} ms"
          f"  max {1000 * max(times):.1f} ms")
    print(f"  CPU time of the searching thread: p50 {pct(cpu, 0.5):.1f} ms  p95 "
          f"{pct(cpu, 0.95):.1f} ms  p99 {pct(cpu, 0.99):.1f} ms (wall time minus waiting for "
          "a core on a shared machine)")
    for kind, values in by_kind.items():
        if values:
            print(f"  {kind:16s} n={len(values):4d}  p50 {pct(values, 0.5):6.1f} ms  "
                  f"p95 {pct(values, 0.95):6.1f} ms")
    print(f"top candidate is the true person: {hits}/{len(times)} "
          f"({hits / len(times):.1%}); no candidates: {empty}")
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (shared: timings are noisy)")


if __name__ == "__main__":
    main()
