"""Hostile containers and cells: zip archives under any declared format, workbooks carrying
XML bombs or external entities, and spreadsheet formulas in the cells joinedup writes back
out. Each is refused with what it is, or read with its cells made harmless."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from joinedup.cli import cli
from joinedup.errors import SourceError
from joinedup.model.spreadsheet import FORMULA_START
from joinedup.sources.load import create_model_tables, load_source
from joinedup.sources.mapping import SourceConfig
from joinedup.sources.table_file import read_table_file
from joinedup.warehouse.ingest import _export_quarantine

FIELDS = {"source_record_id": "Ref", "surname": "Surname", "dob": "DOB"}


def source(path: str, fmt: str = "csv", **file: Any) -> SourceConfig:
    return SourceConfig.model_validate({
        "name": "hostile", "system": "Hostile", "service": "police",
        "data_current_as_of": "2026-10-31",
        "files": [{"path": path, "format": fmt, **file,
                   "targets": [{"entity": "person", "fields": FIELDS}]}],
    })


def refused(folder: Path, config: SourceConfig, pattern: str) -> None:
    con = duckdb.connect()
    create_model_tables(con)
    with pytest.raises(SourceError, match=pattern):
        load_source(con, config, folder)
    for table in ("person_record", "quarantine", "source_freshness"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "cin_xml", "ssda903"])
def test_a_zip_archive_is_refused_with_what_it_holds_whatever_the_format(tmp_path: Path,
                                                                         fmt: str) -> None:
    # As xlsx, parquet or cin_xml it was "not a readable .xlsx workbook (There is no item
    # named '[Content_Types].xml')", "No magic bytes found" or "malformed XML at line 1".
    with zipfile.ZipFile(tmp_path / "extract.zip", "w") as archive:
        archive.writestr("people.csv", "Ref,Surname,DOB\nA,Smith,2010-02-01\n")
    table = {"cin_xml": "child", "ssda903": "header"}.get(fmt)
    refused(tmp_path, source("extract.zip", fmt, table=table),
            r"^file extract\.zip: this is a zip archive \(holding people\.csv\), not a table: "
            r"unzip it and give joinedup the file inside\.$")


NOT_TABLES = {
    "gzip": (b"\x1f\x8b\x08\x00" + bytes(range(256)),
             r"this is a gzip-compressed file, not a table: decompress it"),
    "7-zip": (b"7z\xbc\xaf\x27\x1c" + bytes(range(256)), r"this is a 7-Zip archive"),
    "pdf": (b"%PDF-1.7\n" + bytes(range(256)), r"this is a PDF document, not a table"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)),
            r"this is an old Excel \.xls workbook, which cannot be read\. Open it in Excel"),
    "binary": (b"\x00\x01\x02\x03,\x00\nabc\x00,\x07\n",
               r"the header line holds zero \(NUL\) bytes: this is not a text file"),
}


@pytest.mark.parametrize("kind", NOT_TABLES, ids=NOT_TABLES)
def test_compressed_pdf_xls_and_binary_files_are_named_for_what_they_are(tmp_path: Path,
                                                                         kind: str) -> None:
    # They were decoded as Windows-1252 text: a confusing "neither UTF-8 nor Windows-1252"
    # or a list of garbage column names.
    data, message = NOT_TABLES[kind]
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    refused(tmp_path, source("extract.csv"), r"^file extract\.csv: " + message)
    with pytest.raises(SourceError, match=rf"^file {path}: {message}"):
        read_table_file(path, str(path))


def test_a_workbook_declared_as_parquet_or_xml_says_it_is_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Ref"])  # type: ignore[union-attr]
    book.save(tmp_path / "people.xlsx")
    for fmt, table in (("parquet", None), ("cin_xml", "child")):
        refused(tmp_path, source("people.xlsx", fmt, table=table),
                rf"this is an Excel workbook, but its mapping says format: {fmt}: set "
                "format: xlsx")


LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', "&c;")
EXTERNAL = ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "&e;")


@pytest.mark.parametrize("attack", [LAUGHS, EXTERNAL], ids=["entity expansion",
                                                            "external entity"])
def test_a_workbook_with_entities_in_its_xml_is_refused(tmp_path: Path,
                                                        attack: tuple[str, str]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Surname", "DOB"])
    sheet.append(["A", "Smith", "2010-02-01"])
    book.save(tmp_path / "plain.xlsx")
    doctype, reference = attack
    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain, zipfile.ZipFile(path, "w") as out:
        for item in plain.infolist():
            data = plain.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("?>", "?>" + doctype, 1) if "?>" in text else doctype + text
                data = text.replace("Smith", reference).encode()
            out.writestr(item, data)
    refused(tmp_path, source("people.xlsx", "xlsx"), r"^file people\.xlsx: the workbook's XML "
            r"uses a DTD or entities \(EntitiesForbidden\), which Excel never writes and which "
            r"are refused.*save it again as \.xlsx\.$")
    with pytest.raises(SourceError, match=r"uses a DTD or entities"):
        read_table_file(path)


def test_no_cell_of_the_quarantine_export_runs_as_a_formula(tmp_path: Path) -> None:
    rows = ["Ref,Surname,DOB", "A,=HYPERLINK(\"http://x.invalid\"),2010-02-01",
            "B,Jones,=1+1", "+C,Evans,-2010", "@SUM(1+1)*cmd|' /C calc'!A0,x",
            "D,\tTab,2010-13-01"]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    con = duckdb.connect()
    (result,) = load_source(con, source("people.csv"), tmp_path).files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 1, 4)
    target = tmp_path / "quarantine.csv"
    _export_quarantine(con, target)
    with target.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=1+1" in cells and any(c.startswith("'@SUM(1+1)") for c in cells)
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


def test_match_names_its_own_option_for_an_encoding_the_file_contradicts(
        tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("record_id,surname\nA,Brontë\n".encode("utf-16"))
    result = CliRunner().invoke(cli, ["match", "dedupe", str(path), "--out",
                                      str(tmp_path / "out.csv"), "--encoding", "cp1252"])
    assert isinstance(result.exception, SourceError)
    assert str(result.exception) == (
        f"file {path}: the file starts with a UTF-16 byte-order mark, so it is UTF-16, but "
        "--encoding says cp1252. Set it to utf-16 (or auto, which reads UTF-8, UTF-16 and "
        "Windows-1252).")
