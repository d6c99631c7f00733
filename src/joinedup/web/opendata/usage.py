"""Counts of practitioners' searches and person views by team and month, from the audit log
(the one ORM query the transparency page needs; disclosure control is applied by
joinedup.opendata.transparency)."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncMonth

from joinedup.opendata.transparency import AUDITED_ACTIONS
from joinedup.web.accounts.models import Profile
from joinedup.web.audit.models import AuditEvent


def monthly_counts() -> list[tuple[str, str, str, int]]:
    """(YYYY-MM in London time, team, action, events) for searches and person views."""
    teams = dict(Profile.objects.values_list("user__username", "team"))
    grouped = (AuditEvent.objects.filter(action__in=AUDITED_ACTIONS)
               .annotate(month=TruncMonth("at")).values("month", "username", "action")
               .annotate(n=Count("seq")).order_by())
    return [(row["month"].strftime("%Y-%m"), teams.get(row["username"]) or "No team",
             row["action"], int(row["n"])) for row in grouped]
