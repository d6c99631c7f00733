"""The auditors' questions: who looked at this person, what did this user look at, and whose
access looks unusual (many unrelated families in a day; people outside the team's area)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from joinedup.web.accounts.models import Profile
from joinedup.web.audit import queries
from joinedup.web.audit.record import append

pytestmark = pytest.mark.django_db
UTC = dt.UTC
DAY = dt.date(2026, 6, 10)  # British Summer Time: London is UTC+1


def _at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _view(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime, user: str, person: str,
          action: str = "person_view", area: str = "") -> None:
    _at(monkeypatch, moment)
    append(action, username=user, role="childrens_social_worker", person_id=person,
           reason="child_protection", case_reference="CP/1", area=area)


def test_who_viewed_and_what_user_viewed(monkeypatch: pytest.MonkeyPatch) -> None:
    noon = dt.datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
    _view(monkeypatch, noon, "ann", "JP00000001")
    _view(monkeypatch, noon + dt.timedelta(minutes=1), "ann", "JP00000001", "card_expand")
    _view(monkeypatch, noon + dt.timedelta(minutes=2), "bob", "JP00000001", "timeline_view")
    _view(monkeypatch, noon + dt.timedelta(minutes=3), "ann", "JP00000002")
    _at(monkeypatch, noon + dt.timedelta(minutes=4))
    append("search", username="ann", detail={"fields": ["name"]})  # not about one person
    seen = queries.who_viewed("JP00000001")
    assert [(a.username, a.action) for a in seen] == [
        ("ann", "person_view"), ("ann", "card_expand"), ("bob", "timeline_view")]
    assert seen[0].reason == "child_protection" and seen[0].case_reference == "CP/1"
    assert [a.person_id for a in queries.what_user_viewed("ann")] == [
        "JP00000001", "JP00000001", "JP00000002"]
    later = noon + dt.timedelta(minutes=2)
    assert [a.username for a in queries.who_viewed("JP00000001", since=later)] == ["bob"]
    assert [a.person_id for a in queries.what_user_viewed("ann", until=later)] == [
        "JP00000001", "JP00000001"]


def test_who_viewed_includes_the_pages_that_listed_the_person(
        monkeypatch: pytest.MonkeyPatch) -> None:
    noon = dt.datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
    _at(monkeypatch, noon)
    # A sibling shown on her brother's family page, then among the named pupils behind a
    # dashboard figure; a third event mentions her id outside the list of people shown.
    append("family_view", username="ann", role="childrens_social_worker",
           person_id="JP00000002", reason="child_protection",
           detail={"person_ids": ["JP00000002", "JP00000007"]})
    _at(monkeypatch, noon + dt.timedelta(minutes=1))
    append("dashboard_drill", username="ina", role="inclusion_officer", reason="attendance",
           detail={"dashboard": "attendance", "person_ids": ["JP00000007", "JP00000009"]})
    _at(monkeypatch, noon + dt.timedelta(minutes=2))
    append("search", username="ann", detail={"note": "JP00000007"})
    _view(monkeypatch, noon + dt.timedelta(minutes=3), "bob", "JP00000007")
    seen = queries.who_viewed("JP00000007")
    assert [(a.username, a.action, a.person_id) for a in seen] == [
        ("ann", "family_view", "JP00000007"), ("ina", "dashboard_drill", "JP00000007"),
        ("bob", "person_view", "JP00000007")]
    assert [a.action for a in queries.who_viewed(
        "JP00000007", since=noon + dt.timedelta(minutes=1))] == [
        "dashboard_drill", "person_view"]


def test_days_are_london_days(monkeypatch: pytest.MonkeyPatch) -> None:
    start, end = queries.day_bounds(DAY)
    assert start == dt.datetime(2026, 6, 9, 23, 0, tzinfo=UTC)
    assert end == dt.datetime(2026, 6, 10, 23, 0, tzinfo=UTC)
    winter_start, _ = queries.day_bounds(dt.date(2026, 1, 10))
    assert winter_start == dt.datetime(2026, 1, 10, 0, 0, tzinfo=UTC)


def test_many_unrelated_families_in_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    base = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
    for n in range(4):  # ann: four people
        _view(monkeypatch, base + dt.timedelta(minutes=n), "ann", f"JP0000000{n + 1}")
    for n in range(2):  # bob: two people, one of them twice
        _view(monkeypatch, base + dt.timedelta(minutes=10 + n), "bob", "JP00000001")
        _view(monkeypatch, base + dt.timedelta(minutes=20 + n), "bob", f"JP0000000{n + 5}")
    # 23:30 London on the 10th is the 10th; 23:30 UTC is already the 11th in London.
    _view(monkeypatch, dt.datetime(2026, 6, 10, 22, 30, tzinfo=UTC), "cat", "JP00000009")
    _view(monkeypatch, dt.datetime(2026, 6, 10, 23, 30, tzinfo=UTC), "cat", "JP00000008")

    flagged = queries.many_unrelated_families(DAY, threshold=2)
    assert [(f.username, f.people, f.families) for f in flagged] == [("ann", 4, 4),
                                                                    ("bob", 3, 3)]
    assert queries.many_unrelated_families(DAY, threshold=4) == []

    def families(people: Sequence[str]) -> Mapping[str, str]:
        # JP...1 to 3 are one household: ann's four people are two families.
        return {p: "H1" if p in ("JP00000001", "JP00000002", "JP00000003") else p
                for p in people}

    grouped = queries.many_unrelated_families(DAY, threshold=2, family_of=families)
    assert [(f.username, f.people, f.families) for f in grouped] == [("bob", 3, 3)]
    assert [f.username for f in queries.many_unrelated_families(
        dt.date(2026, 6, 11), threshold=0)] == ["cat"]


def test_views_outside_the_team_area(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, areas in (("ann", "E05000787, E05000788"), ("bob", "")):
        Profile.objects.create(user=User.objects.create_user(name), team="North", areas=areas)
    base = dt.datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    _view(monkeypatch, base, "ann", "JP00000001", area="E05000787")  # inside
    _view(monkeypatch, base + dt.timedelta(minutes=1), "ann", "JP00000002", area="E05000799")
    _view(monkeypatch, base + dt.timedelta(minutes=2), "ann", "JP00000003")  # area unknown
    _view(monkeypatch, base + dt.timedelta(minutes=3), "bob", "JP00000004", area="E05000799")
    _view(monkeypatch, base + dt.timedelta(minutes=4), "dan", "JP00000005", area="E05000799")
    found = queries.outside_team_area(DAY)
    assert [(o.username, o.person_id, o.area) for o in found] == [
        ("ann", "JP00000002", "E05000799")]
    assert queries.outside_team_area(dt.date(2026, 6, 11)) == []
