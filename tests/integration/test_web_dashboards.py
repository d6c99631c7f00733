"""Dashboards through Django's test client on a small ingested borough (marts built by the
ingest): who sees them, filters, headline figures, CSV exports, the freshness line, pupil
drill-down with reason and audit, and usage logging with the dashboard of dashboards."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from web_world import signed_in

from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.insight import query
from joinedup.insight.schema import Dashboard, Drill, load_dashboards
from joinedup.synth import generate_borough
from joinedup.web.accounts.models import Profile
from joinedup.web.audit.models import AuditEvent
from joinedup.web.dashboards.models import DashboardView

pytestmark = pytest.mark.django_db
DASHBOARDS = list(load_dashboards())


@pytest.fixture(scope="module")
def borough_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose warehouse holds a small ingested synthetic borough, marts and all."""
    from click.testing import CliRunner

    from joinedup.cli import cli

    root = tmp_path_factory.mktemp("dash-web")
    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.setenv("JOINEDUP_CONFIG", str(root / "none.toml"))
        patch.delenv("JOINEDUP_SOURCES", raising=False)
        patch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
        get_settings.cache_clear()
        generate_borough(out=root / "borough", people=1500, seed=11)
        result = CliRunner().invoke(cli, ["ingest", str(root / "borough"), "--json"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    return home


@pytest.fixture(autouse=True)
def dash_home(borough_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JOINEDUP_HOME", str(borough_home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(borough_home / "none.toml"))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    get_settings.cache_clear()
    yield borough_home
    get_settings.cache_clear()


def _analyst(team: str = "Performance") -> Client:
    client = signed_in("analyst", name=f"analyst-{team}")
    user = client.session.get("_auth_user_id")
    Profile.objects.update_or_create(user_id=user, defaults={"team": team})
    return client


def test_every_dashboard_renders_for_insight_roles_only() -> None:
    analyst = _analyst()
    for key in DASHBOARDS:
        page = analyst.get(f"/dashboards/{key}/")
        assert page.status_code == 200, key
        body = page.content.decode()
        assert "synthetic wards and LSOAs" in body  # no reference data in this home
        assert "data-jup-stale" in body or "data-jup-fresh" in body
        assert "Download as CSV" in body or key == "scorecard"
    for role in ("childrens_social_worker", "auditor", "administrator"):
        assert signed_in(role).get("/dashboards/attendance/").status_code == 404
    assert Client().get("/dashboards/").status_code == 302


def test_attendance_headlines_are_week_on_week_dated_by_the_latest_week() -> None:
    officer = signed_in("inclusion_officer", name="io-weekly")
    body = officer.get("/dashboards/attendance/").content.decode()
    # The latest school week before half-term, the week before it, and the data's date.
    assert "Persistent absence year to date (w/c 19 Oct 2026)" in body
    assert "in w/c 12 Oct 2026; change" in body
    assert "Pupils newly persistently absent this week (w/c 19 Oct 2026)" in body
    assert "correct as of 23 October 2026" in body or "as of 23 October 2026" in body
    text = officer.get("/dashboards/attendance/export/by_week.csv").content.decode()
    weeks = [row["School week"] for row in csv.DictReader(io.StringIO(text))]
    assert weeks[0] == "w/c 31 Aug 2026" and weeks[-1] == "w/c 19 Oct 2026"
    latest = officer.get("/dashboards/attendance/export/week_by_school.csv").content.decode()
    assert len(list(csv.DictReader(io.StringIO(latest)))) > 1
    drill = officer.get("/dashboards/attendance/pupils/newly_persistent_this_week/")
    assert drill.status_code == 200
    cells = re.findall(r"w/c \d+ \w+ \d{4}", drill.content.decode())
    assert cells and set(cells) == {"w/c 19 Oct 2026"}


def test_scorecard_rates_against_targets_in_the_file() -> None:
    body = _analyst().get("/dashboards/scorecard/").content.decode()
    ratings = re.findall(r"jup-rag--(red|amber|green)\">(RED|AMBER|GREEN)<", body)
    assert ratings and all(a.upper() == b for a, b in ratings)
    assert "against a target of 60.0" in body


def test_filters_narrow_tables_and_unknown_values_are_ignored() -> None:
    analyst = _analyst()
    page = analyst.get("/dashboards/csc_front_door/").content.decode()
    wards = re.findall(r'<option value="(X[^"]+)"', page)
    assert wards
    export = analyst.get(f"/dashboards/csc_front_door/export/by_ward.csv?ward={wards[0]}")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][0] == "Ward" and len(rows) == 2
    everything = analyst.get("/dashboards/csc_front_door/export/by_ward.csv?ward=<b>bogus")
    assert len(list(csv.reader(io.StringIO(everything.content.decode())))) > 2
    logged = list(DashboardView.objects.filter(dashboard="csc_front_door")
                  .values_list("kind", "filters"))
    assert ("export", {"ward": [wards[0]]}) in logged and ("export", {}) in logged


def test_pupil_drill_needs_person_access_a_reason_and_is_audited() -> None:
    path = "/dashboards/attendance/pupils/newly_persistent_pupils/"
    assert _analyst().get(path).status_code == 404
    no_reason = signed_in("inclusion_officer", purpose=None, name="io-no-reason")
    assert no_reason.get(path).status_code == 302
    officer = signed_in("inclusion_officer", name="io")
    page = officer.get(path)
    assert page.status_code == 200
    event = AuditEvent.objects.filter(action="dashboard_drill").latest("seq")
    assert event.reason == "school_attendance_support"
    assert "Not linked" in page.content.decode()  # this snapshot was never linked


def test_dashboard_of_dashboards_counts_views_per_dashboard_and_team() -> None:
    DashboardView.objects.all().delete()
    _analyst("Performance").get("/dashboards/send/")
    _analyst("Performance").get("/dashboards/send/")
    _analyst("Inclusion").get("/dashboards/attendance/")
    quiet = signed_in("auditor", name="quiet").session["_auth_user_id"]
    Profile.objects.create(user_id=quiet, team="Never looks")
    body = _analyst("Performance").get("/dashboards/usage/").content.decode()
    assert "3 page views logged" in body
    assert "Never looks" in body
    assert re.search(r"SEND and the 20-week timescale</th>(<td[^>]*>\d+</td>)*"
                     r"<td[^>]*>2</td></tr>", body)
    for title in ("Early help", "Council scorecard"):
        assert title in body.split("nobody opened in the last 90 days")[1]


def test_map_lists_areas_and_drills_without_boundaries() -> None:
    """Without reference data there are no boundaries: the page says so and the table of
    synthetic wards still drills to a ward (its LSOAs need the boundaries' lookup)."""
    analyst = _analyst()
    body = analyst.get("/dashboards/csc_front_door/map/").content.decode()
    assert "No boundaries to draw" in body and "(synthetic)" in body
    assert analyst.get("/dashboards/scorecard/map/").status_code == 404


def test_no_export_shows_an_analyst_a_small_count() -> None:
    """Every table of every dashboard, as CSV for the analyst (no record-level access): no
    count column holds 1 to 4; the inclusion officer sees the same table unsuppressed."""
    analyst = _analyst()
    hidden = 0
    for key, dashboard in load_dashboards().items():
        for table in dashboard.tables:
            counts = [dashboard.measures[m].label for m in table.measures
                      if dashboard.measures[m].unit == "count"]
            text = analyst.get(f"/dashboards/{key}/export/{table.id}.csv").content.decode()
            rows = list(csv.DictReader(io.StringIO(text)))
            for row in rows:
                for label in counts:
                    hidden += row[label] == "c"
                    assert row[label] == "c" or not 0 < float(row[label]) < 5, (key, table.id)
    assert hidden > 0  # the small borough has small cells, so the rule was exercised
    officer = signed_in("inclusion_officer", name="io-export")
    text = officer.get("/dashboards/attendance/export/exclusions_by_school.csv").content.decode()
    assert ",c," not in text and not text.rstrip().endswith(",c")
    page = analyst.get("/dashboards/attendance/").content.decode()
    assert "data-jup-suppressed" in page
    assert "data-jup-suppressed" not in officer.get("/dashboards/attendance/").content.decode()


def test_dashboard_of_dashboards_exports_its_tables_and_chart() -> None:
    DashboardView.objects.all().delete()
    _analyst("Performance").get("/dashboards/send/")
    _analyst("Performance").get("/dashboards/send/")
    _analyst("Inclusion").get("/dashboards/attendance/")
    analyst = _analyst("Performance")
    body = analyst.get("/dashboards/usage/").content.decode()
    for table_id in ("by_dashboard", "by_team", "growth"):
        assert f'href="/dashboards/usage/export/{table_id}.csv"' in body
    assert 'data-jup-image="png" data-jup-target="chart-usage"' in body
    assert 'data-jup-image="svg" data-jup-target="chart-usage"' in body

    def rows(table_id: str) -> list[dict[str, str]]:
        response = analyst.get(f"/dashboards/usage/export/{table_id}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    by_dashboard = {r["Dashboard"]: r["Total"] for r in rows("by_dashboard")}
    assert by_dashboard["SEND and the 20-week timescale"] == "2"
    assert by_dashboard["Early help"] == "0"
    assert {r["Team"]: r["Total"] for r in rows("by_team")} == {"Performance": "2",
                                                                "Inclusion": "1"}
    growth = {r["Dashboard"]: r for r in rows("growth")}
    assert growth["SEND and the 20-week timescale"]["Views, last 12 months"] == "2"
    assert growth["SEND and the 20-week timescale"]["Change (%)"] == ""  # new this year
    assert analyst.get("/dashboards/usage/export/nonsense.csv").status_code == 404
    # The dashboard of dashboards and its exports are not themselves counted as views.
    assert DashboardView.objects.count() == 3


def test_every_pupil_a_drill_lists_is_audited_and_found_by_who_viewed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The small borough is not linked, so the real drill shows no person ids: here its rows
    are replaced by linked ones, to check the page records each person it shows and the
    auditor's `joinedup audit who-viewed` then lists the drill for each of them."""
    shown = ["JP00000031", "JP00000032", "JP00000033"]

    def linked_rows(con: object, dashboard: Dashboard, drill: Drill,
                    chosen: query.Chosen, limit: int = 500) -> query.TableResult:
        rows = [{"school": "Hill Top Primary", "person_id": p} for p in shown]
        return query.TableResult(drill.title, (query.Column("school", "School", "text"),),
                                 [*rows, {"school": "Hill Top Primary", "person_id": None}])

    monkeypatch.setattr(query, "drill_rows", linked_rows)
    officer = signed_in("inclusion_officer", name="io-listed")
    page = officer.get("/dashboards/attendance/pupils/newly_persistent_pupils/")
    assert page.status_code == 200
    body = page.content.decode()
    assert all(f"/person/{p}/" in body for p in shown)
    event = AuditEvent.objects.filter(action="dashboard_drill").latest("seq")
    assert (event.username, event.reason) == ("io-listed", "school_attendance_support")
    assert event.detail["person_ids"] == shown and event.detail["rows"] == 4
    for person in shown:
        result = CliRunner().invoke(cli, ["audit", "who-viewed", person])
        assert result.exit_code == 0, result.output
        assert "io-listed" in result.output and "dashboard_drill" in result.output
        assert "school_attendance_support" in result.output
