"""Malformed and hostile XML is refused with a SourceError before anything is loaded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from joinedup.errors import SourceError
from joinedup.sources.load import create_model_tables, load_source
from joinedup.sources.mapping import SourceConfig

CONFIG = SourceConfig.model_validate({
    "name": "cin", "system": "CIN", "service": "childrens_social_care",
    "data_current_as_of": "2026-03-31",
    "files": [{"path": "cin.xml", "format": "cin_xml", "table": "child", "targets": [
        {"entity": "person", "fields": {"source_record_id": "LAchildID",
                                        "dob": "PersonBirthDate"}}]}],
})

CHILD = ("<Child><ChildIdentifiers><LAchildID>C1</LAchildID>"
         "<PersonBirthDate>2015-01-01</PersonBirthDate></ChildIdentifiers></Child>")

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""


def refused(tmp_path: Path, text: str, pattern: str) -> None:
    (tmp_path / "cin.xml").write_text(text, encoding="utf-8")
    con = duckdb.connect()
    create_model_tables(con)
    with pytest.raises(SourceError, match=pattern):
        load_source(con, CONFIG, tmp_path)
    for table in ("person_record", "quarantine", "source_freshness"):
        found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert found == (0,)


def test_a_good_file_loads(tmp_path: Path) -> None:
    (tmp_path / "cin.xml").write_text(f"<Message><Children>{CHILD}</Children></Message>",
                                      encoding="utf-8")
    assert load_source(duckdb.connect(), CONFIG, tmp_path).rows_loaded == 1


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    refused(tmp_path, f"<Message>\n<Children>{CHILD}{CHILD}\n<Child></Children></Message>",
            r"file cin.xml, row 3: malformed XML at line 3")


def test_truncated_xml(tmp_path: Path) -> None:
    refused(tmp_path, f"<Message><Children>{CHILD}{CHILD[:40]}", "malformed XML")


def test_billion_laughs(tmp_path: Path) -> None:
    refused(tmp_path, BILLION_LAUGHS, "DTD or entities.*refused")


def test_external_entity(tmp_path: Path) -> None:
    refused(tmp_path, EXTERNAL_ENTITY, "DTD or entities.*refused")


def test_not_a_cin_census_file(tmp_path: Path) -> None:
    refused(tmp_path, "<html><body/></html>", r"root element is <html>, expected <Message>")
