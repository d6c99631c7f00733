"""The access policy file: roles, services, fields, purposes and age rules, read and checked.

The file is data (policy.yaml beside this module, or a council's own copy named by the
``access_policy`` setting). Loading checks every cross-reference, so a typo in a role's
services or purposes fails at start-up with the role and the name, not at a page view.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.errors import ConfigError
from joinedup.model.codes import SERVICES

DEFAULT_POLICY = Path(__file__).with_name("policy.yaml")

# The services a person page has a card for; the others in SERVICES (council tax, workforce)
# are not about a person's involvement with a service and never get a card.
CARD_SERVICES: tuple[str, ...] = (
    "childrens_social_care",
    "early_help",
    "adult_social_care",
    "education",
    "health",
    "housing",
    "police",
    "vcse",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeRule(_Frozen):
    """Ages, in whole years and inclusive, that a rule admits; None means no bound."""

    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=0, le=130)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRule:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self

    @property
    def unrestricted(self) -> bool:
        return self.min_age is None and self.max_age is None

    def admits(self, age: int | None) -> bool:
        """Whether a person of this age is inside the rule; an unknown age only passes no rule."""
        if self.unrestricted:
            return True
        if age is None:
            return False
        if self.min_age is not None and age < self.min_age:
            return False
        return self.max_age is None or age <= self.max_age

    def describe(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"aged {self.min_age} to {self.max_age}"
        if self.min_age is not None:
            return f"aged {self.min_age} or over"
        if self.max_age is not None:
            return f"aged {self.max_age} or under"
        return "any age"


class FieldInfo(_Frozen):
    label: str = Field(min_length=3)
    purpose: str = Field(min_length=10)


class ServiceInfo(AgeRule):
    what: str = Field(min_length=10)
    legal_basis: str = Field(min_length=10)

    @property
    def age(self) -> AgeRule:
        return AgeRule(min_age=self.min_age, max_age=self.max_age)


class PurposeInfo(_Frozen):
    label: str = Field(min_length=3)
    legal_basis: str = Field(min_length=10)


class RoleInfo(_Frozen):
    label: str = Field(min_length=3)
    description: str = Field(min_length=10)
    capabilities: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    subject_age: AgeRule = AgeRule()
    services: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class Policy(_Frozen):
    """A whole access policy; ``load_policy`` is the only way one is made from a file."""

    version: int = Field(ge=1, le=1)
    fields: dict[str, FieldInfo]
    services: dict[str, ServiceInfo]
    purposes: dict[str, PurposeInfo]
    capabilities: dict[str, str]
    roles: dict[str, RoleInfo]

    @model_validator(mode="after")
    def _references(self) -> Policy:
        problems = [f"service {s!r} is not a card service ({', '.join(CARD_SERVICES)})"
                    for s in self.services if s not in CARD_SERVICES]
        problems += [f"service {s!r} has no entry" for s in CARD_SERVICES
                     if s not in self.services]
        for code, role in self.roles.items():
            problems += _role_problems(code, role, self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _role_problems(code: str, role: RoleInfo, policy: Policy) -> list[str]:
    problems = [f"role {code!r}: unknown capability {c!r}" for c in role.capabilities
                if c not in policy.capabilities]
    problems += [f"role {code!r}: unknown purpose {p!r}" for p in role.purposes
                 if p not in policy.purposes]
    for service, fields in role.services.items():
        if service not in policy.services:
            problems.append(f"role {code!r}: unknown service {service!r}")
        problems += [f"role {code!r}, service {service!r}: unknown field {f!r}"
                     for f in fields if f not in policy.fields]
        if fields and "status" not in fields:
            problems.append(f"role {code!r}, service {service!r}: a card needs 'status' first")
    sees_people = "person_view" in role.capabilities
    if sees_people and not role.purposes:
        problems.append(f"role {code!r} can view people but has no purposes to give")
    if not sees_people and role.services:
        problems.append(f"role {code!r} lists services but has no person_view capability")
    return problems


def load_policy(path: Path | None = None) -> Policy:
    """Read and check a policy file (default: the built-in policy.yaml)."""
    source = path or DEFAULT_POLICY
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the access policy {source}: {exc}. Check the "
                          "access_policy setting, or unset it to use the built-in policy.") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"the access policy {source} is not valid YAML: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"the access policy {source} is invalid; fix it and restart:\n"
                          f"{exc}") from exc


@lru_cache(maxsize=4)
def cached_policy(path: Path | None = None) -> Policy:
    """The policy for a path, read once per process."""
    return load_policy(path)


def service_label(service: str) -> str:
    return SERVICES[service]
