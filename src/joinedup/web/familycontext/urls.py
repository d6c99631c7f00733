from __future__ import annotations

from django.urls import path

from joinedup.web.familycontext import views

app_name = "familycontext"
urlpatterns = [
    path("", views.home, name="home"),
]
