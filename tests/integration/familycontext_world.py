"""Shared set-up of the Family Context page and API tests: the small borough ingested and
linked once per test session into a data home of its own, signed-in clients per role, and
people picked from the snapshot to test with (by what the data says, never by hard-coded ids).

Import the fixtures into a test module: ``from familycontext_world import *  # noqa: F403``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from joinedup.config import get_settings
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.accounts.reason import set_reason
from joinedup.web.accounts.roles import assign_role
from joinedup.web.audit.models import AuditEvent
from joinedup.web.familycontext.served import SERVED
from linked_borough import LinkedBorough

PURPOSE = {"childrens_social_worker": "child_protection",
           "early_help_practitioner": "early_help_assessment",
           "adult_social_worker": "adult_safeguarding"}
CASE = "CIN/2026/0412"
_USERS = itertools.count(1)
HREF = re.compile(r'(?:href|action|data-card-url)="([^"]*)"')


@dataclass(frozen=True)
class World:
    home: Path
    snapshot: Path

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.snapshot), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def fc_world(linked_borough: LinkedBorough, tmp_path_factory: pytest.TempPathFactory) -> World:
    """A copy of the linked small borough, shared by every module that asks for it."""
    root = tmp_path_factory.getbasetemp() / "familycontext-world"
    root.mkdir(exist_ok=True)
    home = root / "home"
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            linked_borough.copy_to(home)
            (root / "done").write_text("ok")
    store = SnapshotStore(home / "warehouse" / "snapshots")
    current = store.current_id()
    assert current is not None
    return World(home, store.path(current))


@pytest.fixture
def served_home(fc_world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Point the web app at the linked home for one test."""
    monkeypatch.setenv("JOINEDUP_HOME", str(fc_world.home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(fc_world.home / "no-such.toml"))
    monkeypatch.delenv("JOINEDUP_SOURCES", raising=False)
    monkeypatch.delenv("JOINEDUP_REFERENCE_DATA", raising=False)
    get_settings.cache_clear()
    SERVED.search_index(wait=True)
    yield fc_world
    get_settings.cache_clear()


def client_for(role: str, *, reason: bool = True, name: str | None = None) -> Client:
    """A signed-in client with one role, and (for roles that see people) a reason given."""
    user = User.objects.create_user(name or f"u-{role}-{next(_USERS)}",
                                    password="correct-horse-battery-9")
    assign_role(user, role)
    client = Client()
    client.force_login(user)
    if reason and role in PURPOSE:
        session = client.session
        request = type("R", (), {"session": session})()
        set_reason(request, CASE, PURPOSE[role])  # type: ignore[arg-type]
        session.save()
    return client


def audit(action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.order_by("seq")
    return list(events.filter(action=action) if action else events)


def urls_in(html: str) -> list[str]:
    return HREF.findall(html)


def today() -> dt.date:
    return timezone.localdate()


def dropped_letter(surname: str) -> str:
    """A misspelling: the middle letter left out ("Barfield" -> "Barfeld")."""
    middle = len(surname) // 2
    return surname[:middle] + surname[middle + 1:]


@dataclass(frozen=True)
class Subject:
    person_id: str
    first_name: str
    surname: str
    dob: dt.date


def _subject(row: tuple[Any, ...] | None) -> Subject:
    assert row is not None, "the small borough has no such person"
    return Subject(str(row[0]), str(row[1]), str(row[2]), row[3])


_AGE = "date_diff('year', p.dob, current_date)"


def child_with_worker(world: World) -> Subject:
    """A child aged 6 to 12 with an allocated children's social worker now, family members
    and a name no one else has: the person a new referral is about."""
    return _subject(next(iter(world.query(f"""
        SELECT p.person_id, p.first_name, p.surname, p.dob FROM context_person AS p
        WHERE {_AGE} BETWEEN 7 AND 12 AND length(p.surname) >= 6 AND p.first_name IS NOT NULL
          AND p.person_id IN (SELECT person_id FROM context_involvement
                              WHERE service = 'childrens_social_care' AND end_date IS NULL
                                AND coalesce(status, '') <> 'closed' AND worker_name IS NOT NULL)
          AND (SELECT count(DISTINCT member_id) FROM context_family AS f
               WHERE f.person_id = p.person_id) >= 3
          AND (SELECT count(*) FROM context_person AS q WHERE lower(q.surname) = lower(p.surname)
               AND lower(q.first_name) = lower(p.first_name)) = 1
        ORDER BY p.person_id LIMIT 1""")), None))


def adult_with_young_child(world: World) -> tuple[Subject, str]:
    """An adult aged 25 to 60 with a child aged under 14 in their family (child's id)."""
    row = next(iter(world.query(f"""
        SELECT p.person_id, p.first_name, p.surname, p.dob, min(f.member_id)
        FROM context_person AS p JOIN context_family AS f USING (person_id)
        WHERE {_AGE} BETWEEN 25 AND 60 AND f.relationship = 'child'
          AND date_diff('year', f.member_dob, current_date) BETWEEN 1 AND 13
        GROUP BY ALL ORDER BY p.person_id LIMIT 1""")), None)
    assert row is not None
    return _subject(row[:4]), str(row[4])
