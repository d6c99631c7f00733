"""The person fields matching understands, and how a file's columns map onto them.

`joinedup match` takes any table of person records. `--columns` says which of the table's
columns holds each field (``id=unique_id,sex=gender``); fields not named there are taken from
a column of the same name, or failing that of a common name for the field (`COMMON_NAMES`:
``record_id`` for id, ``forename`` for first_name, ...), and ``field=`` (empty) leaves a field
out. Names are compared ignoring case, spaces and punctuation ("Date of Birth" is
date_of_birth). Any field but ``id`` may be absent. Extra columns (birth place, occupation,
ethnicity...) can be compared exactly with ``extras``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from joinedup.errors import ConfigError, SourceError

FIELDS: dict[str, str] = {
    "id": "The record's identifier, unique within the file (required).",
    "first_name": "Forename as recorded (nicknames and initials are fine).",
    "middle_names": "Middle names.",
    "surname": "Family name.",
    "full_name": "Whole name in one column; used for name words, and for forename and surname "
                 "when those are not mapped.",
    "dob": "Date of birth: YYYY-MM-DD, DD/MM/YYYY or YYYYMMDD (typing errors are kept).",
    "sex": "Sex or gender: M/F, male/female, 1/2; anything else counts as not known.",
    "postcode": "UK postcode, any spacing or case.",
    "address": "Address as one line.",
    "uprn": "Unique Property Reference Number.",
    "nhs_number": "NHS number (ten digits, spaces allowed).",
    "upn": "Unique pupil number (thirteen characters).",
    "person_number": "Another number that identifies the person wherever it is given: a "
                     "National Insurance number, a council's client index number, a social "
                     "security number. Letters and digits are kept; a shared number outweighs "
                     "one field recorded wrong (docs/matching.md, guardrails).",
    "address_from": "Date the record's address was held from (council tax liability or "
                    "tenancy start); any date format dob takes.",
    "address_to": "Date the record's address was held until (empty: still there).",
    "source": "The system the record comes from, when one file holds several: what its other "
              "records show about it is used (an adults-only register, ids shared with another "
              "system).",
    "source_record_id": "The record's id in its own system (with source): records under one "
                        "id are one person, also across systems that share ids (the CIN census "
                        "and SSDA903 returns use the case system's child ids).",
}

# Column names that usually hold each field, tried in this order after the field's own name.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("record_id", "person_id", "unique_id", "person_ref", "client_id", "individual_id"),
    "first_name": ("forename", "forenames", "given_name", "given_names", "fname",
                   "christian_name"),
    "middle_names": ("middle_name", "other_forenames", "other_names"),
    "surname": ("family_name", "last_name", "lname"),
    "full_name": ("name", "person_name"),
    "dob": ("date_of_birth", "birth_date", "birthdate"),
    "sex": ("gender",),
    "postcode": ("post_code", "postal_code"),
    "address": ("full_address", "address_line", "address_line_1", "address1",
                "street_address", "first_line"),
    "nhs_number": ("nhs_no", "nhs", "nhs_num"),
    "upn": ("unique_pupil_number", "pupil_number"),
    "person_number": ("ni_number", "national_insurance_number", "nino"),
    "address_from": ("address_start", "moved_in"),
    "address_to": ("address_end", "moved_out"),
    "source": ("source_system", "system", "source_name", "data_source"),
    "source_record_id": ("source_id", "system_id", "local_id", "source_ref",
                         "system_record_id"),
}

_EXTRA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXTRA_PREFIX = "extra_"


def _squashed(name: str) -> str:
    """A column name compared loosely: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _find(column: str, available: Sequence[str]) -> str | None:
    """The available column ``column`` names: exact, else ignoring case, else ignoring case,
    spaces and punctuation (only when that finds one column)."""
    if column in available:
        return column
    for match in (str.casefold, _squashed):
        found = [a for a in available if match(a) == match(column)]
        if len(found) == 1:
            return found[0]
    return None


def parse_columns(spec: str | None) -> dict[str, str | None]:
    """Parse ``field=column,field=column``; ``field=`` maps the field to nothing.

    Raises ConfigError naming the bad part and the fields that exist.
    """
    mapping: dict[str, str | None] = {}
    if not spec:
        return mapping
    for part in spec.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ConfigError(
                f"--columns: '{part.strip()}' is not field=column. Write e.g. "
                "--columns id=unique_id,sex=gender"
            )
        name, column = (piece.strip() for piece in part.split("=", 1))
        if name not in FIELDS:
            raise ConfigError(
                f"--columns: unknown field '{name}'. Fields are: {', '.join(FIELDS)}. "
                "Compare other columns with --extra."
            )
        if name in mapping:
            raise ConfigError(f"--columns: field '{name}' is mapped twice.")
        mapping[name] = column or None
    return mapping


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which input column feeds each field, and which extra columns are compared."""

    fields: Mapping[str, str]
    extras: tuple[str, ...] = field(default=())
    guessed: tuple[str, ...] = field(default=())
    """Fields taken from a column of a common name for them (`COMMON_NAMES`), not named."""

    @property
    def names(self) -> tuple[str, ...]:
        """Mapped field names, in FIELDS order."""
        return tuple(name for name in FIELDS if name in self.fields)

    def describe(self) -> str:
        """One line for progress output:
        ``sex<-gender; guessed id<-record_id, dob<-date_of_birth; also surname``."""
        renamed = [f"{name}<-{column}" for name, column in self.fields.items()
                   if name != column and name not in self.guessed]
        guessed = [f"{name}<-{self.fields[name]}" for name in self.guessed]
        same = [name for name, column in self.fields.items()
                if name == column and name not in self.guessed]
        same += [f"extra {column}" for column in self.extras]
        return "; ".join(part for part in (
            ", ".join(renamed), "guessed " + ", ".join(guessed) if guessed else "",
            "also " + ", ".join(same) if same else "") if part)


def resolve_mapping(
    available: Sequence[str],
    explicit: Mapping[str, str | None],
    extras: Sequence[str] = (),
    *,
    file: str | None = None,
) -> ColumnMapping:
    """Map fields onto a file's columns: explicit entries first, then same-named columns,
    then columns of a common name for the field (each column feeds one field at most).

    Raises SourceError when a named column is not in the file or no id column is found.
    """
    shown = ", ".join(repr(column) for column in available)
    fields: dict[str, str] = {}
    for name, column in explicit.items():
        if column is None:
            continue
        found = _find(column, available)
        if found is None:
            raise SourceError(
                f"column '{column}' (for field {name}) is not in the file; its "
                f"columns are: {shown}. Fix --columns.",
                file=file, field=name,
            )
        fields[name] = found
    guessed: list[str] = []
    for name in FIELDS:
        if name in explicit or name in fields:
            continue
        taken = set(fields.values())
        for candidate in (name, *COMMON_NAMES.get(name, ())):
            found = _find(candidate, [c for c in available if c not in taken])
            if found is not None:
                fields[name] = found
                if found.casefold() != name:
                    guessed.append(name)
                break
    if "id" not in fields:
        raise SourceError(
            "no id column: name the column that identifies each record, e.g. "
            f"--columns id=person_id. Columns are: {shown}",
            file=file, field="id",
        )
    fields = {name: fields[name] for name in FIELDS if name in fields}
    checked: list[str] = []
    for extra in extras:
        if not _EXTRA_RE.match(extra):
            raise ConfigError(f"--extra: '{extra}' is not a plain column name.")
        if extra not in available:
            raise SourceError(
                f"extra column '{extra}' is not in the file; its columns are: {shown}.",
                file=file, field=extra,
            )
        if extra not in checked:
            checked.append(extra)
    if len(fields) == 1 and not checked:
        raise SourceError(
            "nothing to compare: map at least one of "
            f"{', '.join(name for name in FIELDS if name != 'id')} with --columns.",
            file=file,
        )
    return ColumnMapping(fields=fields, extras=tuple(checked), guessed=tuple(guessed))
