"""Django settings for the test suite: a temporary home, fast password hashing, plain static
storage (no collectstatic needed). pyproject.toml names this module for pytest-django."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from joinedup.config import Settings
from joinedup.web.conf import build

_HOME = Path(tempfile.mkdtemp(prefix="joinedup-web-test-"))
atexit.register(shutil.rmtree, _HOME, True)

globals().update(build(Settings(home=_HOME, web_secret_key=None), bind_host="127.0.0.1"))

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
