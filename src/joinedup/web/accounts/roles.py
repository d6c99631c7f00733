"""Roles as Django groups: one group per role in the access policy, one role per user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, PermissionsMixin
from django.db import transaction

from joinedup.access import current_policy, role_codes

_CACHE = "_joinedup_role"


def sync_role_groups() -> list[str]:
    """Create a group for every role in the policy; returns the ones created."""
    created = []
    for code in role_codes(current_policy()):
        _, made = Group.objects.get_or_create(name=code)
        if made:
            created.append(code)
    return created


def sync_after_migrate(**kwargs: Any) -> None:
    sync_role_groups()


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's one role, or None (no role, several roles, or not signed in): no access."""
    if not user.is_authenticated or not user.is_active or not isinstance(user, PermissionsMixin):
        return None
    cached = getattr(user, _CACHE, False)
    if cached is None or isinstance(cached, str):
        return cached
    known = set(role_codes(current_policy()))
    names = [g for g in user.groups.values_list("name", flat=True) if g in known]
    role = names[0] if len(names) == 1 else None
    setattr(user, _CACHE, role)
    return role


@transaction.atomic
def assign_role(user: PermissionsMixin, role: str) -> None:
    """Give the user exactly this role, removing any other role group."""
    if role not in role_codes(current_policy()):
        raise ValueError(f"{role!r} is not a role; roles: {', '.join(role_codes())}")
    group, _ = Group.objects.get_or_create(name=role)
    others = Group.objects.filter(name__in=role_codes()).exclude(pk=group.pk)
    user.groups.remove(*others)
    user.groups.add(group)
    setattr(user, _CACHE, role)
