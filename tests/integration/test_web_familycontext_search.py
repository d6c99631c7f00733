"""The search page on the linked small borough: ranked by the matching model, limited by role,
POSTed and kept in the session (never in a URL), and audited as a digest and the ids shown."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from django.test import Client
from familycontext_world import (
    World,
    adult_with_young_child,
    audit,
    child_with_worker,
    client_for,
    dropped_letter,
    fc_world,
    served_home,
    urls_in,
)

from joinedup.config import get_settings
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.audit.privacy import terms_digest
from joinedup.web.familycontext.forms import TERMS
from joinedup.web.familycontext.served import Served

__all__ = ["fc_world", "served_home"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PERSON_LINK = re.compile(r'href="/person/(JP[0-9]{8,12})/"')
SAFE_URL = re.compile(r"^(/|#|/static/|/search/|/accounts/|/how-we-use-data/|/person/JP[0-9]+/)")


def _search(client: Client, **terms: str) -> str:
    posted = client.post("/search/", terms)
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert posted["Location"] == "/search/#results"
    return client.get("/search/").content.decode()


def _ranked(html: str) -> list[str]:
    results = html[html.index('id="results"'):] if 'id="results"' in html else ""
    return PERSON_LINK.findall(results)


def test_misspelt_name_finds_the_person_first(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = _search(client_for("childrens_social_worker"),
                   name=f"{child.first_name} {dropped_letter(child.surname)}")
    assert _ranked(html)[0] == child.person_id


def test_surname_first_and_comma_forms_find_the_person_first(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    assert _ranked(_search(client, name=f"{child.surname} {child.first_name}"))[0] \
        == child.person_id
    assert _ranked(_search(client, name=f"{child.surname.upper()}, {child.first_name}"))[0] \
        == child.person_id


def test_nickname_ranks_the_person_above_others_of_the_same_surname(
        served_home: World) -> None:
    nicknames = {"william": "Bill", "margaret": "Maggie", "elizabeth": "Liz", "edward": "Ted"}
    rows = served_home.query("""
        SELECT p.person_id, p.first_name, p.surname FROM context_person AS p
        WHERE lower(p.first_name) IN (SELECT unnest(?))
          AND (SELECT count(*) FROM context_person AS q
               WHERE lower(q.surname) = lower(p.surname)) BETWEEN 2 AND 5
          AND (SELECT count(*) FROM context_person AS q WHERE lower(q.surname) = lower(p.surname)
               AND lower(q.first_name) = lower(p.first_name)) = 1
          AND date_diff('year', p.dob, current_date) >= 18
        ORDER BY p.person_id LIMIT 1""", [list(nicknames)])
    assert rows, "the small borough has no William, Margaret, Elizabeth or Edward to test with"
    person_id, first, surname = rows[0]
    html = _search(client_for("childrens_social_worker"),
                   name=f"{nicknames[first.lower()]} {surname}")
    assert _ranked(html)[0] == person_id


def test_wildcards_are_ignored_not_interpreted(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    plain = _ranked(_search(client, name=f"{child.first_name} {child.surname}"))
    starred = _ranked(_search(client, name=f"{child.first_name}* {child.surname}%"))
    assert starred == plain
    assert plain[0] == child.person_id


def test_date_of_birth_and_postcode_search(served_home: World) -> None:
    child = child_with_worker(served_home)
    postcode = served_home.query("SELECT postcode FROM context_person WHERE person_id = ?",
                                 [child.person_id])[0][0]
    html = _search(client_for("childrens_social_worker"), name=child.surname,
                   dob_day=str(child.dob.day), dob_month=str(child.dob.month),
                   dob_year=str(child.dob.year), postcode=postcode)
    assert _ranked(html)[0] == child.person_id


def test_results_show_name_dob_age_address_and_services(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = _search(client_for("childrens_social_worker"),
                   name=f"{child.first_name} {child.surname}")
    row = html[html.index(f'href="/person/{child.person_id}/"'):]
    row = row[:row.index("</tr>")]
    assert f"{child.dob.day} {child.dob:%B %Y}" in row
    assert "Children&#x27;s social care" in row
    assert "Police" not in row  # a child's police card is for people aged 18 or over


def test_results_are_limited_by_role(served_home: World) -> None:
    child = child_with_worker(served_home)
    terms = {"name": f"{child.first_name} {child.surname}"}
    assert child.person_id in _ranked(_search(client_for("childrens_social_worker"), **terms))
    adult_view = _search(client_for("adult_social_worker"), **terms)
    assert child.person_id not in adult_view
    assert "Only people aged 16 or over are shown" in adult_view
    parent, _ = adult_with_young_child(served_home)
    adults = _ranked(_search(client_for("adult_social_worker", name="asw2"),
                             name=f"{parent.first_name} {parent.surname}"))
    assert adults[0] == parent.person_id


def test_roles_without_person_access_get_not_found(served_home: World) -> None:
    for role in ("analyst", "auditor", "administrator"):
        client = client_for(role)
        assert client.get("/search/").status_code == 404
        assert client.post("/search/", {"name": "Smith"}).status_code == 404
    assert audit("search") == []


def test_search_is_posted_never_read_from_the_url(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    html = client.get("/search/", {"name": child.surname}).content.decode()
    assert 'id="results"' not in html
    assert audit("search") == []
    assert 'method="post"' in html


def test_search_and_results_are_audited_as_digest_and_ids(served_home: World) -> None:
    child = child_with_worker(served_home)
    name = f"{child.first_name} {child.surname}"
    html = _search(client_for("childrens_social_worker"), name=name)
    (search,) = audit("search")
    terms = dict.fromkeys(TERMS, "") | {"name": name}
    assert search.detail["digest"] == terms_digest(terms)
    assert search.detail["fields"] == ["name"]
    assert child.surname.lower() not in str(search.detail).lower()
    assert search.case_reference == "CIN/2026/0412" and search.reason == "child_protection"
    (results,) = audit("results")
    assert results.detail["person_ids"] == _ranked(html)
    assert results.detail["count"] == len(_ranked(html))


def test_back_to_results_comes_from_the_session(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    first = _ranked(_search(client, name=f"{child.first_name} {child.surname}"))
    person = client.get(f"/person/{child.person_id}/").content.decode()
    assert 'href="/search/#results"' in person and "Back to search results" in person
    again = client.get("/search/").content.decode()
    assert _ranked(again) == first
    assert f'value="{child.first_name} {child.surname}"' in again
    assert len(audit("results")) == 2
    client.post("/search/", {"action": "clear"})
    assert 'id="results"' not in client.get("/search/").content.decode()


def test_rendered_urls_hold_opaque_ids_only(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = _search(client_for("childrens_social_worker"),
                   name=f"{child.first_name} {child.surname}")
    urls = urls_in(html)
    assert any(u == f"/person/{child.person_id}/" for u in urls)
    for url in urls:
        assert SAFE_URL.match(url), url
        assert child.surname.lower() not in url.lower()


@pytest.mark.parametrize(("terms", "message"), [
    ({}, "Enter a name, date of birth, NHS number, UPN, case ID or postcode"),
    ({"name": "Smith", "dob_day": "3"}, "Date of birth must include a month and a year"),
    ({"dob_day": "31", "dob_month": "2", "dob_year": "2010"},
     "Date of birth must be a real date"),
    ({"nhs_number": "12345"}, "NHS number must be 10 digits"),
    ({"name": "** %"}, "there is not enough in what you typed to search on"),
])
def test_form_errors_say_what_to_fix(served_home: World, terms: dict[str, str],
                                     message: str) -> None:
    response = client_for("childrens_social_worker").post("/search/", terms)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert html.count("<title>Error: ") == 1
    assert audit("search") == []


def test_index_follows_the_current_snapshot(served_home: World, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A new CURRENT is served at once; its index loads in the background meanwhile."""
    home = tmp_path / "home"
    shutil.copytree(served_home.home / "warehouse" / "linkage", home / "warehouse" / "linkage")
    store = SnapshotStore(home / "warehouse" / "snapshots")
    store.root.mkdir(parents=True)
    first, second = "20260101T000000.000000Z-aaaaaa", "20260102T000000.000000Z-bbbbbb"
    for run_id in (first, second):
        shutil.copyfile(served_home.snapshot, store.path(run_id))
    store.switch(first)
    monkeypatch.setenv("JOINEDUP_HOME", str(home))
    get_settings.cache_clear()
    served = Served()
    old = served.search_index()
    assert served.snapshot().key[1] == first
    store.switch(second)
    assert served.snapshot().key[1] == second
    assert served.search_index() is old  # still searching while the new index loads
    deadline = time.monotonic() + 60
    while served.search_index() is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.search_index() is not old
    with served.cursor() as (key, con):
        assert key[1] == second
        assert con.execute("SELECT count(*) FROM context_person").fetchone()
