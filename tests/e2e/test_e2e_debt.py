"""The one view of debt in a real browser, with axe-core (WCAG 2.2 A and AA) on every page:
a revenues officer reaches it from the home page, gives a reason and opens a household in the
queue, then a person's own debts from the household and from the queue; a housing
association's officer sees only its tenants, on the list, a household and a person; other
roles find no link and no page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import (
    PageProblems,
    Server,
    assert_accessible,
    browser_tab,
    sign_in,
)

pytestmark = pytest.mark.browser
PURPOSE = "Recovering a debt fairly (one view of a household's debts)"


@pytest.fixture
def debt_server(single_views_server: Server) -> Server:
    return single_views_server


@pytest.fixture
def dpage(browser: Any, axe_source: str, debt_server: Server,
          problems: PageProblems) -> Iterator[Any]:
    with browser_tab(browser, axe_source, debt_server.url, problems) as tab:
        yield tab


def _click(page: Any, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def _give_reason(page: Any, case: str) -> None:
    assert "/accounts/reason/" in page.url
    assert_accessible(page)
    page.fill("#case_reference", case)
    page.get_by_label(PURPOSE).check()
    _click(page, "button", "Continue")


def test_revenues_officer_works_the_queue_from_the_home_page(dpage: Any,
                                                             debt_server: Server) -> None:
    page = dpage
    sign_in(page, debt_server, "revenues_officer")
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="one view of debt").click()
    page.wait_for_load_state()
    _give_reason(page, "DEBT/2026/01")
    assert page.get_by_role("heading", name="One view of debt", exact=True).is_visible()
    table = page.get_by_role("table")
    assert table.get_by_role("link").count() > 0
    assert page.get_by_text("Households owing more than one creditor").first.is_visible()
    assert_accessible(page)

    table.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("term").filter(has_text="Creditors").is_visible()
    assert page.get_by_role("columnheader", name="Recovery stage").first.is_visible()
    assert_accessible(page)

    # A person's own debts, from their table on the household page, and back.
    household_url = page.url
    page.locator("caption").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/debt/person/" in page.url
    assert page.get_by_role("term").filter(has_text="Total owed").is_visible()
    assert page.get_by_role("term").filter(has_text="Lives at").is_visible()
    assert page.get_by_role("columnheader", name="Recovery stage").is_visible()
    assert_accessible(page)
    _click(page, "link", "Back to the household")
    assert page.url == household_url

    _click(page, "link", "Back to the list")
    # And straight from the queue: the names of who owes are links to their debts.
    page.get_by_role("table").get_by_role("link").nth(1).click()
    page.wait_for_load_state()
    assert "/debt/person/" in page.url
    assert page.locator("caption").filter(has_text="Debts:").is_visible()
    assert_accessible(page)
    _click(page, "link", "Back to the household")
    _click(page, "link", "Back to the list")
    _click(page, "link", "Show every household in debt")
    assert page.get_by_text("Every household in debt").first.is_visible()
    assert_accessible(page)


def test_housing_association_sees_its_own_tenants(dpage: Any, debt_server: Server) -> None:
    page = dpage
    sign_in(page, debt_server, "housing_association")
    assert_accessible(page)
    _click(page, "link", "One view of debt")
    _give_reason(page, "PV/ARR/2026/3")
    assert page.get_by_text("DSA-2026-014").first.is_visible()
    _click(page, "link", "Show every household in debt")
    table = page.get_by_role("table")
    assert table.get_by_role("link").count() > 0
    assert page.get_by_text("Council tax recovery team").count() == 0
    assert_accessible(page)
    table.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Pennine Vale Housing Association").first.is_visible()
    assert page.get_by_text("Council tax recovery team").count() == 0
    assert_accessible(page)
    page.locator("caption").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/debt/person/" in page.url
    assert page.get_by_text("Pennine Vale Housing Association").first.is_visible()
    assert page.get_by_text("Council tax recovery team").count() == 0
    assert page.get_by_text("DSA-2026-014").first.is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", ["analyst", "childrens_social_worker", "gp_practice"])
def test_other_roles_find_no_link_and_no_page(dpage: Any, debt_server: Server,
                                              role: str) -> None:
    page = dpage
    sign_in(page, debt_server, role)
    assert page.get_by_role("link", name="One view of debt").count() == 0
    response = page.goto("/debt/")
    assert response is not None and response.status == 404
    assert_accessible(page)
