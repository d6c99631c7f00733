"""Sign-in, sign-out and failed sign-in go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from joinedup.web.audit.record import append, client_ip


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from joinedup.web.accounts.roles import role_of

    append("login", username=user.get_username(), role=role_of(user) or "",
           client_ip=client_ip(request),
           detail={"method": "oidc" if getattr(user, "backend", "").endswith("OIDCBackend")
                   else "password"})


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None or getattr(request, "joinedup_timed_out", False):
        return  # the timeout was audited as session_timeout
    from joinedup.web.accounts.roles import role_of

    append("logout", username=user.get_username(), role=role_of(user) or "",
           client_ip=client_ip(request))


def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    typed = str(credentials.get("username", ""))
    # Only a real account's name is written down: a password typed into the user name box
    # must not end up in the log.
    known = get_user_model().objects.filter(username=typed).exists()
    append("login_failed", username=typed if known else "",
           client_ip=client_ip(request) if request is not None else "",
           detail={"known_user": known})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="joinedup_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="joinedup_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="joinedup_audit_login_failed")
