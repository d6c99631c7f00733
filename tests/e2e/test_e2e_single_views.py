"""The single views in a real browser, with axe-core (WCAG 2.2 A and AA) on every page and
state: a revenues officer reviews a single person discount and records an outcome; a GP
practice reads its alerts; a children's social worker decides a GP alert held for review."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from e2e_support import (
    JOINEDUP,
    PageProblems,
    Server,
    assert_accessible,
    browser_tab,
    sign_in,
)

from joinedup.views.gp_alerts import gp_alerts
from joinedup.warehouse.snapshots import SnapshotStore

pytestmark = pytest.mark.browser


@pytest.fixture
def spd_server(single_views_server: Server) -> Server:
    return single_views_server


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


def _gp_user(server: Server) -> tuple[str, str, str]:
    """A GP user of the practice with the most alerts: (username, password, practice)."""
    store = SnapshotStore(server.home / "warehouse" / "snapshots")
    current = store.current_id()
    assert current is not None
    with duckdb.connect(str(store.path(current)), read_only=True) as con:
        sent = [a.practice for a in gp_alerts(con) if a.decision == "send"]
    practice = max(set(sent), key=sent.count)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"JOINEDUP_HOME": str(server.home),
                "JOINEDUP_CONFIG": str(server.home / "no-joinedup.toml")})
    made = subprocess.run([str(JOINEDUP), "web", "add-user", "gp-e2e", "--role", "gp_practice",
                           "--team", practice], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    password = made.stdout.split("password: ")[1].split()[0]
    return "gp-e2e", password, practice


def test_a_practice_reads_its_gp_alerts(spage: Any, spd_server: Server) -> None:
    page = spage
    username, password, practice = _gp_user(spd_server)
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", password)
    _click(page, "button", "Sign in")
    assert_accessible(page)
    _click(page, "link", "GP alerts")
    page.fill("#case_reference", "GP/2026/7")
    page.get_by_label("Safeguarding and caring for a child registered with the practice").check()
    _click(page, "button", "Continue")
    assert page.get_by_role("heading", name=f"GP alerts for practice {practice}").is_visible()
    assert page.get_by_role("table").first.get_by_role("row").count() > 1
    assert_accessible(page)


def test_a_reviewer_decides_a_gp_alert_held_for_review(spage: Any, spd_server: Server) -> None:
    """One alert is held (conftest.hold_one_gp_alert weakens its match): a children's social
    worker reaches it from the home page, gives a record-matching reason, opens it, is told
    to choose, calls the two records the same child, and the list is empty again."""
    page = spage
    sign_in(page, spd_server, "childrens_social_worker")
    _click(page, "link", "GP alerts held for review")
    assert "/accounts/reason/" in page.url
    page.fill("#case_reference", "DQ/2026/3")
    page.get_by_label("Checking whether records belong to one person (clerical review)").check()
    _click(page, "button", "Continue")
    assert page.get_by_role("heading", name="GP alerts held for review").is_visible()
    table = page.get_by_role("table")
    assert table.get_by_role("link").count() == 1
    assert table.get_by_text("90.0%").is_visible()  # the weakened match's confidence
    assert_accessible(page)

    table.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Are these two records the same child?").is_visible()
    assert page.get_by_role("term").filter(has_text="The two records").is_visible()
    assert_accessible(page)
    _click(page, "button", "Record decision")  # no choice made
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_label("Yes, the same child: send the alert to the practice").check()
    _click(page, "button", "Record decision")
    assert page.get_by_role("heading", name="GP alerts held for review").is_visible()
    assert page.get_by_text("No alerts are waiting for review").is_visible()
    assert_accessible(page)
