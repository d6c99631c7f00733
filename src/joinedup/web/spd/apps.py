from __future__ import annotations

from django.apps import AppConfig


class SpdConfig(AppConfig):
    name = "joinedup.web.spd"
    label = "spd"
    verbose_name = "Council tax single person discount review"
