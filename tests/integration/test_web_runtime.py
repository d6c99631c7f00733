"""Settings to Django: secret key file, database URL, cookie security, HTTPS, OIDC."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from joinedup.config import Settings
from joinedup.errors import ConfigError
from joinedup.web import runtime
from joinedup.web.conf import build


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(home=tmp_path, **values)  # type: ignore[arg-type]


def test_secret_key_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = runtime.secret_key(settings)
    path = tmp_path / "web" / "secret_key"
    assert len(key) >= 80
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert runtime.secret_key(settings) == key


def test_configured_secret_key_wins_and_must_be_long(tmp_path: Path) -> None:
    assert runtime.secret_key(_settings(tmp_path, web_secret_key=SecretStr("k" * 60))) == "k" * 60
    assert not (tmp_path / "web" / "secret_key").exists()
    with pytest.raises(ConfigError, match="shorter than 50"):
        runtime.secret_key(_settings(tmp_path, web_secret_key=SecretStr("short")))


def test_default_database_is_sqlite_in_the_home_with_immediate_transactions(
    tmp_path: Path,
) -> None:
    db = runtime.database(_settings(tmp_path))
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "web" / "app.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_url(tmp_path: Path) -> None:
    url = SecretStr("postgresql://jup:p%40ss@db.internal:5433/joinedup")
    db = runtime.database(_settings(tmp_path, web_database_url=url))
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "joinedup", "jup", "p@ss", "db.internal", "5433")


def test_unknown_database_scheme_says_what_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="postgresql:// or sqlite:///"):
        runtime.database(_settings(tmp_path, web_database_url=SecretStr("mysql://x/y")))


@pytest.mark.parametrize(("insecure_local", "https", "host", "secure"), [
    (False, False, "127.0.0.1", True),
    (True, False, "127.0.0.1", False),
    (True, False, "::1", False),
    (True, False, "localhost", False),
    (True, False, "0.0.0.0", True),
    (True, False, "10.1.2.3", True),
    (True, True, "127.0.0.1", True),
    (True, False, None, True),
])
def test_cookies_are_secure_except_opted_in_local_http(
    tmp_path: Path, insecure_local: bool, https: bool, host: str | None, secure: bool
) -> None:
    settings = _settings(tmp_path, web_insecure_local_http=insecure_local, web_https=https)
    assert runtime.cookies_secure(settings, host) is secure


def test_secure_cookies_get_host_prefixed_names(tmp_path: Path) -> None:
    django = build(_settings(tmp_path), bind_host="127.0.0.1")
    assert django["SESSION_COOKIE_SECURE"] and django["CSRF_COOKIE_SECURE"]
    assert django["SESSION_COOKIE_NAME"] == "__Host-joinedup-session"
    local = build(_settings(tmp_path, web_insecure_local_http=True), bind_host="127.0.0.1")
    assert not local["SESSION_COOKIE_SECURE"]
    assert local["SESSION_COOKIE_NAME"] == "joinedup-session"


def test_https_turns_on_hsts_and_redirect(tmp_path: Path) -> None:
    plain = build(_settings(tmp_path), bind_host="127.0.0.1")
    assert plain["SECURE_HSTS_SECONDS"] == 0 and not plain["SECURE_SSL_REDIRECT"]
    https = build(_settings(tmp_path, web_https=True), bind_host="127.0.0.1")
    assert https["SECURE_HSTS_SECONDS"] == 31_536_000 and https["SECURE_SSL_REDIRECT"]
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_session_settings_follow_the_idle_timeout(tmp_path: Path) -> None:
    django = build(_settings(tmp_path, web_session_idle_minutes=20), bind_host=None)
    assert django["SESSION_COOKIE_AGE"] == 1200
    assert django["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert django["DEBUG"] is False


def test_oidc_is_off_by_default_and_complete_when_on(tmp_path: Path) -> None:
    off = build(_settings(tmp_path), bind_host=None)
    assert "mozilla_django_oidc" not in off["INSTALLED_APPS"]
    assert off["AUTHENTICATION_BACKENDS"] == ["django.contrib.auth.backends.ModelBackend"]
    with pytest.raises(ConfigError, match=r"web_oidc_client_id.*web_oidc_client_secret"):
        runtime.oidc(_settings(tmp_path, web_oidc_enabled=True))
    tenant = "https://login.microsoftonline.com/tenant-id"
    on = build(_settings(
        tmp_path, web_oidc_enabled=True, web_oidc_client_id="client",
        web_oidc_client_secret=SecretStr("s3cret"),
        web_oidc_authorization_endpoint=f"{tenant}/oauth2/v2.0/authorize",
        web_oidc_token_endpoint=f"{tenant}/oauth2/v2.0/token",
        web_oidc_jwks_endpoint=f"{tenant}/discovery/v2.0/keys"), bind_host=None)
    assert "mozilla_django_oidc" in on["INSTALLED_APPS"]
    assert on["AUTHENTICATION_BACKENDS"] == ["joinedup.web.accounts.oidc.RoleClaimOIDCBackend"]
    assert on["OIDC_RP_SIGN_ALGO"] == "RS256" and on["OIDC_RP_CLIENT_SECRET"] == "s3cret"
