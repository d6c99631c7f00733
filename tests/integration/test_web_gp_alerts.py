"""GP alerts on the linked small borough: a practice sees only its own registered children,
each alert is sent (recorded and audited) once, the export and the API give the same
alerts, and no alert goes to the wrong child (checked against the borough's truth, which
only this test reads)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from django.contrib.auth.models import User
from django.test import Client
from familycontext_world import World, audit, fc_world, served_home

from joinedup.views.gp_alerts import GpAlert, gp_alerts
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.reason import SESSION_KEY
from joinedup.web.accounts.roles import assign_role
from joinedup.web.gpalerts.models import GpAlertRecord

__all__ = ["fc_world", "served_home"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _gp(practice: str | None, name: str, reason: bool = True) -> Client:
    user = User.objects.create_user(name, password="correct-horse-battery-9")
    assign_role(user, "gp_practice")
    if practice:
        Profile.objects.create(user=user, team=practice)
    client = Client()
    client.force_login(user)
    if reason:
        session = client.session
        session[SESSION_KEY] = {"case_reference": "GP/2026/7", "purpose": "gp_safeguarding"}
        session.save()
    return client


def _alerts(world: World) -> list[GpAlert]:
    with duckdb.connect(str(world.snapshot), read_only=True) as con:
        return gp_alerts(con)


def test_no_alert_goes_to_the_wrong_child(fc_world: World, small_borough: Path) -> None:
    alerts = _alerts(fc_world)
    sent = [a for a in alerts if a.decision == "send"]
    assert len(sent) >= 5
    records = pq.read_table(small_borough / "ground_truth" / "records.parquet",
                            columns=["source", "record_id", "person_id"]).to_pylist()
    truth = {(r["source"], str(r["record_id"])): r["person_id"] for r in records}
    wrong = [a for a in sent if truth[a.registration_record] != truth[a.social_care_record]]
    assert wrong == []


def test_a_practice_sees_its_own_alerts_once_sent(served_home: World) -> None:
    sent = [a for a in _alerts(served_home) if a.decision == "send"]
    practice = max({a.practice for a in sent}, key=lambda p: sum(a.practice == p for a in sent))
    mine = [a for a in sent if a.practice == practice]
    others = [a for a in sent if a.practice != practice]
    client = _gp(practice, "gp-1")
    page = client.get("/gp-alerts/")
    html = page.content.decode()
    assert page.status_code == 200
    for alert in mine:
        assert alert.child_name in html and (alert.nhs_number or "") in html
    for alert in others:
        assert alert.nhs_number is None or alert.nhs_number not in html
    assert GpAlertRecord.objects.filter(practice=practice).count() == len(mine)
    assert len(audit("gp_alert_sent")) == len(mine)
    client.get("/gp-alerts/")
    assert len(audit("gp_alert_sent")) == len(mine)  # sent once, however often viewed
    assert audit("gp_alerts_view")[-1].detail["practice"] == practice

    exported = client.get("/gp-alerts/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert sorted(r["nhs_number"] for r in rows) == sorted(a.nhs_number or "" for a in mine)
    assert audit("gp_alerts_export")[-1].detail["practice"] == practice

    api = client.get("/api/gp-alerts").json()
    assert api["practice"] == practice
    assert sorted(a["nhs_number"] or "" for a in api["alerts"]) == sorted(
        a.nhs_number or "" for a in mine)
    assert audit("gp_alerts_view")[-1].detail["via"] == "api"


def test_scope_reason_and_roles(served_home: World) -> None:
    no_practice = _gp(None, "gp-none")
    assert b"not linked to a practice" in no_practice.get("/gp-alerts/").content
    assert no_practice.get("/gp-alerts/export.csv").status_code == 404
    elsewhere = _gp("Y99999", "gp-elsewhere")
    assert b"No current alerts" in elsewhere.get("/gp-alerts/").content
    no_reason = _gp("Y99999", "gp-no-reason", reason=False)
    assert "/accounts/reason/" in no_reason.get("/gp-alerts/")["Location"]
    assert no_reason.get("/api/gp-alerts").status_code == 400
    user = User.objects.create_user("csw-gp", password="correct-horse-battery-9")
    assign_role(user, "childrens_social_worker")
    social_worker = Client()
    social_worker.force_login(user)
    assert social_worker.get("/gp-alerts/").status_code == 404
    assert social_worker.get("/api/gp-alerts").status_code == 404
