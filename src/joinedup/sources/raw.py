"""What every reader hands the loader: a SQL relation of text columns, plus reader-level rejects.

A reader's relation has ``_ju_seq`` (1-based order of the record in the file, unique),
``_ju_row`` (where a person finds the record: see docs/mappings.md) and the file's columns, all
VARCHAR. Records the reader could not turn into columns at all are returned as ``Reject``s:
they count as read and are quarantined, never dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

_names = itertools.count(1)


def temp_name(kind: str) -> str:
    """A unique temp object name for this process (several files may be in flight)."""
    return f"_ju_{kind}_{next(_names)}"


@dataclass(frozen=True, slots=True)
class Reject:
    """A record the reader could not parse into columns, or refused for a stated reason."""

    row: int
    reason: str
    raw: str
    field: str | None = None
    value: str | None = None


def scalar(con: duckdb.DuckDBPyConnection, sql: str,
           params: dict[str, Any] | None = None) -> Any:
    """The single value a query returns. Results are always read to the end: DuckDB refuses
    some calls (register, for one) while a result is left unfinished."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """con.register, after closing any result left unfinished (by us or our caller), which
    DuckDB would otherwise refuse it for."""
    scalar(con, "SELECT 1")
    con.register(name, table)


def run_lines_sql(con: duckdb.DuckDBPyConnection, runs: str, seq: str, *,
                  most: int = 256) -> tuple[str, str]:
    """(expression, join): SQL for the file line of the row numbered ``seq``, from a table of
    runs (see `RawSource.finish`). With at most ``most`` runs (the usual few rejected rows or
    blank lines) they are written into a CASE and the join is "": no join, and no sort of
    every row, is needed. Otherwise the join is an ASOF JOIN of the runs as ``l``."""
    found = con.execute(f"SELECT seq, line FROM {runs} ORDER BY seq DESC LIMIT {most + 1}"
                        ).fetchall()
    if len(found) <= most:  # integers made by joinedup, not text from the file
        cases = " ".join(f"WHEN {seq} >= {int(s)} THEN {int(line) - int(s)}"
                         for s, line in found)
        return f"({seq} + CASE {cases} END)", ""
    return f"(l.line + ({seq} - l.seq))", f" ASOF JOIN {runs} AS l ON {seq} >= l.seq"


class Params:
    """Named bound parameters ($p1, $p2, ...) so generated SQL never inlines user text."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._names: dict[tuple[type, str], str] = {}

    def add(self, value: Any) -> str:
        """The parameter holding ``value``; an equal value (of the same type) reuses its
        parameter, so equal expressions read the same and the plan computes them once."""
        key = (type(value), repr(value))
        if key not in self._names:
            self._names[key] = f"p{len(self.values) + 1}"
            self.values[self._names[key]] = value
        return f"${self._names[key]}"

    def used_by(self, sql: str) -> dict[str, Any]:
        """The parameters ``sql`` refers to (DuckDB refuses unused ones)."""
        names = set(re.findall(r"\$(p\d+)\b", sql))
        return {name: value for name, value in self.values.items() if name in names}


@dataclass
class RawSource:
    """A file opened by a reader. ``relation`` is a FROM item using parameters from ``params``."""

    path: Path
    columns: tuple[str, ...]
    relation: str
    params: Params
    # Cells that hold real dates (xlsx, parquet) arrive as ISO text whatever date_format says.
    typed_dates: bool = False
    rejects: list[Reject] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)

    def finish(self, con: duckdb.DuckDBPyConnection, staged: str,
               ) -> tuple[list[Reject], str | None]:
        """Called once the relation has been read into table ``staged``. Returns all rejects
        and, when ``_ju_row`` needs correcting, a temp table of runs (seq, line): row ``seq``
        is on line ``line``, and each row after it on the next line, until the next run
        (``ASOF JOIN ... ON _ju_seq >= seq``)."""
        return self.rejects, None

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        for name in self.registered:
            con.unregister(name)
        for path in self.temp_files:
            path.unlink(missing_ok=True)


def arrow_source(con: duckdb.DuckDBPyConnection, path: Path, columns: tuple[str, ...],
                 rows: list[int], values: list[list[str | None]], *, typed_dates: bool,
                 rejects: list[Reject] | None = None) -> RawSource:
    """A RawSource over records parsed in Python (spreadsheets, XML), handed over via Arrow.

    ``rows`` is the display row of each record, ``values`` one list per column."""
    data: dict[str, pa.Array] = {
        "_ju_seq": pa.array(range(1, len(rows) + 1), pa.int64()),
        "_ju_row": pa.array(rows, pa.int64()),
    }
    for name, column in zip(columns, values, strict=True):
        data[name] = pa.array(column, pa.string())
    name = temp_name("arrow")
    register(con, name, pa.table(data))
    return RawSource(path=path, columns=columns, relation=f"(SELECT * FROM {name})",
                     params=Params(), typed_dates=typed_dates, rejects=list(rejects or []),
                     registered=[name])
