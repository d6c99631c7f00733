"""Who may use dashboards, and who may drill to named pupils.

Dashboards are aggregate: roles with the ``insight`` capability. Drilling to the pupils
behind a figure needs ``person_view`` too (the inclusion officer in the shipped policy), and
goes through the reason for access and the audit log exactly as Family Context does.

Disclosure control seam (issue 12 item 5): small cells must be suppressed, with secondary
suppression, for roles without record-level access, by the open data portal's
`joinedup.opendata.disclosure` (issue 13). It is not on main yet, so `protect` passes
tables through unchanged and pages say so; wire it here, in one place, when it lands.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from joinedup.access import can_view_people, has_capability
from joinedup.insight.query import TableResult
from joinedup.web.accounts.roles import role_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
SUPPRESSION_READY = False


def uses_insight(request: HttpRequest) -> bool:
    role = role_of(request.user)
    return bool(role and has_capability(role, "insight"))


def may_drill(request: HttpRequest) -> bool:
    role = role_of(request.user)
    return bool(role and has_capability(role, "insight") and can_view_people(role))


def requires_insight(view: View) -> View:
    """"Not found" for roles without the insight capability, as for any page outside a role."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not uses_insight(request):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def protect(request: HttpRequest, result: TableResult) -> TableResult:
    """The table as this user may see it (see the module docstring: not yet suppressed)."""
    return result
