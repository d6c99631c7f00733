"""`joinedup demo`'s closing guide to the single views (issue 14): it names every single view,
and each demo account it names exists once the demo's accounts are made, holds a role that
may open the view (the path leads to the view's reason form, not a 404), and has the team the
view needs (a GP practice's code, a partner's source). No warehouse: access follows the
role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from joinedup.commands.demo import SINGLE_VIEWS, single_views_guide
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.roles import role_of
from joinedup.web.accounts.users import DEMO_TEAMS, create_demo_users, demo_username

pytestmark = pytest.mark.django_db


def test_the_guide_names_every_single_view() -> None:
    text = single_views_guide()
    for path in ("/debt/", "/spd/", "/gp-alerts/", "/gp-alerts/review/"):
        assert f" {path} as demo-" in text, path
    for cli in ("views debt list", "views spd list", "views gp-alerts list"):
        assert cli in text
    assert "bench/single_views.py" in text


def test_each_named_account_exists_and_opens_its_view() -> None:
    create_demo_users()
    text = single_views_guide()
    for name, path, roles, _ in SINGLE_VIEWS:
        for role in roles:
            username = demo_username(role)
            assert f"{username}" in text, (name, role)
            user = User.objects.get(username=username)
            assert role_of(user) == role
            client = Client()
            client.force_login(user)
            response = client.get(path)
            # A reason for access comes first: the account may open the view.
            assert response.status_code == 302, (name, role, response.status_code)
            assert response["Location"].startswith("/accounts/reason/"), (name, role)
    # The views scoped by team need the team the guide names.
    gp = Profile.objects.get(user__username=demo_username("gp_practice"))
    assert gp.team == DEMO_TEAMS["gp_practice"] and f"practice {gp.team}" in text
    assert Profile.objects.get(
        user__username=demo_username("housing_association")).team == "ha_pennine_vale"


def test_a_role_the_guide_does_not_name_gets_no_single_view() -> None:
    create_demo_users()
    named = {role for _, _, roles, _ in SINGLE_VIEWS for role in roles}
    client = Client()
    client.force_login(User.objects.get(username=demo_username("analyst")))
    assert "analyst" not in named
    for _, path, _, _ in SINGLE_VIEWS:
        assert client.get(path).status_code == 404, path
