""""Why are these records one person?" and the clerical review pages, on the hand-made world
(web_world.py): what each role sees, the pair chooser, decisions and their audit rows."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from web_world import *  # noqa: F403
from web_world import ADULT, CHILD12, NOBODY, QUEUE_IDS, TEEN17, same_page, signed_in

from joinedup.access import current_policy
from joinedup.config import get_settings
from joinedup.linkage.warehouse_link import link_state, model_path
from joinedup.web.audit.models import AuditEvent
from joinedup.web.review import tokens

pytestmark = pytest.mark.django_db

TOKEN_LINK = re.compile(r'href="/review/([0-9a-f]{20})/"')


def _why(client: Client, person: str, query: str = "") -> tuple[int, str]:
    response = client.get(f"/person/{person}/records/{query}")
    return response.status_code, response.content.decode()


def test_every_reviewing_role_can_give_the_record_matching_purpose() -> None:
    policy = current_policy()
    for code, role in policy.roles.items():
        if "match_review" in role.capabilities:
            assert "person_view" in role.capabilities, code
            assert "record_matching" in role.purposes, code


def test_why_page_lists_the_records_and_explains_the_strongest_link(world) -> None:
    status, html = _why(signed_in("childrens_social_worker"), ADULT)
    assert status == 200
    assert "Why are these records one person?" in html
    # Service order: health (G101), housing (H101), police (N101); G101 links best to N101.
    assert html.index("record G101") < html.index("record H101") < html.index("record N101")
    assert "Record 1 and record 3" in html
    assert "Match weights, comparison by comparison" in html and "<svg" in html
    assert "Final match weight" in html
    event = AuditEvent.objects.get(action="explain_view")
    assert (event.person_id, event.reason, event.case_reference) == (
        ADULT, "child_protection", "CP/2026/0099")
    assert event.detail == {"records": 3, "pair": [1, 3],
                            "services": ["health", "housing", "police"]}


def test_records_of_services_the_role_cannot_see_are_left_out(world) -> None:
    # A 17-year-old: no police card for anyone, so neither the police record nor its link.
    status, html = _why(signed_in("childrens_social_worker"), TEEN17)
    assert status == 200
    assert "record S103" in html and "record H103" in html
    assert "N103" not in html and "Police" not in html
    assert "Record 1 and record 2" in html  # the police record was each one's strongest link
    assert AuditEvent.objects.get(action="explain_view").detail["services"] == [
        "education", "housing"]


def test_chosen_pair_and_chooser_errors(world) -> None:
    client = signed_in("adult_social_worker")
    status, html = _why(client, ADULT, "?a=2&b=3")
    assert status == 200 and "Record 2 and record 3" in html
    status, html = _why(client, ADULT, "?a=2&b=2")
    assert status == 200 and "Select two different records" in html
    assert "Error: Why are these records one person?" in html
    assert "Match weights, comparison" not in html
    status, html = _why(client, ADULT, "?a=2&b=9")
    assert "Select a record in the list" in html
    pairs = [e.detail["pair"] for e in AuditEvent.objects.filter(action="explain_view")]
    assert pairs == [[2, 3], [], []]


def test_why_page_is_not_found_outside_rights_exactly_as_for_nobody(world) -> None:
    adult_worker = signed_in("adult_social_worker")
    outside = adult_worker.get(f"/person/{CHILD12}/records/")
    missing = adult_worker.get(f"/person/{NOBODY}/records/")
    assert outside.status_code == missing.status_code == 404
    assert same_page(outside.content, missing.content, CHILD12, NOBODY)
    for role in ("analyst", "auditor", "administrator", None):
        assert signed_in(role).get(f"/person/{ADULT}/records/").status_code == 404
    assert not AuditEvent.objects.filter(action="explain_view").exists()


def test_why_page_asks_for_a_reason_first(world) -> None:
    response = signed_in("childrens_social_worker", purpose=None).get(
        f"/person/{ADULT}/records/?a=1&b=2")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reason/?next=")


def test_explanation_unavailable_without_a_model(world) -> None:
    model = model_path(get_settings())
    aside = model.with_suffix(".aside")
    model.rename(aside)
    try:
        status, html = _why(signed_in("childrens_social_worker"), ADULT)
    finally:
        aside.rename(model)
    assert status == 200 and "The explanation cannot be shown" in html
    assert "model.json" not in html  # the page says what to do, not where files are


def _queue_tokens(client: Client) -> list[str]:
    response = client.get("/review/")
    assert response.status_code == 200
    return TOKEN_LINK.findall(response.content.decode())


def test_queue_shows_only_pairs_the_reviewer_may_see(world) -> None:
    # Children's social worker: the adults' two pairs (council tax too) and the children's
    # pair; never the pair with a 17-year-old's police record.
    adults, council_tax, children, _ = (tokens.token_for(p) for p in QUEUE_IDS)
    assert _queue_tokens(signed_in("childrens_social_worker")) == [adults, council_tax, children]
    assert _queue_tokens(signed_in("adult_social_worker")) == [adults, council_tax]
    for role in ("early_help_practitioner", "analyst", "auditor", "administrator", None):
        assert signed_in(role).get("/review/").status_code == 404
    views = AuditEvent.objects.filter(action="review_view")
    assert [(e.person_id, e.detail) for e in views] == [
        ("", {"queue_page": 1, "pairs": 3}), ("", {"queue_page": 1, "pairs": 2})]


def test_pair_page_and_decision(world) -> None:
    client = signed_in("adult_social_worker", purpose="record_matching", name="ash")
    token = _queue_tokens(client)[0]
    page = client.get(f"/review/{token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Record A: Housing" in html and "Record B: Housing" in html
    assert "Ada Adult" in html and "Ada Adams" in html and "Match weights" in html
    rows = list(AuditEvent.objects.filter(action="review_view", person_id__gt=""))
    assert [(e.person_id, e.detail["other_person"], e.reason) for e in rows] == [
        (ADULT, "JP00000106", "record_matching"), ("JP00000106", ADULT, "record_matching")]

    missing = client.post(f"/review/{token}/", {"decision": "", "note": "x"})
    assert missing.status_code == 200
    assert "Select whether the two records are the same person" in missing.content.decode()

    done = client.post(f"/review/{token}/", {"decision": "different",
                                             "note": "Different middle names on file"})
    assert done.status_code == 302 and done["Location"] == "/review/"
    decision = link_state(get_settings()).decisions()
    assert [(d.pair_id, d.decision, d.decided_by, d.note) for d in decision] == [
        (QUEUE_IDS[0], "different", "ash", "Different middle names on file")]
    made = AuditEvent.objects.filter(action="review_decision")
    assert [(e.person_id, e.detail) for e in made] == [
        (ADULT, {"pair": QUEUE_IDS[0], "other_person": "JP00000106", "decision": "different"}),
        ("JP00000106", {"pair": QUEUE_IDS[0], "other_person": ADULT, "decision": "different"})]
    after = client.get("/review/").content.decode()
    assert "Decision recorded: the records are different people." in after
    assert TOKEN_LINK.findall(after) == [tokens.token_for(QUEUE_IDS[1])]
    assert client.get(f"/review/{token}/").status_code == 404  # token spent


def test_council_tax_records_are_shown_to_reviewers(world) -> None:
    client = signed_in("adult_social_worker")
    token = _queue_tokens(client)[1]
    html = client.get(f"/review/{token}/").content.decode()
    assert "Record A: Council tax" in html and "record T101" in html and "record T106" in html
    # ...but not on the person's own pages, which follow the service cards.
    assert "T101" not in client.get(f"/person/{ADULT}/records/").content.decode()


def test_tokens_only_work_in_the_session_that_was_shown_them(world) -> None:
    children = signed_in("childrens_social_worker")
    child_pair = _queue_tokens(children)[2]
    assert children.get(f"/review/{child_pair}/").status_code == 200
    adults = signed_in("adult_social_worker")
    _queue_tokens(adults)
    outside = adults.get(f"/review/{child_pair}/")
    guessed = adults.get(f"/review/{'0' * 20}/")
    assert outside.status_code == guessed.status_code == 404
    assert same_page(outside.content, guessed.content, child_pair, '0' * 20)


def test_a_pair_is_checked_again_when_opened(world) -> None:
    # Even a token in the session (a role changed since the queue was shown) is refused.
    client = signed_in("adult_social_worker", name="switcher")
    session = client.session
    session[tokens.SESSION_KEY] = {tokens.token_for(QUEUE_IDS[2]): QUEUE_IDS[2]}
    session.save()
    assert client.get(f"/review/{tokens.token_for(QUEUE_IDS[2])}/").status_code == 404


def test_decisions_need_a_csrf_token(world) -> None:
    client = signed_in("childrens_social_worker", csrf=True)
    token = _queue_tokens(client)[0]
    refused = client.post(f"/review/{token}/", {"decision": "same"})
    assert refused.status_code == 403
    assert link_state(get_settings()).decisions() == []
