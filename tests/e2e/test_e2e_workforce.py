"""Workforce planning in a real browser: the demo analyst makes a plan from a tiny CSV of
counts (a few seconds with the real model choice), reads it with Plotly charts drawn under
the CSP, compares scenarios, fails and fixes a scenario, reads the methodology; axe-core
(WCAG 2.2 A and AA) on every page and no console error (so no CSP violation) anywhere."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import Server, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _counts() -> bytes:
    lines = ["area,period,need,count"]
    for i in range(36):
        month = f"{2022 + i // 12}-{i % 12 + 1:02d}"
        lines += [f"Tiny Town,{month},referral,{40 + (i * 7) % 12}",
                  f"Tiny Town,{month},open_cin,{110 + i % 5}",
                  f"Tiny Town,{month},open_early_help,{80 + i % 4}",
                  f"Tiny Town,{month},open_family_help,24",
                  f"Tiny Town,{month},open_youth_work,20"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _go(page: Any, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def test_analyst_plans_compares_and_reads_the_method(page: Any, web_server: Server) -> None:
    sign_in(page, web_server, "analyst")
    _go(page, "link", "Workforce planning")
    assert page.title() == "Workforce planning – joinedup Family Context"
    assert_accessible(page)

    page.get_by_label("A CSV file of counts").check()
    page.set_input_files("#counts", files=[{"name": "tiny.csv", "mimeType": "text/csv",
                                            "buffer": _counts()}])
    page.get_by_label("Retention").check()
    page.get_by_role("button", name="Make the plan").click()
    page.wait_for_url("**/workforce/plan/*/", timeout=120_000)
    assert page.title() == "Workforce plan: Tiny Town – joinedup Family Context"
    # Plotly (a static file, no CDN) drew every chart from its JSON block.
    page.wait_for_selector("#chart-gap-social_worker .main-svg")
    assert page.locator("[data-jup-chart] .main-svg").count() >= 5
    # The four practitioner roles side by side, each with its caseload standard.
    roles = page.get_by_role("table", name="Practitioner roles side by side (baseline)")
    assert roles.get_by_role("rowheader").all_inner_texts() == [
        "Social worker", "Early help practitioner", "Family support worker", "Youth worker"]
    assert roles.get_by_role("row", name="Youth worker").get_by_role("cell").first \
        .inner_text() == "15"
    page.get_by_text("Where each caseload standard comes from").click()
    assert page.get_by_text("National Youth Agency").first.is_visible()
    page.get_by_text("Figures as a table").first.click()
    assert_accessible(page)

    _go(page, "link", "Scenario comparison")
    assert page.title() == "Scenario comparison: Tiny Town – joinedup Family Context"
    assert page.get_by_role("columnheader", name="Retention").is_visible()
    page.wait_for_selector("#chart-scenarios-social_worker .main-svg")
    assert_accessible(page)

    _go(page, "link", "Methodology")
    assert page.title() == "Workforce planning methodology – joinedup Family Context"
    assert page.get_by_text("Erlang C").first.is_visible()
    assert_accessible(page)

    page.goto("/workforce/scenarios/")
    page.fill("#text", "name: Tight\nlevers:\n  caseload_cap: -5\n")
    _go(page, "button", "Check and save the scenario")
    assert page.title().startswith("Error: ")
    assert "levers.caseload_cap" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
