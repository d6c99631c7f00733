from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "joinedup.web.api"
    label = "api"
    verbose_name = "JSON API"
