"""Reason for access: a case reference and a purpose, given before the first person page.

Kept in the session for the rest of the piece of work (until changed or sign-out), shown in
the header and recorded with every audited view. ``requires_reason`` guards person-level views.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from joinedup.access import can_view_people, can_view_person, has_capability, purpose
from joinedup.web.accounts.roles import role_of

SESSION_KEY = "joinedup_reason"
# Case references are what a council's case system issues: letters, digits, / - and spaces.
CASE_REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\- ]{0,39}$")

View = TypeVar("View", bound=Callable[..., HttpResponse])


@dataclass(frozen=True, slots=True)
class AccessReason:
    case_reference: str
    purpose: str
    purpose_label: str


def current_reason(request: HttpRequest) -> AccessReason | None:
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(stored, dict):
        return None
    found = purpose(str(stored.get("purpose", "")))
    if found is None:
        return None
    return AccessReason(str(stored.get("case_reference", "")), found.code, found.label)


def set_reason(request: HttpRequest, case_reference: str, purpose_code: str) -> AccessReason:
    found = purpose(purpose_code)
    if found is None:
        raise ValueError(f"{purpose_code!r} is not a purpose in the access policy")
    request.session[SESSION_KEY] = {"case_reference": case_reference, "purpose": purpose_code}
    return AccessReason(case_reference, found.code, found.label)


def clear_reason(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """``candidate`` if it is a path on this site, else ``default``: never an open redirect."""
    if candidate and candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def reason_url(next_path: str) -> str:
    return f"{reverse('accounts:reason')}?{urlencode({'next': next_path})}"


def requires_reason(view: View) -> View:
    """For person-level views: "not found" for roles that cannot see people, and a detour to
    the reason form (coming back afterwards) when no reason has been given yet."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        role = role_of(request.user)
        if role is None or not can_view_people(role):
            raise Http404("No such page")
        if current_reason(request) is None:
            return HttpResponseRedirect(reason_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def requires_capability(*capabilities: str,
                        purposes: tuple[str, ...] = ()) -> Callable[[View], View]:
    """For pages of a capability that shows people but not person pages (discount reviews,
    GP alerts, the one view of debt): "not found" for roles with none of `capabilities`, and
    the reason form first. With `purposes`, a reason given for other work (a discount review
    before a debt) does not carry over: the form is asked again, so the audit records why
    this page was opened."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            role = role_of(request.user)
            if role is None or not any(has_capability(role, c) for c in capabilities):
                raise Http404("No such page")
            reason = current_reason(request)
            if reason is None or (purposes and reason.purpose not in purposes):
                return HttpResponseRedirect(reason_url(request.get_full_path()))
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate


def person_or_404(request: HttpRequest, person_age: int | None, exists: bool = True) -> str:
    """The user's role when they may see this person; otherwise Http404, exactly as for a
    person id that does not exist, so ids cannot be probed."""
    role = role_of(request.user)
    if not exists or role is None or not can_view_person(role, person_age):
        raise Http404("No such person")
    return role
