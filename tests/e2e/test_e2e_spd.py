"""The single person discount review in a real browser: a revenues officer signs in, gives a
reason, reads the ranked list and an account's evidence, and records an outcome; axe-core
(WCAG 2.2 A and AA) on every page and state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import PageProblems, Server, assert_accessible, browser_tab, serve_home, sign_in

from joinedup.config import Settings
from joinedup.linkage.warehouse_link import link_warehouse
from joinedup.synth import generate_borough
from joinedup.warehouse.ingest import run_ingest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def spd_server(tmp_path_factory: pytest.TempPathFactory, chromium: object) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("spd-web")
    generate_borough(out=root / "borough", people=1_000, seed=11,
                     electoral_register=True)
    settings = Settings(home=root / "home")
    run_ingest(root / "borough" / "sources.yaml", settings)
    link_warehouse(settings)
    with serve_home(root / "home") as server:
        yield server


@pytest.fixture
def spage(browser: Any, axe_source: str, spd_server: Server,
          problems: PageProblems) -> Iterator[Any]:
    with browser_tab(browser, axe_source, spd_server.url, problems) as tab:
        yield tab


def _click(page: Any, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def test_revenues_officer_reviews_a_discount(spage: Any, spd_server: Server) -> None:
    page = spage
    sign_in(page, spd_server, "revenues_officer")
    assert_accessible(page)
    _click(page, "link", "Discount review")
    assert "/accounts/reason/" in page.url
    page.fill("#case_reference", "SPD/2026/01")
    page.get_by_label("Reviewing a council tax single person discount").check()
    _click(page, "button", "Continue")
    assert page.get_by_role("heading", name="Single person discount review").is_visible()
    assert page.get_by_role("table").get_by_role("link").count() > 0
    assert_accessible(page)

    page.get_by_role("table").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Record the outcome").is_visible()
    assert_accessible(page)

    _click(page, "button", "Record outcome")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.get_by_label("No change: the account holder lives alone").check()
    _click(page, "button", "Record outcome")
    assert page.get_by_text("Outcome recorded for account").is_visible()
    assert page.get_by_text("No change: the account holder lives alone").first.is_visible()
    assert_accessible(page)
