"""Guards the practitioner pages share: who may use them, and what a page says when the
warehouse cannot answer (no snapshot yet, or one that was never linked)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.access import can_view_people
from joinedup.errors import WarehouseError
from joinedup.web.accounts.roles import role_of
from joinedup.web.familycontext.served import DataUnavailable

RoleView = Callable[..., HttpResponse]


def people_only(view: RoleView) -> Callable[..., HttpResponse]:
    """For pages about people that need no reason yet (search): "not found" for roles that
    cannot see people at all; the view gets the role as its second argument."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        role = role_of(request.user)
        if role is None or not can_view_people(role):
            raise Http404("No such page")
        return view(request, role, *args, **kwargs)

    return wrapper


def unavailable_page(request: HttpRequest, problem: Exception) -> HttpResponse:
    """The data cannot be read: say why and what to do (503, so monitoring notices)."""
    return render(request, "familycontext/unavailable.html", {"problem": str(problem)},
                  status=503)


def warehouse_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn "the snapshot cannot be read" into the unavailable page instead of a 500."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (DataUnavailable, WarehouseError) as exc:
            return unavailable_page(request, exc)

    return wrapper
