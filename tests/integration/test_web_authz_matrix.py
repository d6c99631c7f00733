"""Every role x every page and API endpoint x people inside and outside the role's rights.

The URLs come from Django's resolver, so a page or endpoint added without a line in RULES
fails `test_every_url_has_a_rule`, and each URL name is one case of `test_matrix`. People are
those of web_world.py, on the policy's age boundaries: an adult social worker and a
12-year-old (not found), a 17-year-old's police card (nobody; police is for 18 and over) and
an 18-year-old's (children's and adult social workers), and a well-formed id that is nobody,
whose "not found" must be the same page as for a person outside the user's rights.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from site_urls import url_names
from web_world import *  # noqa: F403
from web_world import (
    ADULT,
    ADULT18,
    CASE,
    CHILD12,
    CHILD12B,
    NOBODY,
    PARTNER,
    POLICE_WORKERS,
    PURPOSES,
    QUEUE_IDS,
    TEEN17,
    same_page,
    signed_in,
)
from workforce_world import tiny_plan

from joinedup.access import (
    CARD_SERVICES,
    can_view_people,
    can_view_person,
    has_capability,
    role_codes,
    visible_fields,
    visible_services,
)
from joinedup.web.review import tokens

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
AGES = {ADULT: 40, CHILD12: 12, TEEN17: 17, ADULT18: 18, PARTNER: 41, CHILD12B: 12}
PEOPLE = (ADULT, CHILD12, TEEN17, ADULT18)
"""Whose pages each role is tried on (the other two are only in review pairs)."""
SIGN_IN = "/accounts/sign-in/"


@dataclass
class Matrix:
    """Signed-in clients for every role (and one with no role, and nobody signed in), the
    requests made and every expectation that failed."""

    clients: dict[str, Client]
    failures: list[str] = field(default_factory=list)

    def roles(self) -> Iterator[tuple[str, Client]]:
        yield from self.clients.items()

    def call(self, who: str, method: str, path: str, data: Any = None,
             **headers: str) -> HttpResponse:
        client = self.clients[who]
        if method == "GET":
            return client.get(path, data, headers=headers)  # type: ignore[return-value]
        if method == "POST-JSON":
            return client.post(path, json.dumps(data), content_type="application/json",
                               headers=headers)  # type: ignore[return-value]
        return client.post(path, data or {}, headers=headers)  # type: ignore[return-value]

    def expect(self, who: str, method: str, path: str, status: int, *, data: Any = None,
               location: str | None = None, contains: tuple[str, ...] = (),
               lacks: tuple[str, ...] = (), headers: dict[str, str] | None = None
               ) -> HttpResponse:
        response = self.call(who, method, path, data, **(headers or {}))
        label = f"{who} {method} {path}"
        if response.status_code != status:
            self.failures.append(f"{label}: {response.status_code}, expected {status}")
            return response
        if location is not None and not response.get("Location", "").startswith(location):
            self.failures.append(f"{label}: redirects to {response.get('Location')}, "
                                 f"expected {location}...")
        body = response.content.decode()
        self.failures += [f"{label}: lacks {text!r}" for text in contains if text not in body]
        self.failures += [f"{label}: shows {text!r}" for text in lacks if text in body]
        return response

    def same_not_found(self, who: str, method: str, outside: str, missing: str,
                       ids: tuple[str, ...], **headers: str) -> None:
        first = self.call(who, method, outside, **headers)
        second = self.call(who, method, missing, **headers)
        if first.status_code != 404 or second.status_code != 404 or not same_page(
                first.content, second.content, *ids):
            self.failures.append(f"{who}: {outside} and {missing} differ "
                                 f"({first.status_code}, {second.status_code})")


def sees(who: str, person: str) -> bool:
    return who not in (ANONYMOUS, "none") and can_view_person(who, AGES[person])


def practitioner(who: str) -> bool:
    return who not in (ANONYMOUS, "none") and can_view_people(who)


def capable(who: str, capability: str) -> bool:
    return who not in (ANONYMOUS, "none") and has_capability(who, capability)


def signed_in_page(m: Matrix, path: str, allowed: Callable[[str], bool]) -> None:
    """A page for some roles: 200 for them, 404 for other roles, sign-in for nobody."""
    for who, _ in m.roles():
        if who == ANONYMOUS:
            m.expect(who, "GET", path, 302, location=SIGN_IN)
        else:
            m.expect(who, "GET", path, 200 if allowed(who) else 404)


# --- person pages ---------------------------------------------------------------------

def person_page(m: Matrix, template: str, *, police_words: tuple[str, ...] = ()) -> None:
    """Pages about one person: 200 inside the role's rights, the same 404 outside them as for
    an id that is nobody, the reason form first, sign-in for nobody."""
    for who, _ in m.roles():
        for person in PEOPLE:
            path = template.format(person)
            if who == ANONYMOUS:
                m.expect(who, "GET", path, 302, location=SIGN_IN)
            elif not sees(who, person):
                m.same_not_found(who, "GET", path, template.format(NOBODY), (person, NOBODY))
            else:
                # Nobody sees a 17-year-old's police records; those of an 18-year-old only
                # where the role's police fields include what the words show.
                lacks = police_words if person == TEEN17 else ()
                m.expect(who, "GET", path, 200, lacks=(*lacks, POLICE_WORKERS[TEEN17]))
        if practitioner(who):
            m.expect(who, "GET", template.format(NOBODY), 404)
    m.clients["no-reason"] = signed_in("childrens_social_worker", purpose=None,
                                       name="m-no-reason")
    m.expect("no-reason", "GET", template.format(ADULT), 302, location="/accounts/reason/")
    del m.clients["no-reason"]


def rule_person(m: Matrix) -> None:
    person_page(m, "/person/{}/", police_words=("Police",))
    m.expect("childrens_social_worker", "GET", f"/person/{ADULT18}/", 200, contains=("Police",))


def rule_family(m: Matrix) -> None:
    person_page(m, "/person/{}/family/")


def rule_timeline(m: Matrix) -> None:
    person_page(m, "/person/{}/timeline/", police_words=("Police", "Domestic abuse"))
    for who in ("childrens_social_worker", "adult_social_worker", "early_help_practitioner"):
        shows = "timeline" in visible_fields(who, "police")
        m.expect(who, "GET", f"/person/{ADULT18}/timeline/", 200,
                 **{"contains" if shows else "lacks": ("Domestic abuse",)})


def rule_why(m: Matrix) -> None:
    person_page(m, "/person/{}/records/", police_words=("Police", "N103"))
    m.expect("adult_social_worker", "GET", f"/person/{ADULT18}/records/", 200,
             contains=("record N104",))


def _card_cases(m: Matrix, template: str, api: bool) -> None:
    headers = _api_headers if api else (lambda who: {})
    for who, _ in m.roles():
        for person in PEOPLE:
            for service in CARD_SERVICES:
                path = template.format(person, service)
                if who == ANONYMOUS:
                    if api:
                        m.expect(who, "GET", path, 401)
                    else:
                        m.expect(who, "GET", path, 302, location=SIGN_IN)
                    continue
                shown = sees(who, person) and service in visible_services(who, AGES[person])
                if not shown:
                    m.same_not_found(who, "GET", path, template.format(NOBODY, service),
                                     (person, NOBODY), **headers(who))
                    continue
                worker = POLICE_WORKERS.get(person, "")
                named = service == "police" and "key_worker" in visible_fields(who, "police")
                m.expect(who, "GET", path, 200, headers=headers(who),
                         **{"contains" if named else "lacks": (worker,) if worker else ()})
            if who != ANONYMOUS:
                m.expect(who, "GET", template.format(person, "council_tax"), 404,
                         headers=headers(who))


def rule_card(m: Matrix) -> None:
    _card_cases(m, "/person/{}/card/{}/", api=False)


def rule_search(m: Matrix) -> None:
    signed_in_page(m, "/search/", practitioner)
    for who, _ in m.roles():
        if who == ANONYMOUS:
            m.expect(who, "POST", "/search/", 302, data={"name": "Cara Child"},
                     location=SIGN_IN)
            continue
        if not practitioner(who):
            m.expect(who, "POST", "/search/", 404, data={"name": "Cara Child"})
            continue
        m.expect(who, "POST", "/search/", 302, data={"name": "Cara Child"})
        found = f"/person/{CHILD12}/"
        m.expect(who, "GET", "/search/", 200,
                 **{"contains" if sees(who, CHILD12) else "lacks": (found,)})
        m.expect(who, "POST", "/search/", 302, data={"name": "Tess Teen"})
        m.expect(who, "GET", "/search/", 200, contains=(f"/person/{TEEN17}/",),
                 lacks=("Police",))


# --- review and audit -----------------------------------------------------------------

def rule_queue(m: Matrix) -> None:
    signed_in_page(m, "/review/", lambda who: capable(who, "match_review"))


def rule_pair(m: Matrix) -> None:
    # Every session holds every pair's token (as if a queue had shown them, or a role had
    # changed since): the pair page checks the rights again.
    adult_pair, tax_pair, child_pair, teen_pair = (tokens.token_for(p) for p in QUEUE_IDS)
    for who, client in m.roles():
        session = client.session
        session[tokens.SESSION_KEY] = {tokens.token_for(p): p for p in QUEUE_IDS}
        session.save()
        guessed = f"/review/{'f' * 20}/"
        for token, people in ((adult_pair, (ADULT, PARTNER)), (tax_pair, (ADULT, PARTNER)),
                              (child_pair, (CHILD12, CHILD12B)),
                              (teen_pair, (TEEN17, ADULT18))):
            path = f"/review/{token}/"
            if who == ANONYMOUS:
                m.expect(who, "GET", path, 302, location=SIGN_IN)
            elif capable(who, "match_review") and all(sees(who, p) for p in people) and (
                    token != teen_pair):
                m.expect(who, "GET", path, 200, lacks=(POLICE_WORKERS[TEEN17],))
            else:
                m.same_not_found(who, "GET", path, guessed, (token, "f" * 20))


def rule_audit(path: str) -> Callable[[Matrix], None]:
    def rule(m: Matrix) -> None:
        signed_in_page(m, path, lambda who: capable(who, "audit_read"))
        query = f"{path}?person_id={ADULT}" if path.endswith("/person/") else path
        signed_in_page(m, query, lambda who: capable(who, "audit_read"))

    return rule


# --- accounts, public pages, API ------------------------------------------------------

def rule_home(m: Matrix) -> None:
    signed_in_page(m, "/", lambda who: True)


def rule_login(m: Matrix) -> None:
    for who, _ in m.roles():
        m.expect(who, "GET", SIGN_IN, 200 if who == ANONYMOUS else 302)


def rule_logout(m: Matrix) -> None:
    for who, _ in m.roles():
        m.expect(who, "GET", "/accounts/sign-out/", 302 if who == ANONYMOUS else 405)
    for who, _ in m.roles():
        m.expect(who, "POST", "/accounts/sign-out/", 302)


def rule_reason(m: Matrix) -> None:
    signed_in_page(m, "/accounts/reason/", lambda who: practitioner(who) or capable(
        who, "spd_review") or capable(who, "gp_alerts") or sees_debts(who))


def sees_debts(who: str) -> bool:
    return capable(who, "debt_view") or capable(who, "tenant_debts")


def rule_debt(path: str) -> Callable[[Matrix], None]:
    """The one view of debt: the two debt roles are sent to give a reason for this work (the
    matrix's revenues officer has a discount review reason, which does not carry over; the
    housing association's has none), every other role gets 404."""

    def rule(m: Matrix) -> None:
        for who, _ in m.roles():
            if who == ANONYMOUS:
                m.expect(who, "GET", path, 302, location=SIGN_IN)
            else:
                m.expect(who, "GET", path, 302 if sees_debts(who) else 404)

    return rule


def rule_gp_export(m: Matrix) -> None:
    """No user in the matrix has a practice: the export is not found for every role."""
    for who, _ in m.roles():
        m.expect(who, "GET", "/gp-alerts/export.csv", 302 if who == ANONYMOUS else 404)


def rule_gp_held(path: str) -> Callable[[Matrix], None]:
    """GP alerts held for review: the reviewers (match_review) are sent to give a reason for
    record matching (the matrix's reasons are for casework, which does not carry over),
    every other role gets 404."""

    def rule(m: Matrix) -> None:
        for who, _ in m.roles():
            if who == ANONYMOUS:
                m.expect(who, "GET", path, 302, location=SIGN_IN)
            else:
                m.expect(who, "GET", path, 302 if capable(who, "match_review") else 404)

    return rule


def rule_api_gp_alerts(m: Matrix) -> None:
    for who, _ in m.roles():
        m.expect(who, "GET", "/api/gp-alerts", 401 if who == ANONYMOUS else 404)


def rule_spd_account(m: Matrix) -> None:
    """No discounted account in this world: 404 for every role, as outside the role."""
    for who, _ in m.roles():
        m.expect(who, "GET", "/spd/4100000/", 302 if who == ANONYMOUS else 404)


def rule_public(path: str) -> Callable[[Matrix], None]:
    def rule(m: Matrix) -> None:
        for who, _ in m.roles():
            m.expect(who, "GET", path, 200)

    return rule


def rule_api_signed_in(path: str, anonymous: int = 401) -> Callable[[Matrix], None]:
    def rule(m: Matrix) -> None:
        for who, _ in m.roles():
            m.expect(who, "GET", path, anonymous if who == ANONYMOUS else 200,
                     location=SIGN_IN if who == ANONYMOUS and anonymous == 302 else None)

    return rule


def rule_api_root(m: Matrix) -> None:
    # The interactive docs are off (their page loads scripts from a CDN): nothing here.
    for who, _ in m.roles():
        m.expect(who, "GET", "/api/", 404)


def _api_headers(who: str) -> dict[str, str]:
    return {"X-Case-Reference": CASE, "X-Purpose": PURPOSES.get(who, "child_protection")}


def rule_api_person(m: Matrix) -> None:
    for who, _ in m.roles():
        for person in PEOPLE:
            path = f"/api/person/{person}"
            if who == ANONYMOUS:
                m.expect(who, "GET", path, 401)
            elif not sees(who, person):
                m.same_not_found(who, "GET", path, f"/api/person/{NOBODY}", (person, NOBODY),
                                 **_api_headers(who))
            else:
                response = m.expect(who, "GET", path, 200, headers=_api_headers(who))
                services = [c["service"] for c in json.loads(response.content).get("cards", [])]
                if services != list(visible_services(who, AGES[person])):
                    m.failures.append(f"{who} {path}: cards {services}")
                if person == TEEN17 and "police" in response.content.decode().lower():
                    m.failures.append(f"{who} {path}: mentions the police")
        if practitioner(who):
            m.expect(who, "GET", f"/api/person/{ADULT}", 400)  # no reason given


def rule_api_card(m: Matrix) -> None:
    _card_cases(m, "/api/person/{}/card/{}", api=True)


def rule_api_search(m: Matrix) -> None:
    for who, _ in m.roles():
        path = "/api/search"
        if who == ANONYMOUS:
            m.expect(who, "POST-JSON", path, 401, data={"name": "Cara Child"})
        elif not practitioner(who):
            m.expect(who, "POST-JSON", path, 404, data={"name": "Cara Child"},
                     headers=_api_headers(who))
        else:
            response = m.expect(who, "POST-JSON", path, 200, data={"name": "Cara Child"},
                                headers=_api_headers(who))
            ids = [r["person_id"] for r in json.loads(response.content).get("results", [])]
            if (CHILD12 in ids) != sees(who, CHILD12):
                m.failures.append(f"{who} {path}: results {ids}")


# --- workforce planning (aggregate figures: the workforce capability, no person access) --

def _plans(who: str) -> bool:
    return capable(who, "workforce")


def rule_workforce(path: str) -> Callable[[Matrix], None]:
    def rule(m: Matrix) -> None:
        signed_in_page(m, path, _plans)
        if path != "/workforce/methodology/":  # the forms: POST is refused the same way
            for who, _ in m.roles():
                if who != ANONYMOUS and not _plans(who):
                    m.expect(who, "POST", path, 404, data={"source": "warehouse"})

    return rule


def rule_workforce_plan(suffix: str) -> Callable[[Matrix], None]:
    def rule(m: Matrix) -> None:
        signed_in_page(m, f"/workforce/plan/{tiny_plan()}/{suffix}", _plans)
        for who, _ in m.roles():
            if who != ANONYMOUS:
                m.expect(who, "GET", f"/workforce/plan/{'0' * 20}/{suffix}", 404)

    return rule


def rule_workforce_export(m: Matrix) -> None:
    key = tiny_plan()
    for who, _ in m.roles():
        for name in ("gap_by_quarter.csv", "workforce_plan.xlsx"):
            # A file download streams: only its status is checked here.
            got = m.call(who, "GET", f"/workforce/plan/{key}/export/{name}").status_code
            want = 302 if who == ANONYMOUS else 200 if _plans(who) else 404
            if got != want:
                m.failures.append(f"{who} GET export {name}: {got}, expected {want}")


def rule_workforce_region_export(m: Matrix) -> None:
    """The region view's downloads: sign-in for nobody, 404 for roles without the capability.
    The tiny plan is not a region's plan, so it has none for anyone (the downloads of a region
    plan, and who gets them, are tested in test_web_workforce_region.py)."""
    path = f"/workforce/plan/{tiny_plan()}/region/social_worker/region_view.xlsx"
    for who, _ in m.roles():
        got = m.call(who, "GET", path).status_code
        want = 302 if who == ANONYMOUS else 404
        if got != want:
            m.failures.append(f"{who} GET region export: {got}, expected {want}")


def _returns(who: str) -> bool:
    return capable(who, "vcse_returns")


def rule_vcse(m: Matrix) -> None:
    """The VCSE return page: its role only (the matrix's member has no organisation, so the
    page says so and a POST keeps nothing); 404 for everyone else, GET and POST alike."""
    signed_in_page(m, "/workforce/vcse/", _returns)
    for who, _ in m.roles():
        if who != ANONYMOUS and not _returns(who):
            m.expect(who, "POST", "/workforce/vcse/", 404)
        elif _returns(who):
            m.expect(who, "GET", "/workforce/vcse/", 200,
                     contains=("not linked to an organisation",))


def rule_vcse_template(m: Matrix) -> None:
    """The template is the organisation's: 404 without one (every signed-in role here)."""
    for who, _ in m.roles():
        want = 302 if who == ANONYMOUS else 404
        got = m.call(who, "GET", "/workforce/vcse/template.xlsx").status_code
        if got != want:
            m.failures.append(f"{who} GET vcse template: {got}, expected {want}")


# --- dashboards (aggregate: the insight capability; pupils: insight and person_view) ----

def _insight(who: str) -> bool:
    return capable(who, "insight")


def rule_dashboard_data(path: str, person_level: bool = False) -> Callable[[Matrix], None]:
    """A dashboard page or export: 404 outside insight roles (and, for the pupils behind a
    figure, roles that cannot see people); for the rest 200, or 503 saying what to run when
    the world's snapshot has no marts; an unknown dashboard is 404 for everyone."""
    def rule(m: Matrix) -> None:
        for who, _ in m.roles():
            got = m.call(who, "GET", path).status_code
            allowed = _insight(who) and (not person_level or practitioner(who))
            ok = {302} if who == ANONYMOUS else {200, 503} if allowed else {404}
            if got not in ok:
                m.failures.append(f"{who} GET {path}: {got}, expected {sorted(ok)}")
            if who != ANONYMOUS:
                m.expect(who, "GET", path.replace("/send/", "/nonsense/"), 404)

    return rule


def rule_open_data(path: str, status: int) -> Callable[[Matrix], None]:
    """The public portal: the same answer for everyone, signed in or not (no role matters)."""
    def rule(m: Matrix) -> None:
        from joinedup.web.opendata import served
        served.clear()
        for who, _ in m.roles():
            m.expect(who, "GET", path, status)

    return rule


RULES: dict[str, Callable[[Matrix], None]] = {
    "familycontext:home": rule_home,
    "familycontext:search": rule_search,
    "familycontext:person": rule_person,
    "familycontext:card": rule_card,
    "familycontext:family": rule_family,
    "familycontext:timeline": rule_timeline,
    "review:why": rule_why,
    "review:queue": rule_queue,
    "review:pair": rule_pair,
    "audit:index": rule_audit("/audit/"),
    "audit:person": rule_audit("/audit/person/"),
    "audit:user": rule_audit("/audit/user/"),
    "audit:unusual": rule_audit("/audit/unusual/"),
    "accounts:login": rule_login,
    "accounts:logout": rule_logout,
    "accounts:reason": rule_reason,
    "core:how-we-use-data": rule_public("/how-we-use-data/"),
    # The schema is a document, behind Django's sign-in like the pages (docs_decorator).
    "api:openapi-json": rule_api_signed_in("/api/openapi.json", anonymous=302),
    "api:me": rule_api_signed_in("/api/me"),
    "api:health": rule_api_signed_in("/api/health"),
    "api:api-root": rule_api_root,
    "api:search": rule_api_search,
    "api:person": rule_api_person,
    "api:card": rule_api_card,
    "workforce:index": rule_workforce("/workforce/"),
    "workforce:scenarios": rule_workforce("/workforce/scenarios/"),
    "workforce:methodology": rule_workforce("/workforce/methodology/"),
    "workforce:plan": rule_workforce_plan(""),
    "workforce:compare": rule_workforce_plan("scenarios/"),
    "workforce:export": rule_workforce_export,
    "workforce:region": rule_workforce_plan("region/"),
    "workforce:region_export": rule_workforce_region_export,
    "workforce:vcse": rule_vcse,
    "workforce:vcse_template": rule_vcse_template,
    "dashboards:index": lambda m: signed_in_page(m, "/dashboards/", _insight),
    "spd:list": lambda m: signed_in_page(m, "/spd/", lambda who: capable(who, "spd_review")),
    "spd:account": rule_spd_account,
    "gpalerts:alerts": lambda m: signed_in_page(m, "/gp-alerts/",
                                                lambda who: capable(who, "gp_alerts")),
    "gpalerts:export": rule_gp_export,
    "gpalerts:held": rule_gp_held("/gp-alerts/review/"),
    "gpalerts:held_alert": rule_gp_held(f"/gp-alerts/review/{CHILD12}/"),
    "debt:list": rule_debt("/debt/"),
    "debt:household": rule_debt("/debt/HH00000001/"),
    "debt:person": rule_debt("/debt/person/JP00000001/"),
    "api:gp_alerts": rule_api_gp_alerts,
    "dashboards:usage": lambda m: signed_in_page(m, "/dashboards/usage/", _insight),
    "dashboards:usage_export": lambda m: signed_in_page(
        m, "/dashboards/usage/export/by_dashboard.csv", _insight),
    "dashboards:dashboard": rule_dashboard_data("/dashboards/send/"),
    "dashboards:map": rule_dashboard_data("/dashboards/send/map/"),
    "dashboards:export": rule_dashboard_data("/dashboards/send/export/by_year.csv"),
    "dashboards:drill": rule_dashboard_data("/dashboards/send/pupils/open_requests/",
                                            person_level=True),
    # The open data portal and its API: public, the same for every role (nothing published
    # in this world, so a dataset's data is 404 while its page says "not published yet").
    "opendata:catalogue": rule_open_data("/open-data/", 200),
    "opendata:dcat": rule_open_data("/open-data/catalogue.jsonld", 200),
    "opendata:api-guide": rule_open_data("/open-data/api/", 200),
    "opendata:transparency": rule_open_data("/open-data/transparency/", 200),
    "opendata:dataset": rule_open_data("/open-data/datasets/stockport-areas/", 200),
    "opendata:download": rule_open_data("/open-data/datasets/stockport-areas.csv", 404),
    "opendata-api:openapi-json": rule_open_data("/open-data/api/v1/openapi.json", 200),
    "opendata-api:api-root": rule_open_data("/open-data/api/v1/", 404),
    "opendata-api:list_datasets": rule_open_data("/open-data/api/v1/datasets", 200),
    "opendata-api:get_dataset": rule_open_data("/open-data/api/v1/datasets/stockport-areas", 200),
    "opendata-api:get_rows": rule_open_data("/open-data/api/v1/datasets/stockport-areas/rows",
                                            404),
    "opendata-api:get_download": rule_open_data(
        "/open-data/api/v1/datasets/stockport-areas/download/csv", 404),
}

NAMES = url_names()


def test_every_url_has_a_rule() -> None:
    """A page added without a line in RULES fails here, and so does a rule for a page that
    no longer exists."""
    assert sorted(set(NAMES) - set(RULES)) == [], "add these URL names to RULES"
    assert sorted(set(RULES) - set(NAMES)) == [], "these URL names are gone: drop their rules"


def _clients() -> dict[str, Client]:
    clients: dict[str, Client] = {ANONYMOUS: Client()}
    for role in role_codes():
        clients[role] = signed_in(role, name=f"m-{role}")
    clients["none"] = signed_in(None, name="m-none")
    return clients


@pytest.mark.parametrize("name", sorted(NAMES))
def test_matrix(name: str, world) -> None:
    rule = RULES.get(name)
    assert rule is not None, f"URL {name} ({NAMES[name]}) has no rule in RULES"
    matrix = Matrix(_clients())
    rule(matrix)
    assert matrix.failures == []
