"""The site's URLs. Person pages use the ``person_id`` converter: opaque ids only."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from joinedup.web import knobs

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("joinedup.web.familycontext.urls")),
    path("", include("joinedup.web.review.urls")),
    path("audit/", include("joinedup.web.audit.urls")),
    path("accounts/", include("joinedup.web.accounts.urls")),
    path("api/", include("joinedup.web.api.urls")),
    path("workforce/", include("joinedup.web.workforce.urls")),
    path("dashboards/", include("joinedup.web.dashboards.urls")),
    path("spd/", include("joinedup.web.spd.urls")),
    path("gp-alerts/", include("joinedup.web.gpalerts.urls")),
    path("debt/", include("joinedup.web.debt.urls")),
    # The public portal: no sign-in, its own views, API and cache rules (web/opendata).
    path("open-data/api/v1/", include("joinedup.web.opendata.api_urls")),
    path("open-data/", include("joinedup.web.opendata.urls")),
    path("", include("joinedup.web.core.urls")),
]


def _oidc_patterns() -> list[URLPattern]:
    from django.contrib.auth.decorators import login_not_required
    from mozilla_django_oidc.views import (
        OIDCAuthenticationCallbackView,
        OIDCAuthenticationRequestView,
    )

    return [
        path("oidc/authenticate/", login_not_required(OIDCAuthenticationRequestView.as_view()),
             name="oidc_authentication_init"),
        path("oidc/callback/", login_not_required(OIDCAuthenticationCallbackView.as_view()),
             name="oidc_authentication_callback"),
    ]


if knobs.oidc_enabled():
    urlpatterns += _oidc_patterns()
