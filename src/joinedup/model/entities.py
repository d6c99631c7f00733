"""The common data model: what every source is mapped onto.

Each entity is a typed, frozen dataclass; its fields' metadata (see ``fields.spec``) drive
validation, the warehouse schema and ``docs/data-model.md``. The field ``source`` is set by
the loader from ``sources.yaml``; mappings provide the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from joinedup.model.codes import (
    ARRANGEMENT_STATUSES,
    DEBT_TYPES,
    EMPLOYMENT_TYPES,
    EVENT_TYPES,
    INVOLVEMENT_STATUS,
    PAYMENT_FREQUENCIES,
    RECOVERY_STAGES,
    RELATIONSHIP_TYPES,
    SERVICES,
    SEX,
)
from joinedup.model.fields import Check, FieldSpec, FieldType, field_specs, spec

_SOURCE = "Name of the source in sources.yaml (set by the loader)."
_PERSON_REF = "The source's own identifier of the person this row is about."


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonRecord:
    """One person as one source records them. Matching joins these into people."""

    source: str = spec(_SOURCE, required=True, system=True)
    source_record_id: str = spec("The source's own identifier of the person.", required=True)
    first_name: str | None = spec("Forename as recorded (may be a nickname or an initial).")
    middle_names: str | None = spec("Middle names as recorded.")
    surname: str | None = spec("Family name as recorded.")
    dob: dt.date | None = spec("Date of birth.", FieldType.DATE)
    sex: str | None = spec("Sex or gender as recorded.", FieldType.CODE, codes=SEX)
    address: str | None = spec("Current address as one line.")
    postcode: str | None = spec("Current postcode.", check=Check.POSTCODE)
    uprn: str | None = spec("Unique Property Reference Number of the address.", check=Check.UPRN)
    nhs_number: str | None = spec("NHS number.", check=Check.NHS_NUMBER)
    upn: str | None = spec("Unique pupil number (schools).", check=Check.UPN)
    date_of_death: dt.date | None = spec("Date of death, where known.", FieldType.DATE)
    recorded_date: dt.date | None = spec(
        "When the source last updated this record (used to pick the most recent value).",
        FieldType.DATE,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressRecord:
    """An address a person lived at, with dates: the address history."""

    source: str = spec(_SOURCE, required=True, system=True)
    source_record_id: str = spec(_PERSON_REF, required=True)
    address: str | None = spec("Address as one line.")
    postcode: str | None = spec("Postcode.", check=Check.POSTCODE)
    uprn: str | None = spec("UPRN of the address.", check=Check.UPRN)
    start_date: dt.date | None = spec("Date the person moved in.", FieldType.DATE)
    end_date: dt.date | None = spec("Date the person moved out; empty if current.", FieldType.DATE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Involvement:
    """A service's involvement with a person over a period, with the key worker."""

    source: str = spec(_SOURCE, required=True, system=True)
    involvement_id: str = spec("The source's identifier of the involvement.", required=True)
    source_record_id: str = spec(_PERSON_REF, required=True)
    service: str = spec("Service involved.", FieldType.CODE, required=True, codes=SERVICES)
    involvement_type: str = spec(
        "What kind of involvement, in the source's terms (e.g. child in need, tenancy).",
        required=True,
    )
    status: str | None = spec("Open or closed.", FieldType.CODE, codes=INVOLVEMENT_STATUS)
    start_date: dt.date = spec("Start of the involvement.", FieldType.DATE, required=True)
    end_date: dt.date | None = spec("End of the involvement; empty if open.", FieldType.DATE)
    reason: str | None = spec("Why the service became involved.")
    outcome: str | None = spec("Outcome at closure (e.g. step-up, step-down, closed).")
    worker_name: str | None = spec("Key worker's name.")
    worker_role: str | None = spec("Key worker's role.")
    team: str | None = spec("Key worker's team.")
    worker_phone: str | None = spec("Key worker's work phone.", check=Check.PHONE)
    worker_email: str | None = spec("Key worker's work email.", check=Check.EMAIL)
    organisation: str | None = spec("Organisation delivering the involvement (e.g. a VCSE).")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened to a person in a service, on a date."""

    source: str = spec(_SOURCE, required=True, system=True)
    event_id: str = spec("The source's identifier of the event.", required=True)
    source_record_id: str = spec(_PERSON_REF, required=True)
    service: str = spec("Service recording the event.", FieldType.CODE, required=True,
                        codes=SERVICES)
    event_type: str = spec("Type of event.", FieldType.CODE, required=True, codes=EVENT_TYPES)
    event_date: dt.date = spec("When it happened (or started).", FieldType.DATE, required=True)
    end_date: dt.date | None = spec("When it ended, for events with a duration.", FieldType.DATE)
    category: str | None = spec("A code qualifying the event (factors, plan category, ...).")
    value: Decimal | None = spec("A number qualifying the event (attendance %, arrears £, ...).",
                                 FieldType.DECIMAL)
    detail: str | None = spec("Free-text summary, kept short.")
    involvement_id: str | None = spec("The involvement this event belongs to, if any.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Debt:
    """Money a person owes a creditor: its balance, how far recovery has gone and any
    arrangement to pay. One row per debt as the creditor's system holds it."""

    source: str = spec(_SOURCE, required=True, system=True)
    debt_id: str = spec("The creditor's reference for the debt (account, invoice, claim).",
                        required=True)
    source_record_id: str = spec("The source's own identifier of the person who owes it.",
                                 required=True)
    debt_type: str = spec("Kind of debt.", FieldType.CODE, required=True, codes=DEBT_TYPES)
    creditor: str = spec("Who the debt is owed to (the team or organisation recovering it).",
                         required=True)
    raised_date: dt.date = spec("When the debt arose (bill, invoice or first arrears).",
                                FieldType.DATE, required=True)
    balance: Decimal = spec("Amount still owed, in pounds (0 or less: nothing owed).",
                            FieldType.DECIMAL, required=True)
    recovery_stage: str | None = spec("How far recovery has gone.", FieldType.CODE,
                                      codes=RECOVERY_STAGES)
    arrangement_amount: Decimal | None = spec("Instalment agreed, in pounds, if an arrangement "
                                              "to pay is in place.", FieldType.DECIMAL)
    arrangement_frequency: str | None = spec("How often the instalment is due.", FieldType.CODE,
                                             codes=PAYMENT_FREQUENCIES)
    arrangement_start: dt.date | None = spec("When the arrangement began.", FieldType.DATE)
    arrangement_status: str | None = spec("Whether the arrangement is being kept.",
                                          FieldType.CODE, codes=ARRANGEMENT_STATUSES)


@dataclass(frozen=True, slots=True, kw_only=True)
class Relationship:
    """A relationship a source declares between two of its person records."""

    source: str = spec(_SOURCE, required=True, system=True)
    from_record_id: str = spec("Source identifier of the first person.", required=True)
    to_record_id: str = spec("Source identifier of the second person.", required=True)
    relationship_type: str = spec("How the first relates to the second.", FieldType.CODE,
                                  required=True, codes=RELATIONSHIP_TYPES)
    start_date: dt.date | None = spec("Since when.", FieldType.DATE)
    end_date: dt.date | None = spec("Until when.", FieldType.DATE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Practitioner:
    """A member of the practitioner workforce (roster)."""

    source: str = spec(_SOURCE, required=True, system=True)
    staff_id: str = spec("Staff identifier.", required=True)
    name: str | None = spec("Practitioner's name.")
    role: str = spec("Role (e.g. social worker, family support worker).", required=True)
    seniority: str | None = spec("Grade or seniority (e.g. newly qualified, senior).")
    team: str | None = spec("Team.")
    service: str | None = spec("Service the team belongs to.", FieldType.CODE, codes=SERVICES)
    fte: Decimal | None = spec("Full-time equivalent.", FieldType.DECIMAL)
    start_date: dt.date | None = spec("Start date.", FieldType.DATE)
    leave_date: dt.date | None = spec("Leave date; empty if in post.", FieldType.DATE)
    employment_type: str | None = spec("Permanent or agency.", FieldType.CODE,
                                       codes=EMPLOYMENT_TYPES)
    caseload: int | None = spec("Open cases held.", FieldType.INTEGER)
    phone: str | None = spec("Work phone.", check=Check.PHONE)
    email: str | None = spec("Work email.", check=Check.EMAIL)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttendanceWeek:
    """A pupil's attendance at one school in one school week, in sessions (a morning or an
    afternoon), as a school's management information system or the DfE daily attendance data
    share sends it. Weeks without sessions (holidays) have no row. Sessions attended include
    approved educational activity; attended, authorised and unauthorised absence add up to
    the sessions possible."""

    source: str = spec(_SOURCE, required=True, system=True)
    source_record_id: str = spec(_PERSON_REF, required=True)
    school: str = spec("The school's URN (Get Information about Schools).", required=True)
    week_start: dt.date = spec("The Monday of the school week.", FieldType.DATE, required=True)
    sessions_possible: int = spec("Sessions the pupil could attend that week (0 to 14).",
                                  FieldType.INTEGER, required=True)
    sessions_attended: int | None = spec("Sessions attended, approved educational activity "
                                         "included.", FieldType.INTEGER)
    authorised_absence: int | None = spec("Sessions missed with the school's permission "
                                          "(illness, appointments, ...).", FieldType.INTEGER)
    unauthorised_absence: int | None = spec("Sessions missed without permission (holidays in "
                                            "term time, unexplained, late after registers "
                                            "closed).", FieldType.INTEGER)


@dataclass(frozen=True, slots=True)
class EntityInfo:
    name: str
    table: str
    record_type: type
    key: tuple[str, ...]
    description: str

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return field_specs(self.record_type)

    def field(self, name: str) -> FieldSpec:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)


ENTITIES: dict[str, EntityInfo] = {
    info.name: info
    for info in (
        EntityInfo("person", "person_record", PersonRecord, ("source", "source_record_id"),
                   PersonRecord.__doc__ or ""),
        EntityInfo("address", "address_history", AddressRecord, (), AddressRecord.__doc__ or ""),
        EntityInfo("involvement", "involvement", Involvement, ("source", "involvement_id"),
                   Involvement.__doc__ or ""),
        EntityInfo("event", "event", Event, ("source", "event_id"), Event.__doc__ or ""),
        EntityInfo("debt", "debt", Debt, ("source", "debt_id"), Debt.__doc__ or ""),
        EntityInfo("attendance_week", "attendance_week", AttendanceWeek,
                   ("source", "source_record_id", "school", "week_start"),
                   AttendanceWeek.__doc__ or ""),
        EntityInfo("relationship", "relationship", Relationship, (),
                   Relationship.__doc__ or ""),
        EntityInfo("practitioner", "practitioner", Practitioner, ("source", "staff_id"),
                   Practitioner.__doc__ or ""),
    )
}
