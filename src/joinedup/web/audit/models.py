"""AuditEvent (append-only) and AuditHead (the chain's last link, and the row writers lock).

The model refuses updates and deletes; the database refuses them too (triggers in migration
0002), so only someone who can drop a trigger can change history, and then `joinedup audit
verify` names the first event that no longer fits the chain.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models

from joinedup.web.audit.chain import GENESIS

ACTIONS: dict[str, str] = {
    "search": "Searched for a person",
    "results": "Was shown a list of search results",
    "person_view": "Opened a person page",
    "card_expand": "Expanded a service card",
    "family_view": "Opened a family and household page",
    "timeline_view": "Opened a timeline",
    "explain_view": "Opened a match explanation",
    "review_view": "Opened a clerical review item",
    "review_decision": "Decided a clerical review item",
    "reason_set": "Gave a reason for access",
    "spd_list": "Opened the single person discount review list",
    "spd_view": "Opened a single person discount review",
    "spd_outcome": "Recorded a single person discount review outcome",
    "debt_list": "Opened the one view of debt list",
    "debt_view": "Opened a household's debts",
    "debt_person_view": "Opened a person's debts",
    "gp_alert_sent": "A GP alert was sent to a practice",
    "gp_alerts_view": "Opened a practice's GP alerts",
    "gp_alerts_export": "Exported a practice's GP alerts",
    "api_call": "Called the API",
    "audit_view": "Read the audit log",
    "dashboard_drill": "Opened the named pupils behind a dashboard figure",
    "login": "Signed in",
    "logout": "Signed out",
    "session_timeout": "Was signed out after inactivity",
    "login_failed": "Failed to sign in",
    "login_locked": "Was refused sign-in after repeated failures",
}


class AppendOnlyError(Exception):
    """Something tried to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only: they cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events are append-only: they cannot be deleted")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    role = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=32, db_index=True)
    person_id = models.CharField(max_length=32, blank=True, db_index=True)
    detail = models.JSONField(default=dict)
    reason = models.CharField(max_length=64, blank=True)
    case_reference = models.CharField(max_length=40, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    area = models.CharField(max_length=16, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)
        indexes = (models.Index(fields=("username", "at")),)

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"audit event {self.seq} is append-only: it cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"audit event {self.seq} is append-only: it cannot be deleted")


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Writers lock it, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
