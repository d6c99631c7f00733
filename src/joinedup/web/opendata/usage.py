"""Counts of practitioners' searches and person views by team and month, from the audit log
(the one ORM query the transparency page needs; disclosure control is applied by
joinedup.opendata.transparency)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.db.models.functions import TruncMonth

from joinedup.opendata.transparency import AUDITED_ACTIONS
from joinedup.web.accounts.models import Profile
from joinedup.web.audit.models import AuditEvent

# A team of one or two would make its row one person's activity: such teams are counted
# together, as would be published about staff in any workforce statistic.
SMALLEST_TEAM = 3
OTHER_TEAMS = f"Other teams (fewer than {SMALLEST_TEAM} staff each)"


def monthly_counts() -> list[tuple[str, str, str, int]]:
    """(YYYY-MM in London time, team, action, events) for searches and person views."""
    teams = {user: team or "No team"
             for user, team in Profile.objects.values_list("user__username", "team")}
    sizes = Counter(teams.values())
    grouped = (AuditEvent.objects.filter(action__in=AUDITED_ACTIONS)
               .annotate(month=TruncMonth("at")).values("month", "username", "action")
               .annotate(n=Count("seq")).order_by())
    counted = []
    for row in grouped:
        team = teams.get(row["username"], "No team")
        if sizes[team] < SMALLEST_TEAM:
            team = OTHER_TEAMS
        counted.append((row["month"].strftime("%Y-%m"), team, row["action"], int(row["n"])))
    return counted
