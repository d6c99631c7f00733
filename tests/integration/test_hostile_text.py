"""Hostile CSV text, through ingest (`load_source`) and `joinedup match`'s reader
(`read_table_file`): every encoding and line ending a council's systems write is read
right, or refused with the encoding to declare; counts always reconcile."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from joinedup.commands.match import MATCH_FIXES
from joinedup.errors import SourceError
from joinedup.sources import csv_text
from joinedup.sources.load import load_source
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.table_file import read_table_file

FIELDS = {"source_record_id": "Ref", "surname": "Surname", "dob": "DOB"}
TEXT = "Ref,Surname,DOB\nA,Brontë,2010-02-01\nB,Núñez £5,2011-03-04\nC,Evans,2012-01-01\n"
PEOPLE = [("A", "Brontë", 2), ("B", "Núñez £5", 3), ("C", "Evans", 4)]


def source(**file: Any) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "hostile", "system": "Hostile", "service": "police",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": "people.csv", **file,
                   "targets": [{"entity": "person", "fields": FIELDS}]}],
    })


def ingest(folder: Path, data: bytes, **file: Any) -> list[tuple[Any, ...]]:
    """Load the file; the rows loaded (id, surname, line), after checking the counts."""
    (folder / "people.csv").write_bytes(data)
    con = duckdb.connect()
    result = load_source(con, source(**file), folder)
    (counts,) = result.files
    quarantined = con.execute("SELECT count(DISTINCT row) FROM quarantine").fetchall()
    assert counts.rows_read == counts.rows_loaded + counts.rows_quarantined
    assert quarantined == [(counts.rows_quarantined,)]
    return con.execute("SELECT source_record_id, surname, _row FROM person_record "
                       "ORDER BY _row").fetchall()


def match_read(folder: Path, data: bytes, encoding: str = "auto") -> list[tuple[Any, ...]]:
    """What `joinedup match` reads from the file: (id, surname, line) per row."""
    path = folder / "people.csv"
    path.write_bytes(data)
    read = read_table_file(path, str(path), encoding=encoding, fixes=MATCH_FIXES)
    assert read.rows_read == read.table.num_rows + read.rows_rejected
    table = read.table.to_pydict()
    return list(zip(table["Ref"], table["Surname"], table["_ju_row"], strict=True))


def refused(folder: Path, data: bytes, pattern: str, **file: Any) -> None:
    (folder / "people.csv").write_bytes(data)
    con = duckdb.connect()
    with pytest.raises(SourceError, match=r"^file people\.csv(, row \d+)?: " + pattern):
        load_source(con, source(**file), folder)
    assert con.execute("SELECT count(*) FROM person_record").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


LINE_ENDINGS = {
    "lf and a bare cr": b"Ref,Surname,DOB\nA,S,2010-02-01\rB,J,2011-03-04\nC,E,2012-01-01\n",
    "crlf and a bare cr": b"Ref,Surname,DOB\r\nA,S,2010-02-01\rB,J,2011-03-04\r\n"
                          b"C,E,2012-01-01\r\n",
    "all three": b"Ref,Surname,DOB\r\nA,S,2010-02-01\rB,J,2011-03-04\nC,E,2012-01-01\r\n",
    # Was read as 0 rows, silently: the one \n made DuckDB read the file as one line.
    "old Mac with one lf": b"Ref,Surname,DOB\rA,S,2010-02-01\rB,J,2011-03-04\nC,E,2012-01-01\r",
}


@pytest.mark.parametrize("data", LINE_ENDINGS.values(), ids=LINE_ENDINGS.keys())
def test_mixed_line_endings_are_all_line_endings(tmp_path: Path, data: bytes) -> None:
    expected = [("A", "S", 2), ("B", "J", 3), ("C", "E", 4)]
    assert ingest(tmp_path, data) == expected
    assert match_read(tmp_path, data) == expected
    assert ingest(tmp_path, data.decode().encode("utf-16")) == expected


def test_mixed_line_endings_across_the_reading_chunks(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A \\r\\n split between two chunks of the copy is one line ending, not two."""
    monkeypatch.setattr(csv_text, "CHUNK", 16)
    rows = [f"R{n},Name{n},2010-02-{1 + n % 28:02d}" for n in range(40)]
    data = "Ref,Surname,DOB\r\n" + "".join(
        row + ("\r\n", "\n", "\r")[n % 3] for n, row in enumerate(rows))
    expected = [(f"R{n}", f"Name{n}", n + 2) for n in range(40)]
    assert ingest(tmp_path, data.encode()) == expected
    assert ingest(tmp_path, data.encode("cp1252") + "Z,Zoë,2010-01-01\r\n".encode("cp1252")
                  ) == [*expected, ("Z", "Zoë", 42)]


ENCODED = {
    "UTF-8": TEXT.encode("utf-8"),
    "UTF-8 with a byte-order mark": TEXT.encode("utf-8-sig"),
    "Windows-1252": TEXT.encode("cp1252"),
    "UTF-16 LE with a byte-order mark": TEXT.encode("utf-16"),
    "UTF-16 BE with a byte-order mark": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "UTF-16 LE without a byte-order mark": TEXT.encode("utf-16-le"),
    "UTF-16 BE without a byte-order mark": TEXT.encode("utf-16-be"),
    "UTF-16 with Windows line endings": TEXT.replace("\n", "\r\n").encode("utf-16"),
}


@pytest.mark.parametrize("data", ENCODED.values(), ids=ENCODED.keys())
def test_every_encoding_is_read_undeclared(tmp_path: Path, data: bytes) -> None:
    assert ingest(tmp_path, data) == PEOPLE
    assert match_read(tmp_path, data) == PEOPLE


@pytest.mark.parametrize(("data", "declared"), [
    (TEXT.encode("utf-8-sig"), "utf-8"),
    (TEXT.encode("cp1252"), "cp1252"),
    (TEXT.encode("utf-16"), "utf-16"),
    # Python's utf-16 needs a byte-order mark: this was a UnicodeError, not a SourceError.
    (TEXT.encode("utf-16-le"), "utf-16"),
    (TEXT.encode("utf-16-be"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
], ids=["utf-8 bom", "cp1252", "utf-16 bom", "utf-16-le as utf-16", "utf-16-be as utf-16",
        "utf-16-le"])
def test_a_declared_encoding_the_file_has_is_read(tmp_path: Path, data: bytes,
                                                  declared: str) -> None:
    assert ingest(tmp_path, data, encoding=declared) == PEOPLE
    assert match_read(tmp_path, data, declared) == PEOPLE


@pytest.mark.parametrize(("data", "declared", "message"), [
    (TEXT.encode("cp1252"), "utf-8",
     r"byte 0xEB at line 2 is not valid utf-8\. Set `encoding:` in sources\.yaml to the "
     r"file's real encoding \(e\.g\. cp1252"),
    # These three were read as garbage column names ('ï»¿Ref', 'ÿþR\x00e\x00f\x00').
    (TEXT.encode("utf-8-sig"), "cp1252",
     r"the file starts with a UTF-8 byte-order mark, so it is UTF-8, but `encoding:` in "
     r"sources\.yaml says cp1252\. Set it to utf-8 \(or auto"),
    (TEXT.encode("utf-16"), "utf-8",
     r"the file starts with a UTF-16 byte-order mark, so it is UTF-16, but `encoding:` in "
     r"sources\.yaml says utf-8\. Set it to utf-16 \(or auto"),
    (TEXT.encode("utf-16-le"), "cp1252",
     r"the file looks like UTF-16 \(every other byte is zero\), but `encoding:` in "
     r"sources\.yaml says cp1252\. Set it to utf-16-le \(or auto"),
    (TEXT.encode("utf-8"), "utf-16-le",
     r"the file does not look like UTF-16 \(it has no zero bytes\), but `encoding:` in "
     r"sources\.yaml says utf-16-le\. Set it to auto"),
    (TEXT.encode("utf-8"), "utf-16",
     r"the file has no UTF-16 byte-order mark and does not look like UTF-16, but "
     r"`encoding:` in sources\.yaml says utf-16\. Set it to utf-16-le or utf-16-be"),
    (b"Ref,Surname,DOB\nA,\x81\x8d,2010-02-01\n",
     "auto", r"the file is neither UTF-8 nor Windows-1252 \(byte 0x81 at line 2\)"),
    (TEXT.encode("utf-16")[:-1], "auto",
     r"the file looks like UTF-16 but is not valid UTF-16 \(truncated data\)"),
], ids=["cp1252 as utf-8", "utf-8 bom as cp1252", "utf-16 bom as utf-8", "utf-16-le as cp1252",
        "utf-8 as utf-16-le", "utf-8 as utf-16", "neither", "truncated utf-16"])
def test_an_encoding_the_file_contradicts_is_refused_naming_the_one_to_declare(
        tmp_path: Path, data: bytes, declared: str, message: str) -> None:
    refused(tmp_path, data, message, encoding=declared)
    path = tmp_path / "people.csv"
    with pytest.raises(SourceError, match=str(path)) as raised:
        read_table_file(path, str(path), encoding=declared, fixes=MATCH_FIXES)
    if "encoding:" in message:  # `joinedup match` names its own option
        assert "--encoding" in str(raised.value) and "sources.yaml" not in str(raised.value)


@pytest.mark.parametrize("blanks", [3, 300], ids=["a few runs", "many runs"])
def test_rows_keep_their_lines_around_blank_lines(tmp_path: Path, blanks: int) -> None:
    """Line numbers come as runs of consecutive lines: a few are written into the SQL, many
    are joined (ASOF); both give every row its own line."""
    lines, expected, line = ["Ref,Surname,DOB"], [], 1
    for n in range(600):
        if n % (600 // blanks) == 0:
            lines.append("")
            line += 1
        line += 1
        lines.append(f"R{n},S{n},2010-02-01")
        expected.append((f"R{n}", f"S{n}", line))
    data = ("\n".join(lines) + "\n").encode()
    assert ingest(tmp_path, data) == expected
    assert match_read(tmp_path, data) == expected


@pytest.mark.parametrize("data", [TEXT.encode("utf-16")[:-1],
                                  TEXT.encode("utf-16") + b"\x00\xd8A\x00\n\x00"],
                         ids=["truncated", "a lone surrogate"])
def test_a_refused_utf16_file_leaves_no_temporary_copy(tmp_path: Path, data: bytes,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The UTF-8 copy begun before the bad bytes were found was left in /tmp, empty.
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    refused(tmp_path, data, "the file looks like UTF-16 but is not valid UTF-16")
    assert not list(temp.iterdir())
