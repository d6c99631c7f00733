"""The declarative description of sources: ``sources.yaml``.

A council adds a local extract by writing YAML, not code::

    version: 1
    sources:
      - name: vcse_hope_trust           # unique, lower case
        system: "Hope Trust referrals spreadsheet"
        service: vcse                   # a code from joinedup.model.codes.SERVICES
        data_current_as_of: 2026-10-31
        coverage_start: 2021-04-01
        coverage_end: 2026-10-31
        files:
          - path: vcse/hope_trust.xlsx  # relative to the sources.yaml folder
            format: xlsx                # csv | xlsx | parquet | cin_xml | ssda903
            sheet: Referrals            # xlsx only
            date_format: "%d/%m/%Y"     # default for this file's date fields
            targets:                    # one row can give several model records
              - entity: person
                fields:
                  source_record_id: Client Ref        # a column
                  first_name: {column: First name}
                  surname: {column: Surname}
                  dob: {column: DOB, date_format: "%d.%m.%Y"}
                  sex: {column: Gender, codes: {Male: M, Female: F, "": U}}
                  address: {columns: [Address 1, Address 2, Town], separator: ", "}
              - entity: involvement
                fields:
                  involvement_id: {column: Referral ID}
                  source_record_id: Client Ref
                  service: {value: vcse}                # a constant
                  involvement_type: {value: support}
                  start_date: Referral date

Formats ``cin_xml`` and ``ssda903`` are parsed by dedicated readers which expose named tables
(``table:`` chooses one, e.g. ``child`` or ``cpp`` for CIN census XML, ``header`` or
``episodes`` for SSDA903); their columns keep the DfE item names.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from joinedup.errors import MappingError
from joinedup.model import ENTITIES
from joinedup.model.codes import SERVICES


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"
    CIN_XML = "cin_xml"
    SSDA903 = "ssda903"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldMapping(_Strict):
    """Where one model field comes from: a column, several columns joined, or a constant."""

    column: str | None = None
    columns: tuple[str, ...] | None = None
    separator: str = " "
    value: str | None = None
    date_format: str | None = Field(default=None, description="strptime format for dates")
    codes: dict[str, str] | None = Field(
        default=None, description="Translation from the source's codes to the model's"
    )

    def model_post_init(self, __context: Any) -> None:
        given = [x is not None for x in (self.column, self.columns, self.value)]
        if sum(given) != 1:
            raise ValueError("give exactly one of column, columns or value")

    @property
    def source_columns(self) -> tuple[str, ...]:
        if self.column is not None:
            return (self.column,)
        return self.columns or ()


def _coerce_field(raw: Any) -> Any:
    # Shorthand: `first_name: FORENAME` means {column: FORENAME}.
    if isinstance(raw, str):
        return {"column": raw}
    return raw


class TargetMapping(_Strict):
    entity: str
    fields: dict[str, FieldMapping]

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, raw: Any) -> Any:
        if isinstance(raw, dict):
            return {key: _coerce_field(value) for key, value in raw.items()}
        return raw

    def model_post_init(self, __context: Any) -> None:
        if self.entity not in ENTITIES:
            raise ValueError(f"unknown entity {self.entity!r}; use one of {sorted(ENTITIES)}")
        info = ENTITIES[self.entity]
        known = {f.name for f in info.fields if not f.system}
        unknown = sorted(set(self.fields) - known)
        if unknown:
            raise ValueError(
                f"entity {self.entity} has no field(s) {unknown}; fields are {sorted(known)}"
            )
        missing = sorted(
            f.name for f in info.fields if f.required and not f.system and f.name not in self.fields
        )
        if missing:
            raise ValueError(f"entity {self.entity} needs field(s) {missing}")


class FileMapping(_Strict):
    path: str
    format: FileFormat = FileFormat.CSV
    encoding: str = Field(default="auto", description="auto tries UTF-8, then Windows-1252")
    delimiter: str = ","
    sheet: str | None = None
    table: str | None = None
    date_format: str = "%Y-%m-%d"
    targets: Annotated[tuple[TargetMapping, ...], Field(min_length=1)]


class Agreement(_Strict):
    """The data sharing agreement under which a partner organisation sends its extract.

    Recorded with the source (and in the warehouse's ``source_agreement`` table) so anyone
    shown the partner's data can see on what terms it was shared and when that is reviewed.
    """

    organisation: Annotated[str, Field(min_length=2)]
    reference: Annotated[str, Field(min_length=2)]
    signed: dt.date
    review_by: dt.date
    purpose: Annotated[str, Field(min_length=10)]
    legal_basis: Annotated[str, Field(min_length=10)]

    def model_post_init(self, __context: Any) -> None:
        if self.review_by <= self.signed:
            raise ValueError(f"agreement {self.reference}: review_by {self.review_by} must "
                             f"come after signed {self.signed}")


class SourceConfig(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    system: str
    service: str
    data_current_as_of: dt.date
    coverage_start: dt.date | None = None
    coverage_end: dt.date | None = None
    # A partner's extract (not the council's own systems) names its data sharing agreement.
    agreement: Agreement | None = None
    files: Annotated[tuple[FileMapping, ...], Field(min_length=1)]

    @field_validator("service")
    @classmethod
    def _service(cls, value: str) -> str:
        if value not in SERVICES:
            raise ValueError(f"unknown service {value!r}; use one of {sorted(SERVICES)}")
        return value


class SourcesFile(_Strict):
    version: int = 1
    sources: tuple[SourceConfig, ...]

    def model_post_init(self, __context: Any) -> None:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {dupes}")


def load_sources_file(path: Path) -> tuple[SourcesFile, Path]:
    """Read and validate a sources.yaml; returns it with the folder its paths are relative to."""
    if not path.exists():
        raise MappingError(
            f"{path}: no sources file. Run `joinedup synth` to make the synthetic borough, "
            "or point JOINEDUP_SOURCES at your sources.yaml."
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid YAML ({exc}). Fix the file and run again.") from exc
    try:
        return SourcesFile.model_validate(raw), path.parent
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise MappingError(f"{path}: invalid sources file: {problems}") from exc
