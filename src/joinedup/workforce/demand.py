"""Demand history by area, period and need class, from the warehouse snapshot.

Areas form a tree: each team adds up to the council (``parents`` maps a child area to its
parent). Events without a team are kept as the team ``"(no team)"`` so that teams still add up
to the council exactly.

Where demand is counted from (rules stated once here, and repeated in docs/workforce.md):

* new demand (``measure: new``): events of the class's ``event_types`` per month, by the team
  of the involvement they belong to. When several sources record the same event type (the case
  system and the CIN census both record referrals), only the source with the most events of
  that type is counted, so a referral is not counted twice; the others are named in the notes.
* open cases (``measure: open``): involvements of the class's ``involvement_types`` (or events
  with an end date) open at the end of each month, from the source with the most of them.
  When that source holds no cases opened before its coverage began, the first months are left
  out (a warm-up as long as most of its cases last) because the open count is still filling.
* months: those the chosen source covers fully (``source_freshness`` coverage; a month is
  complete when the extract runs to at least its 28th). Events dated before the coverage
  start are history carried over from an older system and are not counted as new demand.
  A month with no events inside the coverage had none: it is 0, not missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from joinedup.errors import WarehouseError
from joinedup.workforce.needs import Need, Needs, load_needs
from joinedup.workforce.series import Freq, Series, fill_gaps, shift, steps_between

NO_TEAM = "(no team)"
DAYS_IN_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class DemandHistory:
    """Demand series for a set of areas, how the areas nest, and what was done to the data."""

    series: tuple[Series, ...]
    parents: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    source: str = ""

    def areas(self) -> list[str]:
        return sorted({s.area for s in self.series})

    def needs(self) -> list[str]:
        return sorted({s.need for s in self.series})

    def get(self, area: str, need: str) -> Series | None:
        for item in self.series:
            if item.area == area and item.need == need:
                return item
        return None

    def for_need(self, need: str) -> list[Series]:
        return [s for s in self.series if s.need == need]

    def children(self, area: str) -> list[str]:
        """The areas that add up to ``area``, sorted."""
        return sorted(child for child, parent in self.parents.items() if parent == area)

    def roots(self) -> list[str]:
        """The areas with no parent (the council, or the region)."""
        return sorted(a for a in self.areas() if a not in self.parents)


@dataclass(frozen=True, slots=True)
class Coverage:
    """The months a source covers completely."""

    first: date
    last: date


def _month_end(month: date) -> date:
    return shift(month, "month", 1) - timedelta(days=1)


def complete_months(start: date, end: date) -> Coverage | None:
    """First and last month fully inside ``start``..``end`` (the last may end from the 28th)."""
    first = date(start.year, start.month, 1)
    if start.day != 1:
        first = shift(first, "month", 1)
    last = date(end.year, end.month, 1)
    if end.day < 28 and end != _month_end(last):
        last = shift(last, "month", -1)
    return Coverage(first, last) if last >= first else None


# ---- named queries -------------------------------------------------------------------------

def query_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, date]]:
    """Each source's stated coverage (source_freshness), where it states one."""
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if "source_freshness" not in tables:
        return {}
    rows = con.execute(
        'SELECT "source", "coverage_start", "coverage_end" FROM "source_freshness" '
        'WHERE "coverage_start" IS NOT NULL AND "coverage_end" IS NOT NULL').fetchall()
    return {str(r[0]): (r[1], r[2]) for r in rows}


def query_event_sources(con: duckdb.DuckDBPyConnection,
                        event_types: list[str]) -> list[tuple[str, str, int, date, date]]:
    """(event_type, source, events, first date, last date) for the given event types."""
    rows = con.execute(
        'SELECT "event_type", "source", count(*), min("event_date"), max("event_date") '
        'FROM "event" WHERE list_contains(?, "event_type") GROUP BY ALL',
        [event_types]).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), r[3], r[4]) for r in rows]


def query_event_months(con: duckdb.DuckDBPyConnection, source: str, event_type: str,
                       first: date, last_end: date) -> list[tuple[date, str | None, int]]:
    """(month, team, events) for one source and event type between two dates."""
    rows = con.execute(
        'SELECT CAST(date_trunc(\'month\', e."event_date") AS DATE), i."team", count(*) '
        'FROM "event" AS e LEFT JOIN "involvement" AS i '
        'ON i."source" = e."source" AND i."involvement_id" = e."involvement_id" '
        'WHERE e."source" = ? AND e."event_type" = ? AND e."event_date" BETWEEN ? AND ? '
        'GROUP BY ALL', [source, event_type, first, last_end]).fetchall()
    return [(r[0], None if r[1] is None else str(r[1]), int(r[2])) for r in rows]


def query_involvement_sources(con: duckdb.DuckDBPyConnection,
                              kinds: list[str]) -> list[tuple[str, str, int, date, date]]:
    """(involvement_type, source, involvements, first start, last start) for the given types."""
    rows = con.execute(
        'SELECT "involvement_type", "source", count(*), min("start_date"), max("start_date") '
        'FROM "involvement" WHERE list_contains(?, "involvement_type") GROUP BY ALL',
        [kinds]).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), r[3], r[4]) for r in rows]


def query_open_at_month_end(con: duckdb.DuckDBPyConnection, table: str, source: str,
                            kind: str, first: date,
                            last: date) -> list[tuple[date, str | None, int]]:
    """(month, team, open at its end) for involvements or events of one type and source."""
    if table == "involvement":
        kind_col, start_col, team = '"involvement_type"', '"start_date"', 'x."team"'
        join = ""
    else:
        kind_col, start_col, team = '"event_type"', '"event_date"', 'i."team"'
        join = ('LEFT JOIN "involvement" AS i ON i."source" = x."source" '
                'AND i."involvement_id" = x."involvement_id"')
    rows = con.execute(
        f'WITH months AS (SELECT CAST(m AS DATE) AS month, '
        f'CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end '
        f'FROM range(CAST(? AS DATE), CAST(? AS DATE) + INTERVAL 1 DAY, INTERVAL 1 MONTH) '
        f'AS t(m)) '
        f'SELECT months.month, {team}, count(*) FROM months '
        f'JOIN "{table}" AS x ON x.{start_col} <= months.month_end '
        f'AND (x."end_date" IS NULL OR x."end_date" > months.month_end) {join} '
        f'WHERE x."source" = ? AND x.{kind_col} = ? GROUP BY ALL',
        [first, last, source, kind]).fetchall()
    return [(r[0], None if r[1] is None else str(r[1]), int(r[2])) for r in rows]


# ---- assembling series ---------------------------------------------------------------------

def _pick(rows: list[tuple[str, str, int, date, date]], combine: str,
          notes: list[str]) -> list[tuple[str, str, date, date]]:
    """(type, source, first date, last date) to count: the dominant source per type, or all."""
    by_type: dict[str, list[tuple[str, int, date, date]]] = defaultdict(list)
    for kind, source, count, first, last in rows:
        by_type[kind].append((source, count, first, last))
    chosen: list[tuple[str, str, date, date]] = []
    for kind, options in sorted(by_type.items()):
        options.sort(key=lambda o: (-o[1], o[0]))
        if combine == "sum":
            chosen.extend((kind, o[0], o[2], o[3]) for o in options)
            continue
        source, _, first, last = options[0]
        chosen.append((kind, source, first, last))
        for other in options[1:]:
            notes.append(f"{kind}: counted from {source} only; {other[1]} rows in {other[0]} "
                         "not counted (the same work recorded twice)")
    return chosen


def _coverage(source: str, first: date, last: date,
              stated: dict[str, tuple[date, date]], notes: list[str]) -> Coverage | None:
    if source in stated:
        return complete_months(*stated[source])
    notes.append(f"{source}: no stated coverage; used its first and last event dates")
    return complete_months(first, last)


def query_closed_duration(con: duckdb.DuckDBPyConnection, table: str, source: str,
                          kind: str) -> float | None:
    """80th percentile of the length in days of closed involvements (or events) of one type."""
    kind_col, start_col = (('"involvement_type"', '"start_date"') if table == "involvement"
                           else ('"event_type"', '"event_date"'))
    row = con.execute(
        f'SELECT quantile_cont(date_diff(\'day\', {start_col}, "end_date"), 0.8) '
        f'FROM "{table}" WHERE "source" = ? AND {kind_col} = ? AND "end_date" IS NOT NULL',
        [source, kind]).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _warm_up(con: duckdb.DuckDBPyConnection, table: str, source: str, kind: str,
             first: date, cover: Coverage, notes: list[str]) -> Coverage | None:
    """Open cases undercount until cases opened before the extract began would have closed.

    When the source carries no history from before its coverage (its first case starts inside
    the coverage), the first months are left out: as many as the 80th percentile length of its
    closed cases.
    """
    if first < cover.first - timedelta(days=31):
        return cover
    days = query_closed_duration(con, table, source, kind) or 0.0
    months = int(-(-days // DAYS_IN_MONTH))
    if months <= 0:
        return cover
    start = shift(cover.first, "month", months)
    notes.append(f"{kind} ({source}): open cases start at {start:%Y-%m}; the first {months} "
                 "month(s) of the extract are left out because cases already open when it "
                 "began are missing from it")
    return Coverage(start, cover.last) if start <= cover.last else None


Counts = dict[str, dict[date, float]]  # team -> month -> count


def _add(into: Counts, rows: Iterable[tuple[date, str | None, int]]) -> None:
    for month, team, count in rows:
        bucket = into.setdefault(team or NO_TEAM, {})
        bucket[month] = bucket.get(month, 0.0) + count


def _span(spans: list[Coverage], combine: str) -> Coverage | None:
    if not spans:
        return None
    if combine == "sum":
        # Each source adds its own work: a source that starts later adds from its start.
        return Coverage(min(s.first for s in spans), max(s.last for s in spans))
    return Coverage(max(s.first for s in spans), min(s.last for s in spans))


def _need_counts(con: duckdb.DuckDBPyConnection, need: Need, needs: Needs,
                 stated: dict[str, tuple[date, date]],
                 notes: list[str]) -> tuple[Counts, Coverage | None]:
    counts: Counts = {}
    spans: list[Coverage] = []
    if need.measure == "new":
        found = query_event_sources(con, list(need.event_types))
        for kind, source, first, last in _pick(found, need.combine, notes):
            cover = _coverage(source, first, last, stated, notes)
            if cover is None:
                continue
            spans.append(cover)
            rows = query_event_months(con, source, kind, cover.first, _month_end(cover.last))
            # An event joins the first class that claims it for its team (youth work before
            # early help), so the same episode is never counted in two classes.
            _add(counts, (r for r in rows if needs.classify(kind, r[1]) == need.code))
        return counts, _span(spans, need.combine)
    table = "involvement" if need.involvement_types else "event"
    kinds = list(need.involvement_types or need.event_types)
    found = (query_involvement_sources(con, kinds) if table == "involvement"
             else query_event_sources(con, kinds))
    for kind, source, first, last in _pick(found, need.combine, notes):
        cover = _coverage(source, first, last, stated, notes)
        if cover is not None:
            cover = _warm_up(con, table, source, kind, first, cover, notes)
        if cover is None:
            continue
        spans.append(cover)
        _add(counts, query_open_at_month_end(con, table, source, kind, cover.first,
                                             cover.last))
    return counts, _span(spans, need.combine)


def _series(area: str, need: str, freq: Freq, cover: Coverage,
            counts: dict[date, float]) -> Series:
    size = steps_between(cover.first, cover.last, freq) + 1
    values = [counts.get(shift(cover.first, freq, i), 0.0) for i in range(size)]
    return Series(area, need, freq, cover.first, tuple(values))


def warehouse_demand(con: duckdb.DuckDBPyConnection, *, council: str = "Council",
                     needs: Needs | None = None,
                     classes: Iterable[str] | None = None) -> DemandHistory:
    """Monthly demand by team and council for each need class found in the snapshot."""
    catalogue = needs or load_needs()
    wanted = list(classes) if classes is not None else catalogue.codes()
    try:
        stated = query_coverage(con)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot read the warehouse snapshot ({exc}). Run `joinedup "
                             "ingest` to build a current snapshot.") from exc
    notes: list[str] = []
    out: list[Series] = []
    parents: dict[str, str] = {}
    for code in wanted:
        need = catalogue[code]
        try:
            counts, cover = _need_counts(con, need, catalogue, stated, notes)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot count {code} demand in the warehouse ({exc}). The "
                                 "snapshot may predate the event and involvement tables: "
                                 "run `joinedup ingest` again.") from exc
        if cover is None or not counts:
            notes.append(f"{code}: no data in the warehouse; left out")
            continue
        total: dict[date, float] = defaultdict(float)
        for team, by_month in sorted(counts.items()):
            out.append(_series(team, code, "month", cover, by_month))
            parents[team] = council
            for month, value in by_month.items():
                total[month] += value
        out.append(_series(council, code, "month", cover, dict(total)))
    return DemandHistory(tuple(out), parents, tuple(dict.fromkeys(notes)), "warehouse")


def fill_series(area: str, need: str, freq: Freq, counts: dict[date, float | None],
                notes: list[str], *, zero_missing: bool) -> Series:
    """A gap-free Series; what was filled goes into ``notes``."""
    filled = fill_gaps(area, need, freq, counts, zero_missing=zero_missing)
    notes.extend(filled.notes)
    return filled.series
