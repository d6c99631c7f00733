"""docs/mappings.md cannot drift: its worked example is this fixture, loaded as documented."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from joinedup.sources.load import load_source
from joinedup.sources.mapping import SourcesFile, load_sources_file

REPO = Path(__file__).resolve().parent.parent.parent
DOC = (REPO / "docs" / "mappings.md").read_text(encoding="utf-8")
FIXTURE = REPO / "tests" / "fixtures" / "sources" / "worked_example"


def block(name: str) -> str:
    """The fenced block (or table) following ``<!-- worked-example: name -->``."""
    after = DOC.split(f"<!-- worked-example: {name} -->\n", 1)[1]
    fenced = re.match(r"```\w*\n(.*?)```", after, re.S)
    if fenced:
        return fenced.group(1)
    return after.split("\n\n", 1)[0]


def test_the_doc_shows_the_fixture_files() -> None:
    for name in ("sources.yaml", "housing/tenants.csv", "housing/arrears.csv"):
        assert block(name) == (FIXTURE / name).read_text(encoding="utf-8"), name


def test_the_first_example_is_a_valid_sources_file() -> None:
    first = re.search(r"```yaml\n(.*?)```", DOC, re.S)
    assert first is not None
    SourcesFile.model_validate(yaml.safe_load(first.group(1)))


def test_the_worked_example_loads_as_the_doc_says(tmp_path: Path) -> None:
    (tmp_path / "housing").mkdir()
    for name in ("sources.yaml", "housing/tenants.csv", "housing/arrears.csv"):
        (tmp_path / name).write_text(block(name), encoding="utf-8")
    parsed, base = load_sources_file(tmp_path / "sources.yaml")
    con = duckdb.connect()
    result = load_source(con, parsed.sources[0], base)
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [
        (5, 3, 2), (3, 2, 1)]
    table = [line.strip("|").split(" | ") for line in block("quarantine").splitlines()[2:]]
    found = con.execute("SELECT file, CAST(row AS VARCHAR), field, value, reason FROM quarantine "
                        "ORDER BY file DESC, row, field").fetchall()
    assert [list(row) for row in found] == [[cell.strip() for cell in row] for row in table]
    aisha = con.execute(
        "SELECT postcode, nhs_number, address, sex FROM person_record "
        "WHERE source_record_id = 'EH1001'").fetchone()
    assert aisha == ("SK4 2AB", "9434765919", "12 Mersey Road, Stockport", "F")
    assert con.execute("SELECT worker_name, status FROM involvement WHERE involvement_id = "
                       "'T5001'").fetchone() == ("Dee Patel", "open")
    assert con.execute("SELECT value FROM event WHERE event_id = 'ARR-7001'").fetchone() == (
        Decimal("1204.5"),)
