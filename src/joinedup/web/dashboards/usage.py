"""Logging dashboard views and the dashboard of dashboards' figures (through the ORM)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from joinedup.insight.query import Column, TableResult
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.roles import role_of
from joinedup.web.dashboards.models import DashboardView

NO_TEAM = "(no team)"


def team_of(request: HttpRequest) -> str:
    profile = Profile.objects.filter(user_id=request.user.pk or 0).first()
    return (profile.team if profile and profile.team else "")


def log_view(request: HttpRequest, dashboard: str, kind: str,
             filters: Mapping[str, Sequence[str]]) -> None:
    """One view. ``filters`` must already be limited to the dashboard's own option lists."""
    DashboardView.objects.create(
        at=timezone.now(), username=request.user.get_username(),
        role=role_of(request.user) or "", team=team_of(request), dashboard=dashboard,
        kind=kind, filters={k: list(v) for k, v in filters.items() if v})


@dataclass(frozen=True, slots=True)
class Usage:
    months: list[str]
    by_dashboard: dict[str, list[int]]
    by_team: dict[str, list[int]]
    unopened: list[str]
    """Dashboards nobody opened in the last 90 days."""
    silent_teams: list[str]
    """Teams with users who never opened a dashboard."""
    growth: list[tuple[str, int, int, float | None]]
    """Dashboard, views in the last 12 months, in the 12 before, change (%)."""
    total: int


def _month(at: dt.datetime) -> str:
    return at.strftime("%Y-%m")


def usage(dashboards: Iterable[str], now: dt.datetime | None = None) -> Usage:
    now = now or timezone.now()
    names = list(dashboards)
    views = list(DashboardView.objects.filter(kind="page").values_list("at", "dashboard",
                                                                        "team"))
    months = sorted({_month(at) for at, _, _ in views})
    per_dashboard: dict[str, Counter[str]] = defaultdict(Counter)
    per_team: dict[str, Counter[str]] = defaultdict(Counter)
    recent: set[str] = set()
    this_year: Counter[str] = Counter()
    last_year: Counter[str] = Counter()
    for at, dashboard, team in views:
        per_dashboard[dashboard][_month(at)] += 1
        per_team[team or NO_TEAM][_month(at)] += 1
        age = now - at
        if age <= dt.timedelta(days=90):
            recent.add(dashboard)
        if age <= dt.timedelta(days=365):
            this_year[dashboard] += 1
        elif age <= dt.timedelta(days=730):
            last_year[dashboard] += 1
    teams = set(Profile.objects.exclude(team="").values_list("team", flat=True))
    growth = [(d, this_year[d], last_year[d],
               (this_year[d] - last_year[d]) * 100.0 / last_year[d] if last_year[d] else None)
              for d in names]
    return Usage(
        months=months,
        by_dashboard={d: [per_dashboard[d][m] for m in months] for d in names},
        by_team={t: [per_team[t][m] for m in months] for t in sorted(per_team)},
        unopened=[d for d in names if d not in recent],
        silent_teams=sorted(teams - set(per_team)),
        growth=growth, total=len(views))


USAGE_TABLES = {"by_dashboard": "Views per dashboard", "by_team": "Views per team",
                "growth": "Year on year growth"}
"""The dashboard of dashboards' tables, each exported as CSV like any dashboard's."""


def usage_table(found: Usage, titles: Mapping[str, str], table_id: str) -> TableResult:
    """One of the dashboard of dashboards' tables (``USAGE_TABLES``) as the page shows it."""
    title = USAGE_TABLES[table_id]
    if table_id == "growth":
        columns = (Column("dashboard", "Dashboard", "text"),
                   Column("now", "Views, last 12 months", "count"),
                   Column("before", "Views, the 12 before", "count"),
                   Column("change", "Change (%)", "percent"))
        return TableResult(title, columns, [
            {"dashboard": titles.get(d, d), "now": now, "before": before, "change": change}
            for d, now, before, change in found.growth])
    by_dashboard = table_id == "by_dashboard"
    counts = found.by_dashboard if by_dashboard else found.by_team
    first = Column("name", "Dashboard" if by_dashboard else "Team", "text")
    months = tuple(Column(m, m, "count") for m in found.months)
    rows = [{"name": titles.get(k, k) if by_dashboard else k,
             **dict(zip(found.months, v, strict=True)), "total": sum(v)}
            for k, v in counts.items()]
    return TableResult(title, (first, *months, Column("total", "Total", "count")), rows)
