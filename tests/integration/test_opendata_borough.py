"""Open data from a pipeline run on the small synthetic borough: `joinedup ingest` builds the
marts and refreshes every dataset; every published count from the warehouse is 0 or at least
the threshold; a later build whose reference data has gone keeps serving the last good
version and records why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.marts import gazetteer_for, rebuild_current
from joinedup.opendata.build import store_for, warehouse_context
from joinedup.opendata.query import controlled_columns
from joinedup.opendata.sources import aggregate_mart
from joinedup.opendata.spec import load_specs
from joinedup.warehouse.snapshots import SnapshotStore
from linked_borough import LinkedBorough

RESIDENTS = "residents-by-lsoa-and-age"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_refreshes_open_data_and_a_lost_source_keeps_its_last_version(
        small_borough: Path, home: Path, reference_data: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(reference_data))
    get_settings.cache_clear()
    report = json.loads(_invoke("ingest", str(small_borough), "--json"))  # stdout: JSON only
    # Residents come from the person index: published by the link run, not the ingest.
    assert {o["name"] for o in report["open_data"] if o["ok"]} == set(load_specs()) - {RESIDENTS}
    waiting = next(o for o in report["open_data"] if o["name"] == RESIDENTS)
    assert "joinedup link" in waiting["message"]
    store = store_for(get_settings())
    specs = load_specs()
    for spec in specs.values():
        if spec.name == RESIDENTS:
            continue
        published = store.published(spec.name)
        assert published is not None, (spec.name, store.status(spec.name))
        assert published.rows, spec.name
        for column in controlled_columns(spec):
            if column in spec.disclosure.rates:
                continue
            values = [r[column] for r in published.rows]
            assert all(v is None or v == 0 or v >= spec.disclosure.threshold
                       for v in values), (spec.name, column)
    flow = store.published("childrens-social-care-by-ward")
    assert flow is not None and any(r["ward_code"] == "ALL" for r in flow.rows)
    named = [r for r in flow.rows if r["ward_code"] not in ("ALL", "unknown")]
    assert named and all(r["ward_name"] and r["ward_name"] != r["ward_code"] for r in named)
    rates = store.published("children-in-need-and-looked-after-rates-by-ward")
    assert rates is not None
    shown = [r for r in rates.rows if r["ward_code"] == "ALL" and r["children"]]
    assert shown, "the borough's child health record gives the children in each ward"
    for r in shown:  # a rate is its count over the children, per 10,000
        if r["children_in_need"] is not None:
            assert r["cin_rate_per_10000"] == pytest.approx(
                r["children_in_need"] / r["children"] * 10_000, rel=1e-3)
        assert r["children_looked_after"] is None or (
            r["children_looked_after"] <= (r["children_in_need"] or 0))
    before = store.published("childrens-social-work-workforce")

    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(home / "gone"))
    get_settings.cache_clear()
    outcomes = json.loads(_invoke("opendata", "build", "--json"))
    by_name = {o["name"]: o for o in outcomes}
    lost = by_name["childrens-social-work-workforce"]
    assert not lost["ok"] and not lost["refused"] and lost["version"] == before.version
    assert by_name["send-20-weeks"]["ok"]  # the marts are still there
    assert store.published("childrens-social-work-workforce").version == before.version
    status = store.status("childrens-social-work-workforce")
    assert status is not None and not status.ok and "gone" in status.message
    listing = _invoke("opendata", "list")
    assert "failed" in listing and "synthetic" in listing


def test_residents_mart_counts_the_people_the_link_places_at_addresses(
        linked_borough: LinkedBorough, small_borough: Path, home: Path,
        reference_data: Path) -> None:
    """The residents mart on a real link run's households: everyone with a current address
    counted once, every band adding up to the LSOA's residents, and the dataset's source
    rows (before disclosure control) one per LSOA with its name."""
    linked_borough.copy_to(home)
    settings = get_settings()
    # The marts of the linked snapshot, with the borough's postcode lookup (as ingest, then
    # `joinedup link`, build them).
    rebuild_current(settings, gazetteer_for(small_borough / "sources.yaml"))
    store = SnapshotStore.from_settings(settings)
    current = store.current_id()
    assert current is not None
    with store.open(current) as con:
        placed = con.execute("SELECT count(DISTINCT person_id) FROM household_member "
                             "WHERE current").fetchone()
        sums = con.execute(
            "SELECT sum(residents), sum(aged_0_4 + aged_5_10 + aged_11_15 + aged_16_17 + "
            "aged_18_64 + aged_65_plus + age_not_known), count(DISTINCT snapshot_date), "
            "sum(aged_0_4 + aged_5_10 + aged_11_15 + aged_16_17), "
            "count(*) FILTER (WHERE lsoa_code <> 'unknown') FROM mart_residents").fetchone()
        assert placed is not None and sums is not None
        assert sums[0] == placed[0] > 0 and sums[1] == sums[0] and sums[2] == 1
        assert 0 < sums[3] < sums[0] and sums[4] > 0
        spec = load_specs()[RESIDENTS]
        rows = aggregate_mart(spec.source, warehouse_context(reference_data, con, current))
    codes = [r["lsoa_code"] for r in rows]
    assert len(codes) == len(set(codes)) and sum(r["residents"] for r in rows) == sums[0]
    assert all(r["lsoa_name"] for r in rows)
