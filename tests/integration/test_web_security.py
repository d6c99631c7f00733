"""Security headers, CSRF, sign-in required, redirects, and what may travel in a URL."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from joinedup.web.accounts.roles import assign_role
from joinedup.web.core.converters import PersonIdConverter

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def _user(role: str = "childrens_social_worker", name: str = "ann") -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    assign_role(user, role)
    return user


def _signed_in(role: str = "childrens_social_worker") -> Client:
    client = Client()
    client.force_login(_user(role))
    return client


def test_security_headers_on_every_page() -> None:
    for client, path in ((Client(), "/accounts/sign-in/"), (_signed_in(), "/"),
                         (Client(), "/how-we-use-data/")):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store, max-age=0"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style() -> None:
    html = _signed_in().get("/").content.decode()
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert 'type="module" src="/static/web/init.mjs"' in html


def test_every_page_needs_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/"
    assert Client().get("/accounts/reason/").status_code == 302


def test_api_answers_401_not_a_redirect() -> None:
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_csrf_is_enforced_on_sign_in_and_sign_out() -> None:
    _user()
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/accounts/sign-in/", {"username": "ann", "password": PASSWORD})
    assert refused.status_code == 403
    assert b"Your form could not be sent" in refused.content
    page = client.get("/accounts/sign-in/")
    token = page.context["csrf_token"]
    signed_in = client.post("/accounts/sign-in/", {"username": "ann", "password": PASSWORD,
                                                   "csrfmiddlewaretoken": str(token)})
    assert signed_in.status_code == 302
    assert client.post("/accounts/sign-out/").status_code == 403
    assert client.get("/").status_code == 200


def test_sign_out_is_post_only() -> None:
    client = _signed_in()
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response["Location"] == "/accounts/sign-in/?signed-out=1"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(target: str) -> None:
    _user()
    response = Client().post("/accounts/sign-in/",
                             {"username": "ann", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_local_next_is_followed() -> None:
    _user()
    response = Client().post("/accounts/sign-in/",
                             {"username": "ann", "password": PASSWORD, "next": "/how-we-use-data/"})
    assert response["Location"] == "/how-we-use-data/"


def test_session_cookie_is_http_only_lax_and_ends_with_the_browser() -> None:
    _user()
    client = Client()
    client.post("/accounts/sign-in/", {"username": "ann", "password": PASSWORD})
    morsel = client.cookies["__Host-joinedup-session"]
    assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Lax"
    assert morsel["expires"] == "" and morsel["max-age"] == ""


def test_unknown_pages_are_plain_404s() -> None:
    response = _signed_in().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_person_urls_carry_only_opaque_ids() -> None:
    import re

    pattern = re.compile(f"^{PersonIdConverter.regex}$")
    assert pattern.match("JP00001234")
    for value in ("Smith", "JP1234", "jp00001234", "JP00001234x", "2014-03-02"):
        assert not pattern.match(value), value


def test_openapi_schema_needs_sign_in() -> None:
    assert Client().get("/api/openapi.json").status_code == 302
    schema = _signed_in().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "joinedup Family Context API"
    assert "/api/me" in schema["paths"]
    assert reverse("api:me") == "/api/me"
