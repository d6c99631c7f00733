"""CSV reader: one DuckDB read_csv per file, every column as text, nothing lost silently.

Before DuckDB reads the file, one streaming pass in Python checks the encoding (DuckDB would
otherwise turn bad bytes into rejected rows), counts line endings and reads the header. Files
that are not UTF-8 (Windows-1252; UTF-16, known by its byte-order mark or its zero bytes) are
transcoded to a temporary UTF-8 copy (DuckDB's own encodings need an extension, which cannot be
downloaded offline). Rows DuckDB cannot parse (wrong number of fields, unterminated quotes,
longer than its line limit) come back from its rejects table, or are found by counting, and are
quarantined.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from joinedup.errors import SourceError
from joinedup.sources.files import SOURCES_YAML, Fixes, check_readable
from joinedup.sources.raw import Params, RawSource, Reject, register, scalar, temp_name

_CHUNK = 8 * 1024 * 1024
_UTF8_NAMES = {"utf-8", "utf_8", "utf-8-sig"}
_RAW_LIMIT = 2000
MAX_LINE_BYTES = 2_097_152  # DuckDB's max_line_size: a longer record is rejected
_SNIFF = 4096


@dataclass
class _Scan:
    header: list[str]
    lf: int = 0
    crlf: int = 0
    cr: int = 0
    ends_with_newline: bool = False

    @property
    def mixed(self) -> bool:
        return 0 < self.crlf < self.lf

    @property
    def newline(self) -> str:
        if self.lf == 0 and self.cr > 0:
            return "\r"
        if self.lf > 0 and self.crlf == self.lf:
            return "\r\n"
        return "\n"

    @property
    def physical_lines(self) -> int:
        ends = self.cr if self.newline == "\r" else self.lf
        return ends + (0 if self.ends_with_newline else 1)


def _codec(name: str, shown: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise SourceError(
            f"encoding {name!r} is not an encoding Python knows. Use auto, utf-8, cp1252 or "
            "utf-16.",
            file=shown,
        ) from exc


def sniff_utf16(path: Path) -> str | None:
    """'utf-16' when the file starts with a UTF-16 byte-order mark, or 'utf-16-le'/'-be' when
    its first bytes are text with every other byte zero (UTF-16 without a mark); else None."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= 0.9 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.9 * pairs and odd == 0:
        return "utf-16-be"
    return None


def describe_encoding(codec: str, bom: bool) -> str:
    """The encoding as a person knows it: UTF-8, Windows-1252, UTF-16."""
    name = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16",
            "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}.get(codec, codec)
    return f"{name} with a byte-order mark" if bom and name == "UTF-8" else name


def _line_of(path: Path, offset: int) -> int:
    lines, left = 1, offset
    with path.open("rb") as handle:
        while left > 0 and (chunk := handle.read(min(left, _CHUNK))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def _scan(path: Path, encoding: str, shown: str, delimiter: str) -> _Scan:
    """Decode the whole file once (proving the encoding) and count its line endings."""
    decoder = codecs.getincrementaldecoder(encoding)()
    # ASCII decodes to itself in UTF-8 and the Windows code pages: such chunks need no decoding
    # (bytes.isascii runs at memory speed), which makes the usual all-ASCII extract cheap.
    ascii_safe = "a\n".encode(encoding) == b"a\n"
    header_text = ""
    scan = _Scan(header=[])
    offset = 0
    previous_cr = False
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            pending = decoder.getstate()[0]
            if not (header_text and ascii_safe and not pending and chunk.isascii()):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    where = offset + exc.start - len(pending)
                    byte = (pending + chunk)[exc.start]
                    raise _DecodeFailure(where, _line_of(path, where), byte) from exc
                header_text = header_text or text
            scan.lf += chunk.count(b"\n")
            if previous_cr and chunk[:1] == b"\n":
                scan.crlf += 1
            if b"\r" in chunk:  # memchr: counting pairs is slow, so only when there are any
                scan.crlf += chunk.count(b"\r\n")
                scan.cr += chunk.count(b"\r")
            previous_cr = chunk[-1:] == b"\r"
            last = chunk[-1:]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise _DecodeFailure(offset, _line_of(path, offset), 0) from exc
    scan.ends_with_newline = last in (b"\n", b"\r")
    header_text = header_text.lstrip("\ufeff")
    if not header_text.strip():
        raise SourceError(
            "the file has no header row (it is empty or only blank lines). Re-run the export.",
            file=shown,
        )
    first = io.StringIO(header_text, newline="")
    scan.header = next(csv.reader(first, delimiter=delimiter, quotechar='"'))
    return scan


class _DecodeFailure(Exception):
    def __init__(self, offset: int, line: int, byte: int) -> None:
        super().__init__(offset)
        self.offset, self.line, self.byte = offset, line, byte


def column_names(header: list[str]) -> tuple[str, ...]:
    """Header cells as column names: trimmed; blanks named columnN; repeats suffixed _1, _2."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        base = cell.strip() or f"column{index}"
        name, n = base, 0
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return tuple(names)


def _transcode(path: Path, encoding: str, normalise_newlines: bool) -> Path:
    handle, name = tempfile.mkstemp(prefix="joinedup-", suffix=".csv")
    os.close(handle)
    target = Path(name)
    with path.open("r", encoding=encoding, newline="") as src, target.open(
        "w", encoding="utf-8", newline=""
    ) as dst:
        while text := src.read(_CHUNK):
            if normalise_newlines:
                text = text.replace("\r\n", "\n")
            dst.write(text)
    return target


def _from_utf16(path: Path, codec: str, delimiter: str, shown: str, fixes: Fixes,
                ) -> tuple[_Scan, Path, str]:
    """UTF-16 is not ASCII-compatible, so line endings cannot be counted in its bytes: it is
    transcoded first and the UTF-8 copy is scanned."""
    try:
        copy = _transcode(path, codec, False)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"the file looks like UTF-16 but is not valid UTF-16 ({exc.reason}). Save it again "
            f"as CSV UTF-8, or set {fixes.encoding} to its real encoding.",
            file=shown,
        ) from exc
    try:
        scan = _scan(copy, "utf-8", shown, delimiter)
    except (_DecodeFailure, SourceError):
        copy.unlink(missing_ok=True)
        raise
    if scan.mixed:
        fixed = _transcode(copy, "utf-8", True)
        copy.unlink(missing_ok=True)
        copy = fixed
        scan.cr -= scan.crlf
        scan.crlf = 0
    return scan, copy, codec


def _prepare(path: Path, encoding: str, delimiter: str, shown: str,
             fixes: Fixes = SOURCES_YAML) -> tuple[_Scan, Path | None, str]:
    """Scan (and if needed transcode) the file; returns the scan, any temporary copy and the
    encoding read."""
    wanted = "auto" if encoding.lower() == "auto" else _codec(encoding, shown)
    utf16 = sniff_utf16(path) if wanted == "auto" else (
        wanted if wanted.startswith("utf-16") else None)
    if utf16 is not None:
        return _from_utf16(path, utf16, delimiter, shown, fixes)
    first = "utf-8" if wanted in ("auto", *_UTF8_NAMES) else wanted
    try:
        scan = _scan(path, first, shown, delimiter)
    except _DecodeFailure as bad:
        if wanted != "auto":
            raise SourceError(
                f"byte 0x{bad.byte:02X} at line {bad.line} is not valid {first}. Set "
                f"{fixes.encoding} to the file's real encoding (e.g. cp1252 for "
                "Excel on Windows), or `auto`.",
                file=shown, row=bad.line,
            ) from bad
        try:
            scan = _scan(path, "cp1252", shown, delimiter)
        except _DecodeFailure as worse:
            raise SourceError(
                f"the file is neither UTF-8 nor Windows-1252 (byte 0x{worse.byte:02X} at line "
                f"{worse.line}). Set {fixes.encoding} to its encoding.",
                file=shown, row=worse.line,
            ) from worse
        first = "cp1252"
    if first != "utf-8" or scan.mixed:
        copy = _transcode(path, first, scan.mixed)
        if scan.mixed:
            scan.cr -= scan.crlf
            scan.crlf = 0
        return scan, copy, first
    return scan, None, first


def record_lines(data: bytes, newline: bytes, delimiter: str,
                 blank_is_record: bool = False,
                 spans: list[tuple[int, int]] | None = None) -> list[tuple[int, bool]]:
    """(first physical line, is blank) of each CSV record, header included, as DuckDB sees
    them: a quote opens a quoted value only at the start of a field, a doubled quote inside
    one is a literal quote, and line breaks inside quotes do not end the record. Blank lines
    are skipped by DuckDB except in one-column files, where they are empty values.
    ``spans``, when given, receives each record's (start, end) byte offsets."""
    records: list[tuple[int, bool]] = []
    end = newline[-1:]
    starts_field = {delimiter.encode()[:1], b"\n", b"\r"}
    in_quote = False
    skip_to = -1
    line = 1
    start_line, start = 1, 0
    for match in re.finditer(b'"|' + re.escape(end), data):
        at = match.start()
        if at < skip_to:
            continue
        if match.group() == b'"':
            if in_quote:
                if data[at + 1:at + 2] == b'"':
                    skip_to = at + 2  # an escaped quote
                else:
                    in_quote = False
            elif at == start or data[at - 1:at] in starts_field:
                in_quote = True
            continue
        if in_quote:
            line += 1
            continue
        content = data[start:at].rstrip(b"\r") if end == b"\n" else data[start:at]
        records.append((start_line, not content and not blank_is_record))
        if spans is not None:
            spans.append((start, at))
        line += 1
        start_line, start = line, match.end()
    rest = data[start:].rstrip(b"\r") if end == b"\n" else data[start:]
    if rest or (blank_is_record and start < len(data)):
        records.append((start_line, not rest and not blank_is_record))
        if spans is not None:
            spans.append((start, len(data)))
    return records


class CsvSource(RawSource):
    """A CSV file read by DuckDB; ``finish`` collects rejects and works out line numbers."""

    scan: _Scan
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
            f"any_value(error_message), any_value(csv_line) FROM {self.rejects_table} "
            "GROUP BY line ORDER BY line"
        ).fetchall()
        if not found and self.scan.physical_lines == n_good + 1:
            return [], None  # one record per line: rows are lines 2, 3, ...
        # Blank lines, values with line breaks or rejected records: count records ourselves
        # (quote-aware) to give every row its real line and to prove none went missing.
        data = self.read_path.read_bytes()
        spans: list[tuple[int, int]] = []
        records = record_lines(data, self.scan.newline.encode(), self.delimiter,
                               blank_is_record=len(self.columns) == 1, spans=spans)
        bad = {int(r[0]) for r in found}
        # DuckDB drops a record far over its line limit (one that does not fit its read
        # buffer) without a reject: such records are found by their length.
        too_long = {idx: spans[idx - 1] for idx, rec in enumerate(records[1:], start=2)
                    if idx not in bad and not rec[1]
                    and spans[idx - 1][1] - spans[idx - 1][0] > MAX_LINE_BYTES}
        good = [rec[0] for idx, rec in enumerate(records[1:], start=2)
                if not rec[1] and idx not in bad and idx not in too_long]
        if len(good) != n_good or any(line > len(records) for line in bad):
            raise SourceError(
                f"DuckDB read {n_good} rows and rejected {len(bad)}, but the file holds "
                f"{sum(1 for r in records[1:] if not r[1])} records. Rather than lose rows "
                "silently, nothing was loaded: check the file's quoting and line endings "
                "(or save it again from Excel as CSV UTF-8).",
                file=self.shown,
            )
        rejects = [_reject(records[int(line) - 1][0], column, kind, message, text)
                   for line, column, kind, message, text in found]
        rejects += [_reject(records[idx - 1][0], None, "LINE SIZE OVER MAXIMUM", "",
                            data[start:min(end, start + 4 * _RAW_LIMIT)].decode(
                                "utf-8", "replace"), size=end - start)
                    for idx, (start, end) in too_long.items()]
        if good == list(range(2, n_good + 2)):
            return rejects, None
        mapping = pa.table({"seq": pa.array(range(1, n_good + 1), pa.int64()),
                            "line": pa.array(good, pa.int64())})
        view = temp_name("lines")
        register(con, view, mapping)
        try:
            con.execute(f"CREATE TEMP TABLE {self.line_table} AS SELECT * FROM {view}")
            self.made.append(self.line_table)
        finally:
            con.unregister(view)
        return rejects, self.line_table

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in (self.raw_table, self.rejects_table, self.rejects_scan, *self.made):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        super().close(con)


def _reject(line: int, column: str | None, kind: str, message: str, text: str | None,
            size: int | None = None) -> Reject:
    if kind == "LINE SIZE OVER MAXIMUM":
        how_long = f" ({size / 1_048_576:.1f} MB)" if size is not None else ""
        reason = (f"this row is longer than 2 MB{how_long}, more than any field should hold; "
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
    scan, copy, codec = _prepare(path, encoding, delimiter, shown, fixes)
    temp_files = [copy] if copy else []
    columns = column_names(scan.header)
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
    raw_table = temp_name("csv")
    rejects_table, rejects_scan = temp_name("rejects"), temp_name("rejscan")
    read_path = copy or path
    call = (
        f"read_csv({params.add(str(read_path))}, header=true, auto_detect=false, "
        f"delim={params.add(delimiter)}, quote='\"', escape='\"', comment='', skip=0, "
        f"new_line={params.add(scan.newline.encode('unicode_escape').decode())}, "
        f"columns={params.add(dict.fromkeys(columns, 'VARCHAR'))}, store_rejects=true, "
        f"rejects_table={params.add(rejects_table)}, rejects_scan={params.add(rejects_scan)})"
    )
    source = CsvSource(path=path, columns=columns, params=Params(), temp_files=temp_files,
                       relation=(f"(SELECT rowid + 1 AS _ju_seq, rowid + 2 AS _ju_row, * "
                                 f"FROM {raw_table})"))
    source.scan, source.read_path, source.shown = scan, read_path, shown
    source.delimiter = delimiter
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
