"""Headers for every page the app renders (static files get theirs from whitenoise)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Pages hold personal data: never cached by the browser or a proxy, no back-button copies.
NO_STORE = "no-store, max-age=0"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Open data marks its responses public (web/opendata/http.py): no personal data,
        # and caching with ETags is what lets harvesters and the API scale.
        if not getattr(response, "jup_public", False):
            response["Cache-Control"] = NO_STORE
        response.setdefault("Permissions-Policy", PERMISSIONS)
        return response
