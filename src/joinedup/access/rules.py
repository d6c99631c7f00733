"""Questions the web app and the API ask of the access policy. Pure: no Django, no I/O
beyond reading the policy file once.

Every function takes the role code and an optional ``policy`` (tests pass their own); without
one it uses the policy in force (the ``access_policy`` setting or the built-in file). An
unknown role is refused with ``UnknownRoleError``: a caller that cannot name the user's role
must not be shown anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from joinedup.access.policy import (
    CARD_SERVICES,
    Policy,
    PurposeInfo,
    RoleInfo,
    cached_policy,
)
from joinedup.config import get_settings
from joinedup.errors import ConfigError


class UnknownRoleError(ConfigError):
    """A role code that the access policy does not define."""


@dataclass(frozen=True, slots=True)
class Purpose:
    """A reason for access a user may give: code, label and the law behind it."""

    code: str
    label: str
    legal_basis: str


@dataclass(frozen=True, slots=True)
class FieldPurpose:
    """Why one field of one service card is shown, and the law that allows it."""

    service: str
    field: str
    label: str
    purpose: str
    legal_basis: str


def current_policy() -> Policy:
    """The policy in force: the ``access_policy`` setting's file, or the built-in one."""
    return cached_policy(get_settings().access_policy)


def policy_or_current(policy: Policy | None) -> Policy:
    return policy if policy is not None else current_policy()


def role_info(role: str, policy: Policy | None = None) -> RoleInfo:
    found = policy_or_current(policy).roles.get(role)
    if found is None:
        known = ", ".join(policy_or_current(policy).roles)
        raise UnknownRoleError(f"{role!r} is not a role in the access policy (roles: {known}); "
                               "give the user one of those roles.")
    return found


def role_codes(policy: Policy | None = None) -> tuple[str, ...]:
    return tuple(policy_or_current(policy).roles)


def role_label(role: str, policy: Policy | None = None) -> str:
    return role_info(role, policy).label


def has_capability(role: str, capability: str, policy: Policy | None = None) -> bool:
    return capability in role_info(role, policy).capabilities


def can_view_people(role: str, policy: Policy | None = None) -> bool:
    """Whether the role may search for people and open person pages at all."""
    return has_capability(role, "person_view", policy)


def can_view_person(role: str, person_age: int | None, policy: Policy | None = None) -> bool:
    """Whether the role may open this person's pages; the web answers "not found" if not."""
    info = role_info(role, policy)
    return "person_view" in info.capabilities and info.subject_age.admits(person_age)


def visible_services(role: str, person_age: int | None,
                     policy: Policy | None = None) -> tuple[str, ...]:
    """The services whose cards the role sees for a person of this age, in card order."""
    pol = policy_or_current(policy)
    info = role_info(role, pol)
    if not can_view_person(role, person_age, pol):
        return ()
    return tuple(
        service for service in CARD_SERVICES
        if info.services.get(service) and pol.services[service].age.admits(person_age)
    )


def visible_fields(role: str, service: str, policy: Policy | None = None) -> tuple[str, ...]:
    """The fields of a service's card the role sees (empty: no card), in policy order."""
    return tuple(role_info(role, policy).services.get(service, ()))


def purposes_for(role: str, policy: Policy | None = None) -> tuple[Purpose, ...]:
    """The reasons for access the role may give, in policy order."""
    pol = policy_or_current(policy)
    return tuple(_purpose(code, pol.purposes[code]) for code in role_info(role, pol).purposes)


def purpose(code: str, policy: Policy | None = None) -> Purpose | None:
    found = policy_or_current(policy).purposes.get(code)
    return _purpose(code, found) if found is not None else None


def _purpose(code: str, info: PurposeInfo) -> Purpose:
    return Purpose(code, info.label, " ".join(info.legal_basis.split()))


def field_purpose(service: str, field: str, policy: Policy | None = None) -> FieldPurpose:
    """The purpose register entry for one field of one service's card."""
    pol = policy_or_current(policy)
    info = pol.fields[field]
    return FieldPurpose(service, field, info.label, " ".join(info.purpose.split()),
                        " ".join(pol.services[service].legal_basis.split()))


def age_in_years(born: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a 29 February birthday counts from 1 March)."""
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)
