"""Field specifications: the one description of each model field that adapters, validation,
the warehouse schema and the docs all read."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    CODE = "code"


class Check(StrEnum):
    """Format checks beyond the type."""

    NHS_NUMBER = "nhs_number"  # 10 digits, modulus 11 check digit
    POSTCODE = "postcode"  # UK postcode, normalised to upper case with one space
    UPRN = "uprn"  # 1 to 12 digits
    UPN = "upn"  # unique pupil number: a letter and 12 characters
    EMAIL = "email"
    PHONE = "phone"  # UK phone number, 10 or 11 digits once spaces are removed
    PARTIAL_POSTCODE = "partial_postcode"  # outward code plus sector digit, as in SSDA903


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    description: str
    required: bool = False
    codes: tuple[str, ...] = ()
    check: Check | None = None
    max_length: int = 500
    # Set by the loader, never by a mapping (e.g. the source name).
    system: bool = False


def spec(
    description: str,
    type: FieldType = FieldType.TEXT,
    *,
    required: bool = False,
    codes: dict[str, str] | None = None,
    check: Check | None = None,
    max_length: int = 500,
    system: bool = False,
) -> Any:
    """A dataclass field carrying its FieldSpec in metadata; default None unless required."""
    metadata = {
        "spec": {
            "type": type,
            "description": description,
            "required": required,
            "codes": tuple(codes) if codes else (),
            "check": check,
            "max_length": max_length,
            "system": system,
        }
    }
    if required:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=None, metadata=metadata)


def field_specs(record_type: type) -> tuple[FieldSpec, ...]:
    """The FieldSpecs of a model record dataclass, in declaration order."""
    return tuple(
        FieldSpec(name=f.name, **f.metadata["spec"]) for f in dataclasses.fields(record_type)
    )
