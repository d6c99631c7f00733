"""The app database's migrations on an empty and on a populated database, SQLite and PostgreSQL.

Each case runs in a child process with the production settings (`joinedup.web.settings`) and
its own new database, as `joinedup web migrate` and `joinedup serve` would: the test settings'
database is pytest-django's and cannot be migrated backwards and forwards at will.

- Empty: `joinedup web migrate` makes every table, the chain head, the roles and the audit
  triggers; running it again changes nothing; the models need no migration that is not shipped.
- Populated: the database is brought only to each app's first migration (the oldest schema a
  council can have), filled with accounts, roles, failed sign-ins, sessions and an audit
  chain, then migrated to the latest: every row is still there, passwords still check, the
  chain still verifies and the next event links onto it, and the database refuses changes
  to history. Then the newest audit migration is undone and redone on the full database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

JOINEDUP = Path(sys.executable).with_name("joinedup")

CHILD = r"""
import json, sys
from joinedup.web import bootstrap
bootstrap.setup()
from django.core.management import call_command
from django.db import connection

def migrate(*target):
    call_command("migrate", *target, interactive=False, verbosity=0)

def tables():
    return sorted(connection.introspection.table_names())

def refused(sql):
    from django.db import DatabaseError, transaction
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError:
        return True
    return False

def check():
    from django.contrib.auth.models import User
    from joinedup.web.accounts.roles import role_of
    from joinedup.web.audit.models import AuditEvent
    from joinedup.web.audit.verify import verify_chain
    verdict = verify_chain()
    return {
        "chain_ok": verdict.ok, "problem": verdict.problem, "events": verdict.checked,
        "users": sorted((u.username, role_of(u), u.check_password("correct-horse-battery-9"))
                        for u in User.objects.all()),
        "update_refused": refused("UPDATE audit_auditevent SET username = 'x'"),
        "delete_refused": refused("DELETE FROM audit_auditevent"),
        "events_after": AuditEvent.objects.count(),
    }

def populate_oldest():
    # Only the schema of each app's first migration exists: rows are written as that schema
    # has them (no chain head row yet), the chain computed exactly as the app computes it.
    import datetime as dt
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from joinedup.web.accounts.models import LoginFailure
    from joinedup.web.audit.chain import GENESIS, event_hash
    for name, role in (("ann", "childrens_social_worker"), ("bob", "auditor")):
        user = User.objects.create_user(name, password="correct-horse-battery-9")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    LoginFailure.objects.create(key="k" * 64, client_ip="10.0.0.9",
                                at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    session = SessionStore()
    session["kept"] = "yes"
    session.create()
    prev = GENESIS
    with connection.cursor() as cursor:
        for seq in range(1, 6):
            fields = {"seq": seq, "at": dt.datetime(2026, 1, 2, 9, seq, tzinfo=dt.UTC),
                      "username": "ann", "role": "childrens_social_worker",
                      "action": "person_view", "person_id": f"JP0000000{seq}",
                      "detail": {"services": ["health"]}, "reason": "child_protection",
                      "case_reference": "CP/1", "client_ip": "10.0.0.5", "area": "",
                      "prev_hash": prev}
            fields["hash"] = event_hash(fields)
            cursor.execute(
                "INSERT INTO audit_auditevent (seq, at, username, role, action, person_id, "
                "detail, reason, case_reference, client_ip, area, prev_hash, hash) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [seq, fields["at"], "ann", "childrens_social_worker", "person_view",
                 fields["person_id"], json.dumps(fields["detail"]), "child_protection", "CP/1",
                 "10.0.0.5", "", prev, fields["hash"]])
            prev = fields["hash"]
    return session.session_key

def session_kept(key):
    from django.contrib.sessions.backends.db import SessionStore
    return SessionStore(session_key=key).get("kept") == "yes"

mode = sys.argv[1]
out = {}
if mode == "empty":
    migrate()
    out["tables"] = tables()
    from joinedup.web.audit.record import append
    append("login", username="ann")  # triggers fire on rows: give them one
    out["first"] = check()
    migrate()
    out["again_tables"] = tables()
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
        out["models_match"] = True
    except SystemExit:
        out["models_match"] = False
else:
    for app, first in (("auth", "0001"), ("sessions", "0001"), ("accounts", "0001"),
                       ("audit", "0001")):
        migrate(app, first)
    for app in ("auth", "contenttypes", "sessions"):  # Django's own: needed at their latest
        migrate(app)
    key = populate_oldest()
    migrate()
    out["upgraded"] = check()
    out["session_kept"] = session_kept(key)
    from joinedup.web.audit.record import append
    event = append("login", username="ann", role="childrens_social_worker")
    out["next_seq"] = event.seq
    migrate("audit", "0001")
    out["down_update_refused"] = refused("UPDATE audit_auditevent SET username = username")
    migrate()
    out["redone"] = check()
print(json.dumps(out))
"""


def _child(mode: str, database_url: str, home: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "none.toml"),
            "JOINEDUP_WEB_DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "joinedup.web.settings"}
    done = subprocess.run([sys.executable, "-c", CHILD, mode], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_migrate_an_empty_database(app_database_url: str, tmp_path: Path) -> None:
    out = _child("empty", app_database_url, tmp_path)
    tables = out["tables"]
    assert isinstance(tables, list)
    for table in ("audit_auditevent", "audit_audithead", "accounts_loginfailure",
                  "accounts_profile", "auth_user", "django_session"):
        assert table in tables
    assert out["again_tables"] == tables
    assert out["first"] == {"chain_ok": True, "problem": "", "events": 1, "users": [],
                            "update_refused": True, "delete_refused": True, "events_after": 1}
    assert out["models_match"], "a model changed without its migration: makemigrations"


def test_migrate_a_populated_database_from_the_first_schema(app_database_url: str,
                                                            tmp_path: Path) -> None:
    out = _child("populated", app_database_url, tmp_path)
    users = [["ann", "childrens_social_worker", True], ["bob", "auditor", True]]
    assert out["upgraded"] == {"chain_ok": True, "problem": "", "events": 5, "users": users,
                               "update_refused": True, "delete_refused": True,
                               "events_after": 5}
    assert out["session_kept"]
    assert out["next_seq"] == 6  # the head was set from the events already there
    assert out["down_update_refused"] is False  # undone: the triggers went with it
    assert out["redone"] == {"chain_ok": True, "problem": "", "events": 6, "users": users,
                             "update_refused": True, "delete_refused": True, "events_after": 6}


@pytest.mark.parametrize("kind", ["postgres"])
def test_the_test_run_itself_can_use_postgresql(kind: str, postgres_url: str) -> None:
    """`make test` runs the web and audit tests a second time with this server as the app
    database; the URL must reach a server whose role may create pytest-django's database."""
    import psycopg

    with psycopg.connect(postgres_url) as con:
        row = con.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user"
                          ).fetchone()
    assert row == (True,), "the test role needs CREATEDB (see .ci/postgres)"
