"""Site-wide security checks over every URL the resolver knows (site_urls.py), as nobody and
as every role: CSRF refuses every POST without a token; every response carries the security
headers, and HSTS when served over HTTPS; the session id changes at sign-in and dies at
sign-out (no session fixation). The authorisation matrix is test_web_authz_matrix.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, override_settings
from site_urls import sample_path, url_names
from web_world import *  # noqa: F403
from web_world import ADULT, QUEUE_IDS, signed_in
from workforce_world import tiny_plan

from joinedup.access import role_codes
from joinedup.config import Settings
from joinedup.web import runtime
from joinedup.web.review import tokens

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"
NAMES = sorted(url_names())


def _values() -> dict[str, str]:
    dashboard = {f"dashboards:{page}/key": "attendance" for page in ("dashboard", "export",
                                                                      "drill", "map")}
    return {"pid": ADULT, "service": "health", "token": tokens.token_for(QUEUE_IDS[0]),
            "key": tiny_plan(), "name": "gap_by_quarter.csv", **dashboard,
            "table_id": "by_school", "drill_id": "newly_persistent_pupils",
            **{f"{name}/name": "stockport-areas" for name in (
                "opendata:dataset", "opendata:download", "opendata-api:get_dataset",
                "opendata-api:get_rows", "opendata-api:get_download")},
            "fmt": "csv", "account_no": "4100000",
            "role": "social_worker", "workforce:region_export/file": "region_view.xlsx"}


def _clients(csrf: bool) -> Iterator[tuple[str, Client]]:
    yield "anonymous", Client(enforce_csrf_checks=csrf)
    for role in role_codes():
        yield role, signed_in(role, name=f"s-{role}", csrf=csrf)


def test_every_url_has_a_sample_path(world) -> None:
    values = _values()
    for name in NAMES:
        assert sample_path(name, values).startswith("/"), name


@pytest.mark.parametrize("name", NAMES)
def test_every_post_without_a_csrf_token_is_refused(name: str, world) -> None:
    """403 (or 405 where the URL takes no POST at all, so nothing can change); never a page,
    a redirect or a change. The API's endpoints check CSRF themselves (ninja's session
    auth), after authentication: 401 for nobody, 403 for everyone signed in."""
    path = sample_path(name, _values())
    api = path.startswith("/api/")
    failures = []
    for who, client in _clients(csrf=True):
        response: HttpResponse = client.post(path, {"name": "Ada Adult"})  # type: ignore[assignment]
        allowed = {401, 403, 405} if api and who == "anonymous" else {403, 405}
        if response.status_code not in allowed:
            failures.append(f"{who}: {response.status_code}")
        if response.status_code == 403 and not api:
            assert b"Your form could not be sent" in response.content
    assert failures == [], f"POST {path} without a CSRF token"


def test_a_post_with_its_token_gets_through(world) -> None:
    """The control for the test above: it is the missing token that is refused."""
    client = signed_in("childrens_social_worker", name="s-control", csrf=True)
    page = client.get("/search/")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value if (
        settings.CSRF_COOKIE_NAME in page.cookies) else client.cookies[
        settings.CSRF_COOKIE_NAME].value
    sent = client.post("/search/", {"name": "Ada Adult", "csrfmiddlewaretoken": token})
    assert sent.status_code == 302


# Open data (downloads, API, JSON-LD) holds nothing about the reader and is cacheable
# (docs/open-data.md); every page, and everything else, is no-store.
PUBLIC_DATA = "public, max-age=300, must-revalidate"


def _check_headers(response: HttpResponse, path: str = "") -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    for needed in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                   "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                   "form-action 'self'"):
        if needed not in csp:
            problems.append(f"CSP lacks {needed}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows inline or eval")
    for header, value in (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                          ("Referrer-Policy", "same-origin"),
                          ("Cross-Origin-Opener-Policy", "same-origin"),
                          ("Cache-Control", "no-store, max-age=0")):
        if header == "Cache-Control" and path.startswith("/open-data/") and response.get(
                header) == PUBLIC_DATA and "text/html" not in response.get("Content-Type", ""):
            continue
        if response.get(header) != value:
            problems.append(f"{header}: {response.get(header)!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_security_headers_on_every_response(name: str, world) -> None:
    """Every URL, as nobody and as every role, whatever the status (a 404, a redirect to
    sign in and a file download need them as much as a page)."""
    path = sample_path(name, _values())
    failures = []
    for who, client in _clients(csrf=False):
        response: HttpResponse = client.get(path)  # type: ignore[assignment]
        failures += [f"{who} {response.status_code}: {p}"
                     for p in _check_headers(response, path)]
        if "Strict-Transport-Security" in response:
            failures.append(f"{who}: HSTS over plain HTTP")
    assert failures == [], f"GET {path}"


HTTPS = runtime.security_headers(Settings(web_https=True))


@pytest.mark.parametrize("name", NAMES)
def test_hsts_on_every_response_over_https(name: str, world) -> None:
    path = sample_path(name, _values())
    with override_settings(**HTTPS):
        failures = []
        for who, client in _clients(csrf=False):
            response = client.get(path, secure=True)
            if response.get("Strict-Transport-Security") != (
                    "max-age=31536000; includeSubDomains"):
                failures.append(f"{who} {response.status_code}: "
                                f"{response.get('Strict-Transport-Security')!r}")
            plain = client.get(path)
            if plain.status_code != 301 or not plain["Location"].startswith("https://"):
                failures.append(f"{who}: plain HTTP answered {plain.status_code}")
        forwarded = Client().get(path, headers={"X-Forwarded-Proto": "https"})
        if forwarded.status_code == 301:
            failures.append("X-Forwarded-Proto from the proxy is not honoured")
    assert failures == [], f"GET {path}"


# --- session fixation -------------------------------------------------------------------

def _sign_in(client: Client, name: str) -> HttpResponse:
    return client.post("/accounts/sign-in/",  # type: ignore[return-value]
                       {"username": name, "password": PASSWORD})


def test_a_planted_session_id_is_replaced_at_sign_in() -> None:
    User.objects.create_user("vic", password=PASSWORD)
    cookie = settings.SESSION_COOKIE_NAME
    attacker = Client()
    session = attacker.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    assert planted
    victim = Client()
    victim.cookies[cookie] = planted  # e.g. set through a sibling sub-domain
    assert _sign_in(victim, "vic").status_code == 302
    assert victim.cookies[cookie].value != planted
    assert victim.get("/").status_code == 200
    # The attacker's copy of the old id is not signed in.
    attacker.cookies[cookie] = planted
    assert attacker.get("/").status_code == 302


def test_the_session_id_dies_at_sign_out() -> None:
    User.objects.create_user("vic", password=PASSWORD)
    cookie = settings.SESSION_COOKIE_NAME
    client = Client()
    _sign_in(client, "vic")
    signed_in_id = client.cookies[cookie].value
    assert client.post("/accounts/sign-out/").status_code == 302
    copy = Client()
    copy.cookies[cookie] = signed_in_id
    assert copy.get("/").status_code == 302  # a stolen copy is worthless afterwards


def test_the_csrf_token_changes_at_sign_in() -> None:
    User.objects.create_user("vic", password=PASSWORD)
    client = Client()
    client.get("/accounts/sign-in/")
    before = client.cookies[settings.CSRF_COOKIE_NAME].value
    _sign_in(client, "vic")
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before
