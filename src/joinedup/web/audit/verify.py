"""Checking the chain end to end: every hash, every link, no gaps, and the head at the end."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.web.audit.chain import GENESIS, HASHED_FIELDS, event_hash
from joinedup.web.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS


def verify_chain(chunk: int = 2000) -> Verdict:
    """Walk the log in sequence order and report the first event that breaks the chain."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    rows = AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "hash")
    for row in rows.iterator(chunk_size=chunk):
        seq = int(row["seq"])
        if seq != expected_seq:
            return Verdict(False, checked, expected_seq,
                           f"event {expected_seq} is missing (next event is {seq})")
        if row["prev_hash"] != prev:
            return Verdict(False, checked, seq,
                           f"event {seq} does not link to event {seq - 1} (prev_hash differs)")
        if event_hash(row) != row["hash"]:
            return Verdict(False, checked, seq,
                           f"event {seq} has been altered (its hash no longer matches)")
        prev, expected_seq, checked = row["hash"], seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return Verdict(False, checked, None, "the chain head row is missing")
    if head.seq != checked or head.hash != prev:
        if head.seq > checked:
            bad = checked + 1
            problem = f"events {bad} to {head.seq} have been removed from the end"
        else:
            bad = head.seq + 1
            problem = f"event {bad} onwards are not recorded in the chain head"
        return Verdict(False, checked, bad, problem, head.seq, head.hash)
    return Verdict(True, checked, None, "", head.seq, head.hash)
