"""The start page and search.

Search is POSTed, never put in a URL; the terms and the ranked person ids are kept in the
(server-side) session, and the browser is sent on to GET /search/, which shows the last
search's results. So reloading does not search again, and "back to results" is a plain link
with nothing in it. Both steps are audited: ``search`` with a keyed digest of the terms and
which fields were filled, ``results`` with the ids of the people shown.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import (
    AgeRule,
    can_view_people,
    field_purpose,
    has_capability,
    purposes_for,
    role_info,
    visible_fields,
)
from joinedup.access.policy import CARD_SERVICES, service_label
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.privacy import terms_digest, terms_used
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.familycontext import people
from joinedup.web.familycontext.access import people_only, unavailable_page
from joinedup.web.familycontext.forms import SearchForm, form_data_from_terms
from joinedup.web.familycontext.personpage import LAST_SEARCH
from joinedup.web.familycontext.served import SERVED, DataUnavailable


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    context: dict[str, object] = {"role": role}
    if role is not None:
        if can_view_people(role):
            SERVED.warm()
        info = role_info(role)
        context.update({
            "role_description": info.description,
            "sees_people": can_view_people(role),
            "audits": has_capability(role, "audit_read"),
            "administers": has_capability(role, "user_admin"),
            "purposes": purposes_for(role),
            "subject_age": info.subject_age,
            "cards": [
                {"label": service_label(service),
                 "fields": [field_purpose(service, f).label for f in visible_fields(role, service)]}
                for service in CARD_SERVICES if visible_fields(role, service)
            ],
        })
    return render(request, "familycontext/home.html", context)


def last_search(request: HttpRequest) -> dict[str, Any] | None:
    stored = request.session.get(LAST_SEARCH)
    return stored if isinstance(stored, dict) else None


@require_http_methods(["GET", "POST"])
@people_only
def search(request: HttpRequest, role: str) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            request.session.pop(LAST_SEARCH, None)
            return HttpResponseRedirect(reverse("familycontext:search"))
        return _run_search(request, SearchForm(data=request.POST))
    stored = last_search(request)
    if stored is None:
        SERVED.warm()
        return _page(request, SearchForm())
    form = SearchForm(data=form_data_from_terms(stored["terms"]))
    form.is_valid()
    try:
        with SERVED.cursor() as (_, con):
            rows = people.result_rows(con, role, stored["ids"], on=people.today())
    except DataUnavailable as exc:
        return unavailable_page(request, exc)
    record(request, "results", person_ids=[r.person_id for r in rows], count=len(rows))
    return _page(request, form, rows=rows, searched=True,
                 limited=role_info(role).subject_age)


def _run_search(request: HttpRequest, form: SearchForm) -> HttpResponse:
    if not form.is_valid():
        return _page(request, form)
    terms = form.terms()
    try:
        ids = people.ranked_person_ids(terms)
    except people.SearchProblem as exc:
        form.add_error("name", str(exc))
        return _page(request, form)
    except DataUnavailable as exc:
        return unavailable_page(request, exc)
    record(request, "search", digest=terms_digest(terms), fields=terms_used(terms),
           candidates=len(ids))
    request.session[LAST_SEARCH] = {"terms": terms, "ids": ids}
    return HttpResponseRedirect(reverse("familycontext:search") + "#results")


def _page(request: HttpRequest, form: SearchForm, *, rows: list[people.ResultRow] | None = None,
          searched: bool = False, limited: AgeRule | None = None) -> HttpResponse:
    return render(request, "familycontext/search.html", {
        "form": form,
        "fields": form.fields_html(),
        "error_summary": components.error_summary(form, {"dob_day": "dob_day"}),
        "rows": rows or [],
        "searched": searched,
        "shown_limit": people.SHOWN,
        "age_rule": limited,
    })
