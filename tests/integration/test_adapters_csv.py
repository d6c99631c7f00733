"""CSV: encodings, line endings, quoting, unparseable rows and line numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.errors import SourceError
from joinedup.sources.load import SourceLoadResult, load_source
from joinedup.sources.mapping import SourceConfig

FIELDS = {"source_record_id": "Ref", "first_name": "First", "surname": "Surname", "dob": "DOB"}


def source(path: str = "people.csv", **file: Any) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "csvtest", "system": "CSV test", "service": "housing",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": path, "date_format": "%d/%m/%Y", **file,
                   "targets": [{"entity": "person", "fields": FIELDS}]}],
    })


def load(folder: Path, data: bytes, **file: Any,
         ) -> tuple[duckdb.DuckDBPyConnection, SourceLoadResult]:
    (folder / "people.csv").write_bytes(data)
    con = duckdb.connect()
    result = load_source(con, source(**file), folder)
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_quarantined
    return con, result


def people(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT source_record_id, first_name, surname, _row FROM person_record "
                       "ORDER BY _row").fetchall()


HEADER = b"Ref,First,Surname,DOB\n"


def test_a_plain_file(tmp_path: Path) -> None:
    con, result = load(tmp_path, HEADER + b"A,Ann,Smith,01/02/2010\nB,Bob,Jones,03/04/2011\n")
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert people(con) == [("A", "Ann", "Smith", 2), ("B", "Bob", "Jones", 3)]
    assert con.execute("SELECT dob, _file FROM person_record ORDER BY _row").fetchall() == [
        (dt.date(2010, 2, 1), "people.csv"), (dt.date(2011, 4, 3), "people.csv")]
    assert con.execute("SELECT source, rows_loaded FROM source_freshness").fetchall() == [
        ("csvtest", 2)]


def test_rows_are_file_line_numbers_across_quoted_newlines_and_blank_lines(
        tmp_path: Path) -> None:
    data = (HEADER + b'A,"Ann\nMarie",Smith,01/02/2010\n\nB,Bob,"Jo""nes",03/04/2011\n'
            b"C,Cat,Brown,xx\n")
    con, _ = load(tmp_path, data)
    assert people(con) == [("A", "Ann\nMarie", "Smith", 2), ("B", "Bob", 'Jo"nes', 5)]
    assert con.execute("SELECT row FROM quarantine").fetchall() == [(6,)]


def test_unparseable_rows_are_quarantined_with_their_line(tmp_path: Path) -> None:
    data = (HEADER + b"A,Ann,Smith,01/02/2010\nB,Bob,Jones,03/04/2011,extra\n"
            b"C,Cat\nD,Dan,Evans,05/06/2012\n")
    con, result = load(tmp_path, data)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    assert [r[3] for r in people(con)] == [2, 5]
    problems = con.execute("SELECT row, reason, raw FROM quarantine ORDER BY row").fetchall()
    assert [p[0] for p in problems] == [3, 4]
    assert "could not read this row as CSV" in problems[0][1]
    assert problems[0][2] == "B,Bob,Jones,03/04/2011,extra"


def test_an_unterminated_quote_is_quarantined_not_lost(tmp_path: Path) -> None:
    data = HEADER + b'A,Ann,Smith,01/02/2010\nB,"Bob,Jones,03/04/2011\nC,Cat,Brown,01/01/2001\n'
    con, result = load(tmp_path, data)
    assert result.rows_loaded == 1
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    raw = con.execute("SELECT raw FROM quarantine").fetchall()
    assert any("Bob" in r[0] and "Cat" in r[0] for r in raw)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_other_line_endings(tmp_path: Path, newline: bytes) -> None:
    data = (HEADER + b"A,Ann,Smith,01/02/2010\nB,Bob,Jones,03/04/2011\n").replace(b"\n", newline)
    con, _ = load(tmp_path, data)
    assert people(con) == [("A", "Ann", "Smith", 2), ("B", "Bob", "Jones", 3)]


def test_mixed_line_endings(tmp_path: Path) -> None:
    data = HEADER + b"A,Ann,Smith,01/02/2010\r\nB,Bob,Jones,03/04/2011\nC,Cat,Brown,01/01/2001\r\n"
    con, _ = load(tmp_path, data)
    assert [r[3] for r in people(con)] == [2, 3, 4]


def test_byte_order_mark_and_other_delimiters(tmp_path: Path) -> None:
    data = "\ufeffRef;First;Surname;DOB\nA;Zoë;O'Brien;01/02/2010\n".encode()
    con, _ = load(tmp_path, data, delimiter=";")
    assert people(con) == [("A", "Zoë", "O'Brien", 2)]
    con, _ = load(tmp_path, data.replace(b";", b"\t"), delimiter="\t")
    assert people(con) == [("A", "Zoë", "O'Brien", 2)]


CP1252 = "Ref,First,Surname,DOB\nA,Zoë,Brontë,01/02/2010\nB,José,Núñez £5,03/04/2011\n"


def test_windows_1252_is_detected_and_read_correctly(tmp_path: Path) -> None:
    con, result = load(tmp_path, CP1252.encode("cp1252"))
    assert result.rows_loaded == 2
    assert people(con) == [("A", "Zoë", "Brontë", 2), ("B", "José", "Núñez £5", 3)]
    assert not list(tmp_path.glob("joinedup-*"))


def test_an_explicit_encoding_is_honoured(tmp_path: Path) -> None:
    con, _ = load(tmp_path, CP1252.encode("latin-1"), encoding="latin-1")
    assert people(con)[1][2] == "Núñez £5"
    con, _ = load(tmp_path, CP1252.encode("utf-16"), encoding="utf-16")
    assert people(con)[0][1] == "Zoë"


def test_explicit_utf8_on_a_windows_file_says_where(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"byte 0xEB at line 2 is not valid utf-8.*cp1252"):
        load(tmp_path, CP1252.encode("cp1252"), encoding="utf-8")


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="neither UTF-8 nor Windows-1252"):
        load(tmp_path, HEADER + b"A,\x81\x8d,x,01/01/2001\n")


def test_header_only_gives_no_rows(tmp_path: Path) -> None:
    _, result = load(tmp_path, HEADER)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
    _, result = load(tmp_path, HEADER.rstrip(b"\n"))
    assert result.rows_read == 0


def test_header_cells_are_trimmed_and_blank_or_repeated_names_numbered(tmp_path: Path) -> None:
    data = b" Ref ,First,Surname,DOB,,First\nA,Ann,Smith,01/02/2010,x,y\nB,Bob,Jones,xx,z,w\n"
    con, _ = load(tmp_path, data)
    assert people(con) == [("A", "Ann", "Smith", 2)]
    raw = con.execute("SELECT raw FROM quarantine").fetchone()
    assert raw is not None
    assert json.loads(raw[0]) == {"Ref": "B", "First": "Bob", "Surname": "Jones", "DOB": "xx",
                                  "column4": "z", "First_1": "w"}


plain = st.text(alphabet="ab ", max_size=4).map(lambda t: t.strip() or "x")
stray_quote = st.builds(lambda a, b: f'{a}"{b}', plain, plain)
quoted = st.text(alphabet='ab ,"\n', max_size=6).map(lambda t: '"' + t.replace('"', '""') + '"')
value = st.one_of(plain, stray_quote, quoted)
record = st.one_of(
    st.tuples(st.just("good"), value),
    st.tuples(st.just("bad_date"), value),
    st.tuples(st.just("extra_field"), plain),
    st.tuples(st.just("too_few"), plain),
    st.tuples(st.just("blank"), st.sampled_from(["", "\r"])),
    st.tuples(st.just("spaces"), st.sampled_from(["  ", "\t"])),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(record, max_size=15), crlf=st.booleans(), final_newline=st.booleans())
def test_counts_and_lines_reconcile_on_messy_csv(tmp_path: Path, rows: list[tuple[str, str]],
                                                 crlf: bool, final_newline: bool) -> None:
    """Whatever the mix, every record is loaded or quarantined, at the line it starts on."""
    texts = [HEADER.decode().rstrip("\n")]
    line = 1
    expected_read = 0
    expected: list[int] = []
    for n, (kind, text) in enumerate(rows):
        line += 1 if texts else 0
        if kind == "blank":
            # DuckDB refuses a bare CR in a CRLF file, or ending the file (see below).
            last = n == len(rows) - 1 and not final_newline
            texts.append("" if crlf or last else text)
            continue
        expected_read += 1
        row = {"good": f"R{n},{text},S,01/01/2001", "bad_date": f"R{n},{text},S,31/02/2001",
               "extra_field": f"R{n},{text},S,01/01/2001,extra", "too_few": f"R{n},{text}",
               "spaces": text}[kind]
        if kind == "good":
            expected.append(line)
        texts.append(row)
        line += row.count("\n")
    newline = "\r\n" if crlf else "\n"
    data = newline.join(t.replace("\n", newline) if t.startswith("R") else t for t in texts)
    data += newline if final_newline else ""
    con, result = load(tmp_path, data.encode())
    assert result.rows_read == expected_read
    assert [r[3] for r in people(con)] == expected
    counted = con.execute("SELECT count(DISTINCT row) FROM quarantine").fetchone()
    assert counted is not None and counted[0] == result.rows_quarantined


def test_a_stray_carriage_return_in_a_windows_file_is_a_line_ending(tmp_path: Path) -> None:
    # Once refused by DuckDB ("invalid state"), naming no line: a bare \r is an old Mac line
    # ending, as editors and Python's universal newlines read it; here it ends a blank line.
    con, result = load(tmp_path, HEADER.replace(b"\n", b"\r\n") + b"A,Ann,Smith,01/02/2010\r\n"
                       b"\r\rB,Bob,Jones,03/04/2011\r\n")
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert people(con) == [("A", "Ann", "Smith", 2), ("B", "Bob", "Jones", 5)]


@pytest.mark.slow
def test_row_numbers_survive_parallel_validation(tmp_path: Path) -> None:
    """Enough rows for DuckDB to split the work, and a code list check that it runs as a join
    (which reorders rows): every row must still carry its own line number."""
    n = 1_000_000
    types = ["tenancy_start", "asb"]
    (tmp_path / "events.csv").write_text(
        "Id,Type\n" + "".join(f"E{i},{types[i % 7 == 0]}\n" for i in range(n)),
        encoding="utf-8")
    config = SourceConfig.model_validate({
        "name": "order", "system": "Order", "service": "housing",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": "events.csv", "targets": [{"entity": "event", "fields": {
            "event_id": "Id", "source_record_id": "Id", "service": {"value": "housing"},
            "event_type": "Type", "event_date": {"value": "2024-01-01"}}}]}],
    })
    con = duckdb.connect()
    result = load_source(con, config, tmp_path)
    assert result.rows_loaded == n
    wrong = con.execute("SELECT count(*) FROM event "
                        "WHERE _row <> CAST(substr(event_id, 2) AS BIGINT) + 2").fetchone()
    assert wrong == (0,)
