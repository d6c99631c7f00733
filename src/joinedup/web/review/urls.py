"""Matching pages. Person pages take opaque person ids; review pairs take session tokens."""

from __future__ import annotations

from django.urls import path, re_path

from joinedup.web.review import tokens, views, why

app_name = "review"
urlpatterns = [
    path("person/<person_id:pid>/records/", why.why, name="why"),
    path("review/", views.queue, name="queue"),
    re_path(rf"^review/(?P<token>{tokens.TOKEN_RE})/$", views.pair, name="pair"),
]
