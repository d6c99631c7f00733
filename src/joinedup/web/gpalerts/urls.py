"""GP alerts pages, under /gp-alerts/: a practice's alerts and export; the alerts held for
review, for the council's reviewers (a held alert is named by the child's person id)."""

from __future__ import annotations

from django.urls import path

from joinedup.web.gpalerts import review, views

app_name = "gpalerts"
urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("export.csv", views.export, name="export"),
    path("review/", review.held_list, name="held"),
    path("review/<person_id:pid>/", review.held_alert, name="held_alert"),
]
