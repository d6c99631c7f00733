"""The purpose register as a public account: what is joined, who sees it, why and under what law.

The "How we use data" page renders this, so the page can never drift from the policy the app
enforces.
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.access.policy import CARD_SERVICES, Policy, service_label
from joinedup.access.rules import (
    FieldPurpose,
    Purpose,
    field_purpose,
    policy_or_current,
    purposes_for,
)


@dataclass(frozen=True, slots=True)
class FieldUse:
    """One field of a service's card: its purpose and the roles that see it."""

    field: FieldPurpose
    roles: tuple[str, ...]  # role labels


@dataclass(frozen=True, slots=True)
class ServiceUse:
    service: str
    label: str
    what: str
    legal_basis: str
    ages: str
    fields: tuple[FieldUse, ...]


@dataclass(frozen=True, slots=True)
class RoleUse:
    code: str
    label: str
    description: str
    sees_people: bool
    purposes: tuple[Purpose, ...]


def service_uses(policy: Policy | None = None) -> tuple[ServiceUse, ...]:
    """Each card service with the fields shown from it, to whom and why."""
    pol = policy_or_current(policy)
    uses = []
    for service in CARD_SERVICES:
        info = pol.services[service]
        fields = []
        for field in pol.fields:
            roles = tuple(role.label for role in pol.roles.values()
                          if field in role.services.get(service, ()))
            if roles:
                fields.append(FieldUse(field_purpose(service, field, pol), roles))
        uses.append(ServiceUse(service, service_label(service), " ".join(info.what.split()),
                               " ".join(info.legal_basis.split()), info.age.describe(),
                               tuple(fields)))
    return tuple(uses)


def role_uses(policy: Policy | None = None) -> tuple[RoleUse, ...]:
    """Each role, whether it sees anyone's records, and the reasons it may give."""
    pol = policy_or_current(policy)
    return tuple(
        RoleUse(code, role.label, role.description, "person_view" in role.capabilities,
                purposes_for(code, pol))
        for code, role in pol.roles.items()
    )
