"""The practitioner's pages. Person pages take opaque ids only (the ``person_id`` converter);
a service card's code is the only other thing in a path, and the timeline's filter the only
query (service codes)."""

from __future__ import annotations

from django.urls import path

from joinedup.web.familycontext import family_views, person_views, views

app_name = "familycontext"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("person/<person_id:pid>/", person_views.person, name="person"),
    path("person/<person_id:pid>/card/<slug:service>/", person_views.card, name="card"),
    path("person/<person_id:pid>/family/", family_views.family_page, name="family"),
    path("person/<person_id:pid>/timeline/", family_views.timeline_page, name="timeline"),
]
