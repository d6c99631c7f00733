"""CSV reader: one DuckDB read_csv per file, every column as text, nothing lost silently.

Before DuckDB reads the file, `csv_text` proves its encoding, counts its line endings and
reads the header, making a UTF-8 copy with one kind of line ending when needed. Rows DuckDB
cannot parse (wrong number of fields, unterminated quotes, longer than its line limit) come
back from its rejects table, or are found by counting, and are quarantined. Memory does not
grow with the length of a line: a file with a 1 GB value is read in chunks.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from joinedup.errors import SourceError
from joinedup.sources.csv_records import record_lines, scan_records
from joinedup.sources.csv_text import Scan, column_names, describe_encoding, prepare, sniff_utf16
from joinedup.sources.files import SOURCES_YAML, Fixes, check_readable
from joinedup.sources.raw import Params, RawSource, Reject, register, scalar, temp_name

__all__ = ["MAX_LINE_BYTES", "CsvSource", "column_names", "open_csv", "record_lines",
           "sniff_utf16"]

_RAW_LIMIT = 2000
MAX_LINE_BYTES = 2_097_152
"""DuckDB's max_line_size: a longer record is rejected. Read when a file is opened, so a test
may lower it to reach the same behaviour with a smaller file."""


class CsvSource(RawSource):
    """A CSV file read by DuckDB; ``finish`` collects rejects and works out line numbers."""

    scan: Scan
    limit: int  # the line limit DuckDB was given, in bytes
    read_path: Path
    shown: str
    delimiter: str
    raw_table: str
    rejects_table: str
    rejects_scan: str
    line_table: str
    made: list[str]  # further temp tables to drop on close
    encoding: str  # as a person knows it: "UTF-8", "Windows-1252", "UTF-16"

    def finish(self, con: duckdb.DuckDBPyConnection, staged: str,
               ) -> tuple[list[Reject], str | None]:
        n_good = int(scalar(con, f"SELECT count(*) FROM {staged}"))
        found = con.execute(
            f"SELECT line, any_value(column_name), any_value(error_type)::VARCHAR, "
            f"any_value(error_message), left(any_value(csv_line), {4 * _RAW_LIMIT}) "
            f"FROM {self.rejects_table} GROUP BY line ORDER BY line"
        ).fetchall()
        if self.scan.physical_lines == n_good + len(found) + 1:
            # One record per line (a blank line, a line break inside a value or a record
            # DuckDB dropped would each add a line): DuckDB's lines are the file's.
            return self._one_per_line(con, found, n_good)
        # Count records ourselves (quote-aware) to give every row its real line and to prove
        # none went missing.
        records = scan_records(self.read_path, self.scan.newline.encode(), self.delimiter,
                               blank_is_record=len(self.columns) == 1, limit=self.limit)
        bad = {int(r[0]) for r in found}
        keep = ~records.blank
        keep[:1] = False  # the header
        for line in bad:
            if line <= len(records):
                keep[line - 1] = False
        # DuckDB drops a record far over its line limit (one that does not fit its read
        # buffer) without a reject: such records are found by their length.
        too_long = {index: span for index, span in records.long.items() if keep[index]}
        for index in too_long:
            keep[index] = False
        good = records.lines[keep]
        if len(good) != n_good or any(line > len(records) for line in bad):
            raise SourceError(
                f"DuckDB read {n_good} rows and rejected {len(bad)}, but the file holds "
                f"{int((~records.blank[1:]).sum())} records. Rather than lose rows "
                "silently, nothing was loaded: check the file's quoting and line endings "
                "(or save it again from Excel as CSV UTF-8).",
                file=self.shown,
            )
        rejects = [_reject(int(records.lines[int(line) - 1]), column, kind, message, text,
                           limit=self.limit) for line, column, kind, message, text in found]
        rejects += [_reject(int(records.lines[index]), None, "LINE SIZE OVER MAXIMUM", "",
                            self._head(start, end), size=end - start, limit=self.limit)
                    for index, (start, end) in sorted(too_long.items())]
        if np.array_equal(good, np.arange(2, n_good + 2)):
            return rejects, None
        return rejects, self._line_table(con, good)

    def _one_per_line(self, con: duckdb.DuckDBPyConnection, found: list[tuple[Any, ...]],
                      n_good: int) -> tuple[list[Reject], str | None]:
        rejects = [_reject(int(line), column, kind, message, text, limit=self.limit)
                   for line, column, kind, message, text in found]
        if not rejects or not n_good:
            return rejects, None  # rows are lines 2, 3, ... (or there are none)
        lines = np.arange(2, n_good + len(found) + 2)
        good = np.delete(lines, [int(r[0]) - 2 for r in found])
        return rejects, self._line_table(con, good)

    def _line_table(self, con: duckdb.DuckDBPyConnection, good: npt.NDArray[np.int64],
                    ) -> str:
        """A temp table of runs (seq, line): row ``seq`` is on file line ``line`` and the
        rows after it on the lines after, until the next run. A rejected row or a blank line
        starts a new run, so the table stays small however many rows the file has."""
        starts = np.concatenate([[0], np.flatnonzero(np.diff(good) != 1) + 1]).astype(np.int64)
        runs = pa.table({"seq": pa.array(starts + 1, pa.int64()),
                         "line": pa.array(good[starts], pa.int64())})
        view = temp_name("lines")
        register(con, view, runs)
        try:
            con.execute(f"CREATE TEMP TABLE {self.line_table} AS SELECT * FROM {view}")
            self.made.append(self.line_table)
        finally:
            con.unregister(view)
        return self.line_table

    def _head(self, start: int, end: int) -> str:
        """The start of an oversized record, read from the file (never the whole record)."""
        with self.read_path.open("rb") as handle:
            handle.seek(start)
            return handle.read(min(end - start, 4 * _RAW_LIMIT)).decode("utf-8", "replace")

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in (self.raw_table, self.rejects_table, self.rejects_scan, *self.made):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        super().close(con)


def megabytes(size: int) -> str:
    """A size as people say it: 2 MB, 0.5 MB, 1,024.0 MB."""
    value = size / 1_048_576
    return f"{value:,.0f} MB" if value == int(value) else f"{value:,.1f} MB"


def _reject(line: int, column: str | None, kind: str, message: str, text: str | None,
            size: int | None = None, *, limit: int) -> Reject:
    if kind == "LINE SIZE OVER MAXIMUM":
        how_long = f" ({megabytes(size)})" if size is not None else ""
        reason = (f"this row is longer than {megabytes(limit)}{how_long}, more than any field "
                  "should hold; "
                  "check the quoting around this line (a missing closing quote joins rows "
                  "together) or remove the oversized value")
    else:
        reason = (f"could not read this row as CSV ({kind.lower()}: {message}); fix the "
                  "quoting or the number of fields at this line of the file")
    return Reject(row=line, field=column, reason=reason,
                  raw=(text or "").lstrip("\r\n")[:_RAW_LIMIT])


def open_csv(con: duckdb.DuckDBPyConnection, path: Path, shown: str, *, encoding: str,
             delimiter: str, required: tuple[str, ...] = (),
             table: str | None = None, fixes: Fixes = SOURCES_YAML) -> CsvSource:
    """Check, scan and read a CSV file into a temp table (one DuckDB read, on every core)."""
    check_readable(path, shown, fixes=fixes)
    scan, copy, codec = prepare(path, encoding, delimiter, shown, fixes)
    temp_files = [copy] if copy else []
    columns = column_names(scan.header)
    if any("\x00" in name for name in columns):
        for temp in temp_files:
            temp.unlink(missing_ok=True)
        raise SourceError(
            "the header line holds zero (NUL) bytes: this is not a text file. Check "
            f"{fixes.format}, or export the data again as CSV UTF-8.", file=shown)
    missing = [name for name in required if name not in columns]
    if missing:
        for temp in temp_files:
            temp.unlink(missing_ok=True)
        raise SourceError(
            f"this is not an SSDA903 {table} file: it lacks column(s) {', '.join(missing)}. "
            f"It has: {', '.join(columns)}. Check `table:` and the export.",
            file=shown,
        )
    params = Params()
    limit = MAX_LINE_BYTES
    raw_table = temp_name("csv")
    rejects_table, rejects_scan = temp_name("rejects"), temp_name("rejscan")
    read_path = copy or path
    call = (
        f"read_csv({params.add(str(read_path))}, header=true, auto_detect=false, "
        f"delim={params.add(delimiter)}, quote='\"', escape='\"', comment='', skip=0, "
        f"new_line={params.add(scan.newline.encode('unicode_escape').decode())}, "
        f"columns={params.add(dict.fromkeys(columns, 'VARCHAR'))}, "
        f"max_line_size={params.add(limit)}, store_rejects=true, "
        f"rejects_table={params.add(rejects_table)}, rejects_scan={params.add(rejects_scan)})"
    )
    source = CsvSource(path=path, columns=columns, params=Params(), temp_files=temp_files,
                       relation=(f"(SELECT rowid + 1 AS _ju_seq, rowid + 2 AS _ju_row, * "
                                 f"FROM {raw_table})"))
    source.scan, source.read_path, source.shown = scan, read_path, shown
    source.delimiter, source.limit = delimiter, limit
    source.raw_table, source.rejects_table, source.rejects_scan = (
        raw_table, rejects_table, rejects_scan)
    source.line_table = temp_name("lines")
    source.made = []
    with path.open("rb") as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
    source.encoding = describe_encoding(codec, bom)
    # The plain read is stored first, in file order, so that rowid numbers the rows before any
    # join in the validation query could reorder them; row_number() over the CSV scan would do
    # the same but force the whole validation onto one core.
    ordered = scalar(con, "SELECT current_setting('preserve_insertion_order')")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT * FROM {call}", params.values)
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        source.close(con)
        first = str(exc).strip().splitlines()[0]
        raise SourceError(
            f"DuckDB could not read the file as CSV: {first}. Check {fixes.format}, "
            f"{fixes.delimiter} and {fixes.encoding}.",
            file=shown,
        ) from exc
    finally:
        if not ordered:
            con.execute("SET preserve_insertion_order = false")
    return source
