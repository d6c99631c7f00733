"""The open data portal in a real browser, signed out: a newcomer searches the catalogue,
reads a dataset's metadata, sees its chart and map drawn by the offline plotly.min.js under
the CSP, downloads it in three formats, reads the API guide and calls the API from its
example, and reads the transparency page. axe-core (WCAG 2.2 A and AA) on every page and no
console error (so no CSP violation) anywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import PageProblems, Server, assert_accessible, browser_tab, serve_home

from joinedup.opendata.build import build_all
from joinedup.opendata.sources import BuildContext
from joinedup.opendata.spec import load_specs
from joinedup.opendata.store import Store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory: pytest.TempPathFactory, reference_data: Path
                  ) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("portal-home")
    specs = load_specs()
    wanted = [specs[n] for n in ("childrens-social-care-demand", "stockport-areas",
                                 "childrens-social-work-workforce")]
    outcomes = build_all(wanted, BuildContext(reference_data, None), Store(home / "opendata"),
                         dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC))
    assert all(o.ok for o in outcomes)
    # serve_home reads settings from this file (and no JOINEDUP_* variables): the portal's
    # maps need the boundaries in the reference data.
    (home / "no-joinedup.toml").write_text(f'reference_data = "{reference_data}"\n')
    with serve_home(home) as server:
        yield server


@pytest.fixture
def tab(browser: Any, axe_source: str, portal_server: Server,
        problems: PageProblems) -> Iterator[Any]:
    with browser_tab(browser, axe_source, portal_server.url, problems) as opened:
        yield opened


def _chart_drawn(page: Any, plot_id: str) -> None:
    page.wait_for_selector(f"#{plot_id} .main-svg", timeout=20_000)


def test_newcomer_finds_reads_downloads_and_calls_the_api(tab: Any,
                                                          portal_server: Server) -> None:
    tab.goto("/open-data/")
    assert tab.title().startswith("Open data")
    assert_accessible(tab)

    tab.fill("#q", "caseload")
    tab.get_by_role("button", name="Apply").click()
    tab.wait_for_load_state()
    assert f"1 of {len(load_specs())} datasets" in tab.inner_text("#result-count")
    assert_accessible(tab)
    tab.get_by_role("link", name="Children's social work workforce by council").click()
    tab.wait_for_load_state()
    assert "Open Government Licence v3.0" in tab.inner_text("main")
    _chart_drawn(tab, "chart-trend")
    assert_accessible(tab)
    for fmt in ("csv", "json", "geojson"):
        with tab.expect_download() as info:
            tab.get_by_role("link", name=f"childrens-social-work-workforce.{fmt}").click()
        content = Path(info.value.path()).read_text(encoding="utf-8")
        assert content.startswith("year,la_code" if fmt == "csv" else "{")

    tab.goto("/open-data/datasets/stockport-areas/")
    _chart_drawn(tab, "chart-map")
    assert_accessible(tab)

    tab.get_by_role("link", name="API").first.click()
    tab.wait_for_load_state()
    assert_accessible(tab)
    example = tab.inner_text("pre").splitlines()[2]
    url = example.split("'")[1]
    answer = tab.request.get(url)
    assert answer.ok and answer.headers["access-control-allow-origin"] == "*"
    assert len(json.loads(answer.text())["rows"]) == 5

    tab.get_by_role("link", name="How your data is used").click()
    tab.wait_for_load_state()
    assert "subject access request" in tab.inner_text("main")
    assert_accessible(tab)
