"""The start page: what this user can do here, given their role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import (
    can_view_people,
    field_purpose,
    has_capability,
    purposes_for,
    role_info,
    visible_fields,
)
from joinedup.access.policy import CARD_SERVICES, service_label
from joinedup.web.accounts.roles import role_of


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    context: dict[str, object] = {"role": role}
    if role is not None:
        info = role_info(role)
        context.update({
            "role_description": info.description,
            "sees_people": can_view_people(role),
            "audits": has_capability(role, "audit_read"),
            "administers": has_capability(role, "user_admin"),
            "purposes": purposes_for(role),
            "cards": [
                {"label": service_label(service),
                 "fields": [field_purpose(service, f).label for f in visible_fields(role, service)]}
                for service in CARD_SERVICES if visible_fields(role, service)
            ],
        })
    return render(request, "familycontext/home.html", context)
