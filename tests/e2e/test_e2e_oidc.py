"""Sign-in through OpenID Connect end to end: `joinedup serve` with OIDC switched on through
its JOINEDUP_WEB_OIDC_* settings, against a small identity provider run by the test (code
flow, RS256 ID tokens, JWKS). No browser: a requests session plays it, one redirect at a
time, so each hop can be checked or tampered with.

What must hold (docs/web.md, "Sign-in with Microsoft Entra ID"): the role comes only from a
verified ID token carrying exactly one joinedup role, is re-read at every sign-in, the
session id changes at sign-in, the local account has no usable password, and every sign-in
is audited once.
"""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from e2e_support import Server, serve_home

CLIENT_ID = "joinedup-test-client"
CLIENT_SECRET = secrets.token_urlsafe(24)
KID = "idp-key-1"
FAILURE = "/accounts/sign-in/"
NEXT = "/audit/"  # auditors only: a page that shows whether the role took
# Secure (hence __Host-) even on http://127.0.0.1: the default a council runs with.
SESSION_COOKIE = "__Host-joinedup-session"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Behaviour:
    """What the provider puts in the next ID token; each test sets what it needs."""

    roles: object = None  # None: no role claim at all
    signing_key: rsa.RSAPrivateKey | None = None  # None: the key published at /keys
    nonce: str | None = None  # None: the nonce the app sent to /authorize
    audience: str = CLIENT_ID
    age: int = 0  # seconds since the token was issued; it lives for 300
    expires: bool = True


@dataclass
class FakeIdP:
    url: str
    key: rsa.RSAPrivateKey
    behaviour: Behaviour = field(default_factory=Behaviour)
    # code -> (nonce, redirect_uri, email) from /authorize, redeemed once at /token
    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # the email the next /authorize signs in, as if the user had typed it at the provider
    email: str = ""
    # the subject the provider gives that email (default: one derived from the email)
    subjects: dict[str, str] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, nonce: str, email: str) -> str:
        issued = int(time.time()) - self.behaviour.age
        claims: dict[str, Any] = {
            "iss": self.url, "aud": self.behaviour.audience,
            "sub": self.subjects.get(email, "sub-" + email),
            "email": email,
            "nonce": self.behaviour.nonce if self.behaviour.nonce is not None else nonce,
            "iat": issued, "exp": issued + 300,
        }
        if self.behaviour.roles is not None:
            claims["roles"] = self.behaviour.roles
        if not self.behaviour.expires:
            del claims["exp"]
        return jwt.encode(claims, self.behaviour.signing_key or self.key, algorithm="RS256",
                          headers={"kid": KID})

    def jwks(self) -> dict[str, Any]:
        public = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                          "n": _b64uint(public.n), "e": _b64uint(public.e)}]}


def _handler(idp: FakeIdP) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output to the failures

        def _send(self, status: int, body: dict[str, Any] | None = None,
                  location: str | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/keys":
                self._send(200, idp.jwks())
            elif parts.path == "/authorize":
                # A real provider would refuse an unknown client or a request without a
                # nonce; so does this one, so a change in what the app sends shows up here.
                if (query.get("client_id") != CLIENT_ID or query.get("response_type") != "code"
                        or "openid" not in query.get("scope", "").split()
                        or not query.get("nonce") or not query.get("state")):
                    self._send(400, {"error": "invalid_request", "query": query})
                    return
                code = secrets.token_urlsafe(16)
                idp.codes[code] = (query["nonce"], query["redirect_uri"], idp.email)
                back = urlencode({"code": code, "state": query["state"]})
                self._send(302, location=f"{query['redirect_uri']}?{back}")
            else:
                self._send(404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path != "/token":
                self._send(404)
                return
            idp.token_requests += 1
            issued = idp.codes.pop(form.get("code", ""), None)
            if (issued is None or form.get("grant_type") != "authorization_code"
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != issued[1]):
                self._send(400, {"error": "invalid_grant"})
                return
            nonce, _, email = issued
            self._send(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": idp.id_token(nonce, email)})

    return Handler


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdP]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    provider = FakeIdP(f"http://127.0.0.1:{httpd.server_address[1]}/", _new_key())
    httpd.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(idp: FakeIdP, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    config = {
        "JOINEDUP_WEB_OIDC_ENABLED": "true",
        "JOINEDUP_WEB_OIDC_CLIENT_ID": CLIENT_ID,
        "JOINEDUP_WEB_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "JOINEDUP_WEB_OIDC_AUTHORIZATION_ENDPOINT": idp.url + "authorize",
        "JOINEDUP_WEB_OIDC_TOKEN_ENDPOINT": idp.url + "token",
        "JOINEDUP_WEB_OIDC_JWKS_ENDPOINT": idp.url + "keys",
        "JOINEDUP_WEB_OIDC_ROLE_CLAIM": "roles",
    }
    with serve_home(tmp_path_factory.mktemp("oidc-home"), config) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_behaviour(idp: FakeIdP) -> None:
    idp.behaviour = Behaviour()


class _Browser(requests.Session):
    """Sends Secure cookies back to http://127.0.0.1, as browsers do (loopback is a secure
    context to them); requests on its own would drop them."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def _browser() -> requests.Session:
    return _Browser()


@dataclass
class SignIn:
    browser: requests.Session
    session_before: str | None  # the session id the sign-in started with
    callback: requests.Response  # the app's answer to the provider's redirect back


def _sign_in(server: Server, idp: FakeIdP, email: str, *, state: str | None = None) -> SignIn:
    """One pass through the code flow in a new browser. `state` replaces the state the
    provider sends back."""
    browser = _browser()
    idp.email = email
    start = browser.get(server.url + "oidc/authenticate/", params={"next": NEXT},
                        allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    assert start.headers["Location"].startswith(idp.url + "authorize?")
    # The state and nonce are kept in the session: there is one before sign-in.
    session_before = browser.cookies.get(SESSION_COOKIE)
    at_idp = browser.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text
    back = urlsplit(at_idp.headers["Location"])
    if state is not None:
        query = {k: v[0] for k, v in parse_qs(back.query).items()}
        back = back._replace(query=urlencode({**query, "state": state}))
    callback = browser.get(urlunsplit(back), allow_redirects=False, timeout=10)
    return SignIn(browser, session_before, callback)


def _signed_in(server: Server, browser: requests.Session) -> bool:
    """Whether the browser's session is signed in: the sign-in page sends signed-in users on."""
    page = browser.get(server.url + "accounts/sign-in/", allow_redirects=False, timeout=10)
    return page.status_code == 302


def _audit_page(server: Server, browser: requests.Session) -> requests.Response:
    return browser.get(server.url + NEXT.lstrip("/"), allow_redirects=False, timeout=10)


def _db(server: Server) -> closing[sqlite3.Connection]:
    path = server.home / "web" / "app.sqlite3"
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10))


def _usernames(server: Server, email: str) -> list[str]:
    with _db(server) as db:
        return [u for (u,) in db.execute(
            "SELECT username FROM auth_user WHERE email = ? ORDER BY id", (email,))]


def _account(server: Server, email: str) -> tuple[str, str, list[str]] | None:
    """(username, password hash, role groups) of the local account for `email`."""
    with _db(server) as db:
        row = db.execute("SELECT id, username, password FROM auth_user WHERE email = ?",
                         (email,)).fetchone()
        if row is None:
            return None
        groups = [g for (g,) in db.execute(
            "SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id "
            "WHERE ug.user_id = ? ORDER BY g.name", (row[0],))]
    return row[1], row[2], groups


def _audit(server: Server, action: str, username: str | None = None) -> list[tuple[str, str]]:
    """(role, detail) of the audit events with this action (and user)."""
    sql = "SELECT role, detail FROM audit_auditevent WHERE action = ?"
    args: tuple[str, ...] = (action,)
    if username is not None:
        sql += " AND username = ?"
        args += (username,)
    with _db(server) as db:
        return [(role, detail) for role, detail in db.execute(sql + " ORDER BY seq", args)]


def _refused(sign_in: SignIn) -> None:
    """The sign-in was turned down: sent back to the sign-in page, or (tampering the library
    treats as an attack) a 400, and in either case nobody is signed in."""
    answer = sign_in.callback
    assert (answer.status_code, answer.headers.get("Location")) in (
        (302, FAILURE), (400, None)), (answer.status_code, answer.headers)


def test_one_role_signs_in_with_that_role_a_new_session_and_no_password(
        server: Server, idp: FakeIdP) -> None:
    idp.behaviour.roles = ["auditor"]
    email = "alice.auditor@council.example"
    done = _sign_in(server, idp, email)
    assert (done.callback.status_code, done.callback.headers.get("Location")) == (302, NEXT)
    page = _audit_page(server, done.browser)
    assert page.status_code == 200
    assert "(Auditor)" in page.text  # the banner names the role

    # No session fixation: the id from before sign-in is replaced and signs nobody in.
    after = done.browser.cookies.get(SESSION_COOKIE)
    assert done.session_before and after and after != done.session_before
    stale, current = _browser(), _browser()
    stale.cookies.set(SESSION_COOKIE, done.session_before)
    current.cookies.set(SESSION_COOKIE, after)
    assert not _signed_in(server, stale)
    assert _signed_in(server, current)  # so the cookie set by hand does reach the app

    account = _account(server, email)
    assert account is not None
    username, password, groups = account
    # Django's mark for an unusable password: nobody can sign in with one, even if password
    # sign-in were switched back on.
    assert password.startswith("!"), "an OIDC account must have no usable password"
    assert groups == ["auditor"]

    logins = _audit(server, "login", username)
    assert len(logins) == 1
    role, detail = logins[0]
    assert role == "auditor" and json.loads(detail)["method"] == "oidc"


@pytest.mark.parametrize("roles", [
    pytest.param(["auditor", "analyst"], id="two-roles"),
    pytest.param([], id="empty-claim"),
    pytest.param(None, id="no-claim"),
    pytest.param(["Directory.Reader"], id="only-unknown-roles"),
    pytest.param("auditor analyst", id="not-a-role-code"),
])
def test_not_exactly_one_role_is_refused(server: Server, idp: FakeIdP, roles: object) -> None:
    idp.behaviour.roles = roles
    email = f"refused-{secrets.token_hex(4)}@council.example"
    failures_before = len(_audit(server, "login_failed"))
    done = _sign_in(server, idp, email)
    assert (done.callback.status_code, done.callback.headers.get("Location")) == (302, FAILURE)
    assert not _signed_in(server, done.browser)
    assert _audit_page(server, done.browser).status_code == 302  # to the sign-in page
    assert _account(server, email) is None
    assert len(_audit(server, "login_failed")) == failures_before + 1


@pytest.mark.parametrize("tamper", ["other-signing-key", "wrong-nonce", "wrong-state",
                                    "expired", "never-expires", "other-audience"])
def test_forged_or_replayed_responses_are_refused(
        server: Server, idp: FakeIdP, tamper: str) -> None:
    idp.behaviour.roles = ["auditor"]
    state = None
    if tamper == "other-signing-key":
        # Same kid as the published key, so the app finds a key and must check the signature.
        idp.behaviour.signing_key = _new_key()
    elif tamper == "wrong-nonce":
        idp.behaviour.nonce = secrets.token_urlsafe(16)
    elif tamper == "expired":
        idp.behaviour.age = 600
    elif tamper == "never-expires":
        idp.behaviour.expires = False
    elif tamper == "other-audience":
        # Signed by the same tenant for another of its applications.
        idp.behaviour.audience = "some-other-app"
    else:
        state = secrets.token_urlsafe(16)
    email = f"{tamper}-{secrets.token_hex(4)}@council.example"
    redeemed = idp.token_requests
    done = _sign_in(server, idp, email, state=state)
    _refused(done)
    assert not _signed_in(server, done.browser)
    assert _account(server, email) is None
    # A forged state is caught before the code is redeemed; the others only after it.
    assert idp.token_requests == redeemed + (0 if tamper == "wrong-state" else 1)


def test_role_is_read_again_at_each_sign_in(server: Server, idp: FakeIdP) -> None:
    email = "sam.moves@council.example"
    idp.behaviour.roles = ["analyst"]
    first = _sign_in(server, idp, email)
    assert first.callback.headers.get("Location") == NEXT
    hidden = _audit_page(server, first.browser)
    # Pages a role may not use do not exist for it.
    assert hidden.status_code == 404 and "(Analyst)" in hidden.text

    idp.behaviour.roles = ["auditor"]
    second = _sign_in(server, idp, email)
    assert second.callback.headers.get("Location") == NEXT
    page = _audit_page(server, second.browser)
    assert page.status_code == 200 and "(Auditor)" in page.text

    account = _account(server, email)
    assert account is not None and account[2] == ["auditor"]  # the analyst group is gone
    # One audit event per sign-in, each with the role it was made with.
    assert [role for role, _ in _audit(server, "login", account[0])] == ["analyst", "auditor"]

    # Losing the role in the provider refuses the next sign-in.
    idp.behaviour.roles = []
    third = _sign_in(server, idp, email)
    assert third.callback.headers.get("Location") == FAILURE
    assert not _signed_in(server, third.browser)
    assert len(_audit(server, "login", account[0])) == 2


def test_a_code_is_redeemed_once(server: Server, idp: FakeIdP) -> None:
    idp.behaviour.roles = ["auditor"]
    done = _sign_in(server, idp, f"replay-{secrets.token_hex(4)}@council.example")
    assert done.callback.headers.get("Location") == NEXT
    # Replaying the same callback in another browser: no state in its session.
    thief = _browser()
    replay = thief.get(done.callback.url, allow_redirects=False, timeout=10)
    assert (replay.status_code, replay.headers.get("Location")) == (302, FAILURE)
    assert not _signed_in(server, thief)


def test_an_account_is_its_subject_never_its_email(server: Server, idp: FakeIdP) -> None:
    # A leaver's address given to a new starter: the provider knows them as another
    # subject, so they get an account of their own, not the leaver's role and audit trail.
    email = f"shared-{secrets.token_hex(4)}@council.example"
    idp.subjects[email] = "leaver-subject"
    idp.behaviour.roles = ["auditor"]
    first = _sign_in(server, idp, email)
    assert first.callback.headers.get("Location") == NEXT
    idp.subjects[email] = "starter-subject"
    idp.behaviour.roles = ["analyst"]
    second = _sign_in(server, idp, email)
    assert second.callback.headers.get("Location") == NEXT
    leaver, starter = _usernames(server, email)
    assert leaver != starter and all(u.startswith("oidc-") for u in (leaver, starter))
    assert [role for role, _ in _audit(server, "login", starter)] == ["analyst"]
    assert [role for role, _ in _audit(server, "login", leaver)] == ["auditor"]
    assert _audit_page(server, second.browser).status_code == 404  # the analyst's view

