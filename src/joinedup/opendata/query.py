"""Named queries over the published store, for the portal and the API: the catalogue with
search and facets, one dataset with its status and changelog, rows filtered, sorted, paged
and projected, and the downloads (CSV escaped against formula injection, JSON, GeoJSON).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.errors import OpenDataError
from joinedup.model.spreadsheet import safe_cell
from joinedup.opendata.spec import DatasetSpec
from joinedup.opendata.store import Change, Published, Status, Store

Row = dict[str, Any]
MAX_PAGE = 1000
GEOGRAPHY_LABELS = {"local_authority": "Council", "ward": "Ward", "lsoa": "LSOA (neighbourhood)",
                    "borough": "Whole borough"}
BOUNDARY_FILES = {"ward": "stockport_wards_2023.geojson", "lsoa": "stockport_lsoa_2021.geojson"}


class QueryError(OpenDataError):
    """A query names a column, filter or sort the dataset does not have."""


@dataclass(frozen=True)
class Entry:
    spec: DatasetSpec
    published: Published | None
    status: Status | None
    changelog: list[Change]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def periods(self) -> list[str]:
        column = self.spec.period_column
        if not column or self.published is None:
            return []
        return sorted({str(r[column]) for r in self.published.rows if r.get(column) is not None})

    @property
    def geography(self) -> str:
        return GEOGRAPHY_LABELS[self.spec.geography.level] if self.spec.geography else "None"

    @property
    def stale(self) -> bool:
        """The last refresh failed: what is served is older than the last pipeline run."""
        return self.status is not None and not self.status.ok

    def facet_values(self) -> dict[str, list[str]]:
        # Periods come as years, financial years (2024-25) and academic years (2024/25): the
        # facet offers the year each starts in, so one list serves every dataset.
        return {"topic": [self.spec.topic], "geography": [self.geography],
                "period": sorted({p[:4] for p in self.periods if p[:4].isdigit()}),
                "publisher": [self.spec.publisher],
                "data": ["Synthetic" if self.spec.synthetic else "Real"]}


FACETS = ("topic", "geography", "period", "publisher", "data")


def entries(specs: Mapping[str, DatasetSpec], store: Store) -> list[Entry]:
    return [entry(spec, store) for spec in sorted(specs.values(), key=lambda s: s.title)]


def entry(spec: DatasetSpec, store: Store) -> Entry:
    return Entry(spec, store.published(spec.name), store.status(spec.name),
                 store.changelog(spec.name))


def search(found: Sequence[Entry], text: str = "",
           chosen: Mapping[str, Sequence[str]] | None = None) -> list[Entry]:
    """Entries matching every word of ``text`` (title, description, keywords, topic) and, for
    each facet, one of the chosen values."""
    words = text.lower().split()
    result = []
    for e in found:
        s = e.spec
        haystack = " ".join([s.title, s.description, s.topic, s.publisher, *s.keywords,
                             *(c.title for c in s.columns)]).lower()
        if not all(w in haystack for w in words):
            continue
        values = e.facet_values()
        if all(not wanted or set(wanted) & set(values[f])
               for f, wanted in (chosen or {}).items() if f in FACETS):
            result.append(e)
    return result


def facet_counts(found: Sequence[Entry]) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for e in found:
        for f, values in e.facet_values().items():
            for v in values:
                counts[f][v] = counts[f].get(v, 0) + 1
    return {f: sorted(c.items()) for f, c in counts.items()}


@dataclass(frozen=True)
class Page:
    columns: tuple[str, ...]
    rows: list[Row]
    total: int
    offset: int
    limit: int


def query(spec: DatasetSpec, published: Published, *,
          filters: Mapping[str, Sequence[str]] | None = None,
          sort: Sequence[str] = (), select: Sequence[str] = (),
          offset: int = 0, limit: int = 100) -> Page:
    """Rows whose columns equal one of the given values (compared as text), sorted by the
    columns named (``-name`` descending; missing values last), a page of them, some columns."""
    known = list(published.columns)
    chosen = list(select) or known
    sort_columns = [s.removeprefix("-") for s in sort]
    unknown = sorted({c for c in [*chosen, *(filters or {}), *sort_columns] if c not in known})
    if unknown:
        raise QueryError(f"dataset {spec.name!r} has no column {', '.join(unknown)}; its columns "
                         f"are {', '.join(known)}.")
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise QueryError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more.")
    rows = [r for r in published.rows
            if all(not values or _text(r.get(c)) in set(values)
                   for c, values in (filters or {}).items())]
    for key in reversed(list(sort)):
        column = key.removeprefix("-")
        present = [r for r in rows if r.get(column) is not None]
        missing = [r for r in rows if r.get(column) is None]
        present.sort(key=_sort_key(column), reverse=key.startswith("-"))
        rows = present + missing
    page = [{c: r.get(c) for c in chosen} for r in rows[offset: offset + limit]]
    return Page(tuple(chosen), page, len(rows), offset, limit)


def _sort_key(column: str) -> Callable[[Row], tuple[int, Any]]:
    def key(row: Row) -> tuple[int, Any]:
        return _sortable(row[column])
    return key


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


SUPPRESSED = "c"  # DfE's and ONS's symbol for a confidential (hidden) value


def csv_text(columns: Sequence[str], rows: Sequence[Row], hidden: Sequence[str] = ()) -> str:
    """CSV; ``None`` in a ``hidden`` (disclosure-controlled) column is written ``c``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c), c in hidden) for c in columns])
    return out.getvalue()


def _csv_cell(value: Any, controlled: bool) -> str:
    if value is None:
        return SUPPRESSED if controlled else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    # Text a spreadsheet would run as a formula gets an apostrophe (`model.spreadsheet`).
    return str(safe_cell(str(value)))


def controlled_columns(spec: DatasetSpec) -> list[str]:
    """Count columns whose empty values were hidden by disclosure control (not missing at
    source). Rates are left out: theirs are empty whenever a count is hidden or is 0."""
    if spec.disclosure.already_published:
        return []
    d = spec.disclosure
    return sorted({p for t in d.tables for p in (*t.parts, t.total) if p})


def boundaries(reference_dir: Path | None, level: str) -> dict[str, Any] | None:
    """The GeoJSON boundaries of a geography level, when the reference data has them."""
    name = BOUNDARY_FILES.get(level)
    if reference_dir is None or name is None:
        return None
    path = reference_dir / "geo" / name
    if not path.exists():
        return None
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise OpenDataError(f"{path}: cannot read the boundaries ({exc}).") from exc
    return loaded


def geojson(spec: DatasetSpec, rows: Sequence[Row], shapes: Mapping[str, Any] | None
            ) -> dict[str, Any]:
    """A FeatureCollection: one feature per row, with its area's boundary when known
    (``geometry`` null otherwise, as GeoJSON allows)."""
    if spec.geography is None:
        raise QueryError(f"dataset {spec.name!r} has no geography, so no GeoJSON; download it "
                         "as CSV or JSON.")
    by_code = {f["properties"].get("area_code"): f["geometry"]
               for f in (shapes or {}).get("features", [])}
    column = spec.geography.column
    return {"type": "FeatureCollection", "name": spec.name,
            "features": [{"type": "Feature", "geometry": by_code.get(r.get(column)),
                          "properties": r} for r in rows]}


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
