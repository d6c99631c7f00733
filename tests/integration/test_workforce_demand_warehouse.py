"""Monthly demand from a warehouse snapshot of the small synthetic borough."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from joinedup.config import get_settings
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.workforce.demand import NO_TEAM, DemandHistory, warehouse_demand
from linked_borough import LinkedBorough


@pytest.fixture(scope="module")
def snapshot(linked_borough: LinkedBorough, tmp_path_factory: pytest.TempPathFactory,
             ) -> tuple[Path, DemandHistory]:
    home = linked_borough.copy_ingested_to(tmp_path_factory.mktemp("wf_home"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.setenv("JOINEDUP_CONFIG", str(home / "none.toml"))
        get_settings.cache_clear()
        settings = get_settings()
        snapshot_id = SnapshotStore.from_settings(settings).current_id()
        assert snapshot_id is not None
        path = SnapshotStore.from_settings(settings).path(snapshot_id)
        get_settings.cache_clear()
    con = duckdb.connect(str(path), read_only=True)
    try:
        history = warehouse_demand(con, council="Stockport")
    finally:
        con.close()
    return path, history


def test_teams_add_up_to_the_council_for_every_need(snapshot: tuple[Path, DemandHistory],
                                                    ) -> None:
    _, history = snapshot
    assert {"referral", "contact", "assessment", "early_help", "open_cin"} <= set(
        history.needs())
    for need in history.needs():
        council = history.get("Stockport", need)
        assert council is not None
        teams = [s for s in history.for_need(need) if s.area != "Stockport"]
        assert teams and all(history.parents[s.area] == "Stockport" for s in teams)
        total = np.sum([s.values for s in teams], axis=0)
        assert list(total) == pytest.approx(council.values)
    assert history.roots() == ["Stockport"]


def test_referrals_come_from_one_system_inside_its_coverage(
        snapshot: tuple[Path, DemandHistory]) -> None:
    path, history = snapshot
    referral = history.get("Stockport", "referral")
    assert referral is not None and referral.freq == "month"
    con = duckdb.connect(str(path), read_only=True)
    try:
        expected = con.execute(
            "SELECT count(*) FROM event WHERE source = 'csc_case_system' "
            "AND event_type = 'referral' AND event_date >= ? AND event_date < ?",
            [referral.start, referral.future_periods(1)[0]]).fetchone()
    finally:
        con.close()
    assert expected is not None and sum(referral.values) == expected[0]
    assert any("cin_census" in note and "not counted" in note for note in history.notes)
    # Contacts carry no team: they stay visible as the "(no team)" area.
    contacts = history.get(NO_TEAM, "contact")
    assert contacts is not None and sum(contacts.values) > 0
    assert len({s.start for s in history.for_need("referral")}) == 1
