"""Dashboards, under /dashboards/. Dashboard, table and drill ids are the YAML's own names."""

from __future__ import annotations

from django.urls import path

from joinedup.web.dashboards import maps, views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("usage/", views.usage_page, name="usage"),
    # Before the dashboards' own exports, whose <slug:key> would take "usage".
    path("usage/export/<slug:table_id>.csv", views.usage_export, name="usage_export"),
    path("<slug:key>/", views.dashboard, name="dashboard"),
    path("<slug:key>/map/", maps.map_page, name="map"),
    path("<slug:key>/export/<slug:table_id>.csv", views.export, name="export"),
    path("<slug:key>/pupils/<slug:drill_id>/", views.drill, name="drill"),
]
