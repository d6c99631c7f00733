"""Search and person endpoints: the same access policy, the same data and the same audit rows
as the pages, as JSON.

- ``POST /api/search``: the search form's fields in a JSON body; audited ``search`` and
  ``results``, exactly as the page's search and its results list.
- ``GET /api/person/{pid}``: the golden record, identity values and card statuses the role
  may see; audited ``person_view``.
- ``GET /api/person/{pid}/card/{service}``: one card's expansion; audited ``card_expand``.

The person endpoints need the reason for access with every call, as two headers:
``X-Case-Reference`` (as on the reason form) and ``X-Purpose`` (a purpose code the role may
give, e.g. ``child_protection``). Without them the answer is 400 and nothing is shown. Search
takes the same headers when given, else the reason in the browser session (as the page).
People outside the caller's rights are 404, as for an id that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import HeaderEx, P

from joinedup.access import can_view_people, purposes_for, role_info, visible_services
from joinedup.context import CARD_SERVICES, PersonNotFound, person_summary, service_cards
from joinedup.web.accounts.reason import (
    CASE_REFERENCE_RE,
    AccessReason,
    current_reason,
    person_or_404,
)
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.privacy import terms_digest, terms_used
from joinedup.web.audit.record import PERSON_ID_RE, append, client_ip
from joinedup.web.familycontext import people
from joinedup.web.familycontext.cardview import CardDetail, CardView, card_detail, card_view
from joinedup.web.familycontext.forms import SearchForm
from joinedup.web.familycontext.personpage import brief_or_404
from joinedup.web.familycontext.served import SERVED, DataUnavailable

router = Router(tags=["people"])

CaseHeader = HeaderEx[str, P(alias="X-Case-Reference",
                             description="The case reference for this piece of work")]
PurposeHeader = HeaderEx[str, P(alias="X-Purpose",
                                description="A purpose code the caller's role may give")]


class SearchIn(Schema):
    name: str = ""
    dob: str = ""
    """YYYY-MM-DD"""
    nhs_number: str = ""
    upn: str = ""
    case_id: str = ""
    postcode: str = ""


class SearchOut(Schema):
    results: list[people.ResultRow]
    shown_limit: int
    age_rule: str | None
    """People outside it are never returned (e.g. "aged 16 or over")."""


class PersonOut(Schema):
    identity: people.Identity
    cards: list[CardView]


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


def _role(request: HttpRequest) -> str:
    role = role_of(request.user)
    if role is None or not can_view_people(role):
        raise Http404("Not Found")
    return role


def _reason(role: str, case_reference: str, purpose: str) -> AccessReason | str:
    """The reason from the headers, or why it will not do."""
    if not case_reference or not purpose:
        return "give the reason for access as the X-Case-Reference and X-Purpose headers"
    if not CASE_REFERENCE_RE.match(case_reference):
        return ("X-Case-Reference must start with a letter or number and contain only letters, "
                "numbers, spaces, hyphens and slashes (40 at most)")
    allowed = {p.code: p for p in purposes_for(role)}
    if purpose not in allowed:
        return f"X-Purpose must be one of your role's purposes: {', '.join(allowed)}"
    return AccessReason(case_reference, purpose, allowed[purpose].label)


def _audit(request: HttpRequest, role: str, reason: AccessReason | None, action: str,
           person_id: str = "", **detail: object) -> None:
    append(action, username=request.user.get_username(), role=role, person_id=person_id,
           detail={**detail, "via": "api"}, reason=reason.purpose if reason else "",
           case_reference=reason.case_reference if reason else "", client_ip=client_ip(request))


def _dob_parts(text: str) -> dict[str, str]:
    try:
        born = dt.date.fromisoformat(text)
    except ValueError:
        return {"dob_day": "x", "dob_month": "x", "dob_year": "x"}  # the form's error
    return {"dob_day": str(born.day), "dob_month": str(born.month), "dob_year": str(born.year)}


@router.post("/search", response={200: SearchOut, 400: Problem, 404: Problem, 503: Problem},
             summary="People matching what is known, closest first")
def search(request: HttpRequest, body: SearchIn, case_reference: CaseHeader = "",
           purpose: PurposeHeader = "") -> Status[object]:
    role = _role(request)
    reason = current_reason(request)
    if case_reference or purpose:
        given = _reason(role, case_reference, purpose)
        if isinstance(given, str):
            return Status(400, Problem(detail=given))
        reason = given
    data = {**body.dict(), **(_dob_parts(body.dob) if body.dob else {})}
    form = SearchForm(data=data)
    if not form.is_valid():
        errors = {("dob" if k.startswith("dob_") else k): [str(m) for m in v]
                  for k, v in form.errors.items()}
        return Status(400, Problem(detail="the search cannot run as given", errors=errors))
    terms = form.terms()
    try:
        ids = people.ranked_person_ids(terms)
        with SERVED.cursor() as (_, con):
            rows = people.result_rows(con, role, ids, on=people.today())
    except people.SearchProblem as exc:
        return Status(400, Problem(detail=str(exc)))
    except DataUnavailable as exc:
        return Status(503, Problem(detail=str(exc)))
    _audit(request, role, reason, "search", digest=terms_digest(terms),
           fields=terms_used(terms), candidates=len(ids))
    _audit(request, role, reason, "results", person_ids=[r.person_id for r in rows],
           count=len(rows))
    rule = role_info(role).subject_age
    return Status(200, SearchOut(results=rows, shown_limit=people.SHOWN,
                                 age_rule=None if rule.unrestricted else rule.describe()))


@router.get("/person/{pid}", response={200: PersonOut, 400: Problem, 404: Problem,
                                       503: Problem},
            summary="A person's golden record, identity and service card statuses")
def person(request: HttpRequest, pid: str, case_reference: CaseHeader = "",
           purpose: PurposeHeader = "") -> Status[object]:
    role = _role(request)
    reason = _reason(role, case_reference, purpose)
    if isinstance(reason, str):
        return Status(400, Problem(detail=reason))
    on = people.today()
    try:
        with SERVED.cursor() as (_, con):
            summary = person_summary(con, _opaque(pid), today=on)
            person_or_404(request, summary.age)
            cards = service_cards(con, pid, today=on)
    except PersonNotFound as exc:
        raise Http404("Not Found") from exc
    except DataUnavailable as exc:
        return Status(503, Problem(detail=str(exc)))
    shown = people.identity(role, summary)
    _audit(request, role, reason, "person_view", pid, services=list(shown.services))
    return Status(200, PersonOut(identity=shown, cards=[
        card_view(role, c) for c in cards if c.service in shown.services]))


@router.get("/person/{pid}/card/{service}",
            response={200: CardDetail, 400: Problem, 404: Problem, 503: Problem},
            summary="One service card's key worker, contact, dates and key facts")
def card(request: HttpRequest, pid: str, service: str, case_reference: CaseHeader = "",
         purpose: PurposeHeader = "") -> Status[object]:
    role = _role(request)
    reason = _reason(role, case_reference, purpose)
    if isinstance(reason, str):
        return Status(400, Problem(detail=reason))
    if service not in CARD_SERVICES:
        raise Http404("Not Found")
    try:
        with SERVED.cursor() as (_, con):
            brief, role = brief_or_404(request, con, _opaque(pid))
            if service not in visible_services(role, brief.age):
                raise Http404("Not Found")
            found = next(c for c in service_cards(con, pid, today=people.today())
                         if c.service == service)
    except DataUnavailable as exc:
        return Status(503, Problem(detail=str(exc)))
    _audit(request, role, reason, "card_expand", pid, service=service)
    return Status(200, card_detail(role, found))


def _opaque(pid: str) -> str:
    if not PERSON_ID_RE.match(pid):
        raise Http404("Not Found")
    return pid
