"""The clerical review journey, "why are these records one person?" and the auditor pages in a
real browser, with axe-core (WCAG 2.2 A and AA) on every page and state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import PageProblems, Server, assert_accessible, browser_tab, sign_in
from e2e_world import world_server

pytestmark = pytest.mark.browser

ADULT = "JP00000101"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, chromium: object) -> Iterator[Server]:
    with world_server(tmp_path_factory.mktemp("world-web") / "home") as server:
        yield server


@pytest.fixture
def wpage(browser: Any, axe_source: str, world: Server,
          problems: PageProblems) -> Iterator[Any]:
    """As conftest's ``page``, on the world's server."""
    with browser_tab(browser, axe_source, world.url, problems) as tab:
        yield tab


def _give_reason(page: Any, case: str, purpose: str) -> None:
    assert "/accounts/reason/" in page.url
    page.fill("#case_reference", case)
    page.get_by_label(purpose).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _click(page: Any, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def test_review_decision_journey(wpage: Any, world: Server) -> None:
    page = wpage
    sign_in(page, world, "childrens_social_worker")
    _click(page, "link", "Records to review")
    _give_reason(page, "DQ/2026/01", "Checking whether records belong to one person")
    assert page.title() == "Records to review – joinedup Family Context"
    assert page.get_by_role("table").get_by_role("link").count() == 3
    assert_accessible(page)

    _click(page, "link", "Review pair 1")
    assert page.get_by_role("heading", name="Are these records the same person?").is_visible()
    assert page.get_by_role("heading", name="Record A: Housing").is_visible()
    assert page.get_by_role("img", name="Chart of the match weights").is_visible()
    assert_accessible(page)

    _click(page, "button", "Record decision")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.get_by_label("No, they are different people").check()
    page.fill("#note", "Different dates of birth in the two housing systems")
    _click(page, "button", "Record decision")
    assert page.get_by_text("Decision recorded: the records are different people.").is_visible()
    assert page.get_by_role("table").get_by_role("link").count() == 2
    assert_accessible(page)

    _click(page, "link", "Review pair 1")
    _click(page, "link", "See all this person's records (record A)")
    assert page.get_by_role("heading", name="Why are these records one person?").is_visible()
    assert_accessible(page)
    page.select_option("#a", "2")
    page.select_option("#b", "3")
    _click(page, "button", "Explain")
    assert page.get_by_role("heading", name="Record 2 and record 3").is_visible()
    assert "?a=2&b=3" in page.url
    assert_accessible(page)
    page.select_option("#b", "2")
    _click(page, "button", "Explain")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_auditor_pages(wpage: Any, world: Server) -> None:
    page = wpage
    sign_in(page, world, "adult_social_worker")
    page.goto(f"/person/{ADULT}/records/")
    _give_reason(page, "ASG/77", "Adult safeguarding enquiry (section 42)")
    assert page.get_by_role("heading", name="Why are these records one person?").is_visible()
    _click(page, "button", "Sign out")

    sign_in(page, world, "auditor")
    _click(page, "link", "Audit")
    assert page.title() == "Audit – joinedup Family Context"
    assert_accessible(page)

    _click(page, "link", "Who looked at a person")
    assert_accessible(page)
    _click(page, "button", "Show")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#person_id", ADULT)
    _click(page, "button", "Show")
    table = page.get_by_role("table")
    assert table.get_by_text("Opened a match explanation").count() >= 1
    assert table.get_by_text("ASG/77").count() >= 1
    assert_accessible(page)

    username = world.account("adult_social_worker")[0]
    _click(page, "link", username)
    assert page.get_by_role("heading", name="What a user looked at").is_visible()
    assert page.get_by_role("table").get_by_role("link", name=ADULT).count() >= 1
    assert_accessible(page)

    page.goto("/audit/unusual/")
    assert_accessible(page)
    page.fill("#threshold", "0")
    page.fill("#day", "31")
    page.fill("#month", "2")
    _click(page, "button", "Show")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.goto("/audit/unusual/")
    page.fill("#threshold", "1")
    _click(page, "button", "Show")
    assert page.get_by_role("heading", name="Many unrelated families on").is_visible()
    assert_accessible(page)
