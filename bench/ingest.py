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
CALIBRATION_PEOPLE = 2_000
RAW_FORMATS = {FileFormat.CSV, FileFormat.SSDA903, FileFormat.PARQUET}


def reference_data() -> Path | None:
    configured = os.environ.get("JOINEDUP_REFERENCE_DATA")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    return path if (path / "dfe").is_dir() else None


def borough(people: int, seed: int) -> Path:
    """The generated borough for (people, seed), made once and reused."""
    out = OUT / f"borough-p{people}-s{seed}"
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
    cache = OUT / f"calibration-s{seed}.json"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="source rows wanted")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--people", type=int, help="people in the borough (skips calibration)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    people = args.people or people_for(args.rows, args.seed)
    sources_file = borough(people, args.seed) / "sources.yaml"
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        home = Path(tmp)
        report, wall, peak = timed_ingest(sources_file, home)
        raw_seconds, raw_rows, formats = raw_read(sources_file, home)
        with duckdb.connect(str(home / "warehouse" / "snapshots" / f"{report['snapshot']}.duckdb"),
                            read_only=True) as con:
            per_file = con.execute(
                "SELECT file, seconds, rows_read FROM load_report WHERE level = 'file'"
            ).fetchall()
    totals = report["totals"]
    rows, in_run = int(totals["rows_read"]), float(totals["seconds"])
    like_for_like = sum(s for f, s, _ in per_file if formats.get(f) in RAW_FORMATS)
    other_rows = sum(r for f, _, r in per_file if formats.get(f) not in RAW_FORMATS)

    print(f"borough: {people:,} people, seed {args.seed} ({sources_file.parent})")
    print(f"source rows read by ingest:      {rows:,} "
          f"({rows - other_rows:,} CSV/Parquet, {other_rows:,} XML/XLSX)")
    print(f"ingest, loading sources:         {in_run:.2f} s  ({rows / in_run:,.0f} rows/s)")
    print(f"ingest, whole command (wall):    {wall:.2f} s  ({rows / wall:,.0f} rows/s)")
    print(f"ingest peak memory (RSS):        {peak / 2**20:,.0f} MiB")
    print(f"DuckDB raw read of CSV/Parquet:  {raw_seconds:.2f} s  ({raw_rows:,} rows)")
    print(f"ingest of the same CSV/Parquet:  {like_for_like:.2f} s")
    print(f"ratio, same files (target <= 2): {like_for_like / raw_seconds:.2f}x")
    print(f"ratio, whole command / raw read: {wall / raw_seconds:.2f}x")


if __name__ == "__main__":
    main()
