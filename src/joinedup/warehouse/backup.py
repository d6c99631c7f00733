"""Backing up and restoring the warehouse: the served snapshot (or every kept one), CURRENT,
the linkage state (person ids, review decisions, the model) and the run reports.

A backup is taken under the pipeline lock, so no run or rollback changes the warehouse
while it is copied; snapshots are immutable once committed, so a byte copy is exact. SQLite
files beside them (the linkage state) are copied with SQLite's online backup, which is
consistent even while a reviewer records a decision. Every file copied is listed in the
backup's manifest with its size and SHA-256, and checked against it before a restore.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from joinedup.config import Settings
from joinedup.errors import WarehouseError
from joinedup.warehouse.snapshots import CURRENT_FILE, SnapshotStore

MANIFEST = "manifest.json"
WAREHOUSE = "warehouse"
LINKAGE = "linkage"
REPORTS = "reports"


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its WAL included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a folder; SQLite databases in it by the online backup, the rest as bytes."""
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in (".sqlite", ".sqlite3"):
            sqlite_copy(path, dest)
        else:
            shutil.copy2(path, dest)


def file_list(root: Path, paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """{relative path: {bytes, sha256}} for the manifest."""
    return {str(p.relative_to(root)): {"bytes": p.stat().st_size, "sha256": digest(p)}
            for p in sorted(paths) if p.is_file()}


def check_files(root: Path, files: dict[str, dict[str, Any]]) -> None:
    """Raise naming the first file that is missing or differs from the manifest."""
    for name, expected in files.items():
        path = root / name
        if not path.is_file():
            raise WarehouseError(f"the backup in {root} lacks {name}; it is incomplete. Use "
                                 "another backup.")
        if path.stat().st_size != expected["bytes"] or digest(path) != expected["sha256"]:
            raise WarehouseError(f"{path} differs from the backup's manifest (damaged or "
                                 "changed since); nothing was restored. Use another backup.")


def back_up_warehouse(settings: Settings, dest: Path, *, every_snapshot: bool = False
                      ) -> dict[str, Any]:
    """Copy the warehouse into ``dest/warehouse``; returns the manifest's warehouse part."""
    store = SnapshotStore.from_settings(settings)
    with store.lock():
        current = store.current_id()
        if current is None:
            raise WarehouseError(f"there is no warehouse snapshot in {store.root} to back "
                                 "up; run `joinedup ingest` first.")
        ids = store.ids() if every_snapshot else [current]
        snapshots = dest / WAREHOUSE / "snapshots"
        snapshots.mkdir(parents=True, exist_ok=True)
        for run_id in ids:
            shutil.copy2(store.path(run_id), snapshots / store.path(run_id).name)
            reports = settings.reports_dir / run_id
            if reports.is_dir():
                copy_tree(reports, dest / REPORTS / run_id)
        (snapshots / CURRENT_FILE).write_text(current + "\n", encoding="utf-8")
        linkage = settings.warehouse_dir / LINKAGE
        if linkage.is_dir():
            copy_tree(linkage, dest / WAREHOUSE / LINKAGE)
    copied = [p for folder in (dest / WAREHOUSE, dest / REPORTS) if folder.is_dir()
              for p in folder.rglob("*")]
    return {"current": current, "snapshots": ids, "files": file_list(dest, copied)}


def require_empty(store: SnapshotStore) -> None:
    if store.ids() or store.current_id():
        raise WarehouseError(f"{store.root} already holds snapshots; restore into a new, "
                             "empty home (JOINEDUP_HOME), or move this one aside first.")


def restore_warehouse(settings: Settings, source: Path, manifest: dict[str, Any]) -> str:
    """Put a backed-up warehouse into an empty home and serve its current snapshot."""
    check_files(source, manifest["files"])
    store = SnapshotStore.from_settings(settings)
    with store.lock():
        require_empty(store)
        for run_id in manifest["snapshots"]:
            name = store.path(run_id).name
            shutil.copy2(source / WAREHOUSE / "snapshots" / name, store.root / name)
            if (source / REPORTS / run_id).is_dir():
                copy_tree(source / REPORTS / run_id, settings.reports_dir / run_id)
        if (source / WAREHOUSE / LINKAGE).is_dir():
            copy_tree(source / WAREHOUSE / LINKAGE, settings.warehouse_dir / LINKAGE)
        current = str(manifest["current"])
        store.switch(current)
    return current


def write_manifest(dest: Path, manifest: dict[str, Any]) -> None:
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WarehouseError(f"{source} is not a joinedup backup ({MANIFEST} unreadable: "
                             f"{exc}).") from exc
    if not isinstance(loaded, dict) or "warehouse" not in loaded or "app" not in loaded:
        raise WarehouseError(f"{source / MANIFEST} is not a joinedup backup manifest.")
    return loaded
