"""The common data model. Pure: no I/O, no database."""

from joinedup.model.entities import (
    ENTITIES,
    AddressRecord,
    AttendanceWeek,
    Debt,
    EntityInfo,
    Event,
    Involvement,
    PersonRecord,
    Practitioner,
    Relationship,
)
from joinedup.model.fields import Check, FieldSpec, FieldType

__all__ = [
    "ENTITIES",
    "AddressRecord",
    "AttendanceWeek",
    "Check",
    "Debt",
    "EntityInfo",
    "Event",
    "FieldSpec",
    "FieldType",
    "Involvement",
    "PersonRecord",
    "Practitioner",
    "Relationship",
]
