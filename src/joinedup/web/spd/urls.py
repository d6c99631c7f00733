"""Single person discount review pages, under /spd/. Accounts are named by their number."""

from __future__ import annotations

from django.urls import path, re_path

from joinedup.web.spd import views

app_name = "spd"
urlpatterns = [
    path("", views.review_list, name="list"),
    re_path(r"^(?P<account_no>[A-Za-z0-9]{1,20})/$", views.account, name="account"),
]
