"""key_facts.yaml: loading, checking and how events read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from joinedup.context.common import CARD_SERVICES
from joinedup.context.facts import label_code, load_definitions, render
from joinedup.errors import ConfigError
from joinedup.model.codes import EVENT_TYPES


def test_packaged_definitions_cover_every_card_and_event_type() -> None:
    definitions = load_definitions()
    assert set(definitions.services) == set(CARD_SERVICES)
    assert set(definitions.events) == set(EVENT_TYPES)


@pytest.mark.parametrize(("event_type", "category", "value", "detail", "expected"), [
    ("attendance", "Autumn", Decimal("95.74"), "2023/24",
     "95.7% of sessions (Autumn term 2023/24)"),
    ("attendance", None, Decimal("95.74"), None, "95.7% of sessions"),
    ("rent_arrears", None, Decimal("4483.6"), "Reminder letter", "£4,483.60 – Reminder letter"),
    ("contact", None, None, "Progress to referral", "Progress to referral"),
    ("assessment", "3B,4B", None, None, "Factors: Domestic abuse: parent, Mental health: parent"),
    ("cla_episode", "C2", None, "U6",
     "Full care order, Foster placement with other foster carer (not long term)"),
    ("cp_plan", "XYZ", None, None, "XYZ"),
    ("eviction", None, None, "Eviction", ""),
    ("ehcp_exception", "ABSENT_FROM_AREA_4_WEEKS", None, "EHC000012",
     "absent from the area for 4 weeks or more"),
    ("section47", None, None, "Y", "Initial child protection conference needed: yes"),
])
def test_event_text(event_type: str, category: str | None, value: Decimal | None,
                    detail: str | None, expected: str) -> None:
    assert load_definitions().text(event_type, category, value, detail) == expected


def test_labels_fall_back_to_the_code_list() -> None:
    definitions = load_definitions()
    assert definitions.label("cp_plan") == "Child protection plan"
    assert label_code("1A, 9Z", {"1A": "One"}) == "One, 9Z"
    assert label_code("  ", {}) is None
    assert render(["{count}", " ({total:.0f} sessions)"], {"count": 0, "total": None}) == "0"
    assert render([" – {detail}"], {"detail": dt.date(2026, 1, 2)}) == "2026-01-02"


@pytest.mark.parametrize(("text", "message"), [
    ("events: {not_an_event: {label: X}}", "unknown event types"),
    ("services: {council_tax: {}}", "have no card"),
    ("events: {cp_plan: {label: X, text: '{nonsense}'}}", "nonsense"),
    ("services: {police: {facts: [{label: X, kind: open, events: [police_incident]}]}}",
     "not in `ongoing`"),
    ("services: {police: {facts: [{label: X, kind: sometimes, events: [police_incident]}]}}",
     "kind"),
    ("events: {assessment: {label: X, categories: no_such_codes}}", "no code list"),
    ("services: [", "invalid"),
])
def test_invalid_definitions_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_definitions(path)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_definitions(tmp_path / "none.yaml")
