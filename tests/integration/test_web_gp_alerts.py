"""GP alerts on the linked small borough: a practice sees only its own registered children,
each alert is sent (recorded and audited) once, the export and the API give the same
alerts, and no alert goes to the wrong child (checked against the borough's truth, which
only this test reads)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from familycontext_world import World, audit, fc_world, served_home

from joinedup.cli import cli
from joinedup.linkage.state import LinkState
from joinedup.views.gp_alerts import (
    CSV_COLUMNS,
    REVIEW_CSV_COLUMNS,
    GpAlert,
    GpAlertSettings,
    gp_alerts,
)
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.reason import SESSION_KEY
from joinedup.web.accounts.roles import assign_role
from joinedup.web.core.snapshot_cache import SnapshotCache
from joinedup.web.gpalerts import delivery, review
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


def _reviewer(name: str, purpose: str = "record_matching") -> Client:
    user = User.objects.create_user(name, password="correct-horse-battery-9")
    assign_role(user, "childrens_social_worker")
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = {"case_reference": "DQ/2026/3", "purpose": purpose}
    session.save()
    return client


def test_held_alerts_are_decided_by_a_reviewer(served_home: World, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The borough's matches are all sure, so hold every alert (a threshold above 1), and keep
    # decisions in a linkage state of this test's own, not the shared world's.
    strict = GpAlertSettings(threshold=1.01)
    monkeypatch.setattr(delivery, "CACHE", SnapshotCache(lambda con: gp_alerts(
        con, settings=strict)))
    state = LinkState(tmp_path / "linkage")
    monkeypatch.setattr(delivery, "link_state", lambda settings: state)
    monkeypatch.setattr(review, "link_state", lambda settings: state)
    with duckdb.connect(str(served_home.snapshot), read_only=True) as con:
        alerts = gp_alerts(con, settings=strict)
    practice = max({a.practice for a in alerts},
                   key=lambda p: sum(a.practice == p for a in alerts))
    mine = [a for a in alerts if a.practice == practice][:2]
    gp = _gp(practice, "gp-held")
    assert b"No current alerts" in gp.get("/gp-alerts/").content  # nothing held is sent

    reviewer = _reviewer("csw-held")
    html = reviewer.get("/gp-alerts/review/").content.decode()
    for alert in mine:
        assert f"/gp-alerts/review/{alert.person_id}/" in html and alert.child_name in html
    assert audit("review_view")[-1].detail["via"] == "gp_alerts"
    same, different = mine
    page = reviewer.get(f"/gp-alerts/review/{same.person_id}/")
    assert page.status_code == 200 and same.registration_record[1] in page.content.decode()
    missing = reviewer.post(f"/gp-alerts/review/{same.person_id}/", {}).content.decode()
    assert "govuk-error-summary" in missing and "Select whether the two records" in missing
    for alert, decision in ((same, "same"), (different, "different")):
        done = reviewer.post(f"/gp-alerts/review/{alert.person_id}/", {"decision": decision})
        assert done["Location"] == "/gp-alerts/review/"
        assert audit("review_decision")[-1].detail == {
            "via": "gp_alerts", "practice": practice, "decision": decision}
    assert {(d.decision, *sorted((d.left, d.right))) for d in state.decisions()} == {
        ("same", *sorted((same.registration_record, same.social_care_record))),
        ("different", *sorted((different.registration_record, different.social_care_record)))}
    html = reviewer.get("/gp-alerts/review/").content.decode()
    assert f"/gp-alerts/review/{same.person_id}/" not in html  # decided: no longer held
    assert reviewer.get(f"/gp-alerts/review/{same.person_id}/").status_code == 404

    sent = gp.get("/gp-alerts/").content.decode()
    assert same.child_name in sent and different.child_name not in sent
    assert GpAlertRecord.objects.filter(practice=practice, person_id=same.person_id).exists()

    # A reason for casework does not carry over; other roles see nothing.
    casework = _reviewer("csw-casework", purpose="child_protection")
    assert "/accounts/reason/" in casework.get("/gp-alerts/review/")["Location"]
    assert gp.get("/gp-alerts/review/").status_code == 404


def test_each_held_alert_of_one_child_is_reached_and_decided_on_its_own(
        served_home: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One child held twice: registered at a second practice on another registration record.
    strict = GpAlertSettings(threshold=1.01)
    with duckdb.connect(str(served_home.snapshot), read_only=True) as con:
        first = gp_alerts(con, settings=strict)[0]
    second = replace(first, practice="Z99999",
                     registration_record=(first.registration_record[0], "REG-OTHER-1"))
    monkeypatch.setattr(delivery, "CACHE", SnapshotCache(lambda con: [first, second]))
    state = LinkState(tmp_path / "linkage")
    monkeypatch.setattr(delivery, "link_state", lambda settings: state)
    monkeypatch.setattr(review, "link_state", lambda settings: state)
    reviewer = _reviewer("csw-two-held")
    html = reviewer.get("/gp-alerts/review/").content.decode()
    links = {alert: f"/gp-alerts/review/{alert.person_id}/?pair={review.pair_of(alert)}"
             for alert in (first, second)}
    assert review.pair_of(first) != review.pair_of(second)
    for alert, link in links.items():
        assert link in html
        page = reviewer.get(link).content.decode()
        assert alert.registration_record[1] in page and alert.practice in page
        assert "1 other alert held" in page
    done = reviewer.post(links[second], {"decision": "different"})
    assert done["Location"] == "/gp-alerts/review/"
    assert [sorted((d.left, d.right)) for d in state.decisions()] == [
        sorted((second.registration_record, second.social_care_record))]
    html = reviewer.get("/gp-alerts/review/").content.decode()
    assert links[first] in html and links[second] not in html
    assert reviewer.get(links[second]).status_code == 404
    assert reviewer.get(f"/gp-alerts/review/{first.person_id}/?pair=RV0000000000"
                        ).status_code == 404


def test_the_cli_writes_the_practice_export_and_the_held_list(served_home: World) -> None:
    alerts = _alerts(served_home)
    sent = [a for a in alerts if a.decision == "send"]
    practice = sent[0].practice
    runner = CliRunner()
    out = runner.invoke(cli, ["views", "gp-alerts", "list", "--practice", practice,
                              "--csv", "-"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert sorted(r["nhs_number"] for r in rows) == sorted(
        a.nhs_number or "" for a in sent if a.practice == practice)
    assert list(rows[0]) == list(CSV_COLUMNS)
    # Held for review (every alert, with a threshold no match reaches but a certain one).
    held_out = runner.invoke(cli, ["views", "gp-alerts", "list", "--threshold", "1",
                                   "--review", "--csv", "-"])
    assert held_out.exit_code == 0, held_out.output
    held_rows = list(csv.DictReader(io.StringIO(held_out.stdout)))
    assert held_out.stdout.splitlines()[0].split(",") == list(REVIEW_CSV_COLUMNS)
    with duckdb.connect(str(served_home.snapshot), read_only=True) as con:
        strict = gp_alerts(con, settings=GpAlertSettings(threshold=1))
    expected = sorted(a.person_id for a in strict if a.decision == "review")
    assert expected and sorted(r["person_id"] for r in held_rows) == expected
