"""The one view of debt: the queue of households owing more than one creditor (or every
household in debt), and one household's debts.

Only roles with ``debt_view`` (revenues officers: every debt, flags by kind) or
``tenant_debts`` (a partner's staff: their own tenants' debts to them, a count of other
creditors, one combined flag) see these pages; anyone else gets "not found", as for any page
outside a role. A reason for access with the ``debt_recovery`` purpose comes first, and every
page is audited with the households and people shown. A partner user's team names the
source their organisation's extract is loaded as; without a recorded data sharing agreement
for it they see nothing.
"""

from __future__ import annotations

from typing import Any

import duckdb
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import has_capability
from joinedup.errors import JoinedUpError
from joinedup.views import queries
from joinedup.views.debt import (
    FLAG_LABELS,
    REVENUES,
    DebtScope,
    HouseholdDebts,
    debt_view,
    find_household,
    partner_scope,
    queue,
    scoped,
)
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.reason import requires_capability
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import record
from joinedup.web.core.snapshot_cache import SnapshotCache

PURPOSE = "debt_recovery"
PAGE_SIZE = 50
NO_DATA = ("There is no view of debt yet: the warehouse has not been linked. Ask your "
           "administrator to run joinedup link.")
NO_PARTNER = ("Your account is not linked to a partner organisation with a data sharing "
              "agreement, so no debts can be shown. Ask your administrator to set your "
              "organisation (joinedup web add-user NAME --role housing_association --team "
              "ha_pennine_vale).")
Built = tuple[list[HouseholdDebts], dict[str, dict[str, Any]]]


def _build(con: duckdb.DuckDBPyConnection) -> Built:
    agreements = {str(a["source"]): a for a in queries.source_agreements(con)}
    return debt_view(con), agreements


CACHE: SnapshotCache[Built] = SnapshotCache(_build)
requires_debt = requires_capability("debt_view", "tenant_debts", purposes=(PURPOSE,))


def _scope(request: HttpRequest, agreements: dict[str, dict[str, Any]],
           ) -> tuple[DebtScope | None, dict[str, Any] | None]:
    """The user's scope, and the agreement a partner's data is shared under. A partner whose
    team names no source with an agreement gets no scope at all: least privilege."""
    role = role_of(request.user) or ""
    if has_capability(role, "debt_view"):
        return REVENUES, None
    if request.user.pk is None:
        return None, None
    profile = Profile.objects.filter(user_id=request.user.pk).first()
    source = profile.team.strip() if profile and profile.team else ""
    agreement = agreements.get(source)
    if agreement is None:
        return None, None
    return partner_scope(source), agreement


def _page(request: HttpRequest, total: int) -> tuple[int, int]:
    try:
        page = max(1, int(request.GET.get("page") or "1"))
    except ValueError:
        page = 1
    pages = max(1, -(-total // PAGE_SIZE))
    return min(page, pages), pages


@require_GET
@requires_debt
def debt_list(request: HttpRequest) -> HttpResponse:
    try:
        _, (households, agreements) = CACHE.get()
    except JoinedUpError:
        return render(request, "debt/list.html", {"problem": NO_DATA})
    scope, agreement = _scope(request, agreements)
    if scope is None:
        return render(request, "debt/list.html", {"problem": NO_PARTNER})
    mine = scoped(households, scope)
    everything = request.GET.get("show") == "all"
    listed = mine if everything else queue(mine)
    page, pages = _page(request, len(listed))
    shown = listed[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    record(request, "debt_list", page=page, show="all" if everything else "queue",
           creditor=scope.creditor_source or "all", households=[h.key for h in shown],
           person_ids=sorted({p.person_id for h in shown for p in h.people}))
    return render(request, "debt/list.html", {
        "rows": [{"h": h, "flags": [FLAG_LABELS[f] for f in h.flags]} for h in shown],
        "everything": everything, "households": len(mine),
        "in_queue": len(queue(mine)), "total": len(listed), "page": page, "pages": pages,
        "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None,
        "partner": scope.partner, "agreement": agreement,
    })


@require_GET
@requires_debt
def household(request: HttpRequest, key: str) -> HttpResponse:
    try:
        _, (households, agreements) = CACHE.get()
    except JoinedUpError as exc:
        raise Http404("No such household") from exc
    scope, agreement = _scope(request, agreements)
    if scope is None:
        raise Http404("No such household")
    try:
        found = find_household(scoped(households, scope), key)
    except JoinedUpError as exc:
        # Outside the user's scope looks exactly like no such household: keys cannot be probed.
        raise Http404("No such household") from exc
    people = [p.person_id for p in found.people]
    record(request, "debt_view", people[0] if people else None, household=found.key,
           creditor=scope.creditor_source or "all", person_ids=people,
           debts=[d.debt_id for d in found.debts])
    return render(request, "debt/household.html", {
        "h": found, "partner": scope.partner, "agreement": agreement,
        "flags": [FLAG_LABELS[f] for f in found.flags],
        "people": [{"p": p, "flags": [FLAG_LABELS[f] for f in p.flags]} for p in found.people],
    })
