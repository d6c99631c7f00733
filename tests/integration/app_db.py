"""The app database under test, for tests that reach past the ORM: SQLite or PostgreSQL.

`make test` runs the web and audit tests on both (see joinedup.web.settings_test); what
someone with direct database access could do differs in spelling between the two.
"""

from __future__ import annotations

from django.db import connection

# Migration audit/0002's triggers: SQLite has one per statement kind, PostgreSQL one for
# UPDATE and DELETE together (and one for TRUNCATE).
_TRIGGERS = {
    "sqlite": {"update": "DROP TRIGGER audit_event_no_update",
               "delete": "DROP TRIGGER audit_event_no_delete"},
    "postgresql": {"update": "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
                   "delete": "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent"},
}


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_audit_trigger(kind: str) -> None:
    """Drop the trigger refusing ``kind`` ("update" or "delete") of audit events. DDL is
    transactional on both databases, so it rolls back with the test."""
    raw(_TRIGGERS[connection.vendor][kind], [])
