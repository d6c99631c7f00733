from __future__ import annotations

from django.urls import path

from joinedup.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("reason/", views.reason, name="reason"),
]
