"""Pages every visitor may see: "How we use data", and the error pages' views."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import role_uses, service_uses


@login_not_required
@require_GET
def how_we_use_data(request: HttpRequest) -> HttpResponse:
    """The purpose register in plain English, generated from the policy the app enforces."""
    return render(request, "core/how_we_use_data.html",
                  {"services": service_uses(), "roles": role_uses()})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
