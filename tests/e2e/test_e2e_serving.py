"""The production server as a council runs it (`joinedup serve`: gunicorn, DEBUG off,
collectstatic): probes, static files with hashed names and far-future caching, pages never
cached, and one JSON log line per request carrying the request id. No browser needed."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import Server, serve_home

TEN_YEARS = "max-age=315360000"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_home(tmp_path_factory.mktemp("serving-home")) as running:
        yield running


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_probes_through_gunicorn(server: Server) -> None:
    status, headers, body = _get(server.url + "healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    status, _, body = _get(server.url + "readyz")
    assert status == 503  # a fresh home: nothing ingested yet
    assert json.loads(body)["checks"] == {"database": "ok", "warehouse": "no current snapshot"}


def test_static_files_have_hashed_names_and_far_future_caching(server: Server) -> None:
    _, headers, body = _get(server.url + "accounts/sign-in/")
    assert headers["Cache-Control"] == "no-store, max-age=0"  # a page: never cached
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert links, "the page links no static files"
    for link in links:
        # name.<12 hex>.ext: whitenoise's manifest storage, so a new release is a new URL.
        assert re.search(r"\.[0-9a-f]{12}\.[a-z]+$", link), link
        status, got, _ = _get(server.url + link.lstrip("/"))
        assert status == 200, link
        assert TEN_YEARS in got["Cache-Control"] and "immutable" in got["Cache-Control"], link
    css = next(link for link in links if link.endswith(".css"))
    _, got, _ = _get(server.url + css.lstrip("/"), **{"Accept-Encoding": "gzip"})
    assert got.get("Content-Encoding") == "gzip"  # compressed once, at collectstatic
    plain = re.sub(r"\.[0-9a-f]{12}(\.[a-z]+)$", r"\1", css)
    _, got, _ = _get(server.url + plain.lstrip("/"))
    assert TEN_YEARS not in got.get("Cache-Control", "")  # the unhashed name may change


def test_json_log_lines_carry_the_request_id(server: Server) -> None:
    _get(server.url + "how-we-use-data/?name=Bloggs", **{"X-Request-ID": "e2e-req-0001"})
    _get(server.url + "no-such-page/", **{"X-Request-ID": "e2e-req-0002"})
    lines = [json.loads(line) for line in Path(server.log).read_text().splitlines()
             if line.startswith("{")]
    mine = {(line["request_id"], line["logger"], line.get("status", line.get("status_code")))
            for line in lines if str(line.get("request_id", "")).startswith("e2e-req-")}
    assert ("e2e-req-0001", "joinedup.request", 200) in mine
    assert ("e2e-req-0002", "joinedup.request", 404) in mine
    assert ("e2e-req-0002", "django.request", 404) in mine
    assert "Bloggs" not in Path(server.log).read_text()
