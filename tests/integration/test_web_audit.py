"""The audit log: a hash chain that is append-only, checked end to end, and fails loudly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from app_db import drop_audit_trigger
from app_db import raw as _raw
from click.testing import CliRunner
from django.db import DatabaseError, transaction
from django.test import override_settings

from joinedup.cli import cli
from joinedup.web.audit.chain import GENESIS, canonical, event_hash
from joinedup.web.audit.models import AppendOnlyError, AuditEvent, AuditHead
from joinedup.web.audit.privacy import terms_digest, terms_used
from joinedup.web.audit.record import append
from joinedup.web.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _three() -> list[AuditEvent]:
    return [
        append("login", username="ann", role="childrens_social_worker", client_ip="10.0.0.5"),
        append("person_view", username="ann", role="childrens_social_worker",
               person_id="JP00001234", reason="child_protection", case_reference="CP/1",
               detail={"services": ["health", "police"]}, area="E05000787"),
        append("logout", username="ann", role="childrens_social_worker"),
    ]


def _drop_triggers() -> None:
    # What someone with direct database access could do; SQLite DDL rolls back with the test.
    drop_audit_trigger("update")
    drop_audit_trigger("delete")


def test_events_link_into_a_chain_from_genesis() -> None:
    first, second, third = _three()
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, third.hash)


def test_the_hash_is_sha256_of_prev_hash_and_canonical_json() -> None:
    _, event, _ = _three()
    stored = AuditEvent.objects.get(seq=2)
    payload = {
        "action": "person_view", "area": "E05000787",
        "at": stored.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "case_reference": "CP/1", "client_ip": "", "detail": {"services": ["health", "police"]},
        "person_id": "JP00001234", "prev_hash": stored.prev_hash, "reason": "child_protection",
        "role": "childrens_social_worker", "seq": 2, "username": "ann",
    }
    by_hand = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    assert canonical(payload | {"at": stored.at}) == by_hand
    assert stored.hash == hashlib.sha256((stored.prev_hash + by_hand).encode()).hexdigest()
    assert event_hash({**payload, "at": stored.at}) == event.hash


def test_verify_passes_on_an_intact_chain() -> None:
    _three()
    verdict = verify_chain()
    assert verdict.ok and verdict.checked == 3 and verdict.head_seq == 3


def test_an_empty_log_verifies() -> None:
    assert verify_chain().ok and verify_chain().checked == 0


def test_the_model_refuses_changes_and_deletes() -> None:
    event, _, _ = _three()
    event.username = "mallory"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(username="mallory")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes() -> None:
    _three()
    for sql in ("UPDATE audit_auditevent SET username = %s WHERE seq = 2",
                "DELETE FROM audit_auditevent WHERE seq = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, ["mallory"] if "SET" in sql else [2])
    assert AuditEvent.objects.get(seq=2).username == "ann"


def test_tampering_is_found_and_named_by_seq() -> None:
    _three()
    _drop_triggers()
    _raw("UPDATE audit_auditevent SET case_reference = %s WHERE seq = 2", ["CP/999"])
    verdict = verify_chain()
    assert not verdict.ok
    assert verdict.first_bad_seq == 2 and "altered" in verdict.problem
    assert verdict.checked == 1


def test_a_deleted_event_is_found() -> None:
    _three()
    _drop_triggers()
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    verdict = verify_chain()
    assert (verdict.ok, verdict.first_bad_seq) == (False, 2)
    assert "missing" in verdict.problem


def test_events_cut_from_the_end_are_found_through_the_head() -> None:
    _three()
    _drop_triggers()
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    verdict = verify_chain()
    assert (verdict.ok, verdict.first_bad_seq) == (False, 3)
    assert "removed from the end" in verdict.problem


def test_rewriting_a_whole_event_with_a_fresh_hash_breaks_the_next_link() -> None:
    _three()
    _drop_triggers()
    forged = AuditEvent.objects.values().get(seq=2) | {"username": "mallory"}
    _raw("UPDATE audit_auditevent SET username = %s, hash = %s WHERE seq = 2",
         ["mallory", event_hash(forged)])
    verdict = verify_chain()
    assert verdict.first_bad_seq == 3 and "does not link" in verdict.problem


def test_audit_verify_command() -> None:
    _three()
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "Audit chain intact: 3 events" in ok.output
    _drop_triggers()
    _raw("UPDATE audit_auditevent SET person_id = %s WHERE seq = 2", ["JP00009999"])
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "AUDIT CHAIN BROKEN at event 2" in broken.output


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"action": "peek"}, "not an audit action"),
    ({"action": "person_view", "person_id": "Smith, John"}, "not an opaque person id"),
    ({"action": "search", "detail": {"score": 0.5}}, "holds a float"),
    ({"action": "search", "detail": {"note": "x" * 201}}, "over 200 characters"),
    ({"action": "search", "detail": {"terms": {"name": "Smith"}}}, "holds a dict"),
])
def test_bad_events_are_refused(kwargs: dict[str, object], message: str) -> None:
    action = str(kwargs.pop("action"))
    with pytest.raises(ValueError, match=message):
        append(action, username="ann", **kwargs)  # type: ignore[arg-type]
    assert AuditEvent.objects.count() == 0


def test_search_terms_are_stored_as_a_keyed_digest() -> None:
    first = terms_digest({"name": "Jon  SMITH", "dob": "2014-03-02", "postcode": ""})
    assert first == terms_digest({"dob": "2014-03-02", "name": "jon smith"})
    assert first != terms_digest({"name": "John Smith", "dob": "2014-03-02"})
    assert len(first) == 64 and "smith" not in first
    with override_settings(SECRET_KEY="another-key-" * 6):
        assert terms_digest({"name": "jon smith", "dob": "2014-03-02"}) != first
    assert terms_used({"name": "Jon", "dob": " ", "upn": "A123"}) == ["name", "upn"]
