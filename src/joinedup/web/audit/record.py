"""Writing the audit log: ``record`` for views, ``append`` for everything else.

Writers are serialised on the AuditHead row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite
every transaction begins IMMEDIATE, see joinedup.web.runtime), so two requests can never
both extend the same link. A failed write raises: a person page is not shown unaudited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from joinedup.web.audit.chain import event_hash
from joinedup.web.audit.models import ACTIONS, AuditEvent, AuditHead

PERSON_ID_RE = re.compile(r"^JP[0-9]{8,12}$")
MAX_TEXT = 200  # detail strings are codes, ids and hashes, never free text

DetailValue = str | int | bool | None | list[str] | list[int]


def _check_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, float) or not isinstance(item, str | int | bool | None):
                raise ValueError(f"audit detail {key!r} holds a {type(item).__name__}; only "
                                 "short strings, whole numbers, booleans and lists of them")
            if isinstance(item, str) and len(item) > MAX_TEXT:
                raise ValueError(f"audit detail {key!r} is over {MAX_TEXT} characters: store "
                                 "codes or a keyed hash (audit.privacy), not free text")
        clean[key] = list(value) if isinstance(value, tuple) else value
    return clean


def append(action: str, *, username: str, role: str = "", person_id: str = "",
           detail: Mapping[str, Any] | None = None, reason: str = "", case_reference: str = "",
           client_ip: str = "", area: str = "") -> AuditEvent:
    """Add one event at the end of the chain and return it."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not an audit action ({', '.join(ACTIONS)})")
    if person_id and not PERSON_ID_RE.match(person_id):
        raise ValueError(f"{person_id!r} is not an opaque person id (JP followed by digits)")
    fields: dict[str, Any] = {
        "at": timezone.now(), "username": username, "role": role, "action": action,
        "person_id": person_id, "detail": _check_detail(detail or {}), "reason": reason,
        "case_reference": case_reference, "client_ip": client_ip, "area": area,
    }
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        fields["seq"] = head.seq + 1
        fields["prev_hash"] = head.hash
        fields["hash"] = event_hash(fields)
        event = AuditEvent(**fields)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=("seq", "hash"))
    return event


def client_ip(request: HttpRequest) -> str:
    """The peer address as the server saw it (gunicorn puts the proxy's client in here when
    the proxy is trusted through its forwarded_allow_ips)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def record(request: HttpRequest, action: str, person_id: str | None = None, *,
           area: str = "", **detail: Any) -> AuditEvent:
    """Audit what the signed-in user just did, with their role and current reason for access."""
    from joinedup.web.accounts.reason import current_reason
    from joinedup.web.accounts.roles import role_of

    user = request.user
    username = user.get_username() if user.is_authenticated else ""
    role = (role_of(user) or "") if user.is_authenticated else ""
    reason = current_reason(request)
    return append(
        action, username=username, role=role, person_id=person_id or "", detail=detail,
        reason=reason.purpose if reason else "",
        case_reference=reason.case_reference if reason else "",
        client_ip=client_ip(request), area=area,
    )
