"""A voluntary organisation's monthly return in a real browser: the member (a user whose team
is the organisation) downloads the template, uploads a return with mistakes and reads the
cells named, fixes it and sends it; the analyst's plan of the same counts, made before and
after, changes: the organisation and its coverage appear, and the early help practitioners'
open cases and available FTE go up. axe-core (WCAG 2.2 A and AA) on every page."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from e2e_support import JOINEDUP, Server, assert_accessible, sign_in
from openpyxl import load_workbook
from test_e2e_workforce import _counts

pytestmark = pytest.mark.browser
ORGANISATION = "Tiny Town Family Trust"


def _member(server: Server) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"JOINEDUP_HOME": str(server.home),
                "JOINEDUP_CONFIG": str(server.home / "no-joinedup.toml")})
    made = subprocess.run([str(JOINEDUP), "web", "add-user", "e2e-vcse", "--role",
                           "vcse_contributor", "--team", ORGANISATION], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    return "e2e-vcse", made.stdout.split("password: ")[1].split()[0]


def _filled(template: Path, out: Path, rows: list[tuple[object, ...]]) -> Path:
    book = load_workbook(template)
    for row in rows:
        book["Monthly returns"].append(list(row))
    book.save(out)
    return out


def _plan_tiny_town(page: Any) -> dict[str, float]:
    """As the signed-in analyst, plan Tiny Town from the counts; the early help
    practitioners' row of the roles table (open cases at the start, available FTE at the
    end)."""
    page.goto("/workforce/")
    page.get_by_label("A CSV file of counts").check()
    page.set_input_files("#counts", files=[{"name": "tiny.csv", "mimeType": "text/csv",
                                            "buffer": _counts()}])
    page.get_by_role("button", name="Make the plan").click()
    page.wait_for_url("**/workforce/plan/*/", timeout=120_000)
    cells = page.locator("#roles tr", has_text="Early help practitioner").locator("td")
    return {"open_cases": float(cells.nth(1).inner_text()),
            "available": float(cells.nth(9).inner_text())}


def test_vcse_return_from_the_browser_into_the_plan(page: Any, web_server: Server,
                                                    tmp_path: Path) -> None:
    # The plan before the organisation sends anything: no VCSE table.
    sign_in(page, web_server, "analyst")
    before = _plan_tiny_town(page)
    before_url = page.url
    assert page.locator("#vcse").count() == 0
    page.context.clear_cookies()

    username, password = _member(web_server)
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    # Reachable from the home page: the service navigation and the home page link to it.
    page.get_by_role("link", name="send your organisation's monthly return").click()
    page.wait_for_load_state()
    assert page.title() == "Monthly return – joinedup Family Context"
    assert page.get_by_role("link", name="Monthly return").get_attribute(
        "aria-current") == "page"
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your organisation's template (XLSX)").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    bad = _filled(template, tmp_path / "march.xlsx",
                  [("2024-01", "Tiny Town", "family_support", 30, 200),
                   ("2024-02", "Tiny Town", "knitting", -4, 100)])
    page.set_input_files("#upload", str(bad))
    page.get_by_role("button", name="Check and send the return").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "file march.xlsx, row 3, field need: 'knitting' is not a need" in summary
    assert "file march.xlsx, row 3, field families_supported: -4 is negative" in summary
    assert_accessible(page)

    good = _filled(template, tmp_path / "year.xlsx",
                   [(f"2024-{m:02d}", "Tiny Town", "family_support", 40 + m, 300)
                    for m in range(1, 13)])
    page.set_input_files("#upload", str(good))
    page.get_by_role("button", name="Check and send the return").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"12 rows accepted for {ORGANISATION}").is_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, web_server, "analyst")
    after = _plan_tiny_town(page)
    # The same request is a new plan once the return is in, and the return changes it: its
    # families (51 a month, the mean of its last three months) add to early help demand,
    # and its hours are capacity beside the early help practitioners.
    assert page.url != before_url
    table = page.locator("#vcse")
    assert ORGANISATION in table.inner_text() and "100%" in table.inner_text()
    assert after["open_cases"] > before["open_cases"]
    assert after["available"] > before["available"]
    page.wait_for_selector("#chart-gap-early_help_worker .main-svg")
    assert_accessible(page)
