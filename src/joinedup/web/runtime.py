"""From joinedup's Settings to Django's: database, secret key, cookie security, paths.

Kept apart from settings.py so each rule is a plain function with a test, and so the test
settings can build the same configuration for a temporary home.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from joinedup.config import Settings
from joinedup.errors import ConfigError

# Set by `joinedup serve` for the server it starts: the address it binds and whether that is
# plain HTTP on a loopback address (when cookies may go without the Secure flag).
BIND_ENV = "JOINEDUP_WEB_BIND_HOST"


def secret_key(settings: Settings) -> str:
    """The configured key, or the one generated into <home>/web/secret_key on first use."""
    if settings.web_secret_key is not None:
        value = settings.web_secret_key.get_secret_value()
        if len(value) < 50:
            raise ConfigError("web_secret_key is shorter than 50 characters; use a long random "
                              "value, or unset it to have one generated.")
        return value
    path = settings.web_dir / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # O_EXCL: two workers starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def database(settings: Settings) -> dict[str, Any]:
    """Django's DATABASES['default'] from web_database_url (default SQLite under the home)."""
    if settings.web_database_url is None:
        path = settings.web_dir / "app.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite_database(path)
    url = settings.web_database_url.get_secret_value()
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    raise ConfigError(f"web_database_url must start postgresql:// or sqlite:///, not "
                      f"{parts.scheme or 'nothing'}://; see docs/web.md.")


def sqlite_database(path: Path) -> dict[str, Any]:
    """SQLite with writes serialised: every transaction takes the write lock when it begins.

    IMMEDIATE transactions are what keep the audit chain from forking between gunicorn
    workers; WAL lets readers carry on while one writer appends.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cookies_secure(settings: Settings, bind_host: str | None) -> bool:
    """Whether session and CSRF cookies carry the Secure flag.

    Always, unless web_insecure_local_http is on and the server binds a loopback address over
    plain HTTP. Chromium and Firefox treat http://127.0.0.1 and http://localhost as secure
    contexts and keep Secure (even __Host-) cookies from them, so the default works for a
    laptop demo; Safari does not, hence the opt-in.
    """
    if settings.web_https:
        return True
    local = bind_host is not None and is_loopback(bind_host)
    return not (local and settings.web_insecure_local_http)


def security_headers(settings: Settings) -> dict[str, Any]:
    """Django's HTTPS settings: HSTS and redirect only behind a proxy that terminates TLS."""
    if not settings.web_https:
        return {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}
    return {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def oidc(settings: Settings) -> dict[str, Any]:
    """mozilla-django-oidc's settings when OIDC sign-in is on; nothing otherwise."""
    if not settings.web_oidc_enabled:
        return {}
    needed = {
        "web_oidc_client_id": settings.web_oidc_client_id,
        "web_oidc_authorization_endpoint": settings.web_oidc_authorization_endpoint,
        "web_oidc_token_endpoint": settings.web_oidc_token_endpoint,
        "web_oidc_jwks_endpoint": settings.web_oidc_jwks_endpoint,
    }
    missing = [name for name, value in needed.items() if not value]
    if settings.web_oidc_client_secret is None:
        missing.append("web_oidc_client_secret")
    if missing:
        raise ConfigError(f"web_oidc_enabled is on but {', '.join(missing)} not set; see the "
                          "OIDC section of docs/web.md.")
    assert settings.web_oidc_client_secret is not None
    return {
        "OIDC_RP_CLIENT_ID": settings.web_oidc_client_id,
        "OIDC_RP_CLIENT_SECRET": settings.web_oidc_client_secret.get_secret_value(),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": settings.web_oidc_authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": settings.web_oidc_token_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": settings.web_oidc_jwks_endpoint,
        # Never called: claims, roles included, come from the verified ID token (Entra's
        # userinfo endpoint does not carry app roles), but the library requires the setting.
        "OIDC_OP_USER_ENDPOINT": "",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_STORE_ID_TOKEN": False,
        "JOINEDUP_OIDC_ROLE_CLAIM": settings.web_oidc_role_claim,
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/sign-in/",
    }
