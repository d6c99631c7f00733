"""The dashboards' named query functions over the marts: filter choices, tables, headline
figures, drill-down rows and map values. SQL is built from a validated dashboard only:
identifiers are quoted and checked against the mart's columns, values are bound."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from joinedup.errors import MartError
from joinedup.insight.schema import Dashboard, Drill, Headline, Measure
from joinedup.marts import spec

Chosen = Mapping[str, Sequence[str]]
"""Filter id -> the values chosen (none chosen: no narrowing)."""
AREA_COLUMNS = {"ward_code", "lsoa_code"}
DENOMINATOR = "__denominator"
"""Suffix of the hidden column holding a ratio measure's denominator in table rows."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str
    unit: str  # "text" for grouping columns, else the measure's unit


@dataclass(frozen=True, slots=True)
class TableResult:
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class HeadlineResult:
    label: str
    unit: str
    period: str | None
    value: float | None
    previous_period: str | None
    previous: float | None
    rag: Literal["red", "amber", "green"] | None
    target: float | None
    denominator: float | None = None
    """The latest period's denominator, for a ratio (disclosure control needs it)."""
    hidden: bool = False
    """Withheld by disclosure control (`joinedup.insight.suppress`)."""

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[str]:
    table = spec(mart).table
    try:
        return [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    except duckdb.CatalogException as exc:
        raise MartError(f"the mart {mart!r} is not in this snapshot: run `joinedup marts "
                        "build`.") from exc


def _check(mart: str, wanted: Sequence[str], available: Sequence[str]) -> None:
    unknown = [c for c in wanted if c not in available]
    if unknown:
        raise MartError(f"the mart {mart!r} has no column {', '.join(map(repr, unknown))}: "
                        "fix the dashboard file or rebuild the marts.")


def _expr(measure: Measure) -> str:
    if measure.sum is not None:
        return f'sum("{measure.sum}")'
    assert measure.ratio is not None
    num, den = measure.ratio
    return f'sum("{num}") * {float(measure.scale)!r} / nullif(sum("{den}"), 0)'


def _where(dashboard: Dashboard, available: Sequence[str], chosen: Chosen,
           extra: Mapping[str, Sequence[Any]] | None = None, alias: str = ""
           ) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    narrowing = {f.column: list(chosen.get(f.id, ())) for f in dashboard.filters}
    narrowing.update({k: list(v) for k, v in (extra or {}).items()})
    for column, values in narrowing.items():
        if values and column in available:
            clauses.append(f'{alias}"{column}" IN ({", ".join("?" for _ in values)})')
            params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def area_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Ward and LSOA code -> name, from the postcode lookup the marts were built with."""
    try:
        return dict(con.execute("SELECT code, name FROM mart_area").fetchall())
    except duckdb.CatalogException:
        return {}


def filter_options(con: duckdb.DuckDBPyConnection, dashboard: Dashboard
                   ) -> dict[str, list[tuple[str, str]]]:
    """Each filter's choices (value, label): the values in the marts the dashboard uses."""
    marts = {t.mart for t in dashboard.tables} | {h.mart for h in dashboard.headlines}
    names = area_names(con)
    values: dict[str, set[str]] = {f.id: set() for f in dashboard.filters}
    for mart in sorted(marts):
        available = _columns(con, mart)
        wanted = [f for f in dashboard.filters if f.column in available]
        if not wanted:
            continue
        # One scan of the mart for every filter, not one query per filter.
        parts = [f"SELECT ? AS k, CAST(\"{f.column}\" AS VARCHAR) AS v FROM "
                 f"(SELECT DISTINCT \"{f.column}\" FROM \"{spec(mart).table}\" "
                 f"WHERE \"{f.column}\" IS NOT NULL)" for f in wanted]
        for key, value in con.execute(" UNION ALL ".join(parts),
                                      [f.id for f in wanted]).fetchall():
            values[key].add(value)
    options: dict[str, list[tuple[str, str]]] = {}
    for f in dashboard.filters:
        pairs = [(v, names.get(v) or v if f.column in AREA_COLUMNS else v) for v in values[f.id]]
        options[f.id] = sorted(pairs, key=lambda o: o[1], reverse=f.kind == "period")
    return options


def table(con: duckdb.DuckDBPyConnection, dashboard: Dashboard, table_id: str,
          chosen: Chosen) -> TableResult:
    """One table of the dashboard, narrowed by the filters chosen."""
    spec_ = dashboard.table(table_id)
    available = _columns(con, spec_.mart)
    measures = {m: dashboard.measures[m] for m in spec_.measures}
    _check(spec_.mart, [*spec_.group_by, *(c for m in measures.values() for c in m.columns),
                        *([spec_.latest] if spec_.latest else [])], available)
    where, params = _where(dashboard, available, chosen)
    if spec_.latest:
        newest = (f'"{spec_.latest}" = (SELECT max("{spec_.latest}") FROM '
                  f'"{spec(spec_.mart).table}"{where})')
        where = f"{where} AND {newest}" if where else f" WHERE {newest}"
        params = [*params, *params]
    groups = ", ".join(f'"{c}"' for c in spec_.group_by)
    figures = ", ".join(f'{_expr(m)} AS "{k}"' for k, m in measures.items())
    # A ratio's denominator travels with the row (not shown): disclosure control needs it.
    figures += "".join(f', sum("{m.ratio[1]}") AS "{k}{DENOMINATOR}"'
                       for k, m in measures.items() if m.ratio)
    order = ", ".join(f'"{c}"{" DESC" if spec_.newest_first else ""}' for c in spec_.group_by)
    sql = (f'SELECT {groups}, {figures} FROM "{spec(spec_.mart).table}"{where} '
           f"GROUP BY {groups} ORDER BY {order}")
    cursor = con.execute(sql, params)
    keys = [d[0] for d in cursor.description]
    rows = [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]
    names = area_names(con) if AREA_COLUMNS & set(spec_.group_by) else {}
    for row in rows:
        for column in AREA_COLUMNS & set(spec_.group_by):
            row[column] = names.get(row[column], row[column])
        for key in [k for k in row if k not in spec_.group_by]:
            row[key] = float(row[key]) if row[key] is not None else None
    columns = tuple([Column(c, dashboard.label(c), "text") for c in spec_.group_by] +
                    [Column(k, m.label, m.unit) for k, m in measures.items()])
    return TableResult(spec_.title, columns, rows)


def _rag(h: Headline, value: float | None) -> Literal["red", "amber", "green"] | None:
    if h.target is None or value is None:
        return None
    short = (h.target - value) if h.better == "higher" else (value - h.target)
    if short <= 0:
        return "green"
    return "amber" if short <= h.amber else "red"


def headline(con: duckdb.DuckDBPyConnection, dashboard: Dashboard, h: Headline,
             chosen: Chosen) -> HeadlineResult:
    """The measure in the latest period the filters allow, and in the period before."""
    measure = dashboard.measures[h.measure]
    order = h.order or h.period
    available = _columns(con, h.mart)
    _check(h.mart, [h.period, order, *measure.columns], available)
    where, params = _where(dashboard, available, chosen)
    denominator = f'sum("{measure.ratio[1]}")' if measure.ratio else "NULL"
    rows = con.execute(
        f'SELECT "{h.period}", {_expr(measure)}, {denominator} FROM "{spec(h.mart).table}"'
        f'{where} GROUP BY "{h.period}" ORDER BY max("{order}") DESC LIMIT 2',
        params).fetchall()
    value = float(rows[0][1]) if rows and rows[0][1] is not None else None
    previous = float(rows[1][1]) if len(rows) > 1 and rows[1][1] is not None else None
    return HeadlineResult(h.label, measure.unit, str(rows[0][0]) if rows else None, value,
                          str(rows[1][0]) if len(rows) > 1 else None, previous,
                          _rag(h, value), h.target,
                          float(rows[0][2]) if rows and rows[0][2] is not None else None)


def drill_rows(con: duckdb.DuckDBPyConnection, dashboard: Dashboard, drill: Drill,
               chosen: Chosen, limit: int = 500) -> TableResult:
    """Named records behind the figures (record-level marts), with the person id when the
    snapshot is linked, so authorised roles can open the Family Context page."""
    available = _columns(con, drill.mart)
    _check(drill.mart, [*drill.columns, *drill.where, "source", "source_record_id",
                        *([drill.latest] if drill.latest else [])], available)
    where, params = _where(dashboard, available, chosen, drill.where, alias="m.")
    table_name = spec(drill.mart).table
    if drill.latest:
        # The latest value the dashboard's filters allow, whoever the drill then picks out.
        inner, inner_params = _where(dashboard, available, chosen)
        newest = (f'm."{drill.latest}" = (SELECT max("{drill.latest}") FROM "{table_name}"'
                  f"{inner})")
        where = f"{where} AND {newest}" if where else f" WHERE {newest}"
        params = [*params, *inner_params]
    linked = bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                              "table_name = 'person_link'").fetchone()[0])  # type: ignore[index]
    person = ("(SELECT l.person_id FROM person_link AS l WHERE l.source = m.source AND "
              "l.source_record_id = m.source_record_id LIMIT 1)") if linked else "NULL"
    select = ", ".join(f'm."{c}"' for c in drill.columns)
    cursor = con.execute(f'SELECT {select}, {person} AS person_id FROM "{table_name}" AS m'
                         f"{where} ORDER BY ALL LIMIT {int(limit)}", params)
    keys = [d[0] for d in cursor.description]
    rows = [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]
    names = area_names(con)
    for row in rows:
        for column in AREA_COLUMNS & set(drill.columns):
            row[column] = names.get(row[column], row[column])
    return TableResult(drill.title, tuple(Column(c, dashboard.label(c), "text")
                                          for c in drill.columns), rows)


@dataclass(frozen=True, slots=True)
class MapValues:
    year: str | None
    values: dict[str, float | None]
    count: bool
    """A count (no denominator): an area with no row has 0, not "no figure"."""
    denominators: dict[str, float | None]

    def of(self, code: str) -> float | None:
        return self.values.get(code, 0.0 if self.count else None)


def map_values(con: duckdb.DuckDBPyConnection, mart: str, measure: str, level: str,
               year: str | None = None) -> MapValues:
    """A map layer: area code -> value for one measure and year (default: the latest)."""
    if year is None:
        row = con.execute("SELECT max(year) FROM mart_area_summary WHERE mart = ? AND "
                          "measure = ?", [mart, measure]).fetchone()
        year = row[0] if row else None
    rows = con.execute(
        "SELECT area_code, CASE WHEN denominator IS NULL THEN numerator ELSE "
        "numerator * 100.0 / nullif(denominator, 0) END, denominator IS NULL, denominator "
        "FROM mart_area_summary WHERE mart = ? AND measure = ? AND area_level = ? AND "
        "year = ?", [mart, measure, level, year]).fetchall()
    count = bool(rows) and all(r[2] for r in rows)
    return MapValues(year, {r[0]: (float(r[1]) if r[1] is not None else None) for r in rows},
                     count, {r[0]: (float(r[3]) if r[3] is not None else None) for r in rows})


def map_years(con: duckdb.DuckDBPyConnection, mart: str, measure: str) -> list[str]:
    """The years a map layer has figures for, newest first."""
    try:
        rows = con.execute("SELECT DISTINCT year FROM mart_area_summary WHERE mart = ? AND "
                           "measure = ? ORDER BY year DESC", [mart, measure]).fetchall()
    except duckdb.CatalogException as exc:
        raise MartError("the marts are not in this snapshot: run `joinedup marts build`.") \
            from exc
    return [str(r[0]) for r in rows]


def schools(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Schools with a location (the map's point layer), from the gazetteer's schools list."""
    try:
        cursor = con.execute("SELECT school, phase, kind, lat, lon FROM mart_school "
                             "WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY school")
    except duckdb.CatalogException:
        return []
    return [dict(zip(("name", "phase", "kind", "lat", "lon"), r, strict=True))
            for r in cursor.fetchall()]


def family_hubs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Family hubs with a location (a point layer of the map), from the gazetteer's list."""
    try:
        cursor = con.execute("SELECT name, address, postcode, lat, lon FROM mart_family_hub "
                             "WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY name")
    except duckdb.CatalogException:
        return []
    return [dict(zip(("name", "address", "postcode", "lat", "lon"), r, strict=True))
            for r in cursor.fetchall()]
