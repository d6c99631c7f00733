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

from collections.abc import Callable
from typing import Any, TypeVar

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
from joinedup.views.debt_person import find_debtor
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.reason import requires_capability
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import PERSON_ID_RE, record
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
Found = TypeVar("Found")


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
    found, scope, agreement = _find(request, key, find_household)
    people = [p.person_id for p in found.people]
    record(request, "debt_view", _audited(people[0]) if people else None, household=found.key,
           creditor=scope.creditor_source or "all", person_ids=people,
           debts=[d.debt_id for d in found.debts])
    return render(request, "debt/household.html", {
        "h": found, "partner": scope.partner, "agreement": agreement,
        "flags": [FLAG_LABELS[f] for f in found.flags],
        "people": [{"p": p, "flags": [FLAG_LABELS[f] for f in p.flags]} for p in found.people],
    })


@require_GET
@requires_debt
def person(request: HttpRequest, pid: str) -> HttpResponse:
    """One person's debts, cut to the user's scope like their household's page: a person
    outside it (a partner's non-tenant, or a tenant who owes the partner nothing) is 404."""
    found, scope, agreement = _find(request, pid, find_debtor)
    record(request, "debt_person_view", _audited(pid), household=found.household.key,
           creditor=scope.creditor_source or "all", person_ids=[pid],
           debts=[d.debt_id for d in found.debts])
    return render(request, "debt/person.html", {
        "d": found, "h": found.household, "partner": scope.partner, "agreement": agreement,
        "flags": [FLAG_LABELS[f] for f in found.household.flags],
        "own_flags": [FLAG_LABELS[f] for f in found.person.flags],
    })


def _find(request: HttpRequest, key: str,
          finder: Callable[[list[HouseholdDebts], str], Found],
          ) -> tuple[Found, DebtScope, dict[str, Any] | None]:
    """A household or a person in what the user may see, with their scope and agreement.
    Outside the scope looks exactly like not there (404), so keys and ids cannot be probed."""
    try:
        _, (households, agreements) = CACHE.get()
    except JoinedUpError as exc:
        raise Http404("Not found") from exc
    scope, agreement = _scope(request, agreements)
    if scope is None:
        raise Http404("Not found")
    try:
        return finder(scoped(households, scope), key), scope, agreement
    except JoinedUpError as exc:
        raise Http404("Not found") from exc


def _audited(person_id: str) -> str | None:
    """The person id the audit row is keyed on: a person index id; a debtor record the
    matching left unlinked ("source:record") has none, and is named in the detail."""
    return person_id if PERSON_ID_RE.match(person_id) else None
