"""The family and household page and the timeline on the linked small borough."""

from __future__ import annotations

import datetime as dt
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

ROW_DATE = re.compile(
    r'<td class="govuk-table__cell jup-nowrap">([0-9]{1,2} [A-Z][a-z]{2} [0-9]{4})')
SERVICE_CELL = re.compile(
    r'<td class="govuk-table__cell">([^<]+)</td>\s*<td class="govuk-table__cell"><strong>')


def _members(world: World, person_id: str) -> dict[str, str]:
    return {str(m): f"{f} {s}" for m, f, s in world.query(
        "SELECT DISTINCT member_id, member_first_name, member_surname FROM context_family "
        "WHERE person_id = ?", [person_id])}


def test_family_lists_each_member_with_a_link_and_a_picture(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(
        f"/person/{child.person_id}/family/").content.decode()
    members = _members(served_home, child.person_id)
    assert len(members) >= 3
    for member_id in members:
        assert f'href="/person/{member_id}/"' in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    description = svg[svg.index("<desc"):svg.index("</desc>")]
    assert f"joined to {len(members)} people" in description
    assert "<a " not in svg  # the table holds the links
    (event,) = audit("family_view")
    assert event.person_id == child.person_id
    assert set(members) <= set(event.detail["person_ids"])


def test_family_member_link_opens_their_page(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    member = sorted(_members(served_home, child.person_id))[0]
    page = client.get(f"/person/{member}/")
    assert page.status_code == 200
    assert [e.person_id for e in audit("person_view")] == [member]


def test_adult_worker_sees_a_young_child_only_as_not_shown(served_home: World) -> None:
    parent, child_id = adult_with_young_child(served_home)
    html = client_for("adult_social_worker").get(
        f"/person/{parent.person_id}/family/").content.decode()
    child_name = _members(served_home, parent.person_id)[child_id]
    assert child_id not in html
    assert child_name not in html
    assert "Not shown to your role" in html
    (event,) = audit("family_view")
    assert child_id not in event.detail["person_ids"]
    # A children's social worker sees the same child with a link.
    csw = client_for("childrens_social_worker").get(
        f"/person/{parent.person_id}/family/").content.decode()
    assert f'href="/person/{child_id}/"' in csw


def test_family_page_urls_hold_opaque_ids_only(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(
        f"/person/{child.person_id}/family/").content.decode()
    for url in urls_in(html):
        assert re.match(r"^(/|#|/static/|/search/|/accounts/|/how-we-use-data/|"
                        r"/person/JP[0-9]+/(family/|timeline/)?)", url), url


def test_timeline_lists_the_roles_services_newest_first(served_home: World) -> None:
    child = child_with_worker(served_home)
    html = client_for("childrens_social_worker").get(
        f"/person/{child.person_id}/timeline/").content.decode()
    # A children's social worker sees the timeline of children's social care, early help,
    # education and police; police is for people aged 18 or over.
    assert re.findall(r'name="service" type="checkbox" value="([a-z_]+)"', html) == [
        "childrens_social_care", "early_help", "education"]
    dates = [dt.datetime.strptime(d, "%d %b %Y").date() for d in ROW_DATE.findall(html)]
    expected = served_home.query(
        "SELECT count(*) FROM context_event WHERE person_id = ? AND event_date IS NOT NULL "
        "AND service IN ('childrens_social_care', 'early_help', 'education')",
        [child.person_id])[0][0]
    assert len(dates) == expected > 0
    assert dates == sorted(dates, reverse=True)
    (event,) = audit("timeline_view")
    assert event.detail == {"services": ["childrens_social_care", "early_help", "education"],
                            "events": expected}


def test_timeline_filter_by_service(served_home: World) -> None:
    child = child_with_worker(served_home)
    client = client_for("childrens_social_worker")
    html = client.get(f"/person/{child.person_id}/timeline/",
                      {"service": ["education", "police"]}).content.decode()
    rows = SERVICE_CELL.findall(html)
    assert rows and set(rows) == {"Education"}
    assert 'value="education" checked' in html
    assert 'value="early_help" checked' not in html
    # The police filter was not the role's to ask for: it is ignored, not an error.
    assert audit("timeline_view")[-1].detail["services"] == ["education"]


def test_timeline_is_reached_only_with_rights(served_home: World) -> None:
    child = child_with_worker(served_home)
    assert client_for("adult_social_worker").get(
        f"/person/{child.person_id}/timeline/").status_code == 404
    assert client_for("analyst").get(
        f"/person/{child.person_id}/timeline/").status_code == 404
    assert audit("timeline_view") == []
