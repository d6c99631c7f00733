"""`joinedup backup create` and `restore`, through the CLI as an operator runs them, on
SQLite and PostgreSQL: a home with a snapshot, accounts and an audit chain is backed up,
restored into a new home and a new, empty app database, and everything is there again.
A damaged backup and a restore over existing data are refused, and change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from joinedup.warehouse.snapshots import SnapshotStore

JOINEDUP = Path(sys.executable).with_name("joinedup")
REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "tests" / "fixtures" / "warehouse" / "basic" / "sources.yaml"
PASSWORD = "correct-horse-battery-9"

STATE = """
import json, sys
from joinedup.web import bootstrap
bootstrap.setup()
from django.contrib.auth import authenticate
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.models import AuditEvent
from joinedup.web.audit.verify import verify_chain
if sys.argv[1] == "fill":
    bootstrap.migrate()
    from joinedup.web.accounts.users import create_user
    from joinedup.web.audit.record import append
    create_user("ann", "childrens_social_worker", password=sys.argv[2])
    for n in range(7):
        append("person_view", username="ann", role="childrens_social_worker",
               person_id=f"JP0000000{n}", detail={"n": n})
user = authenticate(username="ann", password=sys.argv[2])
verdict = verify_chain()
print(json.dumps({"role": role_of(user) if user else None, "events": AuditEvent.objects.count(),
                  "chain": [verdict.ok, verdict.head_seq, verdict.head_hash]}))
"""


def _env(home: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    return env | {"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "none.toml"),
                  "JOINEDUP_WEB_DATABASE_URL": database_url}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(JOINEDUP), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _state(env: dict[str, str], mode: str = "read") -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", STATE, mode, PASSWORD], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _second_database(first: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty app database of the same kind as ``first``."""
    if first.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    make = request.getfixturevalue("postgres_databases")
    return str(make())


def test_back_up_and_restore_the_warehouse_and_the_app_database(
        tmp_path: Path, app_database_url: str, request: pytest.FixtureRequest) -> None:
    old_home, new_home = tmp_path / "old", tmp_path / "new"
    old_home.mkdir()
    new_home.mkdir()
    old = _env(old_home, app_database_url)
    assert _run(old, "ingest", str(SOURCES)).returncode == 0
    before = _state(old, "fill")
    assert before["events"] == 7 and before["role"] == "childrens_social_worker"
    (old_home / "warehouse" / "linkage").mkdir(parents=True)
    (old_home / "web" / "workforce" / "plans").mkdir(parents=True)
    (old_home / "web" / "workforce" / "plans" / "plan.json").write_text("{}")
    old_store = SnapshotStore(old_home / "warehouse" / "snapshots")
    snapshot = old_store.current_id()

    made = _run(old, "backup", "create", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip())
    assert folder.parent == tmp_path / "backups" and (folder / "manifest.json").is_file()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    new = _env(new_home, _second_database(app_database_url, tmp_path, request))
    restored = _run(new, "backup", "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout) == {"snapshot": snapshot,
                                           "audit_head": before["chain"][1:]}  # type: ignore[index]
    assert _state(new) == before  # accounts, passwords, roles, the whole chain
    new_store = SnapshotStore(new_home / "warehouse" / "snapshots")
    assert new_store.current_id() == snapshot
    assert new_store.path(str(snapshot)).read_bytes() == old_store.path(
        str(snapshot)).read_bytes()
    assert (new_home / "web" / "secret_key").read_text() == (
        old_home / "web" / "secret_key").read_text()
    assert oct((new_home / "web" / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert (new_home / "web" / "workforce" / "plans" / "plan.json").is_file()
    assert _run(new, "audit", "verify").returncode == 0

    # Again on top of what is now there: refused, nothing changed.
    again = _run(new, "backup", "restore", str(folder))
    assert again.returncode == 2 and "already holds snapshots" in again.stderr
    assert _state(new) == before


def _sqlite_backup(tmp_path: Path) -> Path:
    """A backup of a home with a snapshot and a filled SQLite app database."""
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, f"sqlite:///{tmp_path / 'app.sqlite3'}")
    assert _run(env, "ingest", str(SOURCES)).returncode == 0
    _state(env, "fill")
    return Path(_run(env, "backup", "create", str(tmp_path / "b")).stdout.strip())


def test_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    folder = _sqlite_backup(tmp_path)
    snapshot = next((folder / "warehouse" / "snapshots").glob("*.duckdb"))
    with snapshot.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\0damaged\0")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    target = _env(fresh, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    refused = _run(target, "backup", "restore", str(folder))
    assert refused.returncode == 2
    assert "differs from the backup's manifest" in refused.stderr
    assert not (fresh / "warehouse" / "snapshots" / "CURRENT").exists()
    assert not (tmp_path / "fresh.sqlite3").exists()  # checked before anything was written


def test_nothing_to_back_up_says_what_to_do(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}")
    done = _run(env, "backup", "create", str(tmp_path / "b"))
    assert done.returncode == 2 and "run `joinedup ingest` first" in done.stderr


def test_restoring_over_an_app_database_in_use_is_refused(tmp_path: Path) -> None:
    folder = _sqlite_backup(tmp_path)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    in_use = _env(fresh, f"sqlite:///{tmp_path / 'in-use.sqlite3'}")
    assert _run(in_use, "web", "migrate").returncode == 0
    refused = _run(in_use, "backup", "restore", str(folder))
    assert refused.returncode == 2 and "already has tables" in refused.stderr
    assert not (fresh / "warehouse" / "snapshots" / "CURRENT").exists()
