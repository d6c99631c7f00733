"""joinedup's own Django settings (JOINEDUP_*), typed. conf.build sets them; the type checker
cannot see settings made by a function, so the apps read them through here."""

from __future__ import annotations

from django.conf import settings


def _value(name: str) -> object:
    return getattr(settings, name)


def session_idle_seconds() -> int:
    return int(str(_value("JOINEDUP_SESSION_IDLE_SECONDS")))


def login_failure_limit() -> int:
    return int(str(_value("JOINEDUP_LOGIN_FAILURE_LIMIT")))


def login_lockout_seconds() -> int:
    return int(str(_value("JOINEDUP_LOGIN_LOCKOUT_SECONDS")))


def oidc_enabled() -> bool:
    return bool(_value("JOINEDUP_OIDC_ENABLED"))


def oidc_role_claim() -> str:
    return str(_value("JOINEDUP_OIDC_ROLE_CLAIM"))
