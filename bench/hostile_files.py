"""Benchmark: hostile file sizes at full size, through ingest and `joinedup match`'s reader.

    .venv/bin/python bench/hostile_files.py [--rows 10000000] [--field-mb 1024]
                                           [--only CASE ...] [--dir DIR]

Writes each file by streaming (never held in memory) to a temporary folder (or --dir), then
reads it in a child process of its own, so that the peak memory printed (the child's maximum
resident set) is that read's alone:

- ``field-*``: one value of --field-mb MB (default 1 GB) under the default 2 MB line limit,
  between two good rows: ingest (``load_source`` into an on-disk DuckDB database, as the
  warehouse is) and ``read_table_file`` (`joinedup match`).
- ``rows-*``: --rows rows (default 10 million): clean; with three ragged rows (one record per
  line: DuckDB's lines are used); with ragged rows and a blank line (every record found by
  the streaming scanner); Windows-1252 with mixed line endings (transcoded first); and
  ``read_table_file`` of the ragged file.
- ``duckdb-raw``: DuckDB's own read_csv of the clean file into a table, as a yardstick.

It prints seconds, peak memory and the counts (which must reconcile: read = loaded +
quarantined); it asserts nothing. The test suite runs the same readers at small sizes
(tests/integration/test_hostile_sizes.py); the full sizes are proven here.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MB = 1_048_576
HEADER = "Ref,Surname,DOB\n"
CASES = ("field-ingest", "field-match", "rows-clean", "rows-ragged", "rows-blank",
         "rows-cp1252-mixed", "rows-match", "duckdb-raw")


def write_field(path: Path, megabytes: int) -> None:
    block = b"x" * MB
    with path.open("wb") as handle:
        handle.write(b"Ref,Surname,DOB\nA,Smith,2010-02-01\nB,")
        for _ in range(megabytes):
            handle.write(block)
        handle.write(b",2011-03-04\nC,Evans,2012-01-01\n")


def write_rows(path: Path, rows: int, *, ragged: bool = False, blank: bool = False,
               windows: bool = False) -> None:
    """``rows`` good rows; ragged rows after 1,000, half way and near the end; a blank line
    after 100; or Windows-1252 names with \\r\\n, \\n and \\r line endings in turn."""
    bad = {1_000, rows // 2, rows - 1_000} if ragged else set()
    encoding = "cp1252" if windows else "utf-8"
    endings = ("\r\n", "\n", "\r") if windows else ("\n",)
    name = "Brontë" if windows else "Smith"
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(HEADER)
        for start in range(0, rows, 100_000):
            block = []
            for n in range(start, min(rows, start + 100_000)):
                if n in bad:
                    block.append("X,too,many,fields\n")
                if blank and n == 100:
                    block.append("\n")
                block.append(f"R{n},{name},2010-02-01{endings[n % len(endings)]}")
            handle.write("".join(block))


def config(path: Path) -> Any:
    from joinedup.sources.mapping import SourceConfig

    return SourceConfig.model_validate({
        "name": "bench", "system": "Bench", "service": "police",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": path.name, "targets": [{"entity": "person", "fields": {
            "source_record_id": "Ref", "surname": "Surname", "dob": "DOB"}}]}],
    })


def run_ingest(path: Path, work: Path) -> dict[str, Any]:
    import duckdb

    from joinedup.sources.load import load_source

    database = work / f"{path.stem}.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    try:
        (result,) = load_source(con, config(path), path.parent).files
    finally:
        con.close()
        database.unlink(missing_ok=True)
    return {"read": result.rows_read, "loaded": result.rows_loaded,
            "quarantined": result.rows_quarantined}


def run_match(path: Path, work: Path) -> dict[str, Any]:
    from joinedup.sources.table_file import read_table_file

    read = read_table_file(path, str(path))
    return {"read": read.rows_read, "loaded": read.table.num_rows,
            "quarantined": read.rows_rejected}


def run_raw(path: Path, work: Path) -> dict[str, Any]:
    import duckdb

    database = work / "raw.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, all_varchar = true)",
                    [str(path)])
        found = con.execute("SELECT count(*) FROM raw").fetchone()
    finally:
        con.close()
        database.unlink(missing_ok=True)
    rows = int(found[0]) if found else 0
    return {"read": rows, "loaded": rows, "quarantined": 0}


READERS: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "ingest": run_ingest, "match": run_match, "raw": run_raw}
PLAN: dict[str, tuple[str, str]] = {  # case: (file, reader)
    "field-ingest": ("field.csv", "ingest"), "field-match": ("field.csv", "match"),
    "rows-clean": ("rows.csv", "ingest"), "rows-ragged": ("ragged.csv", "ingest"),
    "rows-blank": ("blank.csv", "ingest"), "rows-cp1252-mixed": ("windows.csv", "ingest"),
    "rows-match": ("ragged.csv", "match"), "duckdb-raw": ("rows.csv", "raw"),
}


def child(reader: str, path: Path, work: Path) -> None:
    started = time.perf_counter()
    counts = READERS[reader](path, work)
    counts["seconds"] = round(time.perf_counter() - started, 2)
    counts["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(counts))


def make(name: str, folder: Path, rows: int, field_mb: int) -> Path:
    path = folder / name
    if path.exists():
        return path
    started = time.perf_counter()
    if name == "field.csv":
        write_field(path, field_mb)
    else:
        write_rows(path, rows, ragged=name in ("ragged.csv", "blank.csv"),
                   blank=name == "blank.csv", windows=name == "windows.csv")
    print(f"  wrote {name}: {path.stat().st_size / MB:,.0f} MB in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--field-mb", type=int, default=1024)
    parser.add_argument("--only", nargs="*", choices=CASES, default=list(CASES))
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to write the files (default: a temporary folder, removed)")
    parser.add_argument("--child", nargs=3, metavar=("READER", "FILE", "WORK"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="joinedup-hostile-") as temp:
        folder = args.dir or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"hostile files: {args.rows:,} rows, a {args.field_mb:,} MB value; in {folder}")
        results = []
        for case in args.only:
            name, reader = PLAN[case]
            path = make(name, folder, args.rows, args.field_mb)
            done = subprocess.run(
                [sys.executable, __file__, "--child", reader, str(path), str(folder)],
                capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"  {case}: FAILED\n{done.stderr}", flush=True)
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            reconciles = figures["read"] == figures["loaded"] + figures["quarantined"]
            results.append((case, figures, reconciles))
            print(f"  {case}: {figures} {'reconciles' if reconciles else 'DOES NOT RECONCILE'}",
                  flush=True)
        print()
        print("| case | file MB | seconds | peak MB | read | loaded | quarantined |")
        print("|---|---|---|---|---|---|---|")
        for case, f, _ in results:
            size = (folder / PLAN[case][0]).stat().st_size / MB
            print(f"| {case} | {size:,.0f} | {f['seconds']} | {f['peak_mb']:,} | "
                  f"{f['read']:,} | {f['loaded']:,} | {f['quarantined']:,} |")


if __name__ == "__main__":
    main()
