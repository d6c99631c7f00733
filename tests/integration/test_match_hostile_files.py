"""`joinedup match` on the files a new user really has: each hostile file gives a correct result
with a note, or a clear error that names the file, the line and what to do. Every file is made
here (the 50 MB one only in a temporary folder)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from joinedup.cli import cli
from joinedup.errors import SourceError

HEADER = ["record_id", "first_name", "surname", "dob", "postcode"]


def _rows(seed: int = 5, people: int = 100) -> list[list[str]]:
    """Made-up people with one to three records each; names with accents (Siân, José)."""
    rng = random.Random(seed)
    forenames = ["Siân", "José", "Zoë", "Oliver", "Amelia", "Jack", "Isla", "Niamh", "Chloë",
                 "Kwame", "Priya", "Tomás"]
    surnames = ["Smith", "Jones", "Ó Briain", "Patel", "Khan", "Müller", "Evans", "Nowak"]
    rows: list[list[str]] = []
    for _ in range(people):
        first, last = rng.choice(forenames), rng.choice(surnames)
        dob = (dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))).isoformat()
        postcode = f"SK{rng.randint(1, 8)} {rng.randint(1, 9)}AB"
        for _ in range(rng.choice([1, 2, 3])):
            rows.append([f"R{len(rows):04d}", first, last, dob, postcode])
    return rows


def _text(rows: list[list[str]], header: list[str] = HEADER, newline: str = "\r\n") -> str:
    return newline.join(",".join(row) for row in [header, *rows]) + newline


def _match(path: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["match", "dedupe", str(path), "--out", str(out), *args])


def _said(result: Result) -> str:
    """What the command printed, as one line (the console wraps long lines)."""
    return result.output.replace("\n", "")


def _clusters(out: Path) -> dict[str, str]:
    with out.open(encoding="utf-8") as handle:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}


def _rejected(out: Path) -> list[dict[str, str]]:
    with out.with_name(f"{out.stem}.rejected.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _matched_all(result: Result, out: Path, rows: list[list[str]]) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    clusters = _clusters(out)
    assert sorted(clusters) == sorted(row[0] for row in rows)
    # The copies of a person (same name, date of birth and postcode) are found.
    people: dict[tuple[str, ...], set[str]] = {}
    for row in rows:
        people.setdefault(tuple(row[1:]), set()).add(clusters[row[0]])
    assert sum(len(found) == 1 for found in people.values()) >= 0.95 * len(people)
    return clusters


def _error(result: Result, path: Path) -> str:
    assert result.exit_code != 0
    assert isinstance(result.exception, SourceError), result.output
    message = str(result.exception)
    assert str(path) in message
    return message


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "the file is empty (0 bytes)" in message and "Re-run the export" in message


def test_a_header_only_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(_text([]), encoding="utf-8")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "no records in the file" in message and "Give a file with records" in message


def test_wrong_columns_are_named_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("colour,shoe_size\nred,9\n", encoding="utf-8")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "no id column" in message and "--columns id=" in message
    assert "'colour', 'shoe_size'" in message


def test_a_record_id_column_is_the_id_without_columns(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "people.csv"
    path.write_text(_text(rows), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _match(path, out)
    _matched_all(result, out, rows)
    assert "guessed id<-record_id" in _said(result)
    assert "--columns overrides" in _said(result)


def test_common_column_names_are_guessed_and_columns_overrides(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "people.csv"
    header = ["Person ID", "Forename", "Family Name", "Date of Birth", "Post Code", "nhs_no"]
    path.write_text(_text([[*row, ""] for row in rows], header), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _match(path, out)
    _matched_all(result, out, rows)
    for guess in ("id<-Person ID", "first_name<-Forename", "surname<-Family Name",
                  "dob<-Date of Birth", "postcode<-Post Code", "nhs_number<-nhs_no"):
        assert guess in _said(result)
    # --columns wins over a guess: leave the postcode out.
    again = _match(path, tmp_path / "again.csv", "--columns", "postcode=")
    assert again.exit_code == 0, again.output
    assert "postcode<-" not in _said(again)


@pytest.mark.parametrize(("encoding", "shown"), [("utf-16", "UTF-16"),
                                                  ("utf-16-le", "UTF-16"),
                                                  ("cp1252", "Windows-1252")])
def test_utf16_and_windows_1252_files_match_with_a_note(tmp_path: Path, encoding: str,
                                                         shown: str) -> None:
    rows = _rows()
    path = tmp_path / f"people-{encoding}.csv"
    path.write_bytes(_text(rows).encode(encoding))
    out = tmp_path / "out.csv"
    result = _match(path, out)
    _matched_all(result, out, rows)
    assert f"{path}: read as {shown} and converted to UTF-8" in _said(result)
    assert not out.with_name("out.rejected.csv").exists()


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "people.csv"
    path.write_bytes(_text(rows).encode("utf-8-sig"))
    out = tmp_path / "out.csv"
    _matched_all(_match(path, out), out, rows)


def test_a_file_neither_utf8_nor_windows_1252_names_the_line(tmp_path: Path) -> None:
    rows = _rows(people=5)
    path = tmp_path / "people.csv"
    path.write_bytes(_text(rows).encode("utf-8").replace(b"R0003", b"R\x810003"))
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "line 5" in message and "--encoding" in message


def test_ragged_rows_are_left_out_listed_and_counted(tmp_path: Path) -> None:
    rows = _rows()
    lines = _text(rows).split("\r\n")
    lines[3] = lines[3].rsplit(",", 1)[0]  # one field short
    lines[6] += ",extra"  # one field too many
    path = tmp_path / "ragged.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _match(path, out)
    kept = [row for n, row in enumerate(rows, start=2) if n not in (4, 7)]
    _matched_all(result, out, kept)
    rejected = _rejected(out)
    assert [(r["file"], r["line"]) for r in rejected] == [(str(path), "4"), (str(path), "7")]
    assert "missing columns" in rejected[0]["reason"]
    assert "too many columns" in rejected[1]["reason"]
    assert all("fix the quoting or the number of fields" in r["reason"] for r in rejected)
    output = _said(result)
    assert f"{len(rows):,} rows read = {len(kept):,} matched + 2 rejected" in output
    assert "line 4" in output


def test_one_50_mb_field_leaves_its_row_out_with_a_reason(tmp_path: Path) -> None:
    rows = _rows()
    big = ["B0001", "Ann", "x" * 50_000_000, "1990-01-01", "SK1 1AB"]
    path = tmp_path / "big.csv"
    path.write_text(_text([*rows[:10], big, *rows[10:]]), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _match(path, out)
    _matched_all(result, out, rows)
    rejected = _rejected(out)
    assert len(rejected) == 1 and rejected[0]["line"] == "12"
    assert "longer than 2 MB" in rejected[0]["reason"]
    assert "remove the oversized value" in rejected[0]["reason"]
    assert len(rejected[0]["raw"]) <= 2000


def test_a_file_of_only_unreadable_rows_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("record_id,surname,dob\r\nA,Smith\r\nB,Jones\r\n", encoding="utf-8")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "row 2" in message and "line 2" in message and "Fix the file" in message


def test_repeated_and_missing_ids_name_their_lines(tmp_path: Path) -> None:
    rows = _rows(people=20)
    path = tmp_path / "ids.csv"
    path.write_text(_text([*rows, [rows[0][0], "Ann", "Lee", "1990-01-01", "SK1 1AB"]]),
                    encoding="utf-8")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert f"'{rows[0][0]}' at lines 2, {len(rows) + 2}" in message
    assert "--columns id=COLUMN" in message
    path.write_text(_text([*rows, ["", "Ann", "Lee", "1990-01-01", "SK1 1AB"]]),
                    encoding="utf-8")
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert f"no id at line {len(rows) + 2}" in message


def test_xlsx_and_parquet_are_read_too(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    rows = _rows()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    xlsx = tmp_path / "people.xlsx"
    workbook.save(xlsx)
    out = tmp_path / "from-xlsx.csv"
    _matched_all(_match(xlsx, out), out, rows)
    parquet = tmp_path / "people.parquet"
    pq.write_table(pa.table({name: [row[i] for row in rows] for i, name in enumerate(HEADER)}),
                   parquet)
    out = tmp_path / "from-parquet.csv"
    _matched_all(_match(parquet, out), out, rows)


def test_no_cell_of_the_output_or_the_rejected_rows_runs_as_a_spreadsheet_formula(
        tmp_path: Path) -> None:
    rows = _rows()
    rows[0][0] = "=2+5*cmd"  # an id a spreadsheet would run
    lines = _text(rows).split("\r\n")
    lines[5] = '@SUM(1+1)*cmd|"/C calc"!A0,Ann'  # a ragged row: its raw text is listed
    path = tmp_path / "hostile.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _match(path, out)
    assert result.exit_code == 0, result.output
    ids = _clusters(out)
    assert "'=2+5*cmd" in ids
    raw = [r["raw"] for r in _rejected(out)]
    assert len(raw) == 1 and raw[0].startswith("'@SUM")
    for text in (out.read_text(encoding="utf-8"),
                 out.with_name("out.rejected.csv").read_text(encoding="utf-8")):
        for line in csv.reader(text.splitlines()):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line)


def test_a_zip_archive_is_refused_with_what_it_holds(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "people.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("people.csv", _text(_rows()))
    message = _error(_match(path, tmp_path / "out.csv"), path)
    assert "zip archive (holding people.csv)" in message and "unzip it" in message
