from __future__ import annotations

from django.apps import AppConfig


class DebtConfig(AppConfig):
    name = "joinedup.web.debt"
    label = "debt"
    verbose_name = "One view of debt"
