"""Aggregate results kept per process, keyed by the snapshot they were read from.

A snapshot never changes once published, so a table, headline or filter list computed from
one is right for as long as that snapshot is served; when CURRENT moves on, the keys change
and old entries age out. Person-level rows (drill-down) are never kept here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
LIMIT = 2048
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def frozen(chosen: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(sorted(v))) for k, v in chosen.items()))


def cached(key: Hashable, compute: Callable[[], T]) -> T:
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
