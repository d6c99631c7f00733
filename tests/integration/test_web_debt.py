"""The one view of debt pages on the small borough with debts: who may open them, the reason
they must give, what a revenues officer and a housing association's officer each see (and
never see), on the list, a household's page and a person's, and the audit of every page."""

from __future__ import annotations

import re

import pytest
from debt_world import DebtWorld, debt_home, debt_world
from django.contrib.auth.models import User
from django.test import Client

from joinedup.synth.debts import HA_SOURCE
from joinedup.views.debt import HouseholdDebts, debt_view, partner_scope, queue, scoped
from joinedup.warehouse.snapshots import open_current
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.reason import SESSION_KEY
from joinedup.web.accounts.roles import assign_role
from joinedup.web.audit.models import AuditEvent

__all__ = ["debt_home", "debt_world"]
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
KEY = re.compile(r'href="/debt/([A-Za-z0-9_:\-]+)/"')
PERSON = re.compile(r'href="/debt/person/([A-Za-z0-9_:\-]+)/"')


def _client(role: str, *, team: str = "", purpose: str | None = "debt_recovery",
            name: str | None = None) -> Client:
    user = User.objects.create_user(name or f"{role}-{team or 'x'}-{purpose}",
                                    password="correct-horse-battery-9")
    assign_role(user, role)
    Profile.objects.update_or_create(user=user, defaults={"team": team})
    client = Client()
    client.force_login(user)
    if purpose:
        session = client.session
        session[SESSION_KEY] = {"case_reference": "DEBT/2026/7", "purpose": purpose}
        session.save()
    return client


def _households(world: DebtWorld) -> list[HouseholdDebts]:
    from joinedup.config import Settings

    with open_current(settings=Settings(home=world.home)) as con:
        return debt_view(con)


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_only_revenues_and_partner_roles_open_the_view(debt_home: DebtWorld) -> None:
    debtor = _households(debt_home)[0].people[0].person_id
    for role in ("childrens_social_worker", "adult_social_worker", "analyst", "auditor",
                 "gp_practice", "administrator"):
        client = _client(role, purpose=None)
        assert client.get("/debt/").status_code == 404, role
        assert client.get(f"/debt/person/{debtor}/").status_code == 404, role
        assert b'href="/debt/"' not in client.get("/").content, role
    for role, team in (("revenues_officer", ""), ("housing_association", HA_SOURCE)):
        assert b'href="/debt/"' in _client(role, team=team, purpose=None).get("/").content


def test_a_reason_for_this_work_comes_first(debt_home: DebtWorld) -> None:
    none = _client("revenues_officer", purpose=None, name="rev-none")
    response = none.get("/debt/")
    assert response.status_code == 302 and "/accounts/reason/" in response["Location"]
    # A reason given for a discount review does not cover looking at debts.
    spd = _client("revenues_officer", purpose="council_tax_review", name="rev-spd")
    response = spd.get("/debt/")
    assert response.status_code == 302 and "/accounts/reason/" in response["Location"]
    debtor = _households(debt_home)[0].people[0].person_id
    for client in (none, spd):
        response = client.get(f"/debt/person/{debtor}/")
        assert response.status_code == 302 and "/accounts/reason/" in response["Location"]
    assert not _audit("debt_list") and not _audit("debt_person_view")


def test_revenues_officer_sees_the_queue_and_a_household(debt_home: DebtWorld) -> None:
    households = _households(debt_home)
    waiting = queue(households)
    client = _client("revenues_officer")
    listed = client.get("/debt/")
    assert listed.status_code == 200
    keys = KEY.findall(listed.content.decode())
    assert keys == [h.key for h in waiting[:50]]
    event = _audit("debt_list")[-1]
    assert event.reason == "debt_recovery" and event.case_reference == "DEBT/2026/7"
    assert event.detail["households"] == keys
    assert len(KEY.findall(client.get("/debt/?show=all").content.decode())) == min(
        50, len(households))
    top = waiting[0]
    page = client.get(f"/debt/{top.key}/")
    html = page.content.decode()
    assert page.status_code == 200
    for d in top.debts:
        assert d.creditor in html and d.debt_id in html
    event = _audit("debt_view")[-1]
    assert event.detail["household"] == top.key
    assert event.person_id == top.people[0].person_id
    assert client.get("/debt/HH99999999/").status_code == 404


def test_flags_are_shown_without_social_care_details(debt_home: DebtWorld) -> None:
    flagged = next(h for h in _households(debt_home) if h.flags)
    client = _client("revenues_officer", name="rev-flags")
    html = client.get(f"/debt/{flagged.key}/").content.decode()
    assert "Known to" in html or "Care leaver" in html or "early help" in html
    people = [p.person_id for p in flagged.people]
    details = debt_home.query(
        "SELECT DISTINCT i.worker_name, i.team, i.involvement_type FROM involvement AS i "
        "JOIN person_link AS l USING (source, source_record_id) "
        "WHERE l.person_id IN (SELECT unnest(?::VARCHAR[])) AND i.worker_name IS NOT NULL",
        [people])
    for worker, team, kind in details:
        assert worker not in html and (team or "@@") not in html and kind not in html


def test_housing_association_sees_only_its_tenants_debts(debt_home: DebtWorld) -> None:
    households = _households(debt_home)
    mine = scoped(households, partner_scope(HA_SOURCE))
    client = _client("housing_association", team=HA_SOURCE)
    html = client.get("/debt/?show=all").content.decode()
    assert KEY.findall(html) == [h.key for h in mine[:50]]
    assert "DSA-2026-014" in html
    assert "Council tax recovery team" not in html
    theirs = next(h for h in households if h.key not in {m.key for m in mine})
    assert client.get(f"/debt/{theirs.key}/").status_code == 404
    shared = next((m for m in mine if m.other_creditors), mine[0])
    page = client.get(f"/debt/{shared.key}/").content.decode()
    assert "Pennine Vale Housing Association" in page
    for other in ("Council tax recovery team", "Sundry debt recovery team",
                  "Benefits overpayment recovery team", "Known to adult social care",
                  "Known to children&#x27;s social care"):
        assert other not in page
    assert _audit("debt_view")[-1].detail["creditor"] == HA_SOURCE


def test_a_partner_user_without_an_agreement_sees_nothing(debt_home: DebtWorld) -> None:
    for team in ("", "housing"):
        client = _client("housing_association", team=team, name=f"ha-{team or 'none'}")
        html = client.get("/debt/").content.decode()
        assert "not linked to a partner organisation" in html
        assert not KEY.findall(html)


def test_a_household_page_shows_each_arrangement_and_its_status(debt_home: DebtWorld) -> None:
    households = _households(debt_home)
    arranged = next(h for h in households
                    if any(d.arrangement_status == "broken" for d in h.debts))
    client = _client("revenues_officer", name="rev-arrangements")
    html = client.get(f"/debt/{arranged.key}/").content.decode()
    for d in arranged.debts:
        if d.arrangement:
            assert d.arrangement.replace("£", "&pound;") in html or d.arrangement in html
            assert f">{d.arrangement_status_label}</strong>" in html
    assert "Broken: recovery resumed" in html
    event = _audit("debt_view")[-1]
    assert event.reason == "debt_recovery" and event.case_reference == "DEBT/2026/7"
    assert event.detail["household"] == arranged.key


def test_the_partners_agreement_is_on_the_public_transparency_page(
        debt_home: DebtWorld) -> None:
    from joinedup.config import Settings
    from joinedup.views.agreements import agreements_in

    with open_current(settings=Settings(home=debt_home.home)) as con:
        recorded = agreements_in(con)
    assert recorded  # the housing association's extract comes under one
    page = Client().get("/open-data/transparency/")  # nobody signed in
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="agreements"' in body
    for agreement in recorded:
        assert agreement["organisation"] in body and agreement["reference"] in body


def test_revenues_officer_opens_a_persons_debts_from_the_queue_and_household(
        debt_home: DebtWorld) -> None:
    from joinedup.views.debt_person import find_debtor

    households = _households(debt_home)
    waiting = queue(households)
    client = _client("revenues_officer", name="rev-person")
    listed = PERSON.findall(client.get("/debt/").content.decode())
    assert listed == [p.person_id for h in waiting[:50] for p in h.people]
    top = next(h for h in waiting if len(h.people) > 1)
    linked = PERSON.findall(client.get(f"/debt/{top.key}/").content.decode())
    assert linked == [p.person_id for p in top.people]
    who, other = top.people
    page = client.get(f"/debt/person/{who.person_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    for d in who.debts:
        assert d.creditor in html and d.debt_id in html and f"({d.age_days} days)" in html
        assert (d.stage_label or "Not recorded") in html
    assert f"{who.total:,.2f}" in html and f"{top.total:,.2f}" in html
    for d in other.debts:  # their debts are on their own page, which this one links to
        assert f"({d.debt_id})" not in html
    assert f'href="/debt/person/{other.person_id}/"' in html
    assert f'href="/debt/{top.key}/"' in html
    event = _audit("debt_person_view")[-1]
    assert event.person_id == who.person_id and event.reason == "debt_recovery"
    assert event.detail["household"] == top.key and event.detail["creditor"] == "all"
    assert event.detail["debts"] == [d.debt_id for d in who.debts]
    assert find_debtor(households, who.person_id).person == who
    # A subject access request finds it: who viewed this person's debts.
    from joinedup.web.audit.queries import who_viewed

    assert event.seq in {a.seq for a in who_viewed(who.person_id)
                         if a.action == "debt_person_view"}
    assert client.get("/debt/person/JP99999999/").status_code == 404
    # Someone who lives in a household in debt but owes nothing has no debt page.
    rows = debt_home.query(
        "SELECT m.person_id FROM household_member AS m WHERE m.household_id = ? "
        "AND m.person_id NOT IN (SELECT unnest(?::VARCHAR[]))",
        [top.household_id, [p.person_id for h in households for p in h.people]])
    for (resident,) in rows:
        assert client.get(f"/debt/person/{resident}/").status_code == 404


def test_a_persons_page_flags_without_social_care_details(debt_home: DebtWorld) -> None:
    from joinedup.views.debt import FLAG_LABELS

    def details(pid: str) -> list[tuple[str, str | None, str]]:
        return [(str(w), t, str(k)) for w, t, k in debt_home.query(
            "SELECT DISTINCT i.worker_name, i.team, i.involvement_type FROM involvement AS i "
            "JOIN person_link AS l USING (source, source_record_id) "
            "WHERE l.person_id = ? AND i.worker_name IS NOT NULL", [pid])]

    # A debtor flagged for an involvement with a named worker: none of it may be shown.
    flagged, known = next((p, details(p.person_id)) for h in _households(debt_home)
                          for p in h.people if set(p.flags) - {"care_leaver"}
                          and details(p.person_id))
    client = _client("revenues_officer", name="rev-person-flags")
    html = client.get(f"/debt/person/{flagged.person_id}/").content.decode()
    for f in flagged.flags:
        assert FLAG_LABELS[f].replace("'", "&#x27;") in html
    for worker, team, kind in known:
        assert worker not in html and (team or "@@") not in html and kind not in html


def test_housing_association_sees_only_its_tenants_own_debts_per_person(
        debt_home: DebtWorld) -> None:
    households = _households(debt_home)
    mine = scoped(households, partner_scope(HA_SOURCE))
    client = _client("housing_association", team=HA_SOURCE, name="ha-person")
    listed = PERSON.findall(client.get("/debt/?show=all").content.decode())
    assert listed == [p.person_id for h in mine[:50] for p in h.people]
    tenant = next(m for m in mine if m.other_creditors)
    person = tenant.people[0]
    html = client.get(f"/debt/person/{person.person_id}/").content.decode()
    assert "Pennine Vale Housing Association" in html and "DSA-2026-014" in html
    for d in person.debts:
        assert d.debt_id in html
    for other in ("Council tax recovery team", "Sundry debt recovery team",
                  "Benefits overpayment recovery team", "Known to adult social care",
                  "Known to children&#x27;s social care", "Receiving early help"):
        assert other not in html
    event = _audit("debt_person_view")[-1]
    assert event.detail["creditor"] == HA_SOURCE
    assert event.detail["debts"] == [d.debt_id for d in person.debts]
    # Their other debts are not shown: not on this page, nor any other creditor's debt id.
    full = next(h for h in households if h.key == tenant.key)
    for d in full.debts:
        if d.source != HA_SOURCE:
            assert f"({d.debt_id})" not in html
    # Debtors who owe the association nothing are not found, whether in a tenant's
    # household or not.
    theirs = {p.person_id for m in mine for p in m.people}
    outside = [p.person_id for h in households for p in h.people
               if p.person_id not in theirs][:5]
    assert outside
    for pid in outside:
        assert client.get(f"/debt/person/{pid}/").status_code == 404
    nobody = _client("housing_association", team="housing", name="ha-person-none")
    assert nobody.get(f"/debt/person/{person.person_id}/").status_code == 404
