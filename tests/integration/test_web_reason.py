"""Reason for access: asked before the first person page, kept for the session, audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from joinedup.web.accounts.reason import person_or_404, requires_reason
from joinedup.web.accounts.roles import assign_role
from joinedup.web.audit.models import AuditEvent
from joinedup.web.audit.record import record

AGES = {"JP00000001": 9, "JP00000002": 34, "JP00000003": None}


@requires_reason
def probe(request: HttpRequest, pid: str) -> HttpResponse:
    """Stands in for a person page: 404 outside the user's rights, audited inside them."""
    person_or_404(request, AGES.get(pid), exists=pid in AGES)
    record(request, "person_view", pid)
    return HttpResponse(f"person {pid}")


urlpatterns = [
    path("probe/<person_id:pid>/", probe),
    path("", include("joinedup.web.urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
REASON = "/accounts/reason/"


def _client(role: str) -> Client:
    user = User.objects.create_user(role[:20], password="correct-horse-battery-9")
    assign_role(user, role)
    client = Client()
    client.force_login(user)
    return client


def _give_reason(client: Client, next_url: str = "/", purpose: str = "child_protection",
                 case: str = "CP/2026/7") -> str:
    response = client.post(REASON, {"case_reference": case, "purpose": purpose,
                                    "next": next_url})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def test_first_person_page_asks_for_a_reason_then_comes_back() -> None:
    client = _client("childrens_social_worker")
    response = client.get("/probe/JP00000001/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reason/?next=%2Fprobe%2FJP00000001%2F"
    form = client.get(response["Location"])
    assert b"Child protection enquiry (section 47)" in form.content
    assert b"Adult safeguarding" not in form.content  # another role's purpose
    assert _give_reason(client, "/probe/JP00000001/") == "/probe/JP00000001/"
    assert client.get("/probe/JP00000001/").content == b"person JP00000001"
    assert client.get("/probe/JP00000002/").status_code == 200  # same piece of work


def test_reason_is_recorded_with_every_view() -> None:
    client = _client("childrens_social_worker")
    _give_reason(client)
    client.get("/probe/JP00000001/")
    _give_reason(client, purpose="referral_triage", case="MASH-88")
    client.get("/probe/JP00000002/")
    rows = list(AuditEvent.objects.order_by("seq").values_list(
        "action", "person_id", "reason", "case_reference"))
    assert rows == [
        ("login", "", "", ""),
        ("reason_set", "", "child_protection", "CP/2026/7"),
        ("person_view", "JP00000001", "child_protection", "CP/2026/7"),
        ("reason_set", "", "referral_triage", "MASH-88"),
        ("person_view", "JP00000002", "referral_triage", "MASH-88"),
    ]


def test_reason_is_shown_in_the_header_with_a_change_link() -> None:
    client = _client("early_help_practitioner")
    _give_reason(client, purpose="early_help_assessment", case="EH 2026/31")
    html = client.get("/").content.decode()
    assert "Case <strong>EH 2026/31</strong>: Early help assessment and family support." in html
    assert 'href="/accounts/reason/?next=/"' in html


@pytest.mark.parametrize(("data", "error"), [
    ({"case_reference": "", "purpose": "child_protection"}, "Enter the case reference"),
    ({"case_reference": "<script>", "purpose": "child_protection"}, "must start with a letter"),
    ({"case_reference": "X" * 41, "purpose": "child_protection"}, "40 characters or fewer"),
    ({"case_reference": "CP/1"}, "Select why you need"),
    ({"case_reference": "CP/1", "purpose": "adult_safeguarding"}, "Select one of the purposes"),
])
def test_reason_form_errors(data: dict[str, str], error: str) -> None:
    client = _client("childrens_social_worker")
    response = client.post(REASON, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html and "There is a problem" in html
    assert "<title>Error: " in html
    assert AuditEvent.objects.filter(action="reason_set").count() == 0


def test_reason_next_must_be_local() -> None:
    client = _client("childrens_social_worker")
    assert _give_reason(client, "https://evil.example/") == "/"


@pytest.mark.parametrize("role", ["analyst", "auditor", "administrator"])
def test_roles_without_person_access_get_not_found(role: str) -> None:
    client = _client(role)
    assert client.get(REASON).status_code == 404
    assert client.get("/probe/JP00000001/").status_code == 404


def test_people_outside_a_role_look_exactly_like_people_who_do_not_exist() -> None:
    client = _client("adult_social_worker")
    _give_reason(client, purpose="adult_safeguarding")
    assert client.get("/probe/JP00000002/").status_code == 200  # 34: allowed
    child = client.get("/probe/JP00000001/")  # 9: under the role's age rule
    unknown_age = client.get("/probe/JP00000003/")
    missing = client.get("/probe/JP99999999/")
    assert child.status_code == unknown_age.status_code == missing.status_code == 404
    assert _same_page(child.content, "JP00000001") == _same_page(missing.content, "JP99999999")
    assert list(AuditEvent.objects.filter(action="person_view")
                .values_list("person_id", flat=True)) == ["JP00000002"]


def _same_page(html: bytes, pid: str) -> str:
    # Only the id asked for and the per-response CSRF mask may differ.
    text = html.decode().replace(pid, "ID")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_non_opaque_ids_never_reach_a_view() -> None:
    client = _client("childrens_social_worker")
    _give_reason(client)
    assert client.get("/probe/Smith/").status_code == 404
