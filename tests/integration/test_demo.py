"""`joinedup demo` end to end on a small borough: generate, ingest, reconciled report."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from joinedup.cli import cli
from joinedup.views.agreements import agreements_in
from joinedup.views.debt import debt_view
from joinedup.views.gp_alerts import gp_alerts
from joinedup.views.spd import spd_reviews


@pytest.mark.slow
def test_demo_generates_ingests_and_reports(home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--people", "800", "--seed", "3"], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "synthetic geography" in result.output  # no reference data in this test's settings
    assert "is now current" in result.output
    # The person index summary and the evaluation against the synthetic truth are printed.
    for shown in ("records per person", "review queue", "person ids: new", "pairwise",
                  "Worst false merges", "households", "Workforce plan"):
        assert shown in result.output, shown
    plan = home / "reports" / "workforce" / "synthetic-borough"
    assert (plan / "workforce_plan.xlsx").is_file() and (plan / "gap_by_quarter.csv").is_file()
    assert "Family Context web app" not in result.output  # not a terminal: no server
    # It ends naming each single view, its page and the demo account that opens it.
    for named in ("One view of debt: /debt/ as demo-revenues-officer",
                  "single person discount review: /spd/ as demo-revenues-officer",
                  "GP alerts (practice P88600): /gp-alerts/ as demo-gp-practice",
                  "held for review: /gp-alerts/review/ as demo-childrens-social-worker"):
        assert named in result.output, named

    snapshots = home / "warehouse" / "snapshots"
    linked = (snapshots / "CURRENT").read_text().strip()
    with duckdb.connect(str(snapshots / f"{linked}.duckdb"), read_only=True) as con:
        unlinked = con.execute(
            "select count(*) from person_record r left join person_link l "
            "using (source, source_record_id) where l.person_id is null").fetchone()
        persons = con.execute("select count(*) from person_index").fetchone()
        # Issue 14: the demo's snapshot feeds all three single views.
        reviews, alerts = spd_reviews(con), gp_alerts(con)
        households, agreements = debt_view(con), agreements_in(con)
    assert unlinked == (0,)
    assert persons is not None and persons[0] > 500
    assert reviews and any(r.adults > 1 for r in reviews)
    assert alerts and any(a.decision == "send" for a in alerts)
    assert households and any(d.arrangement_status for h in households for d in h.debts)
    assert [a["reference"] for a in agreements] == ["DSA-2026-014"]

    sources = home / "sources"
    assert (sources / "sources.yaml").is_file()
    assert (sources / "ground_truth").is_dir()

    # The JSON report of a second ingest of the same extracts reconciles, source by source.
    again = runner.invoke(cli, ["ingest", "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert len(report["sources"]) >= 10
    for source in report["sources"]:
        assert source["rows_read"] == source["rows_loaded"] + source["rows_quarantined"]
        assert source["rows_loaded"] > 0, source
    current = (home / "warehouse" / "snapshots" / "CURRENT").read_text().strip()
    assert current == report["snapshot"]
    with duckdb.connect(str(home / "warehouse" / "snapshots" / f"{current}.duckdb"),
                        read_only=True) as con:
        people = con.execute("select count(*) from person_record").fetchone()
        assert people is not None and people[0] > 800
        services = {row[0] for row in con.execute("select distinct service from involvement")
                    .fetchall()}
        assert {"childrens_social_care", "education", "housing"} <= services
