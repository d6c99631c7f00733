"""A value worked out from the served snapshot once per snapshot and process: a page must
not wait seconds for a list it can hold in memory (the SPD review list, GP alerts)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import duckdb

from joinedup.web.familycontext.served import SERVED

T = TypeVar("T")


class SnapshotCache(Generic[T]):
    def __init__(self, build: Callable[[duckdb.DuckDBPyConnection], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._key: object = None
        self._value: T | None = None

    def get(self) -> tuple[str, T]:
        """The snapshot id and the value for the snapshot being served (built on first use
        after each switch). Raises DataUnavailable without a snapshot."""
        with SERVED.cursor() as (key, con), self._lock:
            if key != self._key or self._value is None:
                self._value = self._build(con)
                self._key = key
            return str(key[1]), self._value
