"""Run metadata stored inside every snapshot: what was read, by which version, with what result.

``run_info`` has one row per snapshot: run id, start and finish (UTC), the sources file, the
joinedup and DuckDB versions, and the size and SHA-256 of every input file. ``load_report``
has one row per input file (level 'file') and one per source (level 'source') with rows read,
loaded and quarantined and the seconds taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from joinedup.sources.results import FileLoadResult, SourceLoadResult

RUN_INFO_TABLE = "run_info"
LOAD_REPORT_TABLE = "load_report"

_DDL = (
    f"""CREATE TABLE {RUN_INFO_TABLE} (
        run_id VARCHAR NOT NULL,
        started TIMESTAMP NOT NULL,
        finished TIMESTAMP NOT NULL,
        sources_file VARCHAR NOT NULL,
        sources_file_sha256 VARCHAR NOT NULL,
        joinedup_version VARCHAR NOT NULL,
        duckdb_version VARCHAR NOT NULL,
        input_files STRUCT(path VARCHAR, bytes BIGINT, sha256 VARCHAR)[] NOT NULL
    )""",
    f"""CREATE TABLE {LOAD_REPORT_TABLE} (
        level VARCHAR NOT NULL CHECK (level IN ('file', 'source')),
        source VARCHAR NOT NULL,
        file VARCHAR,
        rows_read BIGINT NOT NULL,
        rows_loaded BIGINT NOT NULL,
        rows_quarantined BIGINT NOT NULL,
        seconds DOUBLE NOT NULL
    )""",
)


# The run report stores exactly what the loader reports.
FileReport = FileLoadResult
SourceReport = SourceLoadResult


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file as it was when the run started."""

    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: str
    started: dt.datetime
    finished: dt.datetime
    sources_file: str
    sources_file_sha256: str
    joinedup_version: str
    duckdb_version: str
    inputs: tuple[InputFile, ...]


@dataclass(frozen=True, slots=True)
class SnapshotSummary:
    """What a snapshot holds, read back from its own metadata."""

    run_id: str
    finished: dt.datetime
    sources: tuple[str, ...]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


def sha256_file(path: Path) -> InputFile:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return InputFile(str(path), path.stat().st_size, digest.hexdigest())


def checksum_inputs(base_dir: Path, relative_paths: Iterable[str]) -> tuple[InputFile, ...]:
    """Size and SHA-256 of each input that exists, recorded by its path in sources.yaml.

    A missing file is skipped here: the loader reports it with the source and file named.
    """
    found = []
    for relative in sorted(set(relative_paths)):
        path = base_dir / relative
        if path.is_file():
            info = sha256_file(path)
            found.append(InputFile(relative, info.bytes, info.sha256))
    return tuple(found)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    # DuckDB TIMESTAMP has no zone; the columns are documented as UTC.
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def write_run_metadata(
    con: duckdb.DuckDBPyConnection, info: RunInfo, sources: Sequence[SourceReport]
) -> None:
    for ddl in _DDL:
        con.execute(ddl)
    con.execute(
        f"INSERT INTO {RUN_INFO_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            info.run_id,
            _naive_utc(info.started),
            _naive_utc(info.finished),
            info.sources_file,
            info.sources_file_sha256,
            info.joinedup_version,
            info.duckdb_version,
            [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in info.inputs],
        ],
    )
    rows: list[tuple[str, str, str | None, int, int, int, float]] = []
    for source in sources:
        rows.extend(
            ("file", source.name, f.path, f.rows_read, f.rows_loaded, f.rows_quarantined,
             f.seconds)
            for f in source.files
        )
        rows.append(("source", source.name, None, source.rows_read, source.rows_loaded,
                     source.rows_quarantined, source.seconds))
    if rows:
        # One statement: executemany costs milliseconds per row in DuckDB.
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(rows))
        con.execute(f"INSERT INTO {LOAD_REPORT_TABLE} VALUES {values}",
                    [value for row in rows for value in row])


def read_load_report(con: duckdb.DuckDBPyConnection) -> list[SourceReport]:
    """The per-file load report of a snapshot, grouped by source in load order."""
    rows = con.execute(
        f"SELECT source, file, rows_read, rows_loaded, rows_quarantined, seconds "
        f"FROM {LOAD_REPORT_TABLE} WHERE level = 'file' ORDER BY rowid"
    ).fetchall()
    grouped: dict[str, list[FileReport]] = {}
    for source, file, read, loaded, quarantined, seconds in rows:
        grouped.setdefault(source, []).append(
            FileReport(file, read, loaded, quarantined, seconds)
        )
    return [SourceReport(name, tuple(files)) for name, files in grouped.items()]


def read_summary(con: duckdb.DuckDBPyConnection) -> SnapshotSummary:
    run = read_run_info(con)
    report = read_load_report(con)
    return SnapshotSummary(
        run_id=run.run_id,
        finished=run.finished,
        sources=tuple(s.name for s in report),
        rows_read=sum(s.rows_read for s in report),
        rows_loaded=sum(s.rows_loaded for s in report),
        rows_quarantined=sum(s.rows_quarantined for s in report),
    )


def read_run_info(con: duckdb.DuckDBPyConnection) -> RunInfo:
    row = con.execute(
        f"SELECT run_id, started, finished, sources_file, sources_file_sha256, joinedup_version, "
        f"duckdb_version, input_files FROM {RUN_INFO_TABLE}"
    ).fetchone()
    if row is None:
        raise duckdb.InvalidInputException(f"{RUN_INFO_TABLE} is empty")
    inputs = tuple(InputFile(f["path"], f["bytes"], f["sha256"]) for f in row[7])
    return RunInfo(row[0], row[1].replace(tzinfo=dt.UTC), row[2].replace(tzinfo=dt.UTC),
                   row[3], row[4], row[5], row[6], inputs)


def table_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every table in a snapshot with its exact row count, by name."""
    names = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY table_name"
        ).fetchall()
    ]
    counts = []
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        (count,) = con.execute(f"SELECT count(*) FROM {quoted}").fetchone() or (0,)
        counts.append((name, int(count)))
    return counts
