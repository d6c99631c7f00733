"""GP alerts as JSON for a practice system: the same alerts, scope, delivery and audit as
the practice's page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from joinedup.access import has_capability
from joinedup.errors import JoinedUpError
from joinedup.web.accounts.reason import current_reason
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import record
from joinedup.web.gpalerts.delivery import deliver, practice_of

router = Router(tags=["gp-alerts"])


class Alert(Schema):
    nhs_number: str | None
    child_name: str
    dob: dt.date | None
    kind: str
    status: str
    status_label: str
    since: dt.date | None
    ended: dt.date | None
    worker_name: str | None
    worker_role: str | None
    team: str | None
    worker_phone: str | None
    worker_email: str | None


class Alerts(Schema):
    practice: str
    alerts: list[Alert]


@router.get("/gp-alerts", response=Alerts,
            summary="The signed-in practice's current GP alerts (sent ones only)")
def gp_alerts(request: HttpRequest) -> Alerts:
    role = role_of(request.user)
    if role is None or not has_capability(role, "gp_alerts"):
        raise HttpError(404, "Not found")
    if current_reason(request) is None:
        raise HttpError(400, "Give a reason for access first (/accounts/reason/).")
    practice = practice_of(request)
    if practice is None:
        raise HttpError(404, "Your account is not linked to a practice.")
    try:
        current = deliver(request, practice)
    except JoinedUpError as exc:
        raise HttpError(503, "No linked data yet: ask your administrator.") from exc
    record(request, "gp_alerts_view", practice=practice, via="api",
           person_ids=sorted({a.person_id for a in current}))
    return Alerts(practice=practice, alerts=[Alert(**{
        k: getattr(a, k) for k in Alert.model_fields}) for a in current])
