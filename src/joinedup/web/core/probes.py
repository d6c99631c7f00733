"""``/healthz`` (liveness) and ``/readyz`` (readiness) for a load balancer or container runtime.

Answered by a middleware at the very top of the stack, before host checking, the HTTPS
redirect and sign-in: probes arrive over plain HTTP from inside the deployment, with a Host
that is the container's address rather than the public name, and must see the app's own
state, not a redirect or a 400. The answers carry no personal data, no snapshot id and no
error text (which could name hosts or paths): only which check failed.

- liveness: the process answers. Nothing else is touched, so a database outage does not get
  every worker restarted.
- readiness: the app database answers a query and the warehouse has a current snapshot whose
  file exists. Until both hold the instance should get no traffic.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.warehouse.snapshots import SnapshotStore

LIVE_PATH = "/healthz"
READY_PATH = "/readyz"
PROBE_PATHS = (LIVE_PATH, READY_PATH)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        # A broken connection must not stay cached in this thread for the next request.
        connection.close_if_unusable_or_obsolete()
        return False


def warehouse_ok() -> bool:
    try:
        store = SnapshotStore.from_settings(get_settings())
        current = store.current_id()
        return current is not None and store.path(current).is_file()
    except (JoinedUpError, OSError):
        return False


def readiness() -> dict[str, str]:
    return {"database": "ok" if database_ok() else "failing",
            "warehouse": "ok" if warehouse_ok() else "no current snapshot"}


def _json(status: int, body: dict[str, object]) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def answer(path: str) -> HttpResponse:
    if path == LIVE_PATH:
        return _json(200, {"status": "ok"})
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return _json(200 if ready else 503, {"status": "ready" if ready else "not ready",
                                         "checks": checks})


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PROBE_PATHS:
            if request.method not in ("GET", "HEAD"):
                response = _json(405, {"status": "method not allowed"})
                response["Allow"] = "GET, HEAD"
                return response
            return answer(request.path_info)
        return self.get_response(request)
