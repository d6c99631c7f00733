"""What every page's layout needs: service name, the user's role, reason for access, and
whether the data being served is synthetic."""

from __future__ import annotations

from django.http import HttpRequest

from joinedup.access import can_view_people, has_capability, role_label
from joinedup.web.accounts.reason import current_reason
from joinedup.web.accounts.roles import role_of
from joinedup.web.core.dataset import warehouse_kind

SERVICE_NAME = "joinedup Family Context"


def service(request: HttpRequest) -> dict[str, object]:
    role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "service_name": SERVICE_NAME,
        "user_role": role or "",
        "user_role_label": role_label(role) if role else "",
        "sees_people": bool(role and can_view_people(role)),
        "reviews_matches": bool(role and has_capability(role, "match_review")),
        "reads_audit": bool(role and has_capability(role, "audit_read")),
        "plans_workforce": bool(role and has_capability(role, "workforce")),
        "uses_insight": bool(role and has_capability(role, "insight")),
        "reviews_discounts": bool(role and has_capability(role, "spd_review")),
        "sees_debts": bool(role and (has_capability(role, "debt_view")
                                     or has_capability(role, "tenant_debts"))),
        "gets_gp_alerts": bool(role and has_capability(role, "gp_alerts")),
        "sends_vcse_returns": bool(role and has_capability(role, "vcse_returns")),
        "access_reason": current_reason(request) if role else None,
        "data_kind": warehouse_kind(),
    }
