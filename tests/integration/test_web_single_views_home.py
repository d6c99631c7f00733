"""Issue 14's "each reachable from the home page for the roles that may see it": every role
signs in and the home page's main content links to exactly the single views its capabilities
allow (the discount review, one view of debt, GP alerts, and for reviewers the GP alerts
held for review), the header's navigation the same (but for the held alerts, which the
reviewers reach from the home page), and each link leads to the view (its reason form), not a
404. No warehouse is needed: the
links follow the role, not the data."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from joinedup.access.rules import has_capability, role_codes
from joinedup.web.accounts.roles import assign_role

pytestmark = pytest.mark.django_db
HELD = "/gp-alerts/review/"  # GP alerts held for review: reached from the home page only
VIEWS = {"/spd/": ("spd_review",), "/debt/": ("debt_view", "tenant_debts"),
         "/gp-alerts/": ("gp_alerts",), HELD: ("match_review",)}
# The built-in policy, spelt out so a change to it is a decision, not an accident.
EXPECTED = {"revenues_officer": {"/spd/", "/debt/"}, "housing_association": {"/debt/"},
            "gp_practice": {"/gp-alerts/"},
            "childrens_social_worker": {HELD}, "adult_social_worker": {HELD}}
MAIN = re.compile(r'<main\b.*?</main>', re.S)
NAV = re.compile(r'<nav\b[^>]*govuk-service-navigation.*?</nav>', re.S)


def _client(role: str) -> Client:
    user = User.objects.create_user(f"home-{role}", password="correct-horse-battery-9")
    assign_role(user, role)
    client = Client()
    client.force_login(user)
    return client


def _links(html: str, pattern: re.Pattern[str]) -> set[str]:
    found = pattern.search(html)
    part = found.group(0) if found else ""
    return {url for url in VIEWS if f'href="{url}"' in part}


@pytest.mark.parametrize("role", role_codes())
def test_the_home_page_links_each_role_to_the_views_it_may_see(role: str) -> None:
    allowed = {url for url, caps in VIEWS.items()
               if any(has_capability(role, c) for c in caps)}
    assert allowed == EXPECTED.get(role, set())
    client = _client(role)
    html = client.get("/").content.decode()
    assert _links(html, MAIN) == allowed, "home page body"
    assert _links(html, NAV) == allowed - {HELD}, "header navigation"
    for url in VIEWS:
        response = client.get(url)
        if url in allowed:
            # A reason for access comes first: the link leads to the view's reason form.
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/reason/"), url
        else:
            assert response.status_code == 404, url
