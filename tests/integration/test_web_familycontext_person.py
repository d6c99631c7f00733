"""The person page and card expansions on the linked small borough: reason first, 404 outside
the role's rights, cards by role and age, fields by role, every view and expansion audited."""

from __future__ import annotations

import re

import pytest
from familycontext_world import (
    World,
    adult_with_young_child,
    audit,
    child_with_worker,
    client_for,
    fc_world,
    served_home,
    urls_in,
)

__all__ = ["fc_world", "served_home"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CARD = re.compile(r'id="card-([a-z_]+)"')
POLICE_SYSTEM = "Police records management system"


def _cards(html: str) -> set[str]:
    return set(CARD.findall(html))


def _normal(page: bytes) -> str:
    """A page without what differs per request: the CSRF token and the page's own path."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode())
    return re.sub(r"\?next=[^\"]+", "", html)


def _card(html: str, service: str) -> str:
    """One card's markup: from its id to the next card or the next section."""
    start = html.index(f'id="card-{service}"')
    ends = [i for i in (html.find('id="card-', start + 10), html.find("<h2", start)) if i > 0]
    return html[start:min(ends)]


def test_person_page_asks_for_a_reason_first(served_home: World) -> None:
    child = child_with_worker(served_home)
    response = client_for("childrens_social_worker", reason=False).get(
        f"/person/{child.person_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reason/?next=%2Fperson%2F{child.person_id}%2F"
    assert audit("person_view") == []


def test_cards_follow_role_and_age(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(f"/person/{child.person_id}/").content
    # Aged 7 to 12: no adult social care or police (18+), no housing (16+).
    assert _cards(html.decode()) == {"childrens_social_care", "early_help", "education",
                                     "health", "vcse"}
    parent, _ = adult_with_young_child(served_home)
    adult = client_for("adult_social_worker").get(f"/person/{parent.person_id}/").content
    # Aged 25 to 60: no children's social care (to 25) or education (4 to 20).
    assert _cards(adult.decode()) == {"early_help", "adult_social_care", "health", "housing",
                                      "police", "vcse"}


def test_people_outside_the_role_are_not_found_like_unknown_ids(served_home: World) -> None:
    child = child_with_worker(served_home)
    adult_worker = client_for("adult_social_worker")
    unknown = adult_worker.get("/person/JP99999999/")
    for path in ("", "card/health/", "family/", "timeline/"):
        response = adult_worker.get(f"/person/{child.person_id}/{path}")
        assert response.status_code == 404
        assert _normal(response.content) == _normal(unknown.content)
    analyst = client_for("analyst")
    assert analyst.get(f"/person/{child.person_id}/").status_code == 404
    assert client_for("childrens_social_worker").get("/person/JP99999999/").status_code == 404
    assert client_for("childrens_social_worker").get("/person/Smith/").status_code == 404
    assert audit("person_view") == []


def test_person_view_is_audited_with_reason_and_case(served_home: World) -> None:
    child = child_with_worker(served_home)
    client_for("childrens_social_worker").get(f"/person/{child.person_id}/")
    (event,) = audit("person_view")
    assert event.person_id == child.person_id
    assert event.reason == "child_protection" and event.case_reference == "CIN/2026/0412"
    assert event.role == "childrens_social_worker"
    assert event.detail["services"] == ["childrens_social_care", "early_help", "education",
                                        "health", "vcse"]


def test_person_page_shows_status_first_and_the_golden_record(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(f"/person/{child.person_id}/").content
    page = html.decode()
    card = _card(page, "childrens_social_care")
    assert card.index("Current</strong>") < card.index("Correct as of")
    assert "<details" in card and f"/person/{child.person_id}/card/childrens_social_care/" in card
    # The key worker is only on the expansion, never on the page itself.
    workers = [w for (w,) in served_home.query(
        "SELECT DISTINCT worker_name FROM context_involvement WHERE person_id = ? "
        "AND worker_name IS NOT NULL", [child.person_id])]
    assert workers and not any(w in page for w in workers)
    assert f"{child.first_name} {child.surname}" in page
    assert f"{child.dob.day} {child.dob:%B %Y}" in page
    assert ">Addresses</caption>" in page and ">Names</caption>" in page


def test_sources_of_services_the_role_cannot_see_are_not_named(served_home: World) -> None:
    rows = served_home.query("""
        SELECT DISTINCT r.person_id FROM context_record AS r JOIN context_person AS p
        USING (person_id) WHERE r.service = 'police'
          AND date_diff('year', p.dob, current_date) BETWEEN 5 AND 15
        ORDER BY 1 LIMIT 1""")
    assert rows, "no child with a police record in the small borough"
    html = client_for("childrens_social_worker").get(f"/person/{rows[0][0]}/").content.decode()
    assert "card-police" not in html
    assert POLICE_SYSTEM not in html


def test_card_expansion_shows_the_key_worker_and_is_audited(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    fragment = client.get(f"/person/{child.person_id}/card/childrens_social_care/",
                          {"fragment": "1"}).content.decode()
    assert "<html" not in fragment and 'class="jup-card-detail"' in fragment
    open_workers = {(w, p) for w, p in served_home.query(
        "SELECT worker_name, worker_phone FROM context_involvement WHERE person_id = ? "
        "AND service = 'childrens_social_care' AND end_date IS NULL AND worker_name IS NOT NULL",
        [child.person_id])}
    assert any(w in fragment and p in fragment for w, p in open_workers)
    assert "Key facts" in fragment and "Involvement" in fragment
    page = client.get(f"/person/{child.person_id}/card/childrens_social_care/").content.decode()
    assert "<html" in page and "Back to all services" in page
    events = audit("card_expand")
    assert [(e.person_id, e.detail["service"]) for e in events] == [
        (child.person_id, "childrens_social_care")] * 2
    assert all(e.case_reference == "CIN/2026/0412" for e in events)


def test_card_expansion_shows_only_the_roles_fields(served_home: World) -> None:
    child = child_with_worker(served_home)
    # Early help practitioners see the social worker and how to reach them, not the dates
    # or facts of children's social care.
    fragment = client_for("early_help_practitioner").get(
        f"/person/{child.person_id}/card/childrens_social_care/", {"fragment": "1"}
    ).content.decode()
    assert "Key worker" in fragment and "Phone" in fragment
    assert "Involvement" not in fragment and "Key facts" not in fragment
    assert "Child in need episode" not in fragment


def test_status_only_cards_cannot_be_expanded(served_home: World) -> None:
    parent, _ = adult_with_young_child(served_home)
    html = client_for("early_help_practitioner").get(f"/person/{parent.person_id}/").content
    police = _card(html.decode(), "police")
    assert "Correct as of" in police
    assert "<details" not in police and "/card/police/" not in police


def test_card_of_a_service_the_role_may_not_see_is_not_found(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    assert client.get(f"/person/{child.person_id}/card/police/").status_code == 404
    assert client.get(f"/person/{child.person_id}/card/council_tax/").status_code == 404
    assert client.get(f"/person/{child.person_id}/card/nonsense/").status_code == 404
    assert audit("card_expand") == []


def test_person_page_urls_hold_opaque_ids_only(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(f"/person/{child.person_id}/").content
    for url in urls_in(html.decode()):
        assert re.match(r"^(/|#|/static/|/search/|/accounts/|/how-we-use-data/|"
                        r"/person/JP[0-9]+/(card/[a-z_]+/(\?fragment=1)?|family/|timeline/)?$|"
                        r"/person/JP[0-9]+/#|tel:|mailto:)", url), url
        assert child.surname.lower() not in url.lower()
