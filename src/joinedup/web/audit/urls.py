"""Auditor pages (audit_read capability only)."""

from __future__ import annotations

from django.urls import path

from joinedup.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("person/", views.person, name="person"),
    path("user/", views.user, name="user"),
    path("unusual/", views.unusual, name="unusual"),
]
