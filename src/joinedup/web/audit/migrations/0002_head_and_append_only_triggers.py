"""The chain head row, and triggers that make the database itself refuse to change history.

SQLite and PostgreSQL get triggers; on any other database the model's own refusal remains.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS audit_event_no_update",
               "DROP TRIGGER IF EXISTS audit_event_no_delete")

POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
)


def _run(schema_editor: Any, statements: dict[str, tuple[str, ...]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql)


def create(apps: Any, schema_editor: Any) -> None:
    # A database may already hold events (written before this migration): the head starts at
    # the last of them, or the next event would reuse its seq and fork the chain.
    alias = schema_editor.connection.alias
    last = apps.get_model("audit", "AuditEvent").objects.using(alias).order_by("-seq").first()
    apps.get_model("audit", "AuditHead").objects.using(alias).get_or_create(
        pk=1, defaults={"seq": last.seq if last else 0, "hash": last.hash if last else "0" * 64})
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def drop(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
