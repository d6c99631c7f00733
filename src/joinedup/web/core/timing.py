"""``Server-Timing: app;dur=<ms>`` on every response when the ``web_server_timing`` setting is
on: the time from the first middleware to the response, which is what bench/web.py reports
(the client's own clock would add the network and its own threads' waiting)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not getattr(settings, "JOINEDUP_SERVER_TIMING", False):
            raise MiddlewareNotUsed("web_server_timing is off")
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
