from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "joinedup.web.core"
    label = "core"
    verbose_name = "Layout and shared pages"

    def ready(self) -> None:
        from django.urls import register_converter

        from joinedup.web.core import govuk
        from joinedup.web.core.converters import PersonIdConverter

        govuk.install()
        # Registered here, before any URLconf loads: ``<person_id:pid>`` in every app's URLs.
        register_converter(PersonIdConverter, "person_id")
