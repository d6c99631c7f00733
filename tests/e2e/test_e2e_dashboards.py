"""Dashboards in a real browser on an ingested synthetic borough (marts built by the
ingest, ONS boundaries from the reference data when present): every dashboard with its
Plotly charts, a filter, the map drilling from the borough to a ward and an LSOA, the pupil
drill-down with a reason for access, and the dashboard of dashboards counting the views
made here. axe-core (WCAG 2.2 A and AA) on every page, no console error anywhere."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    PageProblems,
    Server,
    assert_accessible,
    browser_tab,
    serve_home,
    sign_in,
)

pytestmark = pytest.mark.browser
REFERENCE = Path(os.environ.get("JOINEDUP_TEST_REFERENCE_DATA",
                                Path(__file__).resolve().parents[3] / "shared" / "data"))


@pytest.fixture(scope="module")
def borough_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from click.testing import CliRunner

    from joinedup.cli import cli
    from joinedup.config import get_settings
    from joinedup.synth import generate_borough

    root = tmp_path_factory.mktemp("dash-e2e")
    home = root / "home"
    reference = REFERENCE if (REFERENCE / "geo").is_dir() else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINEDUP_HOME", str(home))
        patch.setenv("JOINEDUP_CONFIG", str(root / "none.toml"))
        get_settings.cache_clear()
        generate_borough(out=root / "borough", people=3000, seed=5, reference_data=reference)
        result = CliRunner().invoke(cli, ["ingest", str(root / "borough"), "--json"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    # serve_home reads its settings from this file (and no JOINEDUP_* variable): the map
    # needs the reference data's boundaries.
    (home / "no-joinedup.toml").write_text(
        f'reference_data = "{reference}"\n' if reference else "", encoding="utf-8")
    with serve_home(home) as server:
        yield server


SHOTS = os.environ.get("JOINEDUP_SCREENSHOTS")
"""A folder to save the pages into as PNG (docs/screenshots for docs/insight.md)."""


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.set_viewport_size({"width": 1200, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


@pytest.fixture
def tab(browser: Any, axe_source: str, borough_server: Server,
        problems: PageProblems) -> Iterator[Any]:
    with browser_tab(browser, axe_source, borough_server.url, problems) as opened:
        yield opened


def test_analyst_reads_every_dashboard_and_the_map(tab: Any, borough_server: Server) -> None:
    page = tab
    sign_in(page, borough_server, "analyst")
    page.get_by_role("link", name="Dashboards").first.click()
    page.wait_for_load_state()
    assert page.title().startswith("Dashboards")
    assert_accessible(page)
    links = page.locator(".jup-dashboard-list h2 a")
    titles = [links.nth(i).inner_text() for i in range(links.count())]
    assert len(titles) >= 5
    for title in titles:
        page.goto("/dashboards/")
        page.get_by_role("link", name=title, exact=True).click()
        page.wait_for_load_state()
        if page.locator("[data-jup-chart]").count():
            page.wait_for_selector("[data-jup-chart] .main-svg")
        assert_accessible(page)
        _shot(page, "dashboard-" + page.url.rstrip("/").rsplit("/", 1)[-1])

    page.goto("/dashboards/attendance/")
    first_school = page.locator("#filter-school option").nth(1).get_attribute("value")
    page.select_option("#filter-school", first_school)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "school=" in page.url
    assert_accessible(page)

    page.goto("/dashboards/csc_front_door/map/")
    assert "Contains National Statistics and OS data" in page.content()
    if page.locator("#jup-map").count():
        page.wait_for_selector("#jup-map path.leaflet-interactive")
        assert page.locator("#jup-map .jup-hub-marker").count() >= 1  # family hubs
        assert_accessible(page)
        page.locator("#jup-map path.leaflet-interactive").first.click(force=True)
        page.wait_for_url(re.compile(r".*ward=E05\d+.*"))
        page.wait_for_selector("#jup-map path.leaflet-interactive")
        page.locator("#jup-map path.leaflet-interactive").first.click(force=True)
        page.wait_for_url(re.compile(r".*lsoa=E01\d+.*"))
        assert page.locator("[data-jup-lsoa]").is_visible()
        assert_accessible(page)
        page.locator("#jup-map").scroll_into_view_if_needed()
        _shot(page, "dashboard-map")

    page.goto("/dashboards/usage/")
    body = page.content()
    views = int(re.search(r"(\d+) page views? logged", body).group(1))  # type: ignore[union-attr]
    assert views >= len(titles) + 1
    assert_accessible(page)
    _shot(page, "dashboard-usage")


def test_inclusion_officer_drills_to_pupils_with_a_reason(tab: Any,
                                                          borough_server: Server) -> None:
    page = tab
    sign_in(page, borough_server, "inclusion_officer")
    page.goto("/dashboards/attendance/")
    page.get_by_role("link", name="Pupils newly persistently absent", exact=True).click()
    page.wait_for_load_state()
    assert "/accounts/reason/" in page.url
    page.fill("#case_reference", "INC/2026/0042")
    page.get_by_label("Supporting a pupil's attendance").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboards/attendance/pupils/newly_persistent_pupils/")
    assert page.get_by_role("heading", name="Pupils newly persistently absent").is_visible()
    assert page.locator("table tbody tr").count() >= 1
    assert_accessible(page)
