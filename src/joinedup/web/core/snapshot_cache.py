"""Values worked out from the served snapshot, kept per process and keyed by the snapshot
they were read from.

A snapshot never changes once published, so a list, table, headline or filter list computed
from one is right for as long as that snapshot is served; when CURRENT moves on, the keys
change and old entries age out (least recently used first). A page must not wait seconds for
what it can hold in memory: the SPD review list, GP alerts, dashboards' aggregate tables.
Person-level rows shown to one user (dashboard drill-down) are never kept here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import duckdb

from joinedup.web.familycontext.served import SERVED

T = TypeVar("T")
LIMIT = 2048
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The value kept under `key` (which must name the snapshot), computing it once."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
    value = compute()  # outside the lock: two requests may compute the same, both right
    with _lock:
        _entries[key] = value
        while len(_entries) > LIMIT:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()


class SnapshotCache(Generic[T]):
    """One value built from the whole served snapshot (`build(con)`), kept in `cached`."""

    def __init__(self, build: Callable[[duckdb.DuckDBPyConnection], T]) -> None:
        self._build = build

    def get(self) -> tuple[str, T]:
        """The snapshot id and the value for the snapshot being served (built on first use
        after each switch). Raises DataUnavailable without a snapshot."""
        with SERVED.cursor() as (key, con):
            return str(key[1]), cached((self, key), lambda: self._build(con))
