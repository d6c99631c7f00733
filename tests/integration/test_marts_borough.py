"""Marts on the small synthetic borough: built by `joinedup ingest`, rebuilt by
`joinedup marts build` into a new snapshot, listed, and consistent with the model tables."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.marts import MARTS, infos, read
from joinedup.warehouse import SnapshotStore, open_current


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_builds_every_mart_from_the_data_it_publishes(small_borough: Path,
                                                           home: Path) -> None:
    report = json.loads(_invoke("ingest", str(small_borough), "--json"))
    with open_current() as con:
        found = infos(con)
        assert set(found) == {m.name for m in MARTS}
        assert found["residents"].rows == 0  # no person index before `joinedup link`
        for name, info in found.items():
            assert info.snapshot_id == report["snapshot"], name
            # A small borough may have no open request today; residents wait for the link.
            if name not in ("send_open", "residents"):
                assert info.rows > 0, name
        manifest = json.loads((small_borough / "manifest.json").read_text())
        expected = "ONS" if manifest["geography"] == "real" else "synthetic"
        assert found["attendance"].geography == expected
        # Every attendance row of the education source is in the mart exactly once.
        events = con.execute("SELECT count(*) FROM event WHERE source = 'education' "
                             "AND event_type = 'attendance'").fetchone()
        terms = con.execute("SELECT sum(pupil_terms) FROM mart_attendance").fetchone()
        assert events is not None and terms is not None and events[0] == terms[0]
        # Every school week of every pupil in the weekly extract is in the weekly mart once,
        # the latest week is the one before half-term, and its Friday dates the figures.
        weeks = con.execute("SELECT count(DISTINCT (source_record_id, week_start)), "
                            "max(week_start)::VARCHAR FROM attendance_week "
                            "WHERE source = 'education'").fetchone()
        in_mart = con.execute("SELECT sum(pupils) FROM mart_attendance_week").fetchone()
        assert weeks is not None and in_mart is not None and weeks[0] == in_mart[0] > 0
        assert weeks[1] == "2026-10-19"
        assert str(found["attendance_week"].data_as_of) == "2026-10-23"
        latest = con.execute("SELECT 100.0 * sum(persistent) / sum(pupils), "
                             "100.0 * sum(sessions_absent) / sum(sessions_possible) "
                             "FROM mart_attendance_week WHERE week_start = DATE '2026-10-19'"
                             ).fetchone()
        assert latest is not None and 10 < latest[0] < 35 and 3 < latest[1] < 12
        referrals = con.execute("SELECT count(*) FROM event WHERE source = 'csc_case_system' "
                                "AND event_type = 'referral' AND event_date <= DATE "
                                "'2026-10-30'").fetchone()
        flow = read(con, "csc_flow", columns=["referrals"])
        assert referrals is not None and sum(r[0] for r in flow.rows) == referrals[0]
        # Most children are placed in a real ward: the postcode lookup matches.
        unknown = con.execute("SELECT sum(referrals) FILTER (WHERE ward_code = 'unknown') / "
                              "sum(referrals) FROM mart_csc_flow").fetchone()
        assert unknown is not None and unknown[0] < 0.1


def test_marts_build_publishes_a_new_snapshot_and_list_shows_them(small_borough: Path,
                                                                  home: Path) -> None:
    _invoke("ingest", str(small_borough), "--json")
    store = SnapshotStore.from_settings()
    before = store.current_id()
    out = _invoke("marts", "build", "--gazetteer", str(small_borough / "gazetteer"))
    after = store.current_id()
    assert after != before and after in out
    with open_current() as con:
        assert {i.snapshot_id for i in infos(con).values()} == {after}
    listing = _invoke("marts", "list", "--stale-after", "100000")
    assert "mart_attendance" in listing and "stale" not in listing
