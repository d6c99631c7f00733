"""Every extract of a small borough loads with the real loader, and what is quarantined is
exactly what the generator deliberately broke."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

duckdb = pytest.importorskip("duckdb")
load = pytest.importorskip("joinedup.sources.load")

from joinedup.sources.mapping import load_sources_file  # noqa: E402


@pytest.fixture(scope="module")
def loaded(small_borough: Path) -> tuple[object, list[object]]:
    sources, base = load_sources_file(small_borough / "sources.yaml")
    con = duckdb.connect()
    load.create_model_tables(con)
    results = [load.load_source(con, source, base) for source in sources.sources]
    return con, results


def test_every_file_loads_with_few_quarantined(loaded: tuple[object, list[object]]) -> None:
    _, results = loaded
    for result in results:
        for f in result.files:  # type: ignore[attr-defined]
            assert f.rows_read == f.rows_loaded + f.rows_quarantined
            assert f.rows_read > 0 or "missing" in f.path or "possession" in f.path \
                or "exceptions" in f.path, f.path  # a small borough may have no SEN2 exception
            assert f.rows_quarantined <= max(3, 0.02 * f.rows_read), (f.path, f.rows_quarantined)


def test_quarantine_is_the_injected_invalid_values(small_borough: Path,
                                                   loaded: tuple[object, list[object]]) -> None:
    con, _ = loaded
    quarantined = {(str(f), int(r)) for f, r in con.execute(  # type: ignore[attr-defined]
        "SELECT DISTINCT file, row FROM quarantine").fetchall()}
    errors = pq.read_table(small_borough / "ground_truth" / "errors.parquet").to_pylist()
    injected = {(e["file"], e["row"]) for e in errors if e["invalid"]}
    assert injected, "the generator should inject some invalid values"
    assert injected <= quarantined
    unexpected = quarantined - injected
    # Realistic (not deliberate) errors may very rarely trip a check, e.g. a DOB typo that
    # lands after a date of death; they must stay rare.
    assert len(unexpected) <= max(2, 0.1 * len(injected)), sorted(unexpected)[:10]


def test_people_and_key_workers_arrive(loaded: tuple[object, list[object]]) -> None:
    con, _ = loaded
    query = con.execute  # type: ignore[attr-defined]
    services = {r[0] for r in query("SELECT DISTINCT service FROM involvement").fetchall()}
    assert {"childrens_social_care", "early_help", "education", "housing",
            "adult_social_care", "vcse"} <= services
    with_worker = query("SELECT count(*) FROM involvement WHERE service = "
                        "'childrens_social_care' AND worker_email IS NOT NULL").fetchone()[0]
    assert with_worker > 0
    roster = {r[0] for r in query("SELECT email FROM practitioner").fetchall()}
    csc_emails = {r[0] for r in query("SELECT DISTINCT worker_email FROM involvement WHERE "
                                      "service = 'childrens_social_care'").fetchall() if r[0]}
    assert csc_emails <= roster  # key workers come from the roster
    types = {r[0] for r in query("SELECT DISTINCT event_type FROM event").fetchall()}
    assert {"referral", "assessment", "cp_plan", "attendance", "health_visit",
            "police_incident", "council_tax_account", "rent_arrears"} <= types
