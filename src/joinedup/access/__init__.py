"""joinedup.access: who may see what, and why, as data (policy.yaml) with pure functions over it.

No Django here: the web app, the API and the command line all ask the same questions.
"""

from joinedup.access.policy import CARD_SERVICES, AgeRule, Policy, cached_policy, load_policy
from joinedup.access.register import FieldUse, RoleUse, ServiceUse, role_uses, service_uses
from joinedup.access.rules import (
    FieldPurpose,
    Purpose,
    UnknownRoleError,
    age_in_years,
    can_view_people,
    can_view_person,
    current_policy,
    field_purpose,
    has_capability,
    purpose,
    purposes_for,
    role_codes,
    role_info,
    role_label,
    visible_fields,
    visible_services,
)

__all__ = [
    "CARD_SERVICES",
    "AgeRule",
    "FieldPurpose",
    "FieldUse",
    "Policy",
    "Purpose",
    "RoleUse",
    "ServiceUse",
    "UnknownRoleError",
    "age_in_years",
    "cached_policy",
    "can_view_people",
    "can_view_person",
    "current_policy",
    "field_purpose",
    "has_capability",
    "load_policy",
    "purpose",
    "purposes_for",
    "role_codes",
    "role_info",
    "role_label",
    "role_uses",
    "service_uses",
    "visible_fields",
    "visible_services",
]
