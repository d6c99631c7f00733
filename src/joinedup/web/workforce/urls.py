"""Workforce planning pages, under /workforce/. Plans are named by their key (a hash)."""

from __future__ import annotations

from django.urls import path, re_path

from joinedup.web.workforce import region_views, vcse_views, views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^plan/(?P<key>[0-9a-f]{20})/$", views.plan, name="plan"),
    re_path(r"^plan/(?P<key>[0-9a-f]{20})/scenarios/$", views.compare, name="compare"),
    re_path(r"^plan/(?P<key>[0-9a-f]{20})/export/(?P<name>[a-z_]+\.(?:csv|xlsx))$",
            views.export, name="export"),
    re_path(r"^plan/(?P<key>[0-9a-f]{20})/region/$", region_views.region, name="region"),
    re_path(r"^plan/(?P<key>[0-9a-f]{20})/region/(?P<role>[a-z_]+)/(?P<file>[a-z0-9_]+\.(?:png|xlsx))$",
            region_views.region_export, name="region_export"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("methodology/", views.methodology, name="methodology"),
    path("vcse/", vcse_views.returns, name="vcse"),
    path("vcse/template.xlsx", vcse_views.template, name="vcse_template"),
]
