"""The single person discount review pages on the linked small borough: who may open them,
what a revenues officer is and is not told, recording an outcome, its audit rows and the
clerical labels it gives matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from familycontext_world import World, audit, fc_world, served_home

from joinedup.linkage.state import LinkState
from joinedup.views.disclosure import NAMED_SERVICES
from joinedup.views.spd import SpdReview, spd_reviews
from joinedup.web.accounts.reason import SESSION_KEY
from joinedup.web.accounts.roles import assign_role
from joinedup.web.spd.models import SpdOutcome

__all__ = ["fc_world", "served_home"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _officer(reason: bool = True, name: str = "rev-1") -> Client:
    user = User.objects.create_user(name, password="correct-horse-battery-9")
    assign_role(user, "revenues_officer")
    client = Client()
    client.force_login(user)
    if reason:
        session = client.session
        session[SESSION_KEY] = {"case_reference": "SPD/2026/01", "purpose": "council_tax_review"}
        session.save()
    return client


def _top_review(world: World) -> SpdReview:
    import duckdb

    with duckdb.connect(str(world.snapshot), read_only=True) as con:
        reviews = spd_reviews(con)
    top = next((r for r in reviews if any(o.adult and o.same_as is None and
                                          not o.maybe_account_holder for o in r.others)), None)
    assert top is not None, "the small borough has no discounted account with another adult"
    return top


def test_only_the_revenues_role_opens_the_review(served_home: World) -> None:
    for role in ("childrens_social_worker", "analyst", "auditor"):
        user = User.objects.create_user(f"x-{role}", password="correct-horse-battery-9")
        assign_role(user, role)
        client = Client()
        client.force_login(user)
        assert client.get("/spd/").status_code == 404
    no_reason = _officer(reason=False, name="rev-nr")
    response = no_reason.get("/spd/")
    assert response.status_code == 302 and "/accounts/reason/" in response["Location"]
    assert no_reason.get("/accounts/reason/?next=/spd/").status_code == 200
    home = _officer(name="rev-home").get("/")
    assert b'href="/spd/"' in home.content


def test_list_and_account_show_evidence_without_social_care_details(served_home: World) -> None:
    top = _top_review(served_home)
    client = _officer()
    listed = client.get("/spd/")
    assert listed.status_code == 200
    assert f"Account {top.account_no}".encode() in listed.content
    assert audit("spd_list")[-1].detail["accounts"][0] == _first_listed(served_home)
    page = client.get(f"/spd/{top.account_no}/")
    html = page.content.decode()
    assert page.status_code == 200
    shown = next(o for o in top.others if o.adult and o.same_as is None)
    assert shown.name in html
    hidden_systems = [str(s) for s, svc in served_home.query(
        "SELECT source, min(service) FROM source_freshness GROUP BY source")
        if svc not in NAMED_SERVICES]
    systems = dict(served_home.query(
        "SELECT source, min(system) FROM source_freshness GROUP BY source"))
    for source in hidden_systems:
        assert systems[source] not in html, source
        assert source not in html, source
    event = audit("spd_view")[-1]
    assert event.person_id == top.lead_person_id and event.detail["account"] == top.account_no
    assert client.get("/spd/nosuch/").status_code == 404


def _first_listed(world: World) -> str:
    import duckdb

    with duckdb.connect(str(world.snapshot), read_only=True) as con:
        return next(r.account_no for r in spd_reviews(con) if r.score > 0)


def test_recording_an_outcome_keeps_it_and_labels_matching(
        served_home: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Labels go to a linkage state of this test's own: the shared world is left as it was.
    state = LinkState(tmp_path / "linkage")
    monkeypatch.setattr("joinedup.web.spd.views.link_state", lambda _settings: state)
    top = _top_review(served_home)
    other = next(o for o in top.others if o.adult and o.same_as is None)
    client = _officer()
    missing = client.post(f"/spd/{top.account_no}/", {"outcome": "discount_removed"})
    assert missing.status_code == 200
    assert b"Select the people the review confirmed" in missing.content
    assert not SpdOutcome.objects.exists()
    done = client.post(f"/spd/{top.account_no}/", {"outcome": "discount_removed",
                                                   "people": [other.person_id]})
    assert done.status_code == 302 and done["Location"] == "/spd/"
    saved = SpdOutcome.objects.get()
    assert (saved.account_no, saved.outcome, saved.person_ids) == (
        top.account_no, "discount_removed", [other.person_id])
    assert other.evidence_record is not None
    decisions = state.decisions()
    assert any(d.decision == "different" and {d.left, d.right} == {
        (top.source, top.lead_record_id), other.evidence_record} for d in decisions)
    event = audit("spd_outcome")[-1]
    assert event.detail["outcome"] == "discount_removed" and event.detail["labels"] == 1
    assert "Discount removed" in client.get("/spd/").content.decode()
