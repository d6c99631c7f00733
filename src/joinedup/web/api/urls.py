"""The API's URLs. The site-wide LoginRequiredMiddleware would answer an anonymous API call
with a redirect to the sign-in page; API views do their own authentication and answer 401."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from joinedup.web.api.api import api


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, _, _ = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return list(patterns)


urlpatterns = _api_patterns()
app_name = "api"
