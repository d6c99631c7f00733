"""Django settings for the test suite: a temporary home, fast password hashing, plain static
storage (no collectstatic needed). pyproject.toml names this module for pytest-django.

The app database is in-memory SQLite unless ``JOINEDUP_TEST_APP_DATABASE=postgres``, when it
is the PostgreSQL server at ``JOINEDUP_TEST_POSTGRES_URL`` (pytest-django makes and drops a
``test_<name>`` database there). `make test` runs the web and audit tests both ways.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import SecretStr

from joinedup.config import Settings
from joinedup.errors import ConfigError
from joinedup.web.conf import build

APP_DATABASE_ENV = "JOINEDUP_TEST_APP_DATABASE"
POSTGRES_URL_ENV = "JOINEDUP_TEST_POSTGRES_URL"


def _database_url() -> SecretStr | None:
    """None for SQLite (also when a developer's own JOINEDUP_WEB_DATABASE_URL is set: tests
    never touch a real app database)."""
    kind = os.environ.get(APP_DATABASE_ENV, "sqlite")
    if kind == "sqlite":
        return None
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if kind != "postgres" or not url:
        raise ConfigError(f"{APP_DATABASE_ENV}={kind!r}: use sqlite, or postgres with "
                          f"{POSTGRES_URL_ENV} set (`.ci/postgres` starts a server and prints "
                          "one).")
    return SecretStr(url)


_HOME = Path(tempfile.mkdtemp(prefix="joinedup-web-test-"))
atexit.register(shutil.rmtree, _HOME, True)

globals().update(build(Settings(home=_HOME, web_secret_key=None,
                                web_database_url=_database_url()), bind_host="127.0.0.1"))

# whitenoise warns about a static root that does not exist; tests never collect static.
(_HOME / "web" / "static").mkdir(parents=True, exist_ok=True)

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Hashing at full strength costs about a second per sign-in on a shared two-core machine.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(_HOME / "web" / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
