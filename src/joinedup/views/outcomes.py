"""What an officer decides about a reviewed account, and the clerical labels it gives
matching.

Outcomes (nothing is decided automatically; an officer records one per review):

- `no_change`: the account holder lives alone as far as the officer can tell (the other
  people shown had moved out, or never lived there): the discount stays.
- `discount_removed`: another adult lives there; the discount is cancelled. The people the
  officer confirmed are different people from the account holder, so each gives matching a
  **cannot-link** ("different") label between the account holder's council tax record and
  that person's record.
- `matching_error`: the "other adult" is the account holder under another record (matching
  kept their records apart). Each person the officer names gives a **must-link** ("same")
  label.

Labels go to the linkage state's review decisions (`LinkState.decide`), the same store the
clerical review queue writes, so the next `joinedup link` honours them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from joinedup.errors import JoinedUpError
from joinedup.views.spd import SpdReview

Outcome = Literal["no_change", "discount_removed", "matching_error"]
OUTCOMES: dict[str, str] = {
    "no_change": "No change: the account holder lives alone",
    "discount_removed": "Discount removed: another adult lives there",
    "matching_error": "Matching error: the person shown is the account holder",
}
LABEL_FOR: dict[str, str | None] = {
    "no_change": None, "discount_removed": "different", "matching_error": "same"}


@dataclass(frozen=True, slots=True)
class Label:
    left: tuple[str, str]
    right: tuple[str, str]
    decision: str  # "same" or "different", as linkage's review decisions


def labels_for(review: SpdReview, outcome: str, person_ids: Sequence[str]) -> list[Label]:
    """The clerical labels an outcome gives, for the people the officer named."""
    if outcome not in OUTCOMES:
        raise JoinedUpError(f"unknown outcome {outcome!r}: use one of {', '.join(OUTCOMES)}.")
    decision = LABEL_FOR[outcome]
    by_id = {o.person_id: o for o in review.others}
    unknown = [p for p in person_ids if p not in by_id]
    if unknown:
        raise JoinedUpError(
            f"{', '.join(unknown)} is not among the people shown for account "
            f"{review.account_no}: choose from the people listed on the review.")
    if decision is None:
        return []
    if not person_ids:
        raise JoinedUpError(f"the outcome {outcome!r} needs the people it is about: tick "
                            "the people the review confirmed.")
    lead = (review.source, review.lead_record_id)
    return [Label(lead, record, decision) for p in person_ids
            if (record := by_id[p].evidence_record) is not None]
