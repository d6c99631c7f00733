"""Dashboard usage: one row per view, for the dashboard of dashboards. No personal data:
the user name and team say who looked, and the filters logged are only the dashboard's own
filter choices (years, wards, schools, pupil groups), checked against its option lists."""

from __future__ import annotations

from django.db import models


class DashboardView(models.Model):
    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=60)
    team = models.CharField(max_length=120, blank=True)
    dashboard = models.CharField(max_length=60, db_index=True)
    kind = models.CharField(max_length=10, default="page")  # page, export, drill
    filters = models.JSONField(default=dict)

    class Meta:
        indexes = (models.Index(fields=("dashboard", "at"), name="dashboards__dashboa_idx"),
                   models.Index(fields=("team", "at"), name="dashboards__team_at_idx"))

    def __str__(self) -> str:
        return f"{self.username} viewed {self.dashboard} at {self.at:%Y-%m-%d %H:%M}"
