"""The warehouse snapshot being served, held once per process: a read-only DuckDB connection
and the search index, renewed when the warehouse's CURRENT pointer changes.

Every request reads CURRENT (a few bytes; a link run replaces it atomically). When it names a
snapshot not yet open, the connection to it is opened at once (tens of milliseconds), so the
person pages show the new snapshot from the next request on. The search index takes longer
(about a second on the small borough, more at a million records), so after a change it is
loaded in a background thread while searches carry on with the previous index: person ids
are stable across link runs, and result rows are always read from the current snapshot.
Only the first index of a process (or of another data home) is waited for, and the start page
starts loading it (`warm`) so that it is usually ready before the first search.

Requests never share a DuckDB connection object: each takes its own ``cursor()`` of the
snapshot's connection (a quarter of a millisecond) and closes it at the end. A replaced
snapshot's connection is not closed explicitly, because that would close the cursors of
requests still running on it; it closes when the last of them lets go of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError, WarehouseError
from joinedup.linkage.search import SearchIndex
from joinedup.linkage.warehouse_link import model_path
from joinedup.warehouse.snapshots import CURRENT_FILE, SnapshotStore

Key = tuple[str, str]
"""(snapshots folder, snapshot id): what identifies a served snapshot in this process."""


class DataUnavailable(JoinedUpError):
    """No snapshot to serve, or one the pages cannot read (never linked); says what to do."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    key: Key
    connection: duckdb.DuckDBPyConnection
    """Opened read-only; requests use ``cursor()``, never this object itself."""
    model: Path
    """The matching model of the warehouse (the search index scores with it)."""


@dataclass(frozen=True, slots=True)
class IndexState:
    key: Key
    index: SearchIndex | None
    problem: str | None
    """Why there is no index (the snapshot was never linked...)."""


def _pointer() -> tuple[SnapshotStore, Path, str | None]:
    settings = get_settings()
    store = SnapshotStore.from_settings(settings)
    try:
        text = (store.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return store, model_path(settings), None
    return store, model_path(settings), text or None


class Served:
    """The process's snapshot connection and search index (module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._index: IndexState | None = None
        self._loading: dict[Key, threading.Event] = {}

    def snapshot(self) -> Snapshot:
        """The snapshot CURRENT names, opened once. Raises DataUnavailable without one."""
        store, model, run_id = _pointer()
        if run_id is None:
            raise DataUnavailable("no warehouse snapshot has been loaded yet: run "
                                  "`joinedup ingest` and `joinedup link` (or `joinedup demo`).")
        key = (str(store.root), run_id)
        held = self._snapshot
        if held is not None and held.key == key:
            return held
        with self._lock:
            held = self._snapshot
            if held is None or held.key != key:
                try:
                    connection = store.open(run_id)
                except WarehouseError as exc:
                    raise DataUnavailable(str(exc)) from exc
                held = self._snapshot = Snapshot(key, connection, model)
            return held

    @contextmanager
    def cursor(self) -> Iterator[tuple[Key, duckdb.DuckDBPyConnection]]:
        """A connection of this request's own to the current snapshot, closed afterwards."""
        snapshot = self.snapshot()
        cursor = snapshot.connection.cursor()
        try:
            yield snapshot.key, cursor
        finally:
            cursor.close()

    def search_index(self, *, wait: bool = False) -> SearchIndex:
        """The index of the current snapshot, or the previous one while the new one loads in
        the background (``wait`` waits for the new one). Raises DataUnavailable when the
        current snapshot cannot be searched and no index of this data home is at hand."""
        snapshot = self.snapshot()
        state = self._index
        if state is not None and state.key == snapshot.key:
            return _usable(state)
        loaded = self._start_loading(snapshot)
        if (not wait and state is not None and state.index is not None
                and state.key[0] == snapshot.key[0]):
            return state.index
        loaded.wait()
        state = self._index
        if state is None or state.key != snapshot.key:
            return self.search_index(wait=True)  # CURRENT moved on again meanwhile
        return _usable(state)

    def warm(self) -> None:
        """Start loading the current snapshot's index if it is not held (never waits): the
        start page calls it, so the index is ready by the time the first search is typed."""
        try:
            snapshot = self.snapshot()
        except DataUnavailable:
            return
        state = self._index
        if state is None or state.key != snapshot.key:
            self._start_loading(snapshot)

    def _start_loading(self, snapshot: Snapshot) -> threading.Event:
        """The load of this snapshot's index under way, started if none is."""
        with self._lock:
            loading = self._loading.get(snapshot.key)
            if loading is not None:
                return loading
            loading = self._loading[snapshot.key] = threading.Event()

        def load() -> None:
            state = _load(snapshot)
            with self._lock:
                if self._snapshot is not None and self._snapshot.key == snapshot.key:
                    self._index = state
                self._loading.pop(snapshot.key, None)
            loading.set()

        threading.Thread(target=load, name="joinedup-search-index", daemon=True).start()
        return loading


def _load(snapshot: Snapshot) -> IndexState:
    cursor = snapshot.connection.cursor()
    try:
        index = SearchIndex.open(cursor, snapshot.model)
    except JoinedUpError as exc:
        return IndexState(snapshot.key, None, str(exc))
    except duckdb.Error as exc:
        return IndexState(snapshot.key, None, f"the snapshot's search tables cannot be read "
                                              f"({exc}): run `joinedup link`.")
    finally:
        cursor.close()
    return IndexState(snapshot.key, index, None)


def _usable(state: IndexState) -> SearchIndex:
    if state.index is None:
        raise DataUnavailable(f"search is not available on this snapshot: {state.problem}")
    return state.index


SERVED = Served()
"""The one per process."""
