"""The card rules on hand-made rows (pure): supersession is per kind of involvement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from joinedup.context.cards import Freshness, build_card
from joinedup.context.facts import load_definitions

D = dt.date
TODAY = D(2026, 6, 1)
FRESHNESS = [Freshness("hope", "vcse", "Hope Trust", D(2026, 2, 28)),
             Freshness("bridges", "vcse", "Bridges", D(2026, 5, 31))]


def _involvement(source: str, kind: str, start: dt.date, end: dt.date | None = None,
                 **more: Any) -> dict[str, Any]:
    row = dict.fromkeys(("status", "reason", "outcome", "worker_name", "worker_role", "team",
                         "worker_phone", "worker_email", "organisation"))
    row.update(source=source, involvement_id=f"{source}-{kind}", involvement_type=kind,
               start_date=start, end_date=end, **more)
    return row


def _card(involvements: list[dict[str, Any]]) -> Any:
    records = [{"source": i["source"]} for i in involvements]
    return build_card("vcse", records, involvements, [], FRESHNESS, load_definitions(), TODAY)


def test_a_fresher_source_of_another_kind_does_not_supersede() -> None:
    card = _card([_involvement("hope", "Befriending", D(2025, 1, 1), worker_name="Ann"),
                  _involvement("bridges", "Debt advice", D(2025, 3, 1), D(2025, 6, 1))])
    assert card.status == "current" and card.correct_as_of == D(2026, 2, 28)
    assert card.key_worker is not None and card.key_worker.name == "Ann"


def test_a_fresher_source_of_the_same_kind_supersedes() -> None:
    card = _card([_involvement("hope", "Mentoring", D(2025, 1, 1), worker_name="Ann"),
                  _involvement("bridges", "Mentoring", D(2025, 3, 1), D(2025, 6, 1))])
    assert card.status == "historic" and card.correct_as_of == D(2026, 5, 31)
    assert card.key_worker is None
    assert [(i.source, i.open, i.current) for i in card.involvements] == [
        ("hope", True, False), ("bridges", False, False)]


def test_closed_status_future_start_and_past_end_are_not_open() -> None:
    card = _card([_involvement("hope", "A", D(2025, 1, 1), status="closed"),
                  _involvement("hope", "B", D(2026, 7, 1)),
                  _involvement("hope", "C", D(2025, 1, 1), D(2026, 5, 31), status="open")])
    assert card.status == "historic"
    assert card.last_activity == D(2026, 5, 31)  # the July start has not happened yet
    still = _card([_involvement("hope", "D", D(2025, 1, 1), D(2026, 6, 1))])
    assert still.status == "current" and still.since == D(2025, 1, 1)
