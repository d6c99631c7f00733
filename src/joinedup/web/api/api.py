"""The API object, its own endpoints (me, health), and the routers of the others.

Authentication is the browser session with CSRF checked on unsafe methods (ninja's
``django_auth``); an anonymous caller gets 401 JSON, never a redirect to the sign-in page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from joinedup.access import can_view_people, role_label
from joinedup.web.accounts.reason import current_reason
from joinedup.web.accounts.roles import role_of
from joinedup.web.api.gp_alerts import router as gp_alerts_router
from joinedup.web.api.people import router as people_router
from joinedup.web.core.dataset import warehouse_kind

api = NinjaAPI(
    title="joinedup Family Context API",
    version="1",
    description="Search and person endpoints for practitioners, under the same access policy "
                "and audit log as the web pages.",
    auth=django_auth,
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads scripts from a CDN, which the CSP forbids
    docs_decorator=login_required,
)


class Reason(Schema):
    case_reference: str
    purpose: str
    purpose_label: str


class Me(Schema):
    username: str
    role: str | None
    role_label: str | None
    person_access: bool
    access_reason: Reason | None


class Health(Schema):
    status: str
    data: str


@api.get("/me", response=Me, summary="The signed-in user, their role and reason for access")
def me(request: HttpRequest) -> Me:
    role = role_of(request.user)
    reason = current_reason(request)
    return Me(
        username=request.user.get_username(),
        role=role,
        role_label=role_label(role) if role else None,
        person_access=bool(role and can_view_people(role)),
        access_reason=Reason(case_reference=reason.case_reference, purpose=reason.purpose,
                             purpose_label=reason.purpose_label) if reason else None,
    )


@api.get("/health", response=Health, summary="The app is up; what kind of data it serves")
def health(request: HttpRequest) -> Health:
    return Health(status="ok", data=warehouse_kind())


# Search and person (joinedup.web.api.people): the practitioner pages' data as JSON.
api.add_router("", people_router)

# GP alerts (joinedup.web.api.gp_alerts): a practice's alerts as JSON.
api.add_router("", gp_alerts_router)
