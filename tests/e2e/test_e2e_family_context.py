"""The practitioner's journey in a real browser on a linked snapshot: sign in, search with a
misspelt name, give a reason, open the person, expand a card, open a family member, read the
timeline; axe-core (WCAG 2.2 A and AA) on every page and state visited, no console errors.

This module serves its own home: a copy of the small borough ingested and linked.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from e2e_support import Server, assert_accessible, serve_home, sign_in

from linked_borough import LinkedBorough

pytestmark = [pytest.mark.browser, pytest.mark.slow]

URL_PATH = re.compile(r"^/(search/(#results)?|accounts/reason/\?next=%2Fperson%2FJP[0-9]+%2F|"
                      r"person/JP[0-9]+/((family|timeline)/(\?(service=[a-z_]+&?)+)?|"
                      r"card/[a-z_]+/)?)?$")
SUBJECT = """
SELECT p.person_id, p.first_name, p.surname FROM context_person AS p
WHERE date_diff('year', p.dob, current_date) BETWEEN 7 AND 12 AND length(p.surname) >= 6
  AND p.first_name IS NOT NULL
  AND p.person_id IN (SELECT person_id FROM context_involvement
                      WHERE service = 'childrens_social_care' AND end_date IS NULL
                        AND coalesce(status, '') <> 'closed' AND worker_name IS NOT NULL)
  AND (SELECT count(DISTINCT member_id) FROM context_family AS f
       WHERE f.person_id = p.person_id) >= 3
  AND (SELECT count(*) FROM context_person AS q WHERE lower(q.surname) = lower(p.surname)
       AND lower(q.first_name) = lower(p.first_name)) = 1
ORDER BY p.person_id LIMIT 1
"""


@pytest.fixture(scope="module")
def web_server(linked_borough: LinkedBorough, tmp_path_factory: pytest.TempPathFactory,
               chromium: Path, axe_source: str) -> Iterator[Server]:
    """`joinedup serve` in a home holding the linked small borough (overrides conftest's)."""
    home = linked_borough.copy_to(tmp_path_factory.mktemp("fc-web-home"))
    with serve_home(home) as server:
        yield server


def _subject(server: Server) -> tuple[str, str, str]:
    root = server.home / "warehouse" / "snapshots"
    current = (root / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect(str(root / f"{current}.duckdb"), read_only=True) as con:
        found = con.execute(SUBJECT).fetchone()
    assert found is not None
    return str(found[0]), str(found[1]), str(found[2])


def _audit(server: Server) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.home / "web" / "app.sqlite3") as con:
        return [(str(a), str(p), str(d)) for a, p, d in con.execute(
            "SELECT action, person_id, detail FROM audit_auditevent ORDER BY seq")]


def _check(page: Any, server: Server, visited: list[str]) -> None:
    """axe on the page, and nothing but opaque ids and codes in its URL."""
    path = page.url.removeprefix(server.url.rstrip("/"))
    assert URL_PATH.match(path), path
    visited.append(path)
    assert_accessible(page)


def test_practitioner_journey(page: Any, web_server: Server) -> None:
    person_id, first, surname = _subject(web_server)
    visited: list[str] = []
    sign_in(page, web_server, "childrens_social_worker")
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_load_state()
    _check(page, web_server, visited)

    middle = len(surname) // 2
    page.fill("#name", f"{first} {surname[:middle]}{surname[middle + 1:]}")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    _check(page, web_server, visited)
    first_result = page.locator("#results tbody tr").first.get_by_role("link")
    assert first_result.get_attribute("href") == f"/person/{person_id}/"

    first_result.click()
    page.wait_for_load_state()
    assert "/accounts/reason/" in page.url
    _check(page, web_server, visited)
    page.fill("#case_reference", "CIN/2026/0412")
    page.get_by_label("Child protection enquiry (section 47)").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/person/{person_id}/")
    _check(page, web_server, visited)

    card = page.locator("#card-childrens_social_care details")
    card.locator("summary").click()
    card.locator(".jup-card-detail").wait_for()
    assert card.get_by_text("Key worker", exact=True).is_visible()
    assert card.locator("a[href^='tel:']").count() == 1
    _check(page, web_server, visited)

    page.get_by_role("link", name="Family and household").click()
    page.wait_for_load_state()
    _check(page, web_server, visited)
    assert page.locator("svg.jup-net[role='img']").is_visible()
    member = page.locator("table.govuk-table tbody tr").first.get_by_role("link")
    member_id = (member.get_attribute("href") or "").strip("/").split("/")[-1]
    member.click()
    page.wait_for_url(f"**/person/{member_id}/")
    _check(page, web_server, visited)

    page.goto(f"/person/{person_id}/timeline/")
    _check(page, web_server, visited)
    page.get_by_label("Early help").uncheck()
    page.get_by_role("button", name="Show events").click()
    page.wait_for_load_state()
    _check(page, web_server, visited)
    assert "service=early_help" not in page.url

    actions = [(a, p) for a, p, _ in _audit(web_server)]
    for expected in [("search", ""), ("results", ""), ("person_view", person_id),
                     ("card_expand", person_id), ("family_view", person_id),
                     ("person_view", member_id), ("timeline_view", person_id)]:
        assert expected in actions, expected
    assert not any(surname.lower() in d.lower() for _, _, d in _audit(web_server))
    assert len(visited) == 9


def test_card_expands_without_javascript(browser: Any, web_server: Server,
                                         axe_source: str) -> None:
    person_id, _, _ = _subject(web_server)
    context = browser.new_context(base_url=web_server.url, java_script_enabled=False)
    tab = context.new_page()
    try:
        sign_in(tab, web_server, "childrens_social_worker")
        tab.goto("/accounts/reason/")
        tab.fill("#case_reference", "CIN/2026/0412")
        tab.get_by_label("Child protection enquiry (section 47)").check()
        tab.get_by_role("button", name="Continue").click()
        tab.goto(f"/person/{person_id}/")
        card = tab.locator("#card-childrens_social_care details")
        card.locator("summary").click()
        card.get_by_role("link").click()
        tab.wait_for_url(f"**/person/{person_id}/card/childrens_social_care/")
        assert tab.get_by_text("Key worker", exact=True).is_visible()
        assert tab.get_by_role("link", name="Back to all services").is_visible()
    finally:
        context.close()
    assert ("card_expand", person_id) in [(a, p) for a, p, _ in _audit(web_server)]
