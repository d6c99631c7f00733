"""The WSGI module gunicorn loads in each worker: it starts loading the search index."""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType

import pytest

import joinedup.web.wsgi
from joinedup.web.familycontext import served


def _reload_wsgi() -> ModuleType:
    return importlib.reload(joinedup.web.wsgi)


def test_each_worker_starts_loading_the_index_as_it_starts(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    calls: list[str] = []
    monkeypatch.setattr(served.SERVED, "warm", lambda: calls.append("warm"))
    wsgi = _reload_wsgi()
    assert calls == ["warm"]
    assert callable(wsgi.application)


def test_a_worker_starts_even_when_the_index_cannot_be_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise OSError("snapshot file unreadable")

    monkeypatch.setattr(served.SERVED, "warm", broken)
    logged: list[tuple[str, BaseException | None]] = []
    # Django's setup (run again by the reload) replaces the logger's handlers, so the call
    # itself is caught.
    logger = logging.getLogger("joinedup.request")
    monkeypatch.setattr(logger, "exception", lambda message, *args, **kwargs: logged.append(
        (message, sys.exc_info()[1])))
    wsgi = _reload_wsgi()
    assert callable(wsgi.application)
    [(message, error)] = logged
    assert message == "could not start loading the index"
    assert isinstance(error, OSError) and "unreadable" in str(error)
