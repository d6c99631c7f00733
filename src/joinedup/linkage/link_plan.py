"""Deciding how a link run goes: all records afresh, or only the new ones against the index.

An incremental run scores only pairs that involve a record that is new or changed since the
last run, clusters again the known people those records can change (`pipeline._region`) and
keeps every other known person together (their records are joined as they were), so that it
gives what a full run gives. A full run is chosen when the incremental shortcut is not safe or
not worth it (`choose_mode`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from joinedup.linkage.identity import RecordKey
from joinedup.linkage.state import ReviewDecision

Mode = Literal["full", "incremental"]
MAX_NEW_SHARE = 0.5
"""Above this share of new or changed records a full run costs little more; it is chosen."""


@dataclass(frozen=True, slots=True)
class RunChoice:
    mode: Mode
    reason: str


def choose_mode(*, requested_full: bool, retrain: bool, has_model: bool,
                has_registry: bool, previous_snapshot_kept: bool, decisions_changed: bool,
                new_records: int, records: int) -> RunChoice:
    """Full or incremental, with the reason in words for the run report."""
    reasons = (
        (requested_full, "a full run was asked for"),
        (retrain, "the model is being retrained"),
        (not has_model, "there is no saved model yet"),
        (not has_registry, "there is no person index yet"),
        (not previous_snapshot_kept, "the last linked snapshot has been pruned"),
        (decisions_changed, "review decisions were made since the last run"),
        (records > 0 and new_records > MAX_NEW_SHARE * records,
         f"more than {MAX_NEW_SHARE:.0%} of the records are new or changed"),
    )
    for applies, reason in reasons:
        if applies:
            return RunChoice("full", reason)
    return RunChoice("incremental", f"{new_records:,} new or changed records")


@dataclass(frozen=True, slots=True)
class Constraints:
    """Clustering constraints in terms of the run's record ids (link keys)."""

    must_link: tuple[tuple[str, str], ...]
    cannot_link: tuple[tuple[str, str], ...]
    anchors: dict[str, str]


def constraints(key_of: Mapping[RecordKey, str], decisions: Sequence[ReviewDecision],
                known_person: Mapping[str, str]) -> Constraints:
    """Reviewers' decisions (on records still present) and, for an incremental run, every
    known person's records with their person id (`pipeline._region` reads them).

    `known_person`: link key -> person id for the unchanged records of known people (empty
    for a full run).
    """
    must: list[tuple[str, str]] = []
    cannot: list[tuple[str, str]] = []
    for decision in decisions:
        left, right = key_of.get(decision.left), key_of.get(decision.right)
        if left is None or right is None:
            continue  # a record has left the sources: nothing to decide any more
        (must if decision.decision == "same" else cannot).append((left, right))
    return Constraints(tuple(must), tuple(cannot), dict(known_person))

