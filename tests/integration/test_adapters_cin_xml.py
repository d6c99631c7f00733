"""CIN census XML: flattened into the contract's tables and loaded through a mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from joinedup.errors import MappingError
from joinedup.sources.cin_xml import TABLES, parse_cin
from joinedup.sources.load import load_source
from joinedup.sources.mapping import load_sources_file

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sources" / "cin"


def test_tables_follow_the_contract() -> None:
    tables = parse_cin(FIXTURE / "cin_census.xml", "cin_census.xml")
    child = tables.records["child"]
    assert [c["LAchildID"] for c in child] == ["CH0001", "CH0002", "CH0003"]
    assert tables.rows["child"] == [1, 2, 3]
    assert child[0]["UPN"] == "A123456789012" and child[0]["Ethnicity"] == "WBRI"
    assert child[1]["UPNunknown"] == "UN1"
    assert child[2]["ExpectedPersonBirthDate"] == "2026-05-01"
    details = tables.records["cin_details"]
    assert [d["CINdetailsID"] for d in details] == ["CH0001-1", "CH0001-2", "CH0002-1"]
    assert tables.rows["cin_details"] == [1, 1, 2]
    assessment = tables.records["assessments"][0]
    assert assessment["AssessmentID"] == "CH0001-1-A1"
    assert assessment["AssessmentFactors"] == "3A,4B"
    assert tables.records["cin_plans"][0]["CINPlanID"] == "CH0001-1-P1"
    s47 = tables.records["section47"][0]
    assert (s47["Section47ID"], s47["InitialCPCtarget"]) == ("CH0001-2-S1", "2025-11-25")
    cpp = tables.records["cpp"][0]
    assert (cpp["CPPID"], cpp["CPPreviewDates"]) == ("CH0001-2-C1", "2026-02-12")
    for name, columns in TABLES.items():
        for record in tables.records[name]:
            assert tuple(record) == columns


def test_loads_through_a_mapping() -> None:
    parsed, base = load_sources_file(FIXTURE / "sources.yaml")
    con = duckdb.connect()
    result = load_source(con, parsed.sources[0], base)
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [
        (3, 2, 1), (3, 3, 0), (1, 1, 0), (1, 1, 0)]
    assert con.execute(
        "SELECT source_record_id, dob, sex, _file, _row FROM person_record ORDER BY _row"
    ).fetchall() == [("CH0001", dt.date(2015, 6, 1), "M", "cin_census.xml", 1),
                     ("CH0003", None, "U", "cin_census.xml", 3)]
    assert con.execute("SELECT row, field, value FROM quarantine").fetchall() == [
        (2, "person.dob", "2019-13-01")]
    assert con.execute("SELECT category, _row FROM event WHERE event_type = 'assessment'"
                       ).fetchall() == [("3A,4B", 1)]
    assert con.execute("SELECT involvement_id, end_date FROM involvement ORDER BY 1"
                       ).fetchall() == [("CH0001-1", dt.date(2024, 9, 30)),
                                        ("CH0001-2", None), ("CH0002-1", None)]


def test_namespaced_xml_is_read(tmp_path: Path) -> None:
    text = (FIXTURE / "cin_census.xml").read_text(encoding="utf-8")
    text = text.replace("<Message>", '<Message xmlns="http://www.dcsf.gov.uk/xmlschemas/CIN">')
    path = tmp_path / "ns.xml"
    path.write_text(text, encoding="utf-8")
    assert len(parse_cin(path, "ns.xml").records["child"]) == 3


def test_table_must_be_named(tmp_path: Path) -> None:
    text = (FIXTURE / "sources.yaml").read_text(encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(text.replace("table: child", "table: kids"),
                                           encoding="utf-8")
    (tmp_path / "cin_census.xml").write_bytes((FIXTURE / "cin_census.xml").read_bytes())
    parsed, base = load_sources_file(tmp_path / "sources.yaml")
    with pytest.raises(MappingError, match="`table:` set to one of"):
        load_source(duckdb.connect(), parsed.sources[0], base)


def test_a_result_left_unread_on_the_connection_does_not_matter() -> None:
    parsed, base = load_sources_file(FIXTURE / "sources.yaml")
    con = duckdb.connect()
    con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()  # the caller left a row unread
    assert load_source(con, parsed.sources[0], base).rows_read == 8
    assert load_source(con, parsed.sources[0].model_copy(update={"name": "again"}), base
                       ).rows_read == 8
