"""The clerical review queue: pairs of records the matching could not settle, for a reviewer
to call "same person" or "different people". Decisions go to the linkage state through
`joinedup.linkage.review.decide_item`, under the signed-in user's name, and every later
`joinedup link` honours them."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import duckdb
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.context import RecordLink, person_briefs, person_records
from joinedup.context.cards import freshness_rows
from joinedup.errors import JoinedUpError
from joinedup.linkage import guardrails
from joinedup.linkage.review import ReviewItem, decide_item, find_item, open_items
from joinedup.linkage.warehouse_link import link_state
from joinedup.model.codes import SERVICES
from joinedup.web.accounts.reason import requires_reason
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.review import tokens
from joinedup.web.review.explaining import explained
from joinedup.web.review.forms import DECISION_LABELS, DecisionForm
from joinedup.web.review.present import optional_url, record_views
from joinedup.web.review.snapshot import served, today
from joinedup.web.review.visibility import VisibleItem, can_review, visible_items

PAGE_SIZE = 25
REASONS = {
    "uncertain": "Scored below the level at which records are joined automatically",
    "held apart": "Scored high, but the matching kept the two people apart",
}
_GUARDED = "held apart: "


def reason_text(reason: str) -> str:
    """What a queue reason means, in words; a guardrail's reason names the rule's title."""
    if reason.startswith(_GUARDED):
        name = reason[len(_GUARDED):]
        titles = {rule.name: rule.title for rule in guardrails.builtin()}
        if name in titles:
            return f"Scored high, but a guardrail kept the two people apart: {titles[name]}"
        return f"Scored high, but the matching kept the two people apart: the record {name}"
    return REASONS.get(reason, reason)


NO_QUEUE = ("There is no review queue yet: the warehouse has not been linked. Ask your "
            "administrator to run joinedup link.")

View = TypeVar("View", bound=Callable[..., HttpResponse])


def requires_reviewer(view: View) -> View:
    """"Not found" for roles without the review capability (as for any page outside a role)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_review(role_of(request.user)):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _role(request: HttpRequest) -> str:
    role = role_of(request.user)
    assert role is not None  # requires_reviewer let the request through
    return role


def _service_of(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return {f.source: f.service for f in freshness_rows(con)}


def _page_number(text: str | None) -> int:
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


@require_GET
@requires_reviewer
@requires_reason
def queue(request: HttpRequest) -> HttpResponse:
    role = _role(request)
    try:
        with served() as (con, settings):
            items, _ = open_items(con, link_state(settings), limit=2**31 - 1)
            people = person_briefs(con, sorted({p for i in items
                                                for p in (i.person_left, i.person_right)}),
                                   today=today())
            shown = visible_items(role, items, people, _service_of(con))
    except JoinedUpError:
        return render(request, "review/queue.html", {"problem": NO_QUEUE})
    pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
    page = min(_page_number(request.GET.get("page")), pages)
    start = (page - 1) * PAGE_SIZE
    on_page = shown[start:start + PAGE_SIZE]
    issued = tokens.remember(request, [v.item.pair_id for v in on_page])
    record(request, "review_view", queue_page=page, pairs=len(on_page))
    return render(request, "review/queue.html", {
        "rows": [{"number": start + n, "item": v.item, "token": issued[v.item.pair_id],
                  "left": _service_label(v.service_left), "right": _service_label(v.service_right),
                  "reason": reason_text(v.item.reason)}
                 for n, v in enumerate(on_page, 1)],
        "total": len(shown), "first": start + 1, "last": start + len(on_page),
        "pagination": _pagination(page, pages),
    })


def _service_label(service: str) -> str:
    return SERVICES.get(service, service)


def _pagination(page: int, pages: int) -> object:
    if pages <= 1:
        return ""
    base = reverse("review:queue")
    params: dict[str, Any] = {
        "items": [{"number": n, "href": f"{base}?page={n}", "current": n == page}
                  for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= 2],
        "landmarkLabel": "Review queue pages",
    }
    if page > 1:
        params["previous"] = {"href": f"{base}?page={page - 1}"}
    if page < pages:
        params["next"] = {"href": f"{base}?page={page + 1}"}
    return components.component("pagination", params)


def _record_of(con: duckdb.DuckDBPyConnection, person_id: str,
               key: tuple[str, str]) -> RecordLink:
    ref = f"{key[0]}:{key[1]}"
    found = next((r for r in person_records(con, person_id) if r.record_ref == ref), None)
    if found is None:  # the snapshot changed under the queue: nothing to show
        raise Http404("No such pair")
    return found


def _visible_item(con: duckdb.DuckDBPyConnection, role: str, pair_id: str) -> VisibleItem:
    try:
        item = find_item(con, pair_id)
    except JoinedUpError as exc:
        raise Http404("No such pair") from exc
    people = person_briefs(con, [item.person_left, item.person_right], today=today())
    shown = visible_items(role, [item], people, _service_of(con))
    if not shown:
        raise Http404("No such pair")
    return shown[0]


def _audit_both(request: HttpRequest, action: str, item: ReviewItem, **detail: Any) -> None:
    # One row per person shown, so "who looked at this person" finds it from either side.
    for person, other in ((item.person_left, item.person_right),
                          (item.person_right, item.person_left)):
        record(request, action, person, pair=item.pair_id, other_person=other, **detail)


@require_http_methods(["GET", "POST"])
@requires_reviewer
@requires_reason
def pair(request: HttpRequest, token: str) -> HttpResponse:
    pair_id = tokens.resolve(request, token)
    if pair_id is None:
        raise Http404("No such pair")
    role = _role(request)
    try:
        with served() as (con, settings):
            visible = _visible_item(con, role, pair_id)
            item = visible.item
            state = link_state(settings)
            form = DecisionForm(request.POST if request.method == "POST" else None)
            if form.is_bound and form.is_valid():
                made = decide_item(con, state, pair_id, form.cleaned_data["decision"],
                                   request.user.get_username(),
                                   form.cleaned_data["note"] or None)
                _audit_both(request, "review_decision", item, decision=made.decision)
                tokens.forget(request, token)
                messages.success(request, "Decision recorded: the records are "
                                 + ("the same person." if made.decision == "same"
                                    else "different people.")
                                 + " The next matching run will apply it.")
                return HttpResponseRedirect(reverse("review:queue"))
            left = _record_of(con, item.person_left, item.left)
            right = _record_of(con, item.person_right, item.right)
            result = explained(con, settings, left.record_ref, right.record_ref)
            earlier = state.decisions([pair_id])
    except JoinedUpError as exc:
        raise Http404("No such pair") from exc
    _audit_both(request, "review_view", item)
    views = record_views([left, right])
    return render(request, "review/pair.html", {
        "item": item, "token": token, "reason": reason_text(item.reason),
        "sides": [
            {"view": views[0], "label": "A", "person_id": item.person_left,
             "service": visible.service_left,
             "why_url": reverse("review:why", args=[item.person_left]),
             "person_url": optional_url("familycontext:person", item.person_left)},
            {"view": views[1], "label": "B", "person_id": item.person_right,
             "service": visible.service_right,
             "why_url": reverse("review:why", args=[item.person_right]),
             "person_url": optional_url("familycontext:person", item.person_right)},
        ],
        "result": result, "earlier": earlier[0] if earlier else None,
        "decision_labels": DECISION_LABELS, "form": form,
        "error_summary": components.error_summary(form),
        "decision_field": components.radios(
            form["decision"], "Are these two records the same person?",
            list(DECISION_LABELS.items())),
        "note_field": components.component("textarea", {
            "id": "note", "name": "note", "value": form["note"].value() or "",
            "label": {"text": "Note (optional)", "classes": "govuk-label--s"},
            "hint": {"text": "Why, in a few words, for whoever checks the decision later. "
                             "It is kept with the decision, not in the audit log."},
            "errorMessage": {"text": str(form["note"].errors[0])} if form["note"].errors
            else None,
        }),
    })
