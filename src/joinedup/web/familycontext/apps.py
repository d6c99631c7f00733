from __future__ import annotations

from django.apps import AppConfig


class FamilyContextConfig(AppConfig):
    name = "joinedup.web.familycontext"
    label = "familycontext"
    verbose_name = "Family Context"
