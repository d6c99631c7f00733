"""Family Context: what a practitioner's person, family and timeline pages show.

Named query functions over a linked warehouse snapshot (a DuckDB connection from
`joinedup.warehouse.snapshots.open_current` or `SnapshotStore.open`). Each returns frozen
dataclasses with `as_dict()` for JSON, and raises `PersonNotFound` for an unknown person id.
Nothing here knows about users or roles: the web layer decides what each user may see.
docs/family-context.md describes the data side.
"""

from joinedup.context.cards import (
    InvolvementItem,
    KeyFact,
    KeyWorker,
    ServiceCard,
    SourceFreshness,
    service_cards,
)
from joinedup.context.common import CARD_SERVICES, PersonNotFound, age_on
from joinedup.context.facts import Definitions, load_definitions
from joinedup.context.family import RELATIONSHIPS, Family, FamilyMember, Household, Resident, family
from joinedup.context.records import RecordLink, person_records
from joinedup.context.summary import (
    AddressEntry,
    AddressSighting,
    CurrentAddress,
    NameVariant,
    PersonBrief,
    PersonSummary,
    Sighting,
    SourceRef,
    ValueVariant,
    current_address,
    person_briefs,
    person_summary,
    services_known,
)
from joinedup.context.tables import CONTEXT_TABLES, build_context_tables, install_context_views
from joinedup.context.timeline import TimelineEntry, timeline

__all__ = [
    "CARD_SERVICES",
    "CONTEXT_TABLES",
    "RELATIONSHIPS",
    "AddressEntry",
    "AddressSighting",
    "CurrentAddress",
    "Definitions",
    "Family",
    "FamilyMember",
    "Household",
    "InvolvementItem",
    "KeyFact",
    "KeyWorker",
    "NameVariant",
    "PersonBrief",
    "PersonNotFound",
    "PersonSummary",
    "RecordLink",
    "Resident",
    "ServiceCard",
    "Sighting",
    "SourceFreshness",
    "SourceRef",
    "TimelineEntry",
    "ValueVariant",
    "age_on",
    "build_context_tables",
    "current_address",
    "family",
    "install_context_views",
    "load_definitions",
    "person_briefs",
    "person_records",
    "person_summary",
    "service_cards",
    "services_known",
    "timeline",
]
