"""`joinedup web ...` and `joinedup serve --dry-run` through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from joinedup.cli import cli
from joinedup.web import assets
from joinedup.web.accounts.roles import role_of
from joinedup.web.runtime import BIND_ENV

pytestmark = pytest.mark.django_db
ROLES = ["childrens_social_worker", "early_help_practitioner", "adult_social_worker",
         "inclusion_officer", "revenues_officer", "gp_practice", "housing_association",
         "analyst", "auditor",
         "vcse_contributor", "administrator"]


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_users_one_per_role_with_fresh_generated_passwords() -> None:
    first = json.loads(_run("web", "create-demo-users", "--json"))
    assert [a["role"] for a in first] == ROLES
    assert [a["username"] for a in first][:2] == ["demo-childrens-social-worker",
                                                 "demo-early-help-practitioner"]
    passwords = [a["password"] for a in first]
    assert len(set(passwords)) == len(ROLES) and all(len(p) >= 20 for p in passwords)
    for account in first:
        user = authenticate(username=account["username"], password=account["password"])
        assert user is not None and role_of(user) == account["role"]
    again = json.loads(_run("web", "create-demo-users", "--json"))
    assert User.objects.filter(username__startswith="demo-").count() == len(ROLES)
    assert set(a["password"] for a in again).isdisjoint(passwords)
    assert authenticate(username=first[0]["username"], password=first[0]["password"]) is None


def test_demo_users_table_is_printed_once() -> None:
    output = _run("web", "create-demo-users")
    assert "demo-auditor" in output and "Auditor" in output
    assert "shown only now" in output


def test_add_user_and_set_role() -> None:
    output = _run("web", "add-user", "jo.bloggs", "--role", "early_help_practitioner",
                  "--team", "Family hub west", "--areas", "E05000787")
    password = output.split("password: ")[1].split()[0]
    user = authenticate(username="jo.bloggs", password=password)
    assert user is not None and role_of(user) == "early_help_practitioner"
    assert user.joinedup_profile.areas == "E05000787"
    _run("web", "set-role", "jo.bloggs", "adult_social_worker")
    assert role_of(User.objects.get(username="jo.bloggs")) == "adult_social_worker"


@pytest.mark.parametrize(("args", "message"), [
    (["web", "add-user", "x", "--role", "wizard"], "'wizard' is not a role"),
    (["web", "set-role", "nobody", "auditor"], "there is no user 'nobody'"),
])
def test_user_commands_fail_clearly(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def _need_assets() -> None:
    if not (assets.VENDOR / assets.FILES[0]).is_file() and assets.installed_version() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GOV.UK Frontend assets must be built in CI (make install)")
        pytest.skip("GOV.UK Frontend not installed: run `make install` (npm ci)")


def test_serve_dry_run_plans_gunicorn_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    _need_assets()
    monkeypatch.setenv(BIND_ENV, "")  # serve sets it; restored after the test
    output = _run("serve", "--dry-run", "--port", "8123")
    assert "-m gunicorn joinedup.web.wsgi:application --bind 127.0.0.1:8123" in output
    assert "--no-control-socket" in output
    assert "Cookies are Secure: Chromium, Edge and Firefox keep them" in output
    assert output.strip().endswith("http://127.0.0.1:8123/")


def test_serve_warns_when_listening_beyond_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    _need_assets()
    monkeypatch.setenv(BIND_ENV, "")
    output = _run("serve", "--dry-run", "--host", "0.0.0.0")
    assert "sign-in works only over HTTPS" in output
    assert "make sure only your proxy can reach this port" in output


def test_serve_trusts_forwarded_headers_only_from_the_named_proxies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from joinedup.config import get_settings

    _need_assets()
    monkeypatch.setenv(BIND_ENV, "")
    monkeypatch.setenv("JOINEDUP_WEB_HTTPS", "true")
    monkeypatch.setenv("JOINEDUP_WEB_PROXY_ADDRESSES", '["172.18.0.1", "10.0.0.2"]')
    get_settings.cache_clear()
    try:
        output = _run("serve", "--dry-run", "--host", "0.0.0.0", "--port", "8124")
    finally:
        get_settings.cache_clear()
    assert "--forwarded-allow-ips 172.18.0.1,10.0.0.2" in output
    assert output.strip().endswith("https://0.0.0.0:8124/")


def test_build_assets_copies_and_rewrites_paths(tmp_path: Path) -> None:
    if assets.installed_version() is None:
        pytest.skip("node_modules/govuk-frontend missing: run `npm ci`")
    dest = assets.build_assets(dest=tmp_path / "govuk-frontend")
    css = (dest / "govuk-frontend.min.css").read_text()
    assert "url(/assets/" not in css and "url(assets/images/" in css
    # GDS Transport is for GOV.UK only: no @font-face, no font files; Arial is next in the stack.
    assert "@font-face" not in css and not (dest / "assets" / "fonts").exists()
    assert "font-family:GDS Transport,arial,sans-serif" in css
    assert (dest / "assets" / "images" / "favicon.ico").is_file()
    assert (dest / "VERSION").read_text().strip() == "6.0.0"


def test_pinned_govuk_frontend_is_the_one_the_macros_support() -> None:
    package = json.loads((assets.REPO / "package.json").read_text())
    assert package["dependencies"]["govuk-frontend"] == "6.0.0"
