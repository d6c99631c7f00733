"""One file of records (CSV, XLSX or Parquet) read into an Arrow table, for commands that work
on a table rather than load the warehouse (`joinedup match`).

The file goes through ingest's own readers, so it is read just as carefully: the encoding is
checked (UTF-8 with or without a byte-order mark, Windows-1252, UTF-16) and said, rows that
cannot be parsed (ragged rows, broken quoting, rows over the 2 MB line limit, Excel errors) are
returned as rejects with their line and reason instead of being dropped, and nothing is lost
silently: ``rows_read == table.num_rows + rows_rejected``.
"""

from __future__ import annotations

import csv
import enum
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from joinedup.errors import SourceError
from joinedup.model.spreadsheet import safe_cell
from joinedup.sources.csv_reader import MAX_LINE_BYTES, open_csv, sniff_utf16
from joinedup.sources.files import SOURCES_YAML, Fixes, check_readable
from joinedup.sources.parquet_reader import open_parquet
from joinedup.sources.raw import RawSource, Reject, run_lines_sql, temp_name
from joinedup.sources.schema import quote_ident
from joinedup.sources.xlsx_reader import open_xlsx

LINE_COLUMN = "_ju_row"
"""The column of `FileTable.table` holding each record's line (CSV) or row (XLSX, Parquet)."""
DELIMITERS = (",", ";", "\t", "|")
_RAW_LIMIT = 2000


class TableFormat(enum.StrEnum):
    CSV = "CSV"
    XLSX = "XLSX"
    PARQUET = "Parquet"


@dataclass(frozen=True, slots=True)
class FileTable:
    """A file's records: ``table`` has `LINE_COLUMN` then the file's columns, all text, in
    file order; ``rejects`` the records that could not be read, each with line and reason."""

    shown: str
    format: TableFormat
    table: pa.Table
    columns: tuple[str, ...]
    rejects: tuple[Reject, ...]
    encoding: str | None = None
    """How a CSV was decoded: "UTF-8", "UTF-8 with a byte-order mark", "Windows-1252",
    "UTF-16"."""
    delimiter: str | None = None

    @property
    def rows_rejected(self) -> int:
        return len({reject.row for reject in self.rejects})

    @property
    def rows_read(self) -> int:
        return int(self.table.num_rows) + self.rows_rejected

    @property
    def note(self) -> str | None:
        """What a person should know about how the file was read, or None."""
        parts = []
        if self.encoding not in (None, "UTF-8", "UTF-8 with a byte-order mark"):
            parts.append(f"read as {self.encoding} and converted to UTF-8")
        if self.delimiter not in (None, ","):
            parts.append(f"fields separated by {_delimiter_name(self.delimiter)}")
        return "; ".join(parts) or None


def _delimiter_name(delimiter: str | None) -> str:
    return {"\t": "tabs", ";": "semicolons", "|": "vertical bars"}.get(delimiter or ",",
                                                                          repr(delimiter))


def _refuse_plain_zip(path: Path, shown: str) -> None:
    """An XLSX workbook is a zip archive; a zip archive that is not one (an extract sent
    zipped) is refused with what it holds. Only the archive's list of names is read: nothing
    is extracted, so a zip bomb costs nothing here."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the workbook reader says so
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return
    inside = ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
    raise SourceError(f"this is a zip archive (holding {inside or 'nothing'}), not a table: "
                      "unzip it and give joinedup the file inside.", file=shown)


_NOT_TABLES = {
    b"\x1f\x8b": "a gzip-compressed file, not a table: decompress it (gunzip, or 7-Zip on "
                 "Windows) and give joinedup the file inside",
    b"7z\xbc\xaf": "a 7-Zip archive, not a table: extract it and give joinedup the file inside",
    b"%PDF": "a PDF document, not a table: export the data from its system as CSV or .xlsx",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook, which cannot be read. Open it in Excel "
                         "and save it as .xlsx or as CSV UTF-8",
}


def _refuse_not_a_table(head: bytes, shown: str) -> None:
    """Compressed files, PDFs and old .xls workbooks, known by their first bytes."""
    for magic, what in _NOT_TABLES.items():
        if head.startswith(magic):
            raise SourceError(f"this is {what}.", file=shown)


def refuse_other_format(path: Path, shown: str, declared: str) -> None:
    """A file whose first bytes say it is not the format its mapping declares (a zip
    archive, a workbook, Parquet): refused with what it is, instead of a screen of
    unreadable rows or a parser's complaint. A file that cannot be opened is left to the
    reader, which says why."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return
    _refuse_not_a_table(head, shown)
    if head == b"PK\x03\x04":
        _refuse_plain_zip(path, shown)
        if declared != "xlsx":
            raise SourceError(f"this is an Excel workbook, but its mapping says format: "
                              f"{declared}: set format: xlsx in its mapping, or save it as "
                              "CSV.", file=shown)
    if head == b"PAR1" and declared != "parquet":
        raise SourceError(f"this is a Parquet file, but its mapping says format: {declared}: "
                          "set format: parquet in its mapping.", file=shown)


def table_format(path: Path, shown: str, fixes: Fixes = SOURCES_YAML) -> TableFormat:
    """The file's format from its first bytes (a Parquet or XLSX file named .csv is still
    read right), else its extension; anything else is read as CSV."""
    check_readable(path, shown, fixes=fixes)
    with path.open("rb") as handle:
        head = handle.read(4)
    suffix = path.suffix.lower()
    if head == b"PAR1" or suffix in (".parquet", ".pq"):
        return TableFormat.PARQUET
    if head == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        _refuse_plain_zip(path, shown)
        return TableFormat.XLSX
    if suffix == ".xls":
        head = b"\xd0\xcf\x11\xe0"
    _refuse_not_a_table(head, shown)
    return TableFormat.CSV


def sniff_delimiter(path: Path, encoding: str = "auto") -> str:
    """The delimiter of a CSV's header line: the commonest of , ; tab | outside quotes
    (a comma when there is none); a .tsv file is tab-separated."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    codec = sniff_utf16(path) if encoding.lower() == "auto" else encoding
    try:
        text = head.decode(codec or "utf-8", errors="replace")
    except LookupError:
        text = head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table_file(path: Path, shown: str | None = None, *, encoding: str = "auto",
                    delimiter: str | None = None, sheet: str | None = None,
                    fixes: Fixes = SOURCES_YAML) -> FileTable:
    """Read a CSV, XLSX or Parquet file with ingest's readers. File-level problems (missing,
    empty, undecodable, not the format it claims) raise SourceError naming the file."""
    shown = shown if shown is not None else str(path)
    kind = table_format(path, shown, fixes)
    con = duckdb.connect()
    try:
        source: RawSource
        used_delimiter = None
        if kind is TableFormat.CSV:
            used_delimiter = delimiter or sniff_delimiter(path, encoding)
            source = open_csv(con, path, shown, encoding=encoding, delimiter=used_delimiter,
                              fixes=fixes)
        elif kind is TableFormat.XLSX:
            source = open_xlsx(con, path, shown, sheet=sheet, used=None, fixes=fixes)
        else:
            source = open_parquet(con, path, shown, fixes=fixes)
        try:
            table, rejects = _collect(con, source, kind)
        finally:
            source.close(con)
    finally:
        con.close()
    return FileTable(shown=shown, format=kind, table=table, columns=source.columns,
                     rejects=tuple(sorted(rejects, key=lambda r: r.row)),
                     encoding=getattr(source, "encoding", None), delimiter=used_delimiter)


def _collect(con: duckdb.DuckDBPyConnection, source: RawSource, kind: TableFormat,
             ) -> tuple[pa.Table, list[Reject]]:
    staged = temp_name("staged")
    con.execute(f"CREATE TEMP TABLE {staged} AS SELECT * FROM {source.relation}",
                source.params.used_by(source.relation))
    try:
        rejects, line_table = source.finish(con, staged)
        rejects = list(rejects)
        columns = ", ".join(f"s.{quote_ident(c)}" for c in source.columns)
        line, joined = (run_lines_sql(con, line_table, "s._ju_seq") if line_table
                        else ("s._ju_row", ""))
        where = ""
        if kind is not TableFormat.CSV and source.columns:
            # A CSV row over the line limit is rejected by the reader; a cell as long in a
            # workbook or Parquet file is refused the same way.
            longest = ", ".join(f"coalesce(strlen(s.{quote_ident(c)}), 0)"
                                for c in source.columns)
            size = f"greatest({longest})" if len(source.columns) > 1 else longest
            rejects += _oversized(con, staged, size, line, joined)
            where = f" WHERE {size} <= {MAX_LINE_BYTES}"
        select = f"SELECT CAST({line} AS BIGINT) AS {LINE_COLUMN}{', ' if columns else ''}" \
                 f"{columns} FROM {staged} AS s{joined}{where} ORDER BY s._ju_seq"
        table = con.sql(select).to_arrow_table()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {staged}")
    return table, rejects


def _oversized(con: duckdb.DuckDBPyConnection, staged: str, size: str, line: str,
               joined: str) -> list[Reject]:
    found = con.execute(
        f"SELECT {line}, {size}, left(CAST(to_json(s) AS VARCHAR), {_RAW_LIMIT}) "
        f"FROM {staged} AS s{joined} WHERE {size} > {MAX_LINE_BYTES}").fetchall()
    return [Reject(row=int(row), raw=str(raw), reason=(
        f"a value in this row is {int(length) / 1_048_576:.1f} MB, longer than the 2 MB any "
        "value may be; remove the oversized value and export again")) for row, length, raw in found]


def write_rejects(path: Path, files: Iterable[FileTable]) -> int:
    """Write every file's rejected records to ``path`` as CSV (file, line, field, reason,
    raw); returns how many were written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "field", "reason", "raw"])
        for item in files:
            for reject in item.rejects:
                writer.writerow([safe_cell(cell) for cell in (
                    item.shown, reject.row, reject.field or "", reject.reason, reject.raw)])
                written += 1
    return written

