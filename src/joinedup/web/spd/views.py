"""The single person discount review for revenues officers: the ranked list, one account's
evidence, and the outcome the officer records.

Only roles with the ``spd_review`` capability see these pages (404 for anyone else, as for
any page outside a role); they give a reason for access first, as for person pages, and
every page and outcome is audited. People are shown by name, age and which council tax or
electoral register records place them at the property; other systems are counted, never
named (`joinedup.views.disclosure`). An outcome is kept in the app database (`SpdOutcome`)
and its clerical labels go to the linkage state, the same store the review queue writes.
"""

from __future__ import annotations

import duckdb
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.config import get_settings
from joinedup.context.cards import freshness_rows
from joinedup.errors import JoinedUpError
from joinedup.linkage.warehouse_link import link_state
from joinedup.views.disclosure import disclosed
from joinedup.views.outcomes import OUTCOMES, labels_for
from joinedup.views.spd import SpdReview, find_review, spd_reviews
from joinedup.web.accounts.reason import requires_capability
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.core.snapshot_cache import SnapshotCache
from joinedup.web.spd.forms import OutcomeForm
from joinedup.web.spd.models import SpdOutcome

CAPABILITY = "spd_review"
PAGE_SIZE = 50
NO_DATA = ("There is no review list yet: the warehouse has not been linked. Ask your "
           "administrator to run joinedup link.")
Listed = tuple[list[SpdReview], dict[str, str | None], dict[str, str | None]]


def _reviews(con: duckdb.DuckDBPyConnection) -> Listed:
    fresh = freshness_rows(con)
    return (spd_reviews(con), {f.source: f.service for f in fresh},
            {f.source: f.system for f in fresh})


CACHE: SnapshotCache[Listed] = SnapshotCache(_reviews)
requires_spd_review = requires_capability(CAPABILITY)


def _latest_outcomes(accounts: list[str]) -> dict[str, SpdOutcome]:
    latest: dict[str, SpdOutcome] = {}
    for row in SpdOutcome.objects.filter(account_no__in=accounts):
        latest.setdefault(row.account_no, row)  # newest first (Meta.ordering)
    return latest


@require_GET
@requires_spd_review
def review_list(request: HttpRequest) -> HttpResponse:
    try:
        _, (reviews, _, _) = CACHE.get()
    except JoinedUpError:
        return render(request, "spd/list.html", {"problem": NO_DATA})
    to_review = [r for r in reviews if r.score > 0]
    try:
        page = max(1, int(request.GET.get("page") or "1"))
    except ValueError:
        page = 1
    pages = max(1, -(-len(to_review) // PAGE_SIZE))
    page = min(page, pages)
    shown = to_review[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    outcomes = _latest_outcomes([r.account_no for r in shown])
    record(request, "spd_list", page=page, accounts=[r.account_no for r in shown])
    return render(request, "spd/list.html", {
        "rows": [{"review": r, "outcome": OUTCOMES.get(o.outcome) if (
            o := outcomes.get(r.account_no)) else None} for r in shown],
        "accounts": len(reviews), "total": len(to_review), "page": page, "pages": pages,
        "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None,
    })


@require_http_methods(["GET", "POST"])
@requires_spd_review
def account(request: HttpRequest, account_no: str) -> HttpResponse:
    try:
        snapshot, (reviews, service_of, system_of) = CACHE.get()
    except JoinedUpError as exc:
        raise Http404("No such account") from exc
    review = find_review(reviews, account_no)
    if review is None:
        raise Http404("No such account")
    people = [o.person_id for o in review.others if o.same_as is None]
    form = OutcomeForm(people, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _decide(request, review, snapshot, form)
    record(request, "spd_view", review.lead_person_id, account=review.account_no,
           person_ids=[o.person_id for o in review.others])
    return render(request, "spd/account.html", {
        "review": review,
        "others": [{"resident": o, "evidence": disclosed(o.sources, service_of, system_of)}
                   for o in review.others],
        "form": form, "error_summary": components.error_summary(form),
        "outcome_radios": components.radios(form["outcome"], "Outcome of the review",
                                            OUTCOMES.items()),
        "history": SpdOutcome.objects.filter(account_no=review.account_no),
        "people_error": form.errors.get("people", [None])[0] if form.is_bound else None,
        "checked": set(form["people"].value() or []) if form.is_bound else set(),
    })


def _decide(request: HttpRequest, review: SpdReview, snapshot: str,
            form: OutcomeForm) -> HttpResponse:
    outcome = str(form.cleaned_data["outcome"])
    person_ids = [str(p) for p in form.cleaned_data["people"]]
    labels = labels_for(review, outcome, person_ids)
    user = request.user.get_username()
    state = link_state(get_settings())
    for label in labels:
        state.decide(label.left, label.right, label.decision, user,
                     f"single person discount review of account {review.account_no}")
    SpdOutcome.objects.create(
        account_no=review.account_no, lead_person_id=review.lead_person_id, outcome=outcome,
        person_ids=person_ids,
        labels=[[*label.left, *label.right, label.decision] for label in labels],
        score=review.score, rank=review.rank, snapshot=snapshot, decided_by=user)
    record(request, "spd_outcome", review.lead_person_id, account=review.account_no,
           outcome=outcome, person_ids=person_ids, labels=len(labels))
    messages.success(request, f"Outcome recorded for account {review.account_no}: "
                              f"{OUTCOMES[outcome]}.")
    return HttpResponseRedirect(reverse("spd:list"))
