from __future__ import annotations

from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "joinedup.web.opendata"
    label = "opendata"
    verbose_name = "Open data portal"
