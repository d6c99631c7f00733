"""Idle timeout: a signed-in user who has made no request for the idle period is signed out.

Sliding: each request moves the deadline, to within ``RESOLUTION`` seconds. Writing the time
down on every request would make every page view a database write, and SQLite lets one writer
in at a time; so it is written when it has moved by ``RESOLUTION`` or more. The database
session (SESSION_COOKIE_AGE) is saved at the same moments, so it expires on the same clock and
a stolen cookie dies with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from joinedup.web import knobs

LAST_SEEN = "joinedup_last_seen"
RESOLUTION = 30  # seconds
TIMED_OUT = "joinedup_timed_out"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            idle = knobs.session_idle_seconds()
            if isinstance(last, int | float) and now - last > idle:
                from joinedup.web.audit.record import record

                record(request, "session_timeout", idle_seconds=int(now - last))
                request.joinedup_timed_out = True  # type: ignore[attr-defined]
                logout(request)
                request.session[TIMED_OUT] = True
            elif not isinstance(last, int | float) or now - last >= RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
