"""A request id on every request and one structured (JSON) log line per request.

The id comes from the proxy's ``X-Request-ID`` when it sends a sane one (so the proxy's log,
ours and the user's error report name the same request), else a new random one; it goes back
in the response's ``X-Request-ID`` and onto every log line written while the request runs.

Log lines never hold personal data: the path without its query string (person pages carry
only opaque ids; searches are POSTed), the status, the time taken, and no user name.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

from joinedup.web.core.probes import PROBE_PATHS

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# What we accept from outside: short and plain, so it cannot forge a log line or a header.
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger("joinedup.request")

# LogRecord attributes that are not extra fields given by the caller.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


def request_id_for(request: HttpRequest) -> str:
    given = str(request.META.get(META_KEY, ""))
    return given if ACCEPTED.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id_for(request)
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            if response.status_code >= 400:
                # Django logs 4xx and 5xx after every middleware has returned, when the id is
                # gone; logging here marks the response as logged, so it is logged once, with it.
                log_response("%s: %s", response.reason_phrase, request.path,
                             response=response, request=request)
            probe = request.path_info in PROBE_PATHS
            logger.log(logging.DEBUG if probe else logging.INFO, "request",
                       extra={"method": request.method, "path": request.path_info,
                              "status": response.status_code,
                              "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
            return response
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        # Plain values only: Django adds the request object, whose text holds the query
        # string, and a query string may hold what someone typed.
        for key, value in vars(record).items():
            if (key not in _STANDARD and key not in line and not key.startswith("_")
                    and isinstance(value, str | int | float | bool | None)):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "joinedup.web.core.requestlog.RequestIdFilter"}},
    "formatters": {"json": {"()": "joinedup.web.core.requestlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                             "filters": ["request_id"]}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "joinedup": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
