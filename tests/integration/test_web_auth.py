"""Sign-in throttling, idle timeout, one role per user, password rules, sign-in auditing."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from joinedup.web.accounts import throttle
from joinedup.web.accounts.middleware import LAST_SEEN
from joinedup.web.accounts.models import LoginFailure
from joinedup.web.accounts.roles import assign_role, role_of, sync_role_groups
from joinedup.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"
SIGN_IN = "/accounts/sign-in/"


def _user(name: str = "ann", role: str = "childrens_social_worker") -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    assign_role(user, role)
    return user


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_five_failures_lock_the_name_from_that_address() -> None:
    _user()
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        assert client.post(SIGN_IN, {"username": "ann", "password": "wrong"}).status_code == 200
    locked = client.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"too many failed attempts" in locked.content
    assert client.get("/").status_code == 302  # still not signed in
    assert _actions() == ["login_failed"] * 5 + ["login_locked"]
    # Another address, or another name, is not locked.
    assert Client(REMOTE_ADDR="10.0.0.8").post(
        SIGN_IN, {"username": "ann", "password": PASSWORD}).status_code == 302


def test_the_lock_lifts_after_the_window() -> None:
    _user()
    later = timezone.now() + dt.timedelta(minutes=16)
    for _ in range(5):
        throttle.record_failure("ann", "10.0.0.7")
    assert throttle.is_locked("ANN ", "10.0.0.7")  # names compare case-blind, trimmed
    assert not throttle.is_locked("ann", "10.0.0.7", now=later)


@override_settings(JOINEDUP_LOGIN_FAILURE_LIMIT=2)
def test_the_limit_is_a_setting() -> None:
    throttle.record_failure("ann", "10.0.0.7")
    assert not throttle.is_locked("ann", "10.0.0.7")
    throttle.record_failure("ann", "10.0.0.7")
    assert throttle.is_locked("ann", "10.0.0.7")


def test_success_clears_failures_and_typed_names_are_not_stored() -> None:
    _user()
    client = Client()
    client.post(SIGN_IN, {"username": "ann", "password": "wrong"})
    client.post(SIGN_IN, {"username": "hunter2-password", "password": "x"})
    keys = list(LoginFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all("hunter2" not in k and len(k) == 64 for k in keys)
    failed = AuditEvent.objects.filter(action="login_failed").order_by("seq")
    assert [e.username for e in failed] == ["ann", ""]  # an unknown name is never written
    client.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    assert LoginFailure.objects.count() == 1
    assert _actions()[-1] == "login"


def test_idle_session_is_signed_out_and_told_why() -> None:
    _user()
    client = Client()
    client.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 16 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    page = client.get(response["Location"])
    assert b"You were signed out because you did nothing for 15 minutes" in page.content
    assert _actions() == ["login", "session_timeout"]


def test_a_password_reset_ends_the_users_sessions_and_the_old_password() -> None:
    # The only reset there is: an administrator runs `joinedup web add-user` again.
    from joinedup.web.accounts.users import create_user

    create_user("ann", "childrens_social_worker", password=PASSWORD)
    client, other = Client(), Client()
    for browser in (client, other):
        browser.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
        assert browser.get("/").status_code == 200
    reset = create_user("ann", "childrens_social_worker")
    assert reset.password != PASSWORD
    for browser in (client, other):  # both sessions were tied to the old password's hash
        answer = browser.get("/")
        assert answer.status_code == 302 and answer["Location"].startswith(SIGN_IN)
    refused = Client().post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    assert refused.status_code == 200  # the form again, not signed in
    signed = Client()
    signed.post(SIGN_IN, {"username": "ann", "password": reset.password})
    assert signed.get("/").status_code == 200


def test_activity_slides_the_deadline() -> None:
    _user()
    client = Client()
    client.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    session = client.session
    session[LAST_SEEN] = time.time() - 14 * 60
    session.save()
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5
    assert client.session.get_expiry_age() == 15 * 60
    # The server-side session moved with it.
    stored = Session.objects.get(session_key=client.session.session_key)
    assert stored.expire_date > timezone.now() + dt.timedelta(minutes=14, seconds=50)


def test_requests_close_together_do_not_rewrite_the_session() -> None:
    _user()
    client = Client()
    client.post(SIGN_IN, {"username": "ann", "password": PASSWORD})
    client.get("/")
    first = client.session[LAST_SEEN]
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    client.get("/")
    assert client.session[LAST_SEEN] == first
    assert Session.objects.get(session_key=client.session.session_key).expire_date == stored


def test_a_user_has_exactly_one_role() -> None:
    user = _user()
    assert role_of(User.objects.get(pk=user.pk)) == "childrens_social_worker"
    assign_role(user, "auditor")
    fresh = User.objects.get(pk=user.pk)
    assert role_of(fresh) == "auditor"
    assert list(fresh.groups.values_list("name", flat=True)) == ["auditor"]
    fresh.groups.add(Group.objects.get(name="analyst"))
    assert role_of(User.objects.get(pk=user.pk)) is None  # two roles: no access at all
    with pytest.raises(ValueError, match="not a role"):
        assign_role(user, "superuser")


def test_role_groups_follow_the_policy() -> None:
    Group.objects.filter(name="auditor").delete()
    assert sync_role_groups() == ["auditor"]
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "childrens_social_worker", "early_help_practitioner", "adult_social_worker",
        "inclusion_officer", "analyst", "auditor", "administrator"}


def test_inactive_and_roleless_users() -> None:
    user = User.objects.create_user("bob", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert b"does not have a role yet" in client.get("/").content
    user.is_active = False
    user.save()
    response = Client().post(SIGN_IN, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 200 and b"Enter a correct user name" in response.content


@pytest.mark.parametrize("password", ["short-9", "password1234", "123456789012345"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)
    validate_password("tyre-lantern-quietly-42")


OIDC = {
    "OIDC_RP_CLIENT_ID": "client", "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example/token", "OIDC_OP_USER_ENDPOINT": "",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example/keys", "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile", "JOINEDUP_OIDC_ROLE_CLAIM": "roles",
}


@pytest.mark.parametrize(("claim", "role"), [
    (["auditor"], "auditor"),
    ("analyst", "analyst"),
    (["auditor", "Directory.Read"], "auditor"),
    (["auditor", "analyst"], None),  # two roles: refused
    (["Directory.Read"], None),
    (None, None),
])
def test_oidc_role_comes_from_exactly_one_app_role(claim: object, role: str | None) -> None:
    from joinedup.access import role_codes
    from joinedup.web.accounts.oidc import role_from_claims

    assert role_from_claims({"roles": claim}, "roles", role_codes()) == role


@override_settings(**OIDC)
def test_oidc_backend_refuses_no_role_and_assigns_the_role() -> None:
    from joinedup.web.accounts.oidc import RoleClaimOIDCBackend

    backend = RoleClaimOIDCBackend()
    claims = {"email": "jo@council.example", "sub": "abc", "roles": ["early_help_practitioner"]}
    assert backend.verify_claims(claims)
    assert not backend.verify_claims({**claims, "roles": []})
    assert backend.get_userinfo("access", "id", claims) is claims
    user = backend.create_user(claims)
    assert not user.has_usable_password()
    assert role_of(User.objects.get(pk=user.pk)) == "early_help_practitioner"
    backend.update_user(user, {**claims, "roles": ["auditor"]})
    assert role_of(User.objects.get(pk=user.pk)) == "auditor"
