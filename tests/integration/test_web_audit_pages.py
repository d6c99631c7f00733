"""The auditor pages: who looked at a person, what a user looked at, unusual access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from web_world import *  # noqa: F403
from web_world import ADULT, CHILD12, CHILD12B, PARTNER, TEEN17, signed_in

from joinedup.web.accounts.models import Profile
from joinedup.web.audit.models import AuditEvent
from joinedup.web.audit.record import append

pytestmark = pytest.mark.django_db

PAGES = ("/audit/", "/audit/person/", "/audit/user/", "/audit/unusual/")


def _view(username: str, person: str, action: str = "person_view", area: str = "") -> None:
    append(action, username=username, role="childrens_social_worker", person_id=person,
           reason="child_protection", case_reference="CP/1", area=area)


@pytest.mark.parametrize("role", ["childrens_social_worker", "early_help_practitioner",
                                  "adult_social_worker", "analyst", "administrator", None])
def test_only_auditors_reach_the_pages(role: str | None) -> None:
    client = signed_in(role)
    for page in PAGES:
        assert client.get(page).status_code == 404, page
    assert client.get(f"/audit/person/?person_id={ADULT}").status_code == 404
    assert not AuditEvent.objects.filter(action="audit_view").exists()


def test_index_and_empty_forms() -> None:
    client = signed_in("auditor")
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert not AuditEvent.objects.filter(action="audit_view").exists()


def test_who_looked_at_a_person() -> None:
    _view("ann", ADULT)
    _view("bob", ADULT, "card_expand")
    _view("ann", CHILD12)
    append("search", username="ann", role="childrens_social_worker")
    client = signed_in("auditor", name="audrey")
    html = client.get(f"/audit/person/?person_id={ADULT.lower()}").content.decode()
    assert f"Records of {ADULT} opened or listed: 2 times, newest first" in html
    assert html.index("username=bob") < html.index("username=ann")  # newest first
    assert "Expanded a service card" in html and "Child protection enquiry (section 47)" in html
    assert CHILD12 not in html
    event = AuditEvent.objects.get(action="audit_view")
    assert (event.username, event.person_id, event.detail) == (
        "audrey", ADULT, {"report": "who_viewed", "rows": 2})


def test_a_bad_person_id_is_an_error_not_a_search() -> None:
    html = signed_in("auditor").get("/audit/person/?person_id=Smith").content.decode()
    assert "Enter an id like JP00001234" in html and "govuk-error-summary" in html
    assert not AuditEvent.objects.filter(action="audit_view").exists()


def test_what_a_user_looked_at() -> None:
    _view("ann", ADULT)
    _view("ann", CHILD12)
    _view("bob", TEEN17)
    html = signed_in("auditor").get("/audit/user/?username=ann").content.decode()
    assert "Records opened by ann: 2 times" in html
    assert ADULT in html and CHILD12 in html and TEEN17 not in html
    assert AuditEvent.objects.get(action="audit_view").detail == {
        "report": "what_user_viewed", "user": "ann", "rows": 2}
    nobody = signed_in("auditor").get("/audit/user/?username=zed").content.decode()
    assert "zed has not opened anyone's records." in nobody


def test_paging_of_a_long_report() -> None:
    for _ in range(55):
        _view("ann", ADULT)
    client = signed_in("auditor")
    first = client.get(f"/audit/person/?person_id={ADULT}").content.decode()
    assert "showing 1 to 50" in first and "govuk-pagination" in first
    second = client.get(f"/audit/person/?person_id={ADULT}&page=2").content.decode()
    assert "showing 51 to 55" in second


def _unusual(day: dt.date, threshold: int) -> str:
    client = signed_in("auditor")
    response = client.get("/audit/unusual/", {"day": day.day, "month": day.month,
                                              "year": day.year, "threshold": threshold})
    assert response.status_code == 200
    return response.content.decode()


def test_unusual_access_counts_families_through_the_family_network(world) -> None:
    for person in (ADULT, PARTNER, CHILD12B, CHILD12, TEEN17):
        _view("ann", person)
    today = timezone.localdate()
    # Ada Adult, her partner and the partner's child are one family: 5 people, 3 families.
    flagged = _unusual(today, 2)
    assert "Users who opened records of more than 2 families" in flagged
    row = flagged[flagged.index('href="/audit/user/?username=ann"'):]
    assert [cell.split("<")[0] for cell in row.split('numeric">')[1:3]] == ["5", "3"]
    assert "Nobody opened records of more than 3 families" in _unusual(today, 3)
    assert "Nobody opened" in _unusual(today - dt.timedelta(days=1), 2)
    event = AuditEvent.objects.filter(action="audit_view").first()
    assert event is not None and event.detail == {
        "report": "unusual", "day": today.isoformat(), "threshold": 2, "flagged": 1}


def test_views_outside_the_team_area() -> None:
    user = User.objects.create_user("north", password="correct-horse-battery-9")
    Profile.objects.create(user=user, team="North", areas="E05000001,E05000002")
    _view("north", ADULT, area="E05000001")
    _view("north", CHILD12, area="E05000099")
    html = _unusual(timezone.localdate(), 20)
    outside = html[html.index("People living outside the wards"):]
    assert CHILD12 in outside and "E05000099" in outside and ADULT not in outside


def test_unusual_form_errors() -> None:
    client = signed_in("auditor")
    html = client.get("/audit/unusual/", {"day": "31", "month": "2", "year": "2026",
                                          "threshold": "0"}).content.decode()
    assert "Date must be a real date" in html
    assert "Number of families must be 1 or more" in html
    assert not AuditEvent.objects.filter(action="audit_view").exists()
