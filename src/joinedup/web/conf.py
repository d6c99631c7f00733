"""Django settings built from joinedup's Settings, as one function.

``joinedup.web.settings`` (what `joinedup serve` runs) calls it with the process's settings;
``joinedup.web.settings_test`` calls it for a temporary home. Security choices are documented
in docs/web.md; the tests in tests/integration/test_web_security.py pin them.
"""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, SELF

from joinedup.config import Settings
from joinedup.web import runtime
from joinedup.web.core import requestlog

APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "govuk_frontend_django",
    "joinedup.web.core",
    "joinedup.web.accounts",
    "joinedup.web.audit",
    "joinedup.web.familycontext",
    "joinedup.web.review",
    "joinedup.web.api",
    "joinedup.web.workforce",
    "joinedup.web.dashboards",
    "joinedup.web.spd",
    "joinedup.web.gpalerts",
    "joinedup.web.debt",
    "joinedup.web.opendata",
]

MIDDLEWARE = [
    # First: every response, probes and errors included, carries the request's id, and every
    # log line written while it runs names it.
    "joinedup.web.core.requestlog.RequestIdMiddleware",
    # Before host checks and the HTTPS redirect: probes come from inside (core/probes.py).
    "joinedup.web.core.probes.ProbeMiddleware",
    # Next, so the time it reports covers every other middleware (sessions, audit...).
    "joinedup.web.core.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "joinedup.web.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "joinedup.web.core.middleware.PrivatePagesMiddleware",
]

# No inline script or style anywhere: GOV.UK Frontend is started from a static file.
CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def build(settings: Settings, *, bind_host: str | None) -> dict[str, Any]:
    """Every Django setting for one process. ``bind_host`` is the address being served."""
    secure = runtime.cookies_secure(settings, bind_host)
    oidc = runtime.oidc(settings)
    apps = APPS + (["mozilla_django_oidc"] if oidc else [])
    backends = (["joinedup.web.accounts.oidc.RoleClaimOIDCBackend"] if oidc
                else ["django.contrib.auth.backends.ModelBackend"])
    return {
        "DEBUG": False,
        "SECRET_KEY": runtime.secret_key(settings),
        "ALLOWED_HOSTS": list(settings.web_allowed_hosts),
        "INSTALLED_APPS": apps,
        "MIDDLEWARE": MIDDLEWARE,
        "ROOT_URLCONF": "joinedup.web.urls",
        "WSGI_APPLICATION": "joinedup.web.wsgi.application",
        "DATABASES": {"default": runtime.database(settings)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "AUTHENTICATION_BACKENDS": backends,
        "AUTH_PASSWORD_VALIDATORS": PASSWORD_VALIDATORS,
        "LOGIN_URL": "accounts:login",
        "LOGIN_REDIRECT_URL": "familycontext:home",
        "LOGOUT_REDIRECT_URL": "accounts:login",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "joinedup.web.core.context_processors.service",
            ]},
        }],
        "LANGUAGE_CODE": "en-gb",
        "TIME_ZONE": "Europe/London",
        "USE_I18N": False,
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": str(settings.web_dir / "static"),
        "STATICFILES_FINDERS": [
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "django.contrib.staticfiles.finders.AppDirectoriesFinder",
            # plotly.min.js from the plotly package: charts work offline, with no CDN.
            "joinedup.web.workforce.finders.PlotlyFinder",
        ],
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(settings.web_dir / "media")}},
            "staticfiles": {
                "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        # Sessions: idle timeout (sliding, see accounts.middleware), gone with the browser.
        "SESSION_COOKIE_AGE": settings.web_session_idle_minutes * 60,
        "SESSION_SAVE_EVERY_REQUEST": False,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # __Host- cookies must be Secure, host-only and path /; browsers enforce all three.
        "SESSION_COOKIE_NAME": "__Host-joinedup-session" if secure else "joinedup-session",
        "CSRF_COOKIE_SECURE": secure,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-joinedup-csrf" if secure else "joinedup-csrf",
        "CSRF_FAILURE_VIEW": "joinedup.web.core.views.csrf_failure",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        **runtime.security_headers(settings),
        "CONTENT_SECURITY_POLICY": CSP,
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
        # JSON lines on stderr with the request id (core/requestlog.py).
        "LOGGING": requestlog.LOGGING,
        # joinedup's own knobs, read by the web apps through django.conf.settings.
        "JOINEDUP_SESSION_IDLE_SECONDS": settings.web_session_idle_minutes * 60,
        "JOINEDUP_LOGIN_FAILURE_LIMIT": settings.web_login_failure_limit,
        "JOINEDUP_LOGIN_LOCKOUT_SECONDS": settings.web_login_lockout_minutes * 60,
        "JOINEDUP_OIDC_ENABLED": bool(oidc),
        "JOINEDUP_COOKIES_SECURE": secure,
        "JOINEDUP_SERVER_TIMING": settings.web_server_timing,
        **oidc,
    }
