"""Working out a practice's alerts from the served snapshot and delivering the new ones."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from joinedup.config import get_settings
from joinedup.linkage.state import pair_id
from joinedup.linkage.warehouse_link import link_state
from joinedup.views.gp_alerts import GpAlert, apply_reviews, gp_alerts
from joinedup.web.accounts.models import Profile
from joinedup.web.audit.record import record
from joinedup.web.core.snapshot_cache import SnapshotCache
from joinedup.web.gpalerts.models import GpAlertRecord

CACHE: SnapshotCache[list[GpAlert]] = SnapshotCache(gp_alerts)


def practice_of(request: HttpRequest) -> str | None:
    """The practice a GP user works for: their profile's team holds its ODS code."""
    if request.user.pk is None:
        return None
    profile = Profile.objects.filter(user_id=request.user.pk).first()
    code = profile.team.strip().upper() if profile and profile.team else ""
    return code or None


def current_alerts() -> tuple[str, list[GpAlert]]:
    """The served snapshot's id and its alerts after reviewers' decisions: a held alert a
    reviewer confirmed is sent, one about two different children is dropped. Decisions are
    read on every call (they change between snapshots); the alerts are worked out once per
    snapshot."""
    snapshot, alerts = CACHE.get()
    # Only the decisions on these alerts' pairs: a council's review store holds thousands.
    decisions = link_state(get_settings()).decisions(pair_ids=[
        pair_id(a.registration_record, a.social_care_record) for a in alerts])
    return snapshot, apply_reviews(alerts, ((d.left, d.right, d.decision) for d in decisions))


def key_of(alert: GpAlert) -> str:
    return "|".join(str(x) for x in (alert.practice, alert.person_id, alert.kind, alert.status,
                                     alert.since, alert.ended))


def deliver(request: HttpRequest, practice: str) -> list[GpAlert]:
    """The practice's current sent alerts; new ones are recorded and audited first (one
    `gp_alert_sent` event each), so nothing reaches a practice unrecorded."""
    snapshot, alerts = current_alerts()
    mine = [a for a in alerts if a.practice == practice and a.decision == "send"]
    known = set(GpAlertRecord.objects.filter(practice=practice).values_list("key", flat=True))
    with transaction.atomic():
        for alert in mine:
            key = key_of(alert)
            if key in known:
                continue
            GpAlertRecord.objects.create(
                key=key, practice=practice, person_id=alert.person_id,
                nhs_number=alert.nhs_number or "", child_name=alert.child_name, dob=alert.dob,
                kind=alert.kind, status=alert.status, status_label=alert.status_label,
                since=alert.since, ended=alert.ended, worker_name=alert.worker_name or "",
                worker_role=alert.worker_role or "", team=alert.team or "",
                worker_phone=alert.worker_phone or "", worker_email=alert.worker_email or "",
                confidence=alert.confidence, snapshot=snapshot)
            record(request, "gp_alert_sent", alert.person_id, practice=practice,
                   kind=alert.kind, status=alert.status)
    return mine
