"""One view of debt pages, under /debt/. Households are named by their key (the household
id, or P- and the person for a debtor in no known household); people by their person id
(or source:record for a debtor record the matching left unlinked)."""

from __future__ import annotations

from django.urls import path, re_path

from joinedup.web.debt import views

app_name = "debt"
urlpatterns = [
    path("", views.debt_list, name="list"),
    re_path(r"^person/(?P<pid>[A-Za-z0-9_:\-]{1,80})/$", views.person, name="person"),
    re_path(r"^(?P<key>[A-Za-z0-9_:\-]{1,80})/$", views.household, name="household"),
]
