from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "joinedup.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from joinedup.web.accounts import roles, signals

        signals.connect()
        # Roles live in the access policy (data), so their groups follow it after every migrate.
        post_migrate.connect(roles.sync_after_migrate, sender=self)
