"""Benchmark: `joinedup ingest` of a ~1M-row synthetic borough against DuckDB's own read.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--seed 2026] [--people N]

Generates (once, cached under bench/out/) a borough whose sources hold about --rows rows,
runs `joinedup ingest --json` in a child process (wall time, in-run time, peak memory), then
times DuckDB reading the same CSV files (read_csv, all_varchar) and Parquet files
(read_parquet) into a table of an on-disk database. It prints figures; it asserts nothing.
The target is ingest within 2x of the raw read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from joinedup.config import Settings
from joinedup.sources.mapping import FileFormat, load_sources_file
from joinedup.synth import generate_borough
from joinedup.warehouse.ingest import run_ingest

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
REPO = HERE.parent
# Rows per person fall slightly with size (rosters, small VCSE lists), so calibrate mid-size.
CALIBRATION_PEOPLE = 20_000
RAW_FORMATS = {FileFormat.CSV, FileFormat.SSDA903, FileFormat.PARQUET}


def synth_fingerprint() -> str:
    """Changes whenever the generator does, so cached boroughs never go stale."""
    digest = hashlib.sha256()
    package = REPO / "src" / "joinedup" / "synth"
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in
                       p.parts):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def reference_data() -> Path | None:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if (path / "dfe").is_dir() else None


def borough(people: int, seed: int) -> Path:
    """The generated borough for (people, seed), made once and reused."""
    out = OUT / f"borough-p{people}-s{seed}-{synth_fingerprint()}"
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        generate_borough(out=out, people=people, seed=seed, reference_data=reference_data())
        (out / ".complete").write_text("generated\n", encoding="utf-8")
        print(f"generated {out.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return out


def rows_in(sources_file: Path) -> int:
    with tempfile.TemporaryDirectory() as home:
        return run_ingest(sources_file, Settings(home=Path(home))).rows_read


def people_for(rows: int, seed: int) -> int:
    """People giving about ``rows`` source rows: rows grow linearly with people."""
    cache = OUT / f"calibration-s{seed}-{synth_fingerprint()}.json"
    if cache.exists():
        per_person = float(json.loads(cache.read_text(encoding="utf-8"))["rows_per_person"])
    else:
        sample = rows_in(borough(CALIBRATION_PEOPLE, seed) / "sources.yaml")
        per_person = sample / CALIBRATION_PEOPLE
        cache.write_text(json.dumps({"rows_per_person": per_person}), encoding="utf-8")
    return max(100, round(rows / per_person))


def timed_ingest(sources_file: Path, home: Path) -> tuple[dict[str, Any], float, int]:
    """Run the CLI in a child: its JSON report, wall seconds and peak RSS in bytes."""
    env = {**os.environ, "JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "none.toml")}
    command = [sys.executable, "-c", "from joinedup.cli import main; main()",
               "ingest", str(sources_file), "--json"]
    stdout = home / "report.json"
    with stdout.open("w", encoding="utf-8") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=sink)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"ingest failed with exit code {child.returncode}")
    report = json.loads(stdout.read_text(encoding="utf-8"))
    return report, wall, usage.ru_maxrss * 1024  # Linux reports kilobytes


def raw_read(sources_file: Path, scratch: Path) -> tuple[float, int, dict[str, FileFormat]]:
    """DuckDB reading every CSV and Parquet input into a table: seconds and rows."""
    config, base_dir = load_sources_file(sources_file)
    formats = {f.path: f.format for s in config.sources for f in s.files}
    paths = sorted({f.path: f for s in config.sources for f in s.files
                    if f.format in RAW_FORMATS}.items())
    con = duckdb.connect(str(scratch / "raw.duckdb"))
    rows = 0
    started = time.perf_counter()
    for n, (relative, mapping) in enumerate(paths):
        path = str(base_dir / relative)
        if mapping.format == FileFormat.PARQUET:
            source = "read_parquet(?)"
            params: list[object] = [path]
        else:
            encoding = "utf-8" if mapping.encoding in ("auto", "utf-8") else "latin-1"
            source = "read_csv(?, all_varchar = true, header = true, delim = ?, encoding = ?)"
            params = [path, mapping.delimiter, encoding]
        try:
            con.execute(f"CREATE TABLE t{n} AS SELECT * FROM {source}", params)
        except duckdb.InvalidInputException:
            # An 'auto' file that is not UTF-8: the loader falls back to Windows-1252 too.
            con.execute(f"CREATE TABLE t{n} AS SELECT * FROM {source}", [*params[:2], "latin-1"])
        (count,) = con.execute(f"SELECT count(*) FROM t{n}").fetchone() or (0,)
        rows += int(count)
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - started
    con.close()
    return seconds, rows, formats


def one_round(sources_file: Path) -> dict[str, Any]:
    """One raw read then one ingest, each in a fresh scratch folder."""
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        home = Path(tmp)
        raw_seconds, raw_rows, formats = raw_read(sources_file, home)
        report, wall, peak = timed_ingest(sources_file, home)
        snapshot = home / "warehouse" / "snapshots" / f"{report['snapshot']}.duckdb"
        with duckdb.connect(str(snapshot), read_only=True) as con:
            per_file = con.execute(
                "SELECT file, seconds, rows_read FROM load_report WHERE level = 'file'"
            ).fetchall()
    totals = report["totals"]
    return {
        "raw_seconds": raw_seconds,
        "raw_rows": raw_rows,
        "rows": int(totals["rows_read"]),
        "loading": float(totals["seconds"]),
        "run": float(totals["run_seconds"]),
        "wall": wall,
        "peak": peak,
        "same_files": sum(s for f, s, _ in per_file if formats.get(f) in RAW_FORMATS),
        "other_rows": sum(r for f, _, r in per_file if formats.get(f) not in RAW_FORMATS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="source rows wanted")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--people", type=int, help="people in the borough (skips calibration)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of raw read + ingest; the best of each is reported, since "
                             "other processes on the machine only ever add time")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    people = args.people or people_for(args.rows, args.seed)
    sources_file = borough(people, args.seed) / "sources.yaml"
    rounds = [one_round(sources_file) for _ in range(max(1, args.repeat))]
    best = {key: min(r[key] for r in rounds) for key in rounds[0]}
    rows, raw = int(best["rows"]), best["raw_seconds"]

    def each(key: str) -> str:
        return ", ".join(f"{r[key]:.2f}" for r in rounds)

    print(f"borough: {people:,} people, seed {args.seed} ({sources_file.parent})")
    print(f"source rows read by ingest:      {rows:,} "
          f"({rows - best['other_rows']:,} CSV/Parquet, {best['other_rows']:,} XML/XLSX)")
    print(f"best of {len(rounds)} rounds (all rounds in brackets):")
    for label, key in (("ingest, loading sources", "loading"),
                       ("ingest, whole run (in process)", "run"),
                       ("ingest, whole command (wall)", "wall")):
        print(f"{label + ':':33}{best[key]:.2f} s  {rows / best[key]:>9,.0f} rows/s  "
              f"[{each(key)}]")
    print(f"{'ingest peak memory (RSS):':33}{best['peak'] / 2**20:,.0f} MiB "
          f"(max {max(r['peak'] for r in rounds) / 2**20:,.0f} MiB)")
    print(f"{'DuckDB raw read of CSV/Parquet:':33}{raw:.2f} s  {best['raw_rows']:,} rows  "
          f"[{each('raw_seconds')}]")
    print(f"{'ingest of the same CSV/Parquet:':33}{best['same_files']:.2f} s  "
          f"[{each('same_files')}]")
    print(f"{'ratio, same files (target <= 2):':33}{best['same_files'] / raw:.2f}x")
    print(f"{'ratio, whole command / raw read:':33}{best['wall'] / raw:.2f}x")


if __name__ == "__main__":
    main()
