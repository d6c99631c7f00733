"""The JSON API's search and person endpoints give what the pages give, under the same rules,
with the same audit rows (marked ``via: api``)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from familycontext_world import (
    CASE,
    World,
    audit,
    child_with_worker,
    client_for,
    dropped_letter,
    fc_world,
    served_home,
)

__all__ = ["fc_world", "served_home"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REASON = {"X-Case-Reference": "CP/2026/77", "X-Purpose": "child_protection"}


def _api_search(client: Client, **body: str) -> Any:
    response = client.post("/api/search", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _page_ranking(client: Client, **terms: str) -> list[str]:
    posted = client.post("/search/", terms)
    assert posted.status_code == 302
    html = client.get("/search/").content.decode()
    return re.findall(r'href="/person/(JP[0-9]+)/"', html[html.index('id="results"'):])


def test_search_gives_the_pages_ranking_and_audit(served_home: World) -> None:
    child = child_with_worker(served_home)
    name = f"{child.first_name} {dropped_letter(child.surname)}"
    client = client_for("childrens_social_worker")
    page = _page_ranking(client, name=name)
    page_rows = [(e.action, e.detail) for e in audit()[-2:]]
    status, body = _api_search(client, name=name)
    assert status == 200
    assert [r["person_id"] for r in body["results"]] == page == \
        [r["person_id"] for r in body["results"]][:len(page)]
    assert body["results"][0]["person_id"] == child.person_id
    assert body["results"][0]["dob"] == child.dob.isoformat()
    api_rows = [(e.action, e.detail) for e in audit()[-2:]]
    assert [a for a, _ in api_rows] == [a for a, _ in page_rows] == ["search", "results"]
    for (_, api), (_, pages) in zip(api_rows, page_rows, strict=True):
        assert api == {**pages, "via": "api"}


def test_search_is_limited_by_role_and_validated(served_home: World) -> None:
    child = child_with_worker(served_home)
    status, body = _api_search(client_for("adult_social_worker"),
                               name=f"{child.first_name} {child.surname}")
    assert status == 200 and body["age_rule"] == "aged 16 or over"
    assert child.person_id not in [r["person_id"] for r in body["results"]]
    status, body = _api_search(client_for("childrens_social_worker"), dob="2010-02-31")
    assert status == 400 and "dob" in body["errors"]
    status, body = _api_search(client_for("childrens_social_worker"))
    assert status == 400
    assert _api_search(client_for("analyst"), name="Smith")[0] == 404
    anonymous = Client().post("/api/search", "{}", content_type="application/json")
    assert anonymous.status_code == 401


def test_person_needs_the_reason_headers(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    missing = client.get(f"/api/person/{child.person_id}")
    assert missing.status_code == 400 and "X-Case-Reference" in missing.json()["detail"]
    wrong = client.get(f"/api/person/{child.person_id}",
                       headers={**REASON, "X-Purpose": "adult_safeguarding"})
    assert wrong.status_code == 400
    bad_case = client.get(f"/api/person/{child.person_id}",
                          headers={**REASON, "X-Case-Reference": "<script>"})
    assert bad_case.status_code == 400
    assert audit("person_view") == []


def test_person_matches_the_page_and_is_audited(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    response = client.get(f"/api/person/{child.person_id}", headers=REASON)
    assert response.status_code == 200
    body = response.json()
    page = client.get(f"/person/{child.person_id}/").content.decode()
    assert [c["service"] for c in body["cards"]] == re.findall(r'id="card-([a-z_]+)"', page)
    for card, shown in zip(body["cards"], page.split('id="card-')[1:], strict=True):
        tag = re.search(r'class="govuk-tag [a-z-]+">([^<]+)</strong>', shown)
        assert tag is not None and tag.group(1) == card["status_label"]
    assert body["identity"]["name"] == f"{child.first_name} {child.surname}"
    workers = [w for (w,) in served_home.query(
        "SELECT DISTINCT worker_name FROM context_involvement WHERE person_id = ? "
        "AND worker_name IS NOT NULL", [child.person_id])]
    assert workers and not any(w in response.content.decode() for w in workers)  # expansions
    api_event, page_event = audit("person_view")
    assert api_event.case_reference == "CP/2026/77" and page_event.case_reference == CASE
    assert api_event.detail == {**page_event.detail, "via": "api"}


def test_card_matches_the_expansion_and_is_audited(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    body = client.get(f"/api/person/{child.person_id}/card/childrens_social_care",
                      headers=REASON).json()
    fragment = client.get(f"/person/{child.person_id}/card/childrens_social_care/",
                          {"fragment": "1"}).content.decode()
    assert body["key_worker"]["name"] in fragment
    assert body["key_worker"]["phone"] in fragment
    assert [f["text"] for f in body["facts"]] and all(
        f["text"].split(":")[0][:20] in fragment.replace("&#x27;", "'") for f in body["facts"])
    events = audit("card_expand")
    assert [(e.detail["service"], e.detail.get("via")) for e in events] == [
        ("childrens_social_care", "api"), ("childrens_social_care", None)]
    early_help = client_for("early_help_practitioner").get(
        f"/api/person/{child.person_id}/card/childrens_social_care",
        headers={**REASON, "X-Purpose": "early_help_assessment"}).json()
    assert early_help["involvements"] == [] and early_help["facts"] == []
    assert early_help["key_worker"]["name"] == body["key_worker"]["name"]


def test_person_outside_rights_is_not_found_like_an_unknown_id(served_home: World) -> None:
    child = child_with_worker(served_home)
    adult = client_for("adult_social_worker")
    headers = {**REASON, "X-Purpose": "adult_safeguarding"}
    outside = adult.get(f"/api/person/{child.person_id}", headers=headers)
    unknown = adult.get("/api/person/JP99999999", headers=headers)
    assert outside.status_code == unknown.status_code == 404
    assert outside.json() == unknown.json()
    assert adult.get(f"/api/person/{child.person_id}/card/health",
                     headers=headers).status_code == 404
    assert client_for("childrens_social_worker").get(
        f"/api/person/{child.person_id}/card/police", headers=REASON).status_code == 404
    assert client_for("childrens_social_worker").get(
        "/api/person/Smith", headers=REASON).status_code == 404
    assert audit("person_view") == [] and audit("card_expand") == []


def test_openapi_documents_the_endpoints_and_headers(served_home: World) -> None:
    schema = client_for("childrens_social_worker").get("/api/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/search", "/api/person/{pid}", "/api/person/{pid}/card/{service}"} <= set(paths)
    headers = {p["name"] for p in paths["/api/person/{pid}"]["get"]["parameters"]
               if p["in"] == "header"}
    assert headers == {"X-Case-Reference", "X-Purpose"}
