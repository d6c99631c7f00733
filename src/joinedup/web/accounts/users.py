"""Creating accounts from the command line: one per role for a demo, or one named user.

Passwords are generated (secrets.token_urlsafe), shown once and stored only as hashes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from joinedup.access import current_policy, role_codes
from joinedup.web.accounts.models import Profile
from joinedup.web.accounts.roles import assign_role

DEMO_PREFIX = "demo-"
DEMO_TEAMS = {
    "childrens_social_worker": "Assessment team north",
    "early_help_practitioner": "Family hub east",
    "adult_social_worker": "Adult safeguarding hub",
    "analyst": "Performance and intelligence",
    "auditor": "Information governance",
    "administrator": "Digital services",
    "revenues_officer": "Council tax revenues",
    # A GP user's team is their practice's ODS code; P88600 is the synthetic borough's first
    # practice, so the demo account has alerts to show.
    "gp_practice": "P88600",
    # A partner's user's team is the source its extract is loaded as (with its data sharing
    # agreement): the synthetic borough's housing association.
    "housing_association": "ha_pennine_vale",
}


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    role: str
    role_label: str
    password: str


def new_password() -> str:
    return secrets.token_urlsafe(15)


@transaction.atomic
def create_user(username: str, role: str, *, team: str = "", areas: str = "",
                password: str | None = None) -> Account:
    """Create (or reset) a user with one role and a generated password."""
    if role not in role_codes():
        raise ValueError(f"{role!r} is not a role; roles: {', '.join(role_codes())}")
    secret = password or new_password()
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(secret)
    user.is_active = True
    user.save()
    assign_role(user, role)
    Profile.objects.update_or_create(user=user, defaults={"team": team, "areas": areas})
    return Account(username, role, current_policy().roles[role].label, secret)


def demo_username(role: str) -> str:
    return DEMO_PREFIX + role.replace("_", "-")


def create_demo_users() -> list[Account]:
    """One account per role (demo-<role>), each with a new password every time this runs."""
    return [create_user(demo_username(role), role, team=DEMO_TEAMS.get(role, ""))
            for role in role_codes()]
