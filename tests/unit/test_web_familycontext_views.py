"""Family Context's pure pieces: a card cut down to a role's fields, and the network picture."""

from __future__ import annotations

import datetime as dt
from typing import Any

from joinedup.access import load_policy
from joinedup.context.cards import Freshness, build_card
from joinedup.context.facts import load_definitions
from joinedup.web.familycontext.cardview import card_detail, card_view
from joinedup.web.familycontext.network import MAX_DRAWN, Node, description, network_svg

D = dt.date
TODAY = D(2026, 6, 1)
CSC = [Freshness("csc", "childrens_social_care", "Case system", D(2026, 5, 31))]


def _card() -> Any:
    involvement = dict.fromkeys(("status", "outcome", "worker_role", "organisation"))
    involvement.update(
        source="csc", involvement_id="1", involvement_type="Child in need episode",
        start_date=D(2026, 1, 5), end_date=None, reason="N1", worker_name="Ann Example",
        team="Locality Team South", worker_phone="07700 900014",
        worker_email="ann@council.example")
    event = dict.fromkeys(("end_date", "value", "detail", "involvement_id"))
    event.update(source="csc", event_id="e1", event_type="cin_plan", event_date=D(2026, 2, 1),
                 category=None)
    return build_card("childrens_social_care", [{"source": "csc"}], [involvement], [event],
                      CSC, load_definitions(), TODAY)


def test_childrens_social_worker_sees_every_field() -> None:
    detail = card_detail("childrens_social_worker", _card())
    assert detail.card.status == "current" and detail.card.expandable
    assert detail.key_worker is not None
    assert (detail.key_worker.name, detail.key_worker.phone) == ("Ann Example", "07700 900014")
    assert [i.reason for i in detail.involvements] == ["Abuse or neglect"]
    assert detail.facts and detail.shows_facts
    assert detail.card.expansion_label == "Key worker, contact details, dates and key facts"


def test_early_help_practitioner_sees_the_worker_and_contact_only() -> None:
    detail = card_detail("early_help_practitioner", _card())
    assert detail.key_worker is not None and detail.key_worker.email == "ann@council.example"
    assert detail.involvements == () and detail.facts == () and detail.last_activity is None
    assert not detail.shows_dates and not detail.shows_facts
    assert detail.card.expansion_label == "Key worker and contact details"


def test_contact_details_need_the_contact_field() -> None:
    # A council's policy may name the key worker without giving their phone and email.
    policy = load_policy()
    role = policy.roles["early_help_practitioner"]
    services = {**role.services, "childrens_social_care": ("status", "key_worker")}
    policy = policy.model_copy(update={"roles": {
        **policy.roles, "early_help_practitioner": role.model_copy(update={"services": services})}})
    detail = card_detail("early_help_practitioner", _card(), policy)
    assert detail.key_worker is not None and detail.key_worker.name == "Ann Example"
    assert detail.key_worker.phone is None and detail.key_worker.email is None
    assert detail.card.expansion_label == "Key worker"


def test_status_only_role_gets_nothing_to_expand() -> None:
    # An early help practitioner sees only whether adult social care knows someone.
    card = build_card("adult_social_care", [{"source": "csc"}], [], [], CSC,
                      load_definitions(), TODAY)
    view = card_view("early_help_practitioner", card)
    assert view.fields == ("status",) and not view.expandable
    detail = card_detail("early_help_practitioner", card)
    assert detail.key_worker is None and not detail.shows_key_worker


def test_network_picture_escapes_names_and_says_the_same_as_the_table() -> None:
    nodes = [Node("<script>alert(1)</script>", "Parent", True, True),
             Node("Not shown to your role", "Child", True, False),
             Node("Sam O'Neil", "Sibling", False, True)]
    svg = str(network_svg("Amy Example", nodes))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<line ") == 3 and svg.count("jup-net__line--together") == 2
    assert svg.count("jup-net__node--hidden") == 1
    assert 'role="img"' in svg and 'aria-labelledby="network-title"' in svg
    assert description("Amy Example", nodes[2:]) == (
        "Amy Example in the middle, joined to 1 person: Sam O'Neil (sibling).")


def test_network_picture_draws_at_most_max_drawn() -> None:
    nodes = [Node(f"Person {i}", "Lives or lived with", False, True) for i in range(20)]
    svg = str(network_svg("Centre", nodes))
    assert svg.count("<line ") == MAX_DRAWN
    assert f"and {20 - MAX_DRAWN} more listed in the table" in svg
    assert description("Centre", []) == "Centre has no family or household members recorded."
