"""Backing up and restoring the web app's own state: its database (accounts, sessions, the
audit log, failed sign-ins), the generated secret key and the saved workforce plans.

SQLite is copied with its online backup (consistent while the app runs); PostgreSQL with
`pg_dump --format=custom`, restored with `pg_restore` (the Debian `postgresql-client`
package, of the server's major version or newer). The password travels in PGPASSWORD, never
on a command line another user could read. The audit chain's head is recorded at backup time
and checked after a restore, so a restore that lost or changed events is caught at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import connection

from joinedup.config import Settings
from joinedup.errors import ConfigError, WarehouseError
from joinedup.warehouse.backup import check_files, copy_tree, file_list, sqlite_copy
from joinedup.web.audit.verify import verify_chain

APP = "app"
SQLITE_FILE = "app.sqlite3"
PG_FILE = "app.pgdump"
KEPT = ("secret_key", "workforce")
"""What of <home>/web is state (static files are made again by `joinedup serve`)."""


def _database() -> dict[str, Any]:
    db: dict[str, Any] = django_settings.DATABASES["default"]
    return db


def _pg(tool: str, db: dict[str, Any], *args: str) -> None:
    env = {**os.environ, "PGPASSWORD": str(db["PASSWORD"])}
    argv = [tool, "--host", str(db["HOST"] or "localhost"), "--port", str(db["PORT"] or 5432),
            "--username", str(db["USER"]), "--dbname", str(db["NAME"]), *args]
    if shutil.which(tool) is None:
        raise ConfigError(f"{tool} is not installed: install Debian's postgresql-client (of "
                          "the server's major version or newer) to back up PostgreSQL.")
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigError(f"{tool} failed ({done.stderr.strip()[-500:]}); check "
                          "web_database_url and that the server is reachable.")


def back_up_app(settings: Settings, dest: Path) -> dict[str, Any]:
    """Copy the app's state into ``dest/app``; returns the manifest's app part."""
    target = dest / APP
    target.mkdir(parents=True, exist_ok=True)
    db = _database()
    verdict = verify_chain()
    if not verdict.ok:
        raise WarehouseError(f"the audit chain is broken ({verdict.problem}); back up only "
                             "after `joinedup audit verify` passes, and investigate first.")
    if connection.vendor == "sqlite":
        sqlite_copy(Path(db["NAME"]), target / SQLITE_FILE)
    else:
        _pg("pg_dump", db, "--format=custom", "--no-owner", "--file", str(target / PG_FILE))
    for name in KEPT:
        path = settings.web_dir / name
        if path.is_file():
            shutil.copy2(path, target / name)
        elif path.is_dir():
            copy_tree(path, target / name)
    return {"database": connection.vendor, "audit_head": [verdict.head_seq, verdict.head_hash],
            "files": file_list(dest, target.rglob("*"))}


def _empty() -> bool:
    return not connection.introspection.table_names()


def restore_app(settings: Settings, source: Path, manifest: dict[str, Any]) -> tuple[int, str]:
    """Restore into an empty app database; returns the audit head, checked against the
    backup's."""
    check_files(source, manifest["files"])
    if manifest["database"] != connection.vendor:
        raise ConfigError(f"the backup holds a {manifest['database']} app database but "
                          f"web_database_url names {connection.vendor}; restore into the "
                          "same kind.")
    if not _empty():
        raise WarehouseError("the app database already has tables; restore into a new, empty "
                             "database (create it, point web_database_url at it), or drop "
                             "this one first.")
    db = _database()
    if connection.vendor == "sqlite":
        connection.close()
        sqlite_copy(source / APP / SQLITE_FILE, Path(db["NAME"]))
    else:
        _pg("pg_restore", db, "--no-owner", "--exit-on-error", "--single-transaction",
            str(source / APP / PG_FILE))
    for name in KEPT:
        path = source / APP / name
        if path.is_file():
            settings.web_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, settings.web_dir / name)
            if name == "secret_key":
                (settings.web_dir / name).chmod(0o600)
        elif path.is_dir():
            copy_tree(path, settings.web_dir / name)
    verdict = verify_chain()
    expected = [int(manifest["audit_head"][0]), str(manifest["audit_head"][1])]
    if not verdict.ok or [verdict.head_seq, verdict.head_hash] != expected:
        raise WarehouseError(f"after the restore the audit chain does not match the backup "
                             f"({verdict.problem or 'a different head'}); do not serve it.")
    return verdict.head_seq, verdict.head_hash
