from __future__ import annotations

from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "joinedup.web.workforce"
    label = "workforce"
    verbose_name = "Workforce planning"
