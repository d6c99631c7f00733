"""Starting Django from the command line (serve, audit, web), outside a web server."""

from __future__ import annotations

import os

import django
from django.db import DatabaseError

from joinedup.errors import ConfigError
from joinedup.web.runtime import BIND_ENV

SETTINGS_MODULE = "joinedup.web.settings"


def setup(bind_host: str | None = None) -> None:
    """Configure Django once for this process (tests have already configured theirs)."""
    if bind_host is not None:
        os.environ[BIND_ENV] = bind_host
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    try:
        call_command("migrate", interactive=False, verbosity=verbosity)
    except DatabaseError as exc:
        raise ConfigError(f"cannot bring the web app's database up to date ({exc}). Check "
                          "web_database_url and that the database server is reachable.") from exc


def database_error(exc: DatabaseError) -> ConfigError:
    return ConfigError(f"the web app's database cannot be read ({exc}). Run `joinedup web "
                       "migrate` (or `joinedup serve`, which migrates) and check "
                       "web_database_url.")
