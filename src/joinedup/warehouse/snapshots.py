"""Warehouse snapshots: one DuckDB file per run, switched atomically.

Layout of ``<warehouse_dir>/snapshots``::

    <id>.duckdb              committed snapshots; id = UTC start time + random suffix (sortable)
    .building-<id>.duckdb    the run in progress, or the leftovers of a killed one
    CURRENT                  one line: the id of the snapshot readers are served
    .lock                    held with flock by the one run (or rollback) allowed at a time

A build only becomes ``<id>.duckdb`` after CHECKPOINT, close and fsync, and CURRENT only
moves after that rename (temp file, fsync, ``os.replace``, fsync of the folder). So a run that
fails, is interrupted or is killed at any point leaves CURRENT and the served file untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb

from joinedup.config import Settings, get_settings
from joinedup.errors import WarehouseError
from joinedup.warehouse.runinfo import SnapshotSummary, read_summary

SUFFIX = ".duckdb"
BUILDING_PREFIX = ".building-"
CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
_POINTER_TMP_PREFIX = ".CURRENT-"
RUN_ID_RE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}$")
_ID_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"


def new_run_id(now: dt.datetime | None = None, suffix: str | None = None) -> str:
    """A run id such as ``20261121T193012.482913Z-7f3a9c``: sorts in time order as text.

    Microseconds keep quick successive runs in order; the suffix keeps ids unique even if two
    machines share a folder or the clock repeats.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment.strftime(_ID_TIME_FORMAT)}-{suffix or secrets.token_hex(3)}"


def run_id_time(run_id: str) -> dt.datetime:
    """When the run with this id started (UTC)."""
    return dt.datetime.strptime(run_id.split("-", 1)[0], _ID_TIME_FORMAT).replace(tzinfo=dt.UTC)


def snapshots_to_prune(ids: list[str], current: str | None, keep: int) -> list[str]:
    """Which committed snapshots to delete so that at most ``keep`` remain.

    The current snapshot always stays (it may be an old one after a rollback); the rest of the
    allowance goes to the newest others.
    """
    if keep < 1:
        raise WarehouseError(f"snapshots_keep must be at least 1, not {keep}.")
    others = sorted((i for i in ids if i != current), reverse=True)
    allowance = keep - 1 if current in ids else keep
    return sorted(others[allowance:])


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """A committed snapshot as listed to users."""

    id: str
    path: Path
    created: dt.datetime
    size: int
    current: bool
    summary: SnapshotSummary | None  # None when the file cannot be read

    @property
    def sources(self) -> tuple[str, ...]:
        return self.summary.sources if self.summary else ()

    @property
    def rows(self) -> int | None:
        return self.summary.rows_loaded if self.summary else None


def copy_committed(source: Path, target: Path) -> bool:
    """Copy a committed snapshot file byte for byte; False (nothing copied) when a write-ahead
    log lies beside it, i.e. someone wrote to it after its commit and the file alone may not
    hold everything.

    A committed snapshot is checkpointed and closed, so its file is the whole database. The
    read-only connection held meanwhile takes DuckDB's shared file lock: a maintenance writer
    cannot change the file halfway through the copy (and one already writing makes this
    fail, as an ATTACH would).
    """
    with duckdb.connect(str(source), read_only=True):
        if source.with_name(source.name + ".wal").exists():
            return False
        shutil.copyfile(source, target)
    return True


class SnapshotBuild:
    """A snapshot being written. Call ``commit()`` to publish it; anything else discards it.

    With ``seed`` (a committed snapshot's path) the build starts as a byte copy of that
    snapshot when `copy_committed` can make one; ``seeded`` says whether it did.
    """

    def __init__(self, store: SnapshotStore, run_id: str, seed: Path | None = None) -> None:
        self.store = store
        self.id = run_id
        self.path = store.root / f"{BUILDING_PREFIX}{run_id}{SUFFIX}"
        # A file copy takes a second where COPY FROM DATABASE re-encodes every table (about
        # 20 s for a million-record linked snapshot).
        self.seeded = seed is not None and copy_committed(seed, self.path)
        self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(self.path))
        # A build is committed once, at the end: DuckDB's automatic checkpoints every 16 MB of
        # log cost about a third of the load time and buy nothing a discarded build needs.
        self.con.execute("SET checkpoint_threshold = '1GB'")
        self.committed = False

    def side_file(self, name: str) -> Path:
        """A scratch file that lives and dies with this build (cleaned like the build itself)."""
        return self.store.root / f"{BUILDING_PREFIX}{self.id}.{name}"

    def commit(self) -> Path:
        """Make the build durable, give it its final name, then point CURRENT at it."""
        self.con.execute("CHECKPOINT")
        self.con.close()
        wal = self.path.with_name(self.path.name + ".wal")
        if wal.exists():
            raise WarehouseError(
                f"{wal} still exists after CHECKPOINT and close, so the snapshot is not "
                "self-contained; nothing was switched. Check disk space and run again."
            )
        _fsync_path(self.path)
        final = self.store.path(self.id)
        if final.exists():
            raise WarehouseError(f"{final} already exists; nothing was switched. Run again.")
        os.rename(self.path, final)
        _fsync_path(self.store.root, directory=True)
        self.store.switch(self.id)
        self.committed = True
        return final

    def discard(self) -> None:
        with suppress(duckdb.Error):
            self.con.close()
        self.remove_files(self.store, self.id)

    @staticmethod
    def remove_files(store: SnapshotStore, run_id: str) -> None:
        """Delete a build's file and side files."""
        for leftover in store.root.glob(f"{BUILDING_PREFIX}{run_id}*"):
            leftover.unlink(missing_ok=True)


class SnapshotStore:
    """The snapshots folder: listing, building, switching, pruning and rolling back."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock: IO[str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SnapshotStore:
        return cls((settings or get_settings()).warehouse_dir / "snapshots")

    # Paths and the pointer -----------------------------------------------------------------

    def path(self, run_id: str) -> Path:
        if not RUN_ID_RE.match(run_id):
            raise WarehouseError(
                f"{run_id!r} is not a snapshot id; `joinedup snapshots list` shows them."
            )
        return self.root / f"{run_id}{SUFFIX}"

    def current_id(self) -> str | None:
        """The id in CURRENT, or None before the first successful run."""
        pointer = self.root / CURRENT_FILE
        try:
            text = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not RUN_ID_RE.match(text):
            raise WarehouseError(
                f"{pointer} does not hold a snapshot id ({text[:40]!r}). Run "
                "`joinedup snapshots rollback ID` with an id from `joinedup snapshots list`."
            )
        return text

    def ids(self) -> list[str]:
        """Committed snapshot ids, oldest first. Builds in progress never appear."""
        if not self.root.is_dir():
            return []
        found = (p.name[: -len(SUFFIX)] for p in self.root.glob(f"*{SUFFIX}"))
        return sorted(i for i in found if RUN_ID_RE.match(i))

    def resolve(self, id_or_prefix: str) -> str:
        """A committed snapshot id from the id itself or an unambiguous prefix of it."""
        ids = self.ids()
        if id_or_prefix in ids:
            return id_or_prefix
        matches = [i for i in ids if id_or_prefix and i.startswith(id_or_prefix)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(ids) or "none yet; run `joinedup ingest`"
        why = "matches several snapshots" if matches else "is not a kept snapshot"
        raise WarehouseError(f"{id_or_prefix!r} {why}. Snapshots: {known}.")

    def switch(self, run_id: str) -> None:
        """Point CURRENT at a committed snapshot, atomically and durably."""
        if not self.path(run_id).is_file():
            raise WarehouseError(f"snapshot {run_id} does not exist; nothing was switched.")
        tmp = self.root / f"{_POINTER_TMP_PREFIX}{run_id}.tmp"
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                handle.write(run_id + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.root / CURRENT_FILE)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_path(self.root, directory=True)

    # The one-run-at-a-time lock -------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the exclusive lock, or fail at once with who holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        # Opened without truncating: the holder's pid must survive for the error message.
        handle = (self.root / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise WarehouseError(
                f"another `joinedup ingest` or rollback is running ({holder}); only one may run "
                f"at a time. Wait for it to finish, then run again (lock: {self.root / LOCK_FILE})."
            ) from None
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()}, started {started}\n")
        handle.flush()
        self._lock = handle
        try:
            yield
        finally:
            self._lock = None
            handle.close()  # closing releases the flock; the kernel does the same on SIGKILL

    def _require_lock(self) -> None:
        if self._lock is None:
            raise WarehouseError("internal: hold SnapshotStore.lock() before changing snapshots.")

    # Building ----------------------------------------------------------------------------

    def clean_leftovers(self) -> list[Path]:
        """Delete what killed runs left behind. Safe only under the lock: no one else builds."""
        self._require_lock()
        removed = []
        for pattern in (f"{BUILDING_PREFIX}*", f"{_POINTER_TMP_PREFIX}*.tmp"):
            for leftover in self.root.glob(pattern):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
        return sorted(removed)

    @contextmanager
    def build(self, run_id: str | None = None, *,
              seed: str | None = None) -> Iterator[SnapshotBuild]:
        """A new snapshot under a temporary name; discarded unless ``commit()`` was called.

        ``seed``: the id of a committed snapshot to start from as a file copy (see
        `SnapshotBuild`); the build is empty when the copy cannot be made.
        """
        self._require_lock()
        run_id = run_id or new_run_id()
        seed_path = self.path(seed) if seed is not None else None
        try:
            build = SnapshotBuild(self, run_id, seed_path)
        except BaseException:
            SnapshotBuild.remove_files(self, run_id)
            raise
        try:
            yield build
        finally:
            if not build.committed:
                build.discard()

    # Retention and rollback ----------------------------------------------------------------

    def prune(self, keep: int) -> list[str]:
        """Delete old snapshots beyond ``keep``, never the current one; returns deleted ids."""
        self._require_lock()
        doomed = snapshots_to_prune(self.ids(), self.current_id(), keep)
        for run_id in doomed:
            path = self.path(run_id)
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
        return doomed

    def rollback(self, id_or_prefix: str) -> tuple[str | None, str]:
        """Serve an earlier (or any kept) snapshot; returns (previous id, new id)."""
        with self.lock():
            target = self.resolve(id_or_prefix)
            previous = self.current_id()
            with self.open(target) as con:
                con.execute("SELECT 1").fetchall()  # refuse to switch to an unreadable file
            self.switch(target)
        return previous, target

    def remove_reports(self, reports_dir: Path, run_ids: list[str]) -> None:
        """Delete the reports (quarantine exports hold personal data) of pruned snapshots."""
        for run_id in run_ids:
            self.path(run_id)  # validates the id before it is used in a path
            shutil.rmtree(reports_dir / run_id, ignore_errors=True)

    @staticmethod
    def place_side_file(staged: Path, target: Path, if_lost: str) -> list[str]:
        """Move a file staged beside a build to its home once the build is published.

        The run has already succeeded, so a failure is a warning naming the target and
        ``if_lost`` (what the user still has, or what happens next), not an error.
        """
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged, target)
        except OSError as exc:
            return [f"could not write {target} ({exc}); {if_lost}"]
        return []

    def housekeep(self, keep: int, reports_dir: Path) -> tuple[list[str], list[str]]:
        """After a publish: prune old snapshots and their reports. A failure is a warning,
        not an error, because the run it follows has already succeeded.
        Returns (pruned ids, warnings)."""
        try:
            pruned = self.prune(keep)
            self.remove_reports(reports_dir, pruned)
        except OSError as exc:
            return [], [f"could not delete old snapshots ({exc}); the next run tries again"]
        return pruned, []

    # Reading -----------------------------------------------------------------------------

    def list(self) -> list[SnapshotInfo]:
        """Committed snapshots, newest first, with what each run loaded."""
        current = self.current_id()
        infos = []
        for run_id in reversed(self.ids()):
            path = self.path(run_id)
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue  # pruned by a concurrent run since ids() looked
            summary = self.summary(run_id)
            created = summary.finished if summary else run_id_time(run_id)
            infos.append(SnapshotInfo(run_id, path, created, size, run_id == current, summary))
        return infos

    def summary(self, run_id: str) -> SnapshotSummary | None:
        try:
            with duckdb.connect(str(self.path(run_id)), read_only=True) as con:
                return read_summary(con)
        except duckdb.Error:
            return None

    def open(self, run_id: str, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        path = self.path(run_id)
        if not path.is_file():
            raise WarehouseError(
                f"snapshot {run_id} is missing ({path}). Run `joinedup snapshots list`, then "
                "`joinedup snapshots rollback ID` or `joinedup ingest`."
            )
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open snapshot {run_id} ({path}): {exc}") from exc

    def open_current(self, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        run_id = self.current_id()
        if run_id is None:
            raise WarehouseError(
                f"there is no warehouse snapshot yet in {self.root}: run `joinedup ingest` first."
            )
        return self.open(run_id, read_only=read_only)


def open_current(
    read_only: bool = True, *, settings: Settings | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the snapshot being served; how the web and marts read the warehouse.

    Read-only by default: many readers may share a snapshot, and a committed snapshot is never
    changed. ``read_only=False`` is for maintenance only, and edits the served file in place.
    """
    return SnapshotStore.from_settings(settings).open_current(read_only=read_only)
