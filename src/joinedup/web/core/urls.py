from __future__ import annotations

from django.urls import path

from joinedup.web.core import views

app_name = "core"
urlpatterns = [
    path("how-we-use-data/", views.how_we_use_data, name="how-we-use-data"),
]
