"""The card and timeline definitions (`key_facts.yaml`): how events read, what makes a service
current, and the key facts each card shows.

The file is data so that a council can change what a card says without changing code; it is
checked when loaded (every event type and service must be in the model's code lists, every
template may only name known fields, an `open` fact may only list event types that last).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from joinedup.context.common import CARD_SERVICES
from joinedup.errors import ConfigError
from joinedup.model import codes
from joinedup.model.codes import EVENT_TYPES

DEFINITIONS_FILE = Path(__file__).with_name("key_facts.yaml")
EVENT_FIELDS = ("category", "category_label", "value", "detail", "detail_label", "end_date")
COUNT_FIELDS = ("count", "total")
_SEPARATORS = " ,;:–-"
_SAMPLE: dict[str, object] = {"category": "X", "category_label": "X", "value": Decimal("1.5"),
                              "detail": "X", "detail_label": "X", "end_date": dt.date(2000, 1, 1),
                              "count": 1, "total": Decimal("1.5")}


def _fields_of(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _parts(value: object) -> object:
    return (value,) if isinstance(value, str) else value


def _check_templates(parts: Sequence[str], allowed: Sequence[str]) -> None:
    for part in parts:
        unknown = [name for name in _fields_of(part) if name not in allowed]
        if unknown:
            raise ValueError(f"template {part!r} names {unknown}; it may use {list(allowed)}")
        part.format_map(_SAMPLE)


def _code_list(value: object) -> object:
    """A mapping as given, or the name of a code list in model/codes.py."""
    if isinstance(value, str):
        found = getattr(codes, value.upper(), None)
        if not isinstance(found, dict):
            raise ValueError(f"there is no code list {value!r} in joinedup.model.codes")
        return found
    return value


Template = Annotated[tuple[str, ...], BeforeValidator(_parts)]
"""One template string, or a list of parts."""
Labels = Annotated[dict[str, str], BeforeValidator(_code_list)]


class EventStyle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    text: Template = ()
    categories: Labels = Field(default_factory=dict)
    details: Labels = Field(default_factory=dict)

    @model_validator(mode="after")
    def _templates(self) -> EventStyle:
        _check_templates(self.text, EVENT_FIELDS)
        return self


class FactRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    kind: Literal["open", "latest", "count"]
    events: tuple[str, ...] = Field(min_length=1)
    within_days: int | None = Field(default=None, gt=0)
    limit: int = Field(default=1, gt=0)
    none: str | None = None
    text: Template = ("{count}",)

    @model_validator(mode="after")
    def _valid(self) -> FactRule:
        unknown = [e for e in self.events if e not in EVENT_TYPES]
        if unknown:
            raise ValueError(f"fact {self.label!r}: unknown event types {unknown}")
        if self.kind == "count":
            _check_templates(self.text, COUNT_FIELDS)
        return self


class ServiceRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ongoing: tuple[str, ...] = ()
    recent: dict[str, int] = Field(default_factory=dict)
    involvement_codes: dict[str, str] = Field(default_factory=dict)
    facts: tuple[FactRule, ...] = ()

    @model_validator(mode="after")
    def _valid(self) -> ServiceRules:
        unknown = [e for e in (*self.ongoing, *self.recent) if e not in EVENT_TYPES]
        if unknown:
            raise ValueError(f"unknown event types {unknown}")
        for fact in self.facts:
            lasting = [e for e in fact.events if e not in self.ongoing]
            if fact.kind == "open" and lasting:
                raise ValueError(f"fact {fact.label!r} is `open` but {lasting} are not in "
                                 "`ongoing`: only events that last can be open")
        if any(days <= 0 for days in self.recent.values()):
            raise ValueError("`recent` days must be positive")
        return self


class Definitions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    events: dict[str, EventStyle] = Field(default_factory=dict)
    services: dict[str, ServiceRules] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid(self) -> Definitions:
        unknown = [e for e in self.events if e not in EVENT_TYPES]
        if unknown:
            raise ValueError(f"unknown event types {unknown} (see model/codes.py EVENT_TYPES)")
        strange = [s for s in self.services if s not in CARD_SERVICES]
        if strange:
            raise ValueError(f"services {strange} have no card; cards: {list(CARD_SERVICES)}")
        return self

    def rules(self, service: str) -> ServiceRules:
        return self.services.get(service) or ServiceRules()

    def label(self, event_type: str) -> str:
        """The event type's short label (from the code list when the file has none)."""
        style = self.events.get(event_type)
        if style is not None:
            return style.label
        described = EVENT_TYPES.get(event_type, event_type.replace("_", " ").capitalize())
        return described.split(" (")[0]

    def text(self, event_type: str, category: str | None, value: Decimal | float | None,
             detail: str | None, end_date: dt.date | None = None) -> str:
        """How one event reads (empty when its type has no template or nothing to say)."""
        style = self.events.get(event_type)
        if style is None:
            return render((), {})
        return render(style.text, {
            "category": category, "category_label": label_code(category, style.categories),
            "value": value, "detail": detail, "detail_label": label_code(detail, style.details),
            "end_date": end_date})


def label_code(code: str | None, labels: Mapping[str, str]) -> str | None:
    """The label of a code; a comma-separated list labelled code by code; else the code."""
    if code is None or not code.strip():
        return None
    if code in labels:
        return labels[code]
    if "," in code:
        return ", ".join(labels.get(c.strip(), c.strip()) for c in code.split(",") if c.strip())
    return code


def render(parts: Sequence[str], values: Mapping[str, Any]) -> str:
    """Join the template parts whose fields all have values; trim leftover separators."""
    shown = []
    for part in parts:
        names = _fields_of(part)
        if any(values.get(n) is None or values.get(n) == "" for n in names):
            continue
        shown.append(part.format_map(values))
    return "".join(shown).lstrip(_SEPARATORS).strip()


def load_definitions(path: Path | None = None) -> Definitions:
    """Read and check a definitions file (the packaged `key_facts.yaml` by default)."""
    if path is None:
        return _packaged()
    return _read(path)


@lru_cache(maxsize=1)
def _packaged() -> Definitions:
    return _read(DEFINITIONS_FILE)


def _read(path: Path) -> Definitions:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Definitions.model_validate(data)
    except OSError as error:
        raise ConfigError(f"cannot read the Family Context definitions {path}: {error}") from error
    except (yaml.YAMLError, ValidationError) as error:
        raise ConfigError(f"the Family Context definitions {path} are invalid: {error}. Fix the "
                          "file (docs/family-context.md describes it).") from error
