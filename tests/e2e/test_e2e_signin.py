"""Sign-in, home, reason for access and "How we use data" in a real browser, with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import PageProblems, Server, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_and_its_errors_are_accessible(page: Any, web_server: Server) -> None:
    page.goto("/")
    assert "/accounts/sign-in/" in page.url
    assert page.title() == "Sign in – joinedup Family Context"
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_govuk_frontend_starts_under_the_content_security_policy(page: Any,
                                                                  web_server: Server) -> None:
    page.goto("/accounts/sign-in/")
    # Set by the static js-enabled.js, and the password input's Show button is made by
    # GOV.UK Frontend's JavaScript: both prove scripts run with no inline script allowed.
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    assert page.get_by_role("button", name="Show password").is_visible()


def test_practitioner_signs_in_gives_a_reason_and_sees_it_in_the_header(
    page: Any, web_server: Server
) -> None:
    sign_in(page, web_server, "childrens_social_worker")
    assert page.title() == "Home – joinedup Family Context"
    assert page.get_by_text("(Children's social worker)").is_visible()
    assert page.get_by_text("No warehouse snapshot has been loaded yet.").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Start now").click()
    page.wait_for_load_state()
    assert "/accounts/reason/" in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.fill("#case_reference", "CIN/2026/0412")
    page.get_by_label("Child protection enquiry (section 47)").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    reason = page.locator("#access-reason")
    assert "CIN/2026/0412" in reason.inner_text()
    assert "Child protection enquiry (section 47)" in reason.inner_text()
    assert_accessible(page)

    reason.get_by_role("link", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("#case_reference").input_value() == "CIN/2026/0412"


def test_role_without_person_access_is_told_so(page: Any, web_server: Server) -> None:
    sign_in(page, web_server, "analyst")
    assert page.get_by_text("Your role does not give access to anyone's records").is_visible()
    assert page.locator("#access-reason").count() == 0
    assert_accessible(page)
    page.goto("/accounts/reason/")
    assert page.title() == "Page not found – joinedup Family Context"


def test_how_we_use_data_is_public_and_accessible(page: Any, web_server: Server) -> None:
    page.goto("/how-we-use-data/")
    assert page.get_by_role("heading", name="How we use data", level=1).is_visible()
    assert page.get_by_role("heading", name="Police").is_visible()
    assert_accessible(page)


def test_sign_out_ends_the_session(page: Any, web_server: Server) -> None:
    sign_in(page, web_server, "auditor")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_text("You have signed out.").is_visible()
    assert_accessible(page)
    page.goto("/")
    assert "/accounts/sign-in/" in page.url


def test_the_checks_themselves_can_fail(page: Any, web_server: Server,
                                        problems: PageProblems) -> None:
    page.goto("/how-we-use-data/")
    # An inline script is refused by the CSP and reported on the console.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
    }""")
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in m for m in problems.messages)
    problems.messages.clear()
    # An image without a text alternative is an axe violation.
    page.evaluate("""() => {
        const img = document.createElement("img");
        img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
        document.querySelector("main").appendChild(img);
    }""")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
    problems.messages.clear()
