"""How good the top of a ranked review list is, against labels: a synthetic borough's planted
truth (bench/spd_review.py) or, in a live council, the outcomes officers have recorded."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from joinedup.views.common import AsDict


@dataclass(frozen=True, slots=True)
class PrecisionAt(AsDict):
    k: int
    reviewed: int  # min(k, list length)
    found: int  # of them, labelled wrong (another adult lives there)
    precision: float
    recall: float  # of every labelled-wrong account


def precision_at(ranked: Sequence[str], wrong: Collection[str], ks: Sequence[int],
                 ) -> list[PrecisionAt]:
    """`ranked`: account numbers, best first; `wrong`: those labelled incorrect."""
    wrong_set = set(wrong)
    out = []
    for k in ks:
        top = ranked[:k]
        found = sum(1 for a in top if a in wrong_set)
        out.append(PrecisionAt(k=k, reviewed=len(top), found=found,
                               precision=round(found / len(top), 3) if top else 0.0,
                               recall=round(found / len(wrong_set), 3) if wrong_set else 0.0))
    return out
