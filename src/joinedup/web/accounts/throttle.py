"""Login throttling: after N failed sign-ins for one user name from one address inside the
window, further attempts from there are refused (and audited) until the window has passed.

Counted per user name and address so that one attacker cannot lock a colleague out from
elsewhere; failures are kept in the database, so every gunicorn worker sees the same count.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.crypto import salted_hmac

from joinedup.web import knobs
from joinedup.web.accounts.models import LoginFailure

_SALT = "joinedup.accounts.login-failure"


def _key(username: str) -> str:
    return salted_hmac(_SALT, username.strip().casefold(), algorithm="sha256").hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=knobs.login_lockout_seconds())


def recent_failures(username: str, ip: str, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - _window()
    return LoginFailure.objects.filter(key=_key(username), client_ip=ip, at__gt=since).count()


def is_locked(username: str, ip: str, now: dt.datetime | None = None) -> bool:
    return recent_failures(username, ip, now) >= knobs.login_failure_limit()


def record_failure(username: str, ip: str, now: dt.datetime | None = None) -> None:
    moment = now or timezone.now()
    LoginFailure.objects.create(key=_key(username), client_ip=ip, at=moment)
    # Old rows are no use to anyone; trimming here keeps the table small without a cron job.
    LoginFailure.objects.filter(at__lt=moment - 4 * _window()).delete()


def clear_failures(username: str, ip: str) -> None:
    LoginFailure.objects.filter(key=_key(username), client_ip=ip).delete()
