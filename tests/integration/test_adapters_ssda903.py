"""SSDA903 CSV tables: DfE columns checked per table, dd/mm/YYYY dates by default."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from joinedup.errors import MappingError, SourceError
from joinedup.sources.load import load_source
from joinedup.sources.mapping import load_sources_file

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sources" / "ssda903"


def test_loads_every_table() -> None:
    parsed, base = load_sources_file(FIXTURE / "sources.yaml")
    con = duckdb.connect()
    result = load_source(con, parsed.sources[0], base)
    assert [(f.path, f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [
        ("header.csv", 3, 2, 1), ("episodes.csv", 3, 2, 1), ("reviews.csv", 1, 1, 0),
        ("missing.csv", 1, 1, 0)]
    assert con.execute("SELECT source_record_id, dob, sex, upn FROM person_record ORDER BY 1"
                       ).fetchall() == [
        ("LAC001", dt.date(2012, 3, 14), "M", "A123456789012"),
        ("LAC003", dt.date(2010, 9, 1), "F", "B987654321098")]
    problems = con.execute("SELECT file, row, field, value FROM quarantine ORDER BY file"
                           ).fetchall()
    assert problems == [("episodes.csv", 4, "event.end_date", "2025-05-01"),
                        ("header.csv", 3, "person.dob", "30/02/2014")]
    assert con.execute("SELECT event_id FROM event WHERE event_type = 'cla_review'"
                       ).fetchall() == [("LAC001-R-01/10/2023",)]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ssda903"
    shutil.copytree(FIXTURE, target)
    return target


def test_a_file_that_is_not_the_named_table_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "header.csv").write_text("CHILD,SEX,DOB\nLAC001,1,14/03/2012\n", encoding="utf-8")
    parsed, base = load_sources_file(folder / "sources.yaml")
    with pytest.raises(SourceError) as caught:
        load_source(duckdb.connect(), parsed.sources[0], base)
    message = str(caught.value)
    assert "header.csv" in message and "ETHNIC, UPN, MOTHER, MC_DOB" in message


def test_table_is_required(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "sources.yaml").read_text(encoding="utf-8")
    (folder / "sources.yaml").write_text(text.replace("        table: header\n", "", 1),
                                         encoding="utf-8")
    parsed, base = load_sources_file(folder / "sources.yaml")
    with pytest.raises(MappingError, match="ssda903 needs `table:`"):
        load_source(duckdb.connect(), parsed.sources[0], base)


def test_an_explicit_date_format_wins(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "reviews.csv").write_text(
        "CHILD,DOB,REVIEW,REVIEW_CODE\nLAC001,2012-03-14,2023-10-01,PN1\n", encoding="utf-8")
    text = (folder / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("table: reviews\n", "table: reviews\n        date_format: \"%Y-%m-%d\"\n")
    (folder / "sources.yaml").write_text(text, encoding="utf-8")
    parsed, base = load_sources_file(folder / "sources.yaml")
    result = load_source(duckdb.connect(), parsed.sources[0], base)
    assert result.files[2].rows_loaded == 1
