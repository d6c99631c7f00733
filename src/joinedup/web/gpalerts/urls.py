"""GP alerts pages, under /gp-alerts/."""

from __future__ import annotations

from django.urls import path

from joinedup.web.gpalerts import views

app_name = "gpalerts"
urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("export.csv", views.export, name="export"),
]
