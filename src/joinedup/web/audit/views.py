"""Auditor pages: who looked at this person, what this user looked at, and unusual access.

Only roles with the `audit_read` capability reach them; everyone else gets the same "not
found" as for a page that does not exist. Each report read is itself audited (`audit_view`).
Auditors see person ids, never people's records.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from joinedup.access import has_capability, purpose, role_codes, role_label
from joinedup.context.groups import family_groups
from joinedup.errors import JoinedUpError
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.forms import PersonLookupForm, UnusualForm, UserLookupForm
from joinedup.web.audit.models import ACTIONS
from joinedup.web.audit.queries import (
    Access,
    many_unrelated_families,
    outside_team_area,
    what_user_viewed,
    who_viewed,
)
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.review.snapshot import served

PAGE_SIZE = 50
DEFAULT_THRESHOLD = 20

View = TypeVar("View", bound=Callable[..., HttpResponse])


def requires_auditor(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        role = role_of(request.user)
        if role is None or not has_capability(role, "audit_read"):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _purpose_label(code: str) -> str:
    found = purpose(code) if code else None
    return found.label if found else code or "—"


def _role_label(code: str) -> str:
    return role_label(code) if code in role_codes() else code or "—"


def _rows(accesses: Sequence[Access]) -> list[dict[str, Any]]:
    return [{"at": timezone.localtime(a.at), "username": a.username,
             "role": _role_label(a.role), "action": ACTIONS.get(a.action, a.action),
             "person_id": a.person_id, "purpose": _purpose_label(a.reason),
             "case_reference": a.case_reference or "—"} for a in accesses]


def _page(request: HttpRequest, rows: list[dict[str, Any]], query: Mapping[str, str]
          ) -> tuple[list[dict[str, Any]], object, int]:
    """Newest first, PAGE_SIZE a page; returns the page's rows, pagination, first number."""
    newest = rows[::-1]
    pages = max(1, math.ceil(len(newest) / PAGE_SIZE))
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    if pages <= 1:
        return newest, "", 1
    base = request.path

    def href(n: int) -> str:
        params: dict[str, str | int] = {**query, "page": n}
        return f"{base}?{urlencode(params)}"

    params: dict[str, Any] = {
        "items": [{"number": n, "href": href(n), "current": n == page}
                  for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= 2],
        "landmarkLabel": "Audit report pages",
    }
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return newest[start:start + PAGE_SIZE], components.component("pagination", params), start + 1


def _caption(what: str, total: int, first: int, shown: int) -> str:
    events = f"{total:,} time{'s' if total != 1 else ''}"
    if shown == total:
        return f"{what}: {events}, newest first"
    return f"{what}: {events}, newest first; showing {first:,} to {first + shown - 1:,}"


def _bound(data: QueryDict, *names: str) -> QueryDict | None:
    return data if any(name in data for name in names) else None


@require_GET
@requires_auditor
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/index.html", {})


@require_GET
@requires_auditor
def person(request: HttpRequest) -> HttpResponse:
    """Who looked at this person: every person-level event about them."""
    form = PersonLookupForm(_bound(request.GET, "person_id"))
    context: dict[str, Any] = {"form": form, "error_summary": components.error_summary(form),
                               "field": components.text_input(
                                   form["person_id"], "Person id",
                                   hint={"text": "For example JP00001234"},
                                   classes="govuk-input--width-10", spellcheck=False)}
    if form.is_bound and form.is_valid():
        person_id = form.cleaned_data["person_id"]
        rows = _rows(who_viewed(person_id))
        record(request, "audit_view", person_id, report="who_viewed", rows=len(rows))
        shown, pagination, first = _page(request, rows, {"person_id": person_id})
        context.update({"person_id": person_id, "rows": shown, "pagination": pagination,
                        "caption": _caption(f"Records of {person_id} opened or listed", len(rows),
                                            first, len(shown))})
    return render(request, "audit/person.html", context)


@require_GET
@requires_auditor
def user(request: HttpRequest) -> HttpResponse:
    """What this user looked at: every person-level event by them."""
    form = UserLookupForm(_bound(request.GET, "username"))
    context: dict[str, Any] = {"form": form, "error_summary": components.error_summary(form),
                               "field": components.text_input(
                                   form["username"], "User name",
                                   classes="govuk-!-width-one-half", spellcheck=False,
                                   autocapitalize="none")}
    if form.is_bound and form.is_valid():
        username = form.cleaned_data["username"]
        rows = _rows(what_user_viewed(username))
        record(request, "audit_view", report="what_user_viewed", user=username, rows=len(rows))
        shown, pagination, first = _page(request, rows, {"username": username})
        context.update({"username": username, "rows": shown, "pagination": pagination,
                        "caption": _caption(f"Records opened by {username}", len(rows),
                                            first, len(shown))})
    return render(request, "audit/user.html", context)


def _family_of(person_ids: Sequence[str]) -> Mapping[str, str]:
    """People connected by the family network count as one family (needs a snapshot)."""
    try:
        with served() as (con, _):
            return family_groups(con, person_ids)
    except JoinedUpError:
        return {p: p for p in person_ids}


@require_GET
@requires_auditor
def unusual(request: HttpRequest) -> HttpResponse:
    """Users who opened many unrelated families in a day; views outside a team's area."""
    today = timezone.localdate()
    data = _bound(request.GET, "day", "month", "year", "threshold")
    form = UnusualForm(data, initial={"day": today.day, "month": today.month,
                                      "year": today.year, "threshold": DEFAULT_THRESHOLD})
    context: dict[str, Any] = {"form": form, "error_summary": components.error_summary(
        form, {"day": "day", "threshold": "threshold"})}
    if form.is_bound and form.is_valid():
        day, threshold = form.cleaned_data["date"], form.cleaned_data["threshold"]
        many = many_unrelated_families(day, threshold=threshold, family_of=_family_of)
        outside = outside_team_area(day)
        record(request, "audit_view", report="unusual", day=day.isoformat(),
               threshold=threshold, flagged=len(many) + len(outside))
        context.update({"day": day, "threshold": threshold, "many": many, "outside": [
            {"username": o.username, "person_id": o.person_id, "area": o.area,
             "at": timezone.localtime(o.at)} for o in outside]})
    context.update(_unusual_fields(form))
    return render(request, "audit/unusual.html", context)


def _unusual_fields(form: UnusualForm) -> dict[str, object]:
    def value(name: str) -> str:
        found = form[name].value()
        return "" if found is None else str(found)

    date_error = form["day"].errors
    return {
        "date_field": components.component("date-input", {
            "id": "report-day", "fieldset": {"legend": {"text": "Day", "classes":
                                                 "govuk-fieldset__legend--s"}},
            "hint": {"text": "For example, 27 3 2026"},
            "errorMessage": {"text": str(date_error[0])} if date_error else None,
            "items": [
                {"id": "day", "name": "day", "label": "Day", "value": value("day"),
                 "classes": "govuk-input--width-2" + (" govuk-input--error" if date_error
                                                      else "")},
                {"id": "month", "name": "month", "label": "Month", "value": value("month"),
                 "classes": "govuk-input--width-2" + (" govuk-input--error" if date_error
                                                      else "")},
                {"id": "year", "name": "year", "label": "Year", "value": value("year"),
                 "classes": "govuk-input--width-4" + (" govuk-input--error" if date_error
                                                      else "")},
            ],
        }),
        "threshold_field": components.text_input(
            form["threshold"], "Families in one day before a user is listed",
            inputmode="numeric", classes="govuk-input--width-4"),
    }

