"""/healthz and /readyz: no sign-in, no personal data, answered before host checks and the
HTTPS redirect (probes come from inside the deployment), and readiness that means it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client, override_settings

from joinedup.config import get_settings
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.core import probes
from joinedup.web.core.requestlog import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def _snapshot() -> None:
    store = SnapshotStore.from_settings(get_settings())
    with store.lock(), store.build() as build:
        build.con.execute("CREATE TABLE t (x INTEGER)")
        build.commit()


def _body(response: object) -> dict[str, object]:
    return json.loads(response.content)  # type: ignore[attr-defined, no-any-return]


def test_liveness_needs_nothing_and_says_nothing(home: Path) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert _body(response) == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.cookies  # no session, no CSRF cookie


def test_not_ready_without_a_snapshot_then_ready(home: Path) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert _body(response) == {"status": "not ready", "checks": {
        "database": "ok", "warehouse": "no current snapshot"}}
    _snapshot()
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert _body(response) == {"status": "ready",
                               "checks": {"database": "ok", "warehouse": "ok"}}


def test_not_ready_when_the_snapshot_file_is_gone(home: Path) -> None:
    _snapshot()
    store = SnapshotStore.from_settings(get_settings())
    current = store.current_id()
    assert current is not None
    store.path(current).unlink()
    assert Client().get("/readyz").status_code == 503


def test_not_ready_when_the_app_database_fails(home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _snapshot()

    class Broken:
        def cursor(self) -> object:
            raise DatabaseError("connection refused by db.internal:5432")

        def close_if_unusable_or_obsolete(self) -> None:
            pass

    monkeypatch.setattr(probes, "connection", Broken())
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert _body(response)["checks"] == {"database": "failing", "warehouse": "ok"}
    assert b"db.internal" not in response.content  # no error text, no host names


@override_settings(ALLOWED_HOSTS=["family.council.example"], SECURE_SSL_REDIRECT=True)
def test_probes_are_not_redirected_or_refused_for_their_host(home: Path) -> None:
    client = Client(HTTP_HOST="10.1.2.3:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # answered: no snapshot yet
    assert client.get("/accounts/sign-in/").status_code == 400  # pages still check the host
    public = Client(HTTP_HOST="family.council.example")
    assert public.get("/accounts/sign-in/").status_code == 301  # and still go to HTTPS


def test_probes_take_only_get_and_head(home: Path) -> None:
    assert Client().head("/healthz").status_code == 200
    refused = Client().post("/healthz")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"
    assert Client().get("/healthz/").status_code == 404  # only the exact paths are probes


# --- the request id and the log lines ----------------------------------------------------

@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the loggers write, through the app's own JSON formatter and request-id filter
    (the handler that LOGGING configures was bound to stderr before pytest captured it)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("joinedup", "django")]
    for logger in loggers:
        logger.addHandler(handler)
    yield out
    for logger in loggers:
        logger.removeHandler(handler)


def _log_lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_request_id_is_kept_when_sane_and_made_otherwise(
        home: Path, json_log: io.StringIO) -> None:
    given = Client().get("/how-we-use-data/", headers={"X-Request-ID": "lb-7f3a9c21.req"})
    assert given["X-Request-ID"] == "lb-7f3a9c21.req"
    for bad in ("x", "two\nlines-injected", "a" * 200, 'quote"quote-quote'):
        made = Client().get("/how-we-use-data/", headers={"X-Request-ID": bad})
        assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != bad
    assert Client().get("/healthz")["X-Request-ID"]


def test_one_json_line_per_request_with_its_id_and_no_query_string(
        home: Path, json_log: io.StringIO) -> None:
    Client().get("/how-we-use-data/?name=Bloggs", headers={"X-Request-ID": "req-00000001"})
    Client().get("/no-such-page/?dob=2014-03-02", headers={"X-Request-ID": "req-00000002"})
    lines = _log_lines(json_log)
    requests = [line for line in lines if line["logger"] == "joinedup.request"]
    assert [(r["request_id"], r["method"], r["path"], r["status"]) for r in requests] == [
        ("req-00000001", "GET", "/how-we-use-data/", 200),
        ("req-00000002", "GET", "/no-such-page/", 404)]
    assert all(isinstance(r["duration_ms"], float) and r["time"].endswith("Z")
               for r in requests)
    text = json.dumps(lines)
    assert "Bloggs" not in text and "2014-03-02" not in text


def test_errors_are_logged_once_with_the_request_id(
        home: Path, json_log: io.StringIO) -> None:
    Client().post("/healthz", headers={"X-Request-ID": "req-00000003"})
    lines = _log_lines(json_log)
    warnings = [line for line in lines if line["logger"] == "django.request"]
    assert len(warnings) == 1
    assert warnings[0]["request_id"] == "req-00000003" and warnings[0]["status_code"] == 405
