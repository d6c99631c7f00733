"""A practitioner's whole journey leaves exactly the audit rows it should, no more and no
fewer; an auditor's reading is audited too; and changing, removing or cutting any row of that
journey makes `joinedup audit verify` fail, naming the row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from app_db import drop_audit_trigger
from app_db import raw as _raw
from click.testing import CliRunner
from django.db import transaction
from django.test import Client
from web_world import *  # noqa: F403
from web_world import ADULT, CHILD12, NOBODY, PARTNER, QUEUE_IDS, signed_in

from joinedup.cli import cli
from joinedup.web.audit.models import AuditEvent
from joinedup.web.review import tokens

pytestmark = pytest.mark.django_db

CASE, OTHER_CASE = "CP/2026/0412", "DQ-7"
Row = tuple[str, str, str, str, str]
"""(action, username, person_id, reason, case_reference)"""


def _rows(since: int = 0) -> list[Row]:
    return [(e.action, e.username, e.person_id, e.reason, e.case_reference)
            for e in AuditEvent.objects.filter(seq__gt=since).order_by("seq")]


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _ok(response: object, status: int = 200) -> None:
    assert getattr(response, "status_code", None) == status, response


def _practitioner_journey(client: Client) -> list[Row]:
    """Every person-level request of a children's social worker, each checked for the rows
    it adds; returns all the rows expected, in order."""
    expected: list[Row] = []
    user = "carol"

    def step(rows: list[Row]) -> None:
        expected.extend(rows)
        assert _rows() == expected, f"after {rows}"

    # Signing in (force_login sends the same signal as the form).
    step([("login", user, "", "", "")])
    _ok(client.post("/accounts/reason/", {"case_reference": CASE,
                                          "purpose": "child_protection", "next": "/"}), 302)
    why = ("child_protection", CASE)
    step([("reason_set", user, "", *why)])
    _ok(client.post("/search/", {"name": "Ada Adult"}), 302)
    step([("search", user, "", *why)])
    _ok(client.get("/search/"))
    step([("results", user, "", *why)])
    for path, action in ((f"/person/{ADULT}/", "person_view"),
                         (f"/person/{ADULT}/card/police/", "card_expand"),
                         (f"/person/{ADULT}/family/", "family_view"),
                         (f"/person/{ADULT}/timeline/", "timeline_view"),
                         (f"/person/{ADULT}/records/", "explain_view"),
                         (f"/person/{ADULT}/records/?a=2&b=3", "explain_view")):
        _ok(client.get(path))
        step([(action, user, ADULT, *why)])
    # Pages that show nobody leave nothing: not found, a card the role may not see, a
    # service that does not exist, a chooser error is still a page of the person (audited).
    for path in (f"/person/{NOBODY}/", f"/person/{NOBODY}/records/",
                 f"/person/{CHILD12}/card/police/", f"/person/{ADULT}/card/education/",
                 f"/person/{ADULT}/card/nonsense/"):
        _ok(client.get(path), 404)
        step([])
    # The review queue, a pair (one row per person shown), a decision under another reason.
    _ok(client.post("/accounts/reason/", {"case_reference": OTHER_CASE,
                                          "purpose": "record_matching", "next": "/review/"}),
        302)
    matching = ("record_matching", OTHER_CASE)
    step([("reason_set", user, "", *matching)])
    _ok(client.get("/review/"))
    step([("review_view", user, "", *matching)])
    token = tokens.token_for(QUEUE_IDS[0])
    _ok(client.get(f"/review/{token}/"))
    step([("review_view", user, ADULT, *matching), ("review_view", user, PARTNER, *matching)])
    _ok(client.post(f"/review/{token}/", {"decision": "same", "note": ""}), 302)
    step([("review_decision", user, ADULT, *matching),
          ("review_decision", user, PARTNER, *matching)])
    # The API takes its reason from headers, request by request.
    api = {"X-Case-Reference": "CIN/9", "X-Purpose": "referral_triage"}
    _ok(client.get(f"/api/person/{ADULT}", headers=api))
    step([("person_view", user, ADULT, "referral_triage", "CIN/9")])
    _ok(client.get(f"/api/person/{CHILD12}", headers={**api, "X-Purpose": "nonsense"}), 400)
    step([])
    _ok(client.post("/accounts/sign-out/"), 302)
    step([("logout", user, "", "", "")])  # the reason ends with the session
    return expected


def test_every_person_level_request_leaves_exactly_its_rows(world) -> None:
    client = signed_in("childrens_social_worker", purpose=None, name="carol")
    expected = _practitioner_journey(client)
    person_rows = [r for r in expected if r[2]]
    assert {r[0] for r in person_rows} == {
        "person_view", "card_expand", "family_view", "timeline_view", "explain_view",
        "review_view", "review_decision"}
    assert all(r[3] and r[4] for r in person_rows), "person rows carry reason and case"

    # An adult social worker opening a 12-year-old's pages leaves nothing: not found.
    before = _last_seq()
    outsider = signed_in("adult_social_worker", name="ash")
    for path in (f"/person/{CHILD12}/", f"/person/{CHILD12}/family/",
                 f"/person/{CHILD12}/timeline/", f"/person/{CHILD12}/records/"):
        _ok(outsider.get(path), 404)
    assert [r[0] for r in _rows(before)] == ["login"]

    # The auditor reading the log is itself audited, with the person asked about.
    before = _last_seq()
    auditor = signed_in("auditor", name="audrey")
    html = auditor.get(f"/audit/person/?person_id={ADULT}").content.decode()
    assert _rows(before) == [("login", "audrey", "", "", ""),
                             ("audit_view", "audrey", ADULT, "", "")]
    for action in ("Opened a person page", "Expanded a service card", "Opened a timeline",
                   "Opened a match explanation", "Decided a clerical review item"):
        assert action in html
    # Every page about them, and the search results that listed them among others.
    assert "Was shown a list of search results" in html
    listed = re.search(r"opened or listed: (\d+) times", html)
    assert listed is not None and int(listed.group(1)) == sum(
        1 for r in person_rows if r[2] == ADULT) + sum(1 for r in expected if r[0] == "results")


@contextmanager
def _undone() -> Iterator[None]:
    """Whatever the block does to the database is rolled back afterwards."""
    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


def _verify() -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


def test_tampering_with_any_row_of_the_journey_is_found(world) -> None:
    journey = _practitioner_journey(
        signed_in("childrens_social_worker", purpose=None, name="carol"))
    code, output = _verify()
    assert code == 0, output
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == len(journey)
    for seq in seqs:
        for column, value in (("case_reference", "NONE"), ("person_id", "JP00000001"),
                              ("username", "mallory")):
            with _undone():
                drop_audit_trigger("update")
                _raw(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, seq])
                code, output = _verify()
            assert code == 1 and f"AUDIT CHAIN BROKEN at event {seq}" in output, (seq, column)
    middle = seqs[len(seqs) // 2]
    with _undone():
        drop_audit_trigger("delete")
        _raw("DELETE FROM audit_auditevent WHERE seq = %s", [middle])
        code, output = _verify()
    assert code == 1 and f"AUDIT CHAIN BROKEN at event {middle}" in output
    with _undone():
        drop_audit_trigger("delete")
        _raw("DELETE FROM audit_auditevent WHERE seq = %s", [seqs[-1]])
        code, output = _verify()
    assert code == 1 and f"AUDIT CHAIN BROKEN at event {seqs[-1]}" in output
    assert _verify()[0] == 0  # every change above was undone
