"""The portal's URLs under /open-data/ (stable: harvesters and other sites link to them)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from joinedup.web.opendata import views

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.jsonld", views.catalogue_jsonld, name="dcat"),
    path("api/", views.api_guide, name="api-guide"),
    path("transparency/", views.transparency, name="transparency"),
    path("datasets/<slug:name>/", views.dataset, name="dataset"),
    path("datasets/<slug:name>.<str:fmt>", views.download, name="download"),
]
