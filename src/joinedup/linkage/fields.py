"""The person fields matching understands, and how a file's columns map onto them.

`joinedup match` takes any CSV or Parquet of person records. `--columns` says which of the
file's columns holds each field (``id=unique_id,sex=gender``); fields not named there are
taken from a column of the same name when the file has one, and ``field=`` (empty) leaves a
field out. Any field but ``id`` may be absent. Extra columns (birth place, occupation,
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

_EXTRA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXTRA_PREFIX = "extra_"


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

    @property
    def names(self) -> tuple[str, ...]:
        """Mapped field names, in FIELDS order."""
        return tuple(name for name in FIELDS if name in self.fields)

    def describe(self) -> str:
        """One line for progress output: ``sex<-gender, postcode<-pc; also dob, surname``."""
        renamed = [f"{name}<-{column}" for name, column in self.fields.items() if name != column]
        same = [name for name, column in self.fields.items() if name == column]
        same += [f"extra {column}" for column in self.extras]
        return "; ".join(part for part in (", ".join(renamed),
                                           "also " + ", ".join(same) if same else "") if part)


def resolve_mapping(
    available: Sequence[str],
    explicit: Mapping[str, str | None],
    extras: Sequence[str] = (),
    *,
    file: str | None = None,
) -> ColumnMapping:
    """Map fields onto a file's columns: explicit entries first, then same-named columns.

    Raises SourceError when a named column is not in the file or no id column is found.
    """
    by_lower = {column.lower(): column for column in available}
    fields: dict[str, str] = {}
    for name in FIELDS:
        if name in explicit:
            column = explicit[name]
            if column is None:
                continue
            if column not in available:
                found = by_lower.get(column.lower())
                if found is None:
                    raise SourceError(
                        f"column '{column}' (for field {name}) is not in the file; its "
                        f"columns are: {', '.join(available)}. Fix --columns.",
                        file=file, field=name,
                    )
                column = found
            fields[name] = column
        elif name in by_lower:
            fields[name] = by_lower[name]
    if "id" not in fields:
        raise SourceError(
            "no id column: name the column that identifies each record, e.g. "
            f"--columns id=person_id. Columns are: {', '.join(available)}",
            file=file, field="id",
        )
    checked: list[str] = []
    for extra in extras:
        if not _EXTRA_RE.match(extra):
            raise ConfigError(f"--extra: '{extra}' is not a plain column name.")
        if extra not in available:
            raise SourceError(
                f"extra column '{extra}' is not in the file; its columns are: "
                f"{', '.join(available)}.",
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
    return ColumnMapping(fields=fields, extras=tuple(checked))
