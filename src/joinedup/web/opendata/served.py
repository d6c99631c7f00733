"""What the portal serves, read through joinedup.opendata's named queries: the declared
datasets, their published versions and status. Entries are re-read when the store changes
(one stat per dataset per request), so a build is visible at once without a restart."""

from __future__ import annotations

import threading
from typing import Any

from django.http import Http404

from joinedup.config import get_settings
from joinedup.opendata.build import store_for
from joinedup.opendata.query import Entry, boundaries, entry
from joinedup.opendata.spec import DatasetSpec, load_specs
from joinedup.opendata.store import Store

CATALOGUE_TITLE = "Open data"
PUBLISHER = "joinedup"

_lock = threading.Lock()
_cache: dict[str, tuple[float, Entry]] = {}
_specs: dict[str, DatasetSpec] = {}
_shapes: dict[str, dict[str, Any] | None] = {}


def store() -> Store:
    return store_for(get_settings())


def specs() -> dict[str, DatasetSpec]:
    with _lock:
        if not _specs:
            _specs.update(load_specs())
        return dict(_specs)


def dataset(name: str) -> Entry:
    """One dataset's entry, or 404 for a name that is not declared."""
    spec = specs().get(name)
    if spec is None:
        raise Http404("No such dataset")
    s = store()
    stamp = s.mtime(name)
    with _lock:
        cached = _cache.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    fresh = entry(spec, s)
    with _lock:
        _cache[name] = (stamp, fresh)
    return fresh


def catalogue() -> list[Entry]:
    return sorted((dataset(name) for name in specs()), key=lambda e: e.spec.title)


def shapes(level: str) -> dict[str, Any] | None:
    """Boundaries for a geography level from the reference data, read once."""
    with _lock:
        if level not in _shapes:
            _shapes[level] = boundaries(get_settings().reference_data, level)
        return _shapes[level]


def clear() -> None:
    """Forget what was read (tests point the settings at a new home)."""
    with _lock:
        _cache.clear()
        _specs.clear()
        _shapes.clear()
