"""Who may use dashboards, and who may drill to named pupils.

Dashboards are aggregate: roles with the ``insight`` capability. Drilling to the pupils
behind a figure needs ``person_view`` too (the inclusion officer in the shipped policy), and
goes through the reason for access and the audit log exactly as Family Context does.

Roles without record-level access (no ``person_view``) see figures under the
``disclosure_threshold`` setting hidden, with secondary suppression so totals cannot reveal
them (`joinedup.insight.suppress`, on the open data portal's disclosure control). Every
table, headline and map value a page or export shows passes through here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from joinedup.access import can_view_people, has_capability
from joinedup.config import get_settings
from joinedup.insight.query import HeadlineResult, TableResult
from joinedup.insight.suppress import suppress_headline, suppress_table
from joinedup.web.accounts.roles import role_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


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


def record_level(request: HttpRequest) -> bool:
    role = role_of(request.user)
    return bool(role and can_view_people(role))


def protect(request: HttpRequest, result: TableResult) -> TableResult:
    """The table as this user may see it."""
    if record_level(request):
        return result
    return suppress_table(result, get_settings().disclosure_threshold)


def protect_headline(request: HttpRequest, result: HeadlineResult) -> HeadlineResult:
    if record_level(request):
        return result
    return suppress_headline(result, get_settings().disclosure_threshold)
