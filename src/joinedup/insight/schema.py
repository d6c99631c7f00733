"""A dashboard is data: a YAML file naming its marts, measures, filters, headline figures,
tables, charts and pupil-level drill-down. This module is its schema and loader; the web app
renders any dashboard that loads (`joinedup.web.dashboards`), so a new one needs no Python.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.errors import JoinedUpError
from joinedup.marts import MARTS

NAME = r"^[a-z][a-z0-9_]*$"
_MART_NAMES = {m.name for m in MARTS}
_RECORD_MARTS = {m.name for m in MARTS if m.record_level}


class DashboardError(JoinedUpError):
    """A dashboard file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Strict):
    """A figure: the sum of a mart column, or a ratio of two sums (times ``scale``)."""

    label: str
    sum: str | None = Field(default=None, pattern=NAME)
    ratio: tuple[str, str] | None = None
    scale: float = 1.0
    unit: Literal["count", "percent", "days", "number"] = "count"

    @model_validator(mode="after")
    def _one_kind(self) -> Measure:
        if (self.sum is None) == (self.ratio is None):
            raise ValueError("give exactly one of `sum: column` or `ratio: [numerator, "
                             "denominator]`")
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.sum,) if self.sum is not None else self.ratio or ()


class Filter(_Strict):
    """A choice the reader makes; it narrows every table whose mart has the column."""

    id: str = Field(pattern=NAME)
    label: str
    column: str = Field(pattern=NAME)
    kind: Literal["period", "area", "school", "pupil_group", "other"] = "other"


class Table(_Strict):
    id: str = Field(pattern=NAME)
    title: str
    mart: str
    group_by: list[str] = Field(min_length=1)
    measures: list[str] = Field(min_length=1)
    description: str = ""
    newest_first: bool = False
    latest: str | None = Field(default=None, pattern=NAME)
    """Only the rows of this column's latest value the filters allow (the latest school
    week, say), so a stock such as pupils persistently absent is not added across weeks."""


class Chart(_Strict):
    id: str = Field(pattern=NAME)
    title: str
    table: str
    kind: Literal["line", "bar"] = "line"
    x: str
    y: list[str] = Field(min_length=1)
    series: str | None = None
    """A grouping column drawn as one line or bar per value."""


class Headline(_Strict):
    """The latest period's value of a measure, its change on the period before and, for a
    scorecard, its RAG rating against a target."""

    label: str
    mart: str
    measure: str
    period: str
    order: str | None = None
    """The column that orders periods (default: ``period``)."""
    target: float | None = None
    better: Literal["higher", "lower"] = "higher"
    amber: float = 0.0
    """How far on the wrong side of the target still rates amber, not red."""


class Drill(_Strict):
    """Named pupils or children behind the figures: record-level marts, for roles that may
    see people, after a reason for access."""

    id: str = Field(pattern=NAME)
    title: str
    mart: str
    columns: list[str] = Field(min_length=1)
    where: dict[str, list[str | bool]] = Field(default_factory=dict)
    latest: str | None = Field(default=None, pattern=NAME)
    """Only the records of this column's latest value the filters allow (the latest week)."""


class MapLayer(_Strict):
    """A choropleth of a measure from mart_area_summary (ward and LSOA)."""

    mart: str
    measure: str
    label: str


class Dashboard(_Strict):
    id: str = Field(pattern=NAME)
    title: str
    summary: str
    team: str = "Insight"
    stale_after_days: int = Field(default=7, ge=0)
    labels: dict[str, str] = Field(default_factory=dict)
    measures: dict[str, Measure]
    filters: list[Filter] = Field(default_factory=list)
    headlines: list[Headline] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    charts: list[Chart] = Field(default_factory=list)
    drill: list[Drill] = Field(default_factory=list)
    map: list[MapLayer] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Dashboard:
        problems: list[str] = []
        tables = {t.id: t for t in self.tables}
        for t in self.tables:
            problems += _mart(f"tables.{t.id}.mart", t.mart)
            problems += [f"tables.{t.id}.measures: {m!r} is not in `measures`"
                         for m in t.measures if m not in self.measures]
        for h in self.headlines:
            problems += _mart(f"headlines.{h.label}.mart", h.mart)
            if h.measure not in self.measures:
                problems.append(f"headlines.{h.label}.measure: {h.measure!r} is not in "
                                "`measures`")
        for c in self.charts:
            table = tables.get(c.table)
            if table is None:
                problems.append(f"charts.{c.id}.table: no table {c.table!r}")
                continue
            if c.x not in table.group_by or (c.series and c.series not in table.group_by):
                problems.append(f"charts.{c.id}: x and series must be in the table's group_by")
            problems += [f"charts.{c.id}.y: {y!r} is not a measure of table {c.table!r}"
                         for y in c.y if y not in table.measures]
        for d in self.drill:
            if d.mart not in _RECORD_MARTS:
                problems.append(f"drill.{d.id}.mart: {d.mart!r} is not a record-level mart "
                                f"({', '.join(sorted(_RECORD_MARTS))})")
        ids = [t.id for t in self.tables] + [c.id for c in self.charts] + \
            [d.id for d in self.drill]
        problems += [f"the id {i!r} is used twice" for i in sorted(set(ids))
                     if ids.count(i) > 1]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise DashboardError(f"dashboard {self.id!r} has no table {table_id!r}")

    def label(self, column: str) -> str:
        return self.labels.get(column) or column.replace("_", " ").capitalize()


def _mart(where: str, name: str) -> list[str]:
    return [] if name in _MART_NAMES else [
        f"{where}: {name!r} is not a mart ({', '.join(sorted(_MART_NAMES))})"]


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse(text: str, origin: str) -> Dashboard:
    """One dashboard from YAML text; ``origin`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DashboardError(f"{origin}: not valid YAML ({exc}). Fix the file.") from exc
    if not isinstance(data, dict):
        raise DashboardError(f"{origin}: a dashboard is a mapping with id, title, summary, "
                             "measures, ...; see docs/insight.md.")
    try:
        return Dashboard.model_validate(data)
    except ValidationError as exc:
        raise DashboardError(f"{origin}: {_explain(exc)}. Fix the file; docs/insight.md "
                             "describes every field.") from exc


def shipped_folder() -> Path:
    return Path(str(resources.files("joinedup.insight").joinpath("dashboards")))


def load_dashboards(folder: Path | None = None) -> dict[str, Dashboard]:
    """Every ``*.yaml`` dashboard in ``folder`` (default: the shipped ones), by id, in file
    order. A bad file stops the load with its name and the field at fault."""
    folder = folder or shipped_folder()
    found: dict[str, Dashboard] = {}
    for path in sorted(folder.glob("*.yaml")):
        dashboard = parse(path.read_text(encoding="utf-8"), path.name)
        if dashboard.id in found:
            raise DashboardError(f"{path.name}: the id {dashboard.id!r} is used by another "
                                 "dashboard; give each a unique id.")
        found[dashboard.id] = dashboard
    return found
