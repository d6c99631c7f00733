"""A CSV file's text before DuckDB reads it: the encoding proved, line endings counted, the
header read, and when needed a UTF-8 copy with one kind of line ending.

One streaming pass decodes the whole file (DuckDB would otherwise turn bad bytes into rejected
rows) and counts its line endings. Files that are not UTF-8 (Windows-1252; UTF-16, known by
its byte-order mark or its zero bytes) are transcoded to a temporary UTF-8 copy (DuckDB's own
encodings need an extension, which cannot be downloaded offline). A file whose lines end in
more than one way (Windows ``\\r\\n``, Unix ``\\n``, old Mac ``\\r``) is copied with every line
ending made ``\\n``, as Python's universal newlines read it, so every record is read and keeps
its line number. A declared encoding that the file's own byte-order mark or zero bytes
contradict is refused with the encoding to declare, rather than read as garbage.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import SourceError
from joinedup.sources.files import SOURCES_YAML, Fixes

CHUNK = 8 * 1024 * 1024
_UTF8_NAMES = {"utf-8", "utf_8", "utf-8-sig"}
_SNIFF = 4096
_HEADER_WINDOW = 1_048_576


@dataclass
class Scan:
    """What the pass over the file found: its header cells and line endings."""

    header: list[str]
    lf: int = 0
    crlf: int = 0
    cr: int = 0
    ends_with_newline: bool = False

    @property
    def kinds(self) -> int:
        """How many kinds of line ending the file uses: \\r\\n, a bare \\n, a bare \\r."""
        return sum(1 for n in (self.crlf, self.lf - self.crlf, self.cr - self.crlf) if n > 0)

    @property
    def mixed(self) -> bool:
        return self.kinds > 1

    @property
    def newline(self) -> str:
        if self.crlf and self.kinds == 1:
            return "\r\n"
        if self.cr and self.kinds == 1:
            return "\r"
        return "\n"

    @property
    def physical_lines(self) -> int:
        ends = self.cr if self.newline == "\r" else self.lf
        return ends + (0 if self.ends_with_newline else 1)

    def normalised(self) -> None:
        """The counts once every line ending of the file has been made \\n."""
        self.lf += self.cr - self.crlf
        self.cr = self.crlf = 0


def codec(name: str, shown: str) -> str:
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


def describe_encoding(name: str, bom: bool) -> str:
    """The encoding as a person knows it: UTF-8, Windows-1252, UTF-16."""
    known = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16",
             "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}.get(name, name)
    return f"{known} with a byte-order mark" if bom and known == "UTF-8" else known


def _line_of(path: Path, offset: int) -> int:
    lines, left = 1, offset
    with path.open("rb") as handle:
        while left > 0 and (chunk := handle.read(min(left, CHUNK))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


class DecodeFailure(Exception):
    def __init__(self, offset: int, line: int, byte: int) -> None:
        super().__init__(offset)
        self.offset, self.line, self.byte = offset, line, byte


def scan_text(path: Path, encoding: str, shown: str, delimiter: str) -> Scan:
    """Decode the whole file once (proving the encoding) and count its line endings."""
    decoder = codecs.getincrementaldecoder(encoding)()
    # ASCII decodes to itself in UTF-8 and the Windows code pages: such chunks need no decoding
    # (bytes.isascii runs at memory speed), which makes the usual all-ASCII extract cheap.
    ascii_safe = "a\n".encode(encoding) == b"a\n"
    header_text = ""
    scan = Scan(header=[])
    offset = 0
    previous_cr = False
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            pending = decoder.getstate()[0]
            if not (header_text and ascii_safe and not pending and chunk.isascii()):
                try:  # only the header's window of the text is kept
                    text = decoder.decode(chunk)[:_HEADER_WINDOW]
                except UnicodeDecodeError as exc:
                    where = offset + exc.start - len(pending)
                    byte = (pending + chunk)[exc.start]
                    raise DecodeFailure(where, _line_of(path, where), byte) from exc
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
            raise DecodeFailure(offset, _line_of(path, offset), 0) from exc
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


def transcode(path: Path, encoding: str, normalise_newlines: bool) -> Path:
    """A temporary UTF-8 copy of the file; with ``normalise_newlines``, every line ending
    (\\r\\n, \\n or a bare \\r) made \\n. Streams: memory does not grow with the file."""
    handle, name = tempfile.mkstemp(prefix="joinedup-", suffix=".csv")
    os.close(handle)
    target = Path(name)
    carry = ""  # a \r ending one chunk may be the first half of a \r\n
    try:
        with path.open("r", encoding=encoding, newline="") as src, target.open(
            "w", encoding="utf-8", newline=""
        ) as dst:
            while text := src.read(CHUNK):
                if normalise_newlines:
                    text = carry + text
                    carry = "\r" if text.endswith("\r") else ""
                    text = text[:-1] if carry else text
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                dst.write(text)
            if carry:
                dst.write("\n")
    except BaseException:  # an undecodable file: the copy begun must not be left behind
        target.unlink(missing_ok=True)
        raise
    return target


def _bom(path: Path) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(3)
    if head == codecs.BOM_UTF8:
        return "utf-8"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


def _has_zero_byte(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\x00" in handle.read(_SNIFF)


def declared_codec(path: Path, declared: str, wanted: str, shown: str, fixes: Fixes) -> str:
    """The codec to read a file with whose encoding is declared (``wanted``, Python's name
    for ``declared``): refused when the file's byte-order mark or zero bytes say otherwise,
    naming the encoding to declare."""
    bom, utf16 = _bom(path), sniff_utf16(path)
    is_utf16 = wanted.startswith("utf-16")

    def refuse(found: str, declare: str) -> SourceError:
        return SourceError(
            f"{found}, but {fixes.encoding} says {declared}. Set it to {declare} (or auto, "
            "which reads UTF-8, UTF-16 and Windows-1252).", file=shown)

    if bom == "utf-8" and wanted not in _UTF8_NAMES:
        raise refuse("the file starts with a UTF-8 byte-order mark, so it is UTF-8", "utf-8")
    if bom == "utf-16" and not is_utf16:
        raise refuse("the file starts with a UTF-16 byte-order mark, so it is UTF-16",
                     "utf-16")
    if utf16 in ("utf-16-le", "utf-16-be") and not is_utf16:
        raise refuse("the file looks like UTF-16 (every other byte is zero)", utf16)
    if is_utf16 and bom is None:
        if wanted == "utf-16":  # Python's utf-16 needs a mark to know the byte order
            if utf16 is None:
                raise refuse("the file has no UTF-16 byte-order mark and does not look like "
                             "UTF-16", "utf-16-le or utf-16-be")
            return utf16
        if not _has_zero_byte(path):  # a comma or a line break in UTF-16 has a zero byte
            raise refuse("the file does not look like UTF-16 (it has no zero bytes)", "auto")
    return wanted


def from_utf16(path: Path, name: str, delimiter: str, shown: str, fixes: Fixes,
               ) -> tuple[Scan, Path, str]:
    """UTF-16 is not ASCII-compatible, so line endings cannot be counted in its bytes: it is
    transcoded first and the UTF-8 copy is scanned."""
    try:
        copy = transcode(path, name, False)
    except UnicodeError as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise SourceError(
            f"the file looks like UTF-16 but is not valid UTF-16 ({reason}). Save it again "
            f"as CSV UTF-8, or set {fixes.encoding} to its real encoding.",
            file=shown,
        ) from exc
    try:
        scan = scan_text(copy, "utf-8", shown, delimiter)
    except (DecodeFailure, SourceError):
        copy.unlink(missing_ok=True)
        raise
    if scan.mixed:
        fixed = transcode(copy, "utf-8", True)
        copy.unlink(missing_ok=True)
        copy = fixed
        scan.normalised()
    return scan, copy, name


def prepare(path: Path, encoding: str, delimiter: str, shown: str,
            fixes: Fixes = SOURCES_YAML) -> tuple[Scan, Path | None, str]:
    """Scan (and if needed transcode) the file; returns the scan, any temporary copy and the
    encoding read."""
    wanted = "auto" if encoding.lower() == "auto" else codec(encoding, shown)
    if wanted == "auto":
        utf16 = sniff_utf16(path)
    else:
        wanted = declared_codec(path, encoding, wanted, shown, fixes)
        utf16 = wanted if wanted.startswith("utf-16") else None
    if utf16 is not None:
        return from_utf16(path, utf16, delimiter, shown, fixes)
    first = "utf-8" if wanted in ("auto", *_UTF8_NAMES) else wanted
    try:
        scan = scan_text(path, first, shown, delimiter)
    except DecodeFailure as bad:
        if wanted != "auto":
            raise SourceError(
                f"byte 0x{bad.byte:02X} at line {bad.line} is not valid {first}. Set "
                f"{fixes.encoding} to the file's real encoding (e.g. cp1252 for "
                "Excel on Windows), or `auto`.",
                file=shown, row=bad.line,
            ) from bad
        try:
            scan = scan_text(path, "cp1252", shown, delimiter)
        except DecodeFailure as worse:
            raise SourceError(
                f"the file is neither UTF-8 nor Windows-1252 (byte 0x{worse.byte:02X} at line "
                f"{worse.line}). Set {fixes.encoding} to its encoding.",
                file=shown, row=worse.line,
            ) from worse
        first = "cp1252"
    if first != "utf-8" or scan.mixed:
        copy = transcode(path, first, scan.mixed)
        if scan.mixed:
            scan.normalised()
        return scan, copy, first
    return scan, None, first


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
