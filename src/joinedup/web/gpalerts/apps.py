from __future__ import annotations

from django.apps import AppConfig


class GpAlertsConfig(AppConfig):
    name = "joinedup.web.gpalerts"
    label = "gpalerts"
    verbose_name = "GP alerts"
