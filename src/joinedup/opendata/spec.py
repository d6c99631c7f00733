"""Open datasets declared in YAML files (``datasets/*.yaml``): what each publishes, from where,
and how it is protected. Loading checks every declaration, so a mistake fails the build with
the file's name, never a half-published dataset.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.errors import OpenDataError
from joinedup.opendata.disclosure import refuse_record_level

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    type: Literal["text", "code", "integer", "number", "date"] = "text"
    role: Literal["dimension", "period", "geography", "measure"] = "dimension"
    description: str = ""
    unit: str = ""


class Geography(_Strict):
    level: Literal["local_authority", "ward", "lsoa", "borough"]
    column: str
    name_column: str | None = None
    # The code of the row that is the whole (England in a file of councils, regions and
    # England): charts use it as the total instead of adding every row up.
    total_code: str | None = None


class Source(_Strict):
    """Either a reference-data builder or a mart aggregated by some of its columns."""

    builder: str | None = None
    mart: str | None = None
    group_by: tuple[str, ...] = ()
    sum: tuple[str, ...] = ()
    # Keep only mart rows whose month is this calendar month (stocks counted at a month's
    # end, e.g. 3 for "at 31 March"); None keeps every row.
    month_of_year: int | None = Field(default=None, ge=1, le=12)
    # Area names to add from the snapshot's area list: code column -> name column.
    names: dict[str, str] = Field(default_factory=dict)
    # What to do when the mart has no rows (e.g. "run `joinedup link`"), said in the status.
    when_empty: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        if (self.builder is None) == (self.mart is None):
            raise ValueError("give exactly one of builder or mart")
        if self.mart is not None and not (self.group_by and self.sum):
            raise ValueError("a mart source needs group_by and sum")
        return self


class CountTable(_Strict):
    """Counts protected together: ``parts`` by area, with ``total`` their sum per area."""

    parts: tuple[str, ...] = Field(min_length=1)
    total: str | None = None


class Rate(_Strict):
    numerator: str
    denominator: str
    per: int = 100


class Disclosure(_Strict):
    # Figures that their publisher has already protected (DfE, ONS): published as released.
    already_published: bool = False
    threshold: int = Field(default=5, ge=1)
    rounding: int | None = Field(default=None, ge=1)
    by: tuple[str, ...] = ()
    area: str | None = None
    area_total_label: str = "All areas"
    tables: tuple[CountTable, ...] = ()
    rates: dict[str, Rate] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Disclosure:
        if not self.already_published and not (self.area and self.tables):
            raise ValueError("counts from the warehouse need disclosure.area and "
                             "disclosure.tables (or already_published: true for figures "
                             "their publisher has protected)")
        return self


class DatasetSpec(_Strict):
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    description: str
    topic: str
    publisher: str
    source: Source
    source_title: str
    method: str
    columns: tuple[Column, ...] = Field(min_length=1)
    disclosure: Disclosure
    synthetic: bool
    geography: Geography | None = None
    period_column: str | None = None
    licence: str = OGL
    licence_url: str = OGL_URL
    # What the licence asks users to say when they reuse the data (e.g. ONS's source line).
    attribution: str = ""
    update_frequency: str = "Every pipeline run"
    keywords: tuple[str, ...] = ()
    quality_notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> DatasetSpec:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError("column names must be unique")
        refuse_record_level(names, what=f"dataset {self.name!r}")
        wanted = {self.period_column} if self.period_column else set()
        if self.geography:
            wanted |= {self.geography.column, *filter(None, [self.geography.name_column])}
        d = self.disclosure
        for table in d.tables:
            wanted |= {*table.parts, *filter(None, [table.total])}
        wanted |= {*d.by, *filter(None, [d.area]), *d.rates}
        for rate in d.rates.values():
            wanted |= {rate.numerator, rate.denominator}
        missing = sorted(wanted - set(names))
        if missing:
            raise ValueError(f"names used but not among the columns: {', '.join(missing)}")
        return self

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def measures(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "measure"]


def builtin_dir() -> Path:
    return Path(str(resources.files("joinedup.opendata").joinpath("datasets")))


def load_spec(path: Path) -> DatasetSpec:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = DatasetSpec.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise OpenDataError(f"{path}: cannot read the dataset declaration ({exc}).") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors())
        raise OpenDataError(f"{path}: the dataset declaration is invalid: {problems}. "
                            "See docs/open-data.md for the fields.") from exc
    if spec.name != path.stem:
        raise OpenDataError(f"{path}: the dataset is named {spec.name!r}; name the file "
                            f"{spec.name}.yaml so its URL and file agree.")
    return spec


def load_specs(folder: Path | None = None) -> dict[str, DatasetSpec]:
    """Every dataset declared in ``folder`` (the built-in ones by default), by name."""
    folder = folder or builtin_dir()
    specs = [load_spec(p) for p in sorted(folder.glob("*.yaml"))]
    return {s.name: s for s in specs}
