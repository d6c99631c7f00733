"""The records of a CSV file as DuckDB sees them, found by streaming over the file: the line
each record starts on, whether it is blank, and where the records longer than the line limit
are. Memory holds one chunk of the file and 9 bytes per record, whatever the file's size or
its longest line (a 1 GB value is never held in memory).

A quote opens a quoted value only at the start of a field, a doubled quote inside one is a
literal quote, and line breaks inside quotes do not end the record. Blank lines are skipped
by DuckDB except in one-column files, where they are empty values.
"""

from __future__ import annotations

import io
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

CHUNK = 8 * 1024 * 1024
_SHORT = 64  # a record this short may be blank (only \r before its \n): its bytes are checked


@dataclass
class Records:
    """Every record of a file, header included, in file order."""

    lines: npt.NDArray[np.int64]
    """The physical line (1-based) each record starts on."""
    blank: npt.NDArray[np.bool_]
    """Whether the record is a blank line (not a record to DuckDB)."""
    long: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Records longer than the limit asked for: 0-based index -> (start, end) byte offsets."""

    def __len__(self) -> int:
        return len(self.lines)


class _Scanner:
    """The state carried from one chunk of the file to the next."""

    vectorise = True  # tests turn it off to check the quick path against the plain one

    def __init__(self, newline: bytes, delimiter: str, blank_is_record: bool,
                 limit: int | None) -> None:
        self.end = newline[-1:]
        self.strip_cr = self.end == b"\n"
        self.pattern = re.compile(b'"|' + re.escape(self.end))
        self.starts_field = {delimiter.encode()[:1], b"\n", b"\r"}
        self.blank_is_record = blank_is_record
        self.limit = limit
        self.lines = array("q")
        self.blank = bytearray()
        self.long: dict[int, tuple[int, int]] = {}
        self.in_quote = False
        self.line = 1
        self.start_line, self.start = 1, 0
        self.tail = b""  # the last bytes of the previous chunk

    def _record(self, at: int, content: bytes | None) -> None:
        """A record ended at absolute offset ``at``; ``content`` its bytes when short."""
        if content is not None and self.strip_cr:
            content = content.rstrip(b"\r")
        is_blank = content is not None and not content and not self.blank_is_record
        self.lines.append(self.start_line)
        self.blank.append(is_blank)
        if self.limit is not None and at - self.start > self.limit:
            self.long[len(self.lines) - 1] = (self.start, at)

    def _content(self, chunk: bytes, base: int, at: int) -> bytes | None:
        if at - self.start > _SHORT:
            return None
        if self.start >= base:
            return chunk[self.start - base:at - base]
        return self.tail[len(self.tail) - (base - self.start):] + chunk[:at - base]

    def _unquoted(self, chunk: bytes, base: int) -> None:
        """``chunk`` when it has no quote and starts outside one: every line end is a record
        end, found at memory speed (numpy) instead of one by one."""
        if self.end not in chunk:  # memchr: no array for a chunk inside one long value
            return
        ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == self.end[0])
        first = base + int(ends[0])
        self._record(first, self._content(chunk, base, first))  # may start in an earlier chunk
        self.line += 1
        rest = ends[1:]
        if len(rest):
            starts = ends[:-1] + 1
            lengths = rest - starts
            blank = lengths == 0
            data = np.frombuffer(chunk, np.uint8)
            if self.strip_cr:
                before = data[rest - 1] == 13
                blank |= (lengths == 1) & before
                # Two or more \r before the line end: rare, so checked one by one.
                for k in np.flatnonzero(before & (lengths > 1) & (lengths <= _SHORT)):
                    blank[k] = not chunk[int(starts[k]):int(rest[k])].rstrip(b"\r")
            if self.blank_is_record:
                blank[:] = False
            at = len(self.lines)
            self.lines.frombytes((self.line + np.arange(len(rest), dtype=np.int64)).tobytes())
            self.blank.extend(blank.astype(np.uint8).tobytes())
            if self.limit is not None:
                for k in np.flatnonzero(lengths > self.limit):
                    self.long[at + int(k)] = (base + int(starts[k]), base + int(rest[k]))
            self.line += len(rest)
        self.start_line, self.start = self.line, base + int(ends[-1]) + 1

    def feed(self, chunk: bytes, base: int) -> None:
        """Scan ``chunk``, which starts at absolute offset ``base``. A chunk never ends with
        a quote unless the file does (the reader reads one byte more), so a doubled quote is
        always seen whole."""
        if self.vectorise and not self.in_quote and b'"' not in chunk:
            self._unquoted(chunk, base)
            self.tail = (chunk[-_SHORT:] if len(chunk) >= _SHORT
                         else (self.tail + chunk)[-_SHORT:])
            return
        skip_to = -1
        for match in self.pattern.finditer(chunk):
            at = match.start()
            if at < skip_to:
                continue
            if match.group() == b'"':
                if self.in_quote:
                    if chunk[at + 1:at + 2] == b'"':
                        skip_to = at + 2  # an escaped quote
                    else:
                        self.in_quote = False
                else:
                    before = chunk[at - 1:at] if at else self.tail[-1:]
                    if base + at == self.start or before in self.starts_field:
                        self.in_quote = True
                continue
            if self.in_quote:
                self.line += 1
                continue
            self._record(base + at, self._content(chunk, base, base + at))
            self.line += 1
            self.start_line, self.start = self.line, base + match.end()
        self.tail = chunk[-_SHORT:] if len(chunk) >= _SHORT else (self.tail + chunk)[-_SHORT:]

    def close(self, size: int) -> Records:
        if size > self.start:
            content = self._content(b"", size, size) if size - self.start <= _SHORT else None
            if content is None or content.rstrip(b"\r" if self.strip_cr else b"") or (
                    self.blank_is_record):
                self._record(size, content)
        lines = np.frombuffer(self.lines, dtype=np.int64) if self.lines else np.zeros(
            0, np.int64)
        blank = np.frombuffer(bytes(self.blank), dtype=np.bool_)
        return Records(lines=lines, blank=blank, long=self.long)


def scan_records(source: Path | BinaryIO, newline: bytes, delimiter: str, *,
                 blank_is_record: bool = False, limit: int | None = None,
                 chunk_size: int = CHUNK) -> Records:
    """The records of a CSV file (a path or an open binary file), header included.
    ``limit``: records longer than this many bytes are listed in ``Records.long``."""
    handle: BinaryIO = source.open("rb") if isinstance(source, Path) else source
    scanner = _Scanner(newline, delimiter, blank_is_record, limit)
    base = 0
    try:
        while chunk := handle.read(chunk_size):
            while chunk.endswith(b'"') and (more := handle.read(1)):
                chunk += more
            scanner.feed(chunk, base)
            base += len(chunk)
    finally:
        if isinstance(source, Path):
            handle.close()
    return scanner.close(base)


def record_lines(data: bytes, newline: bytes, delimiter: str,
                 blank_is_record: bool = False) -> list[tuple[int, bool]]:
    """(first physical line, is blank) of each CSV record of ``data``, header included."""
    found = scan_records(io.BytesIO(data), newline, delimiter,
                         blank_is_record=blank_is_record)
    return [(int(line), bool(blank)) for line, blank in zip(found.lines, found.blank,
                                                            strict=True)]
