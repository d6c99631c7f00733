"""The warehouse route: episodes for the Markov flow, the practitioner roster for supply.

Spells of each class come from the source that records the class most (the case system and
the CIN census record the same episodes; counting both would double them):

* early help: involvements of type "Early help episode";
* child in need: involvements of type "Child in need episode";
* child protection: ``cp_plan`` events (event date to end date);
* looked after: involvements of type "Looked after child".

(The involvement and event types are those of needs.yaml's ``open_*`` classes.) Children are
the linked person where a person index exists, else the source's own record.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from joinedup.errors import WarehouseError
from joinedup.workforce.assumptions import CASE_CLASSES, PRACTITIONER_ROLES
from joinedup.workforce.demand import (
    query_event_sources,
    query_involvement_sources,
    warehouse_demand,
)
from joinedup.workforce.flow import MonthlyStates, Spell, estimate_flow, monthly_states
from joinedup.workforce.inputs import AreaInputs, SupplyBase
from joinedup.workforce.needs import load_needs
from joinedup.workforce.series import Series, shift

CLASS_NEEDS = {"early_help": "open_early_help", "child_in_need": "open_cin",
               "child_protection": "open_cp", "looked_after": "open_looked_after"}
# Fewer early help cases than this on the roster say too little about who holds them: the
# assumed split is used instead.
MIN_SPLIT_CASES = 30
HISTORY_MONTHS = 48  # four years of episodes: enough months to estimate moves, recent enough


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("SHOW TABLES").fetchall()}


def query_spells(con: duckdb.DuckDBPyConnection, table: str, kind: str,
                 source: str) -> list[tuple[str, date, date | None]]:
    """(child, start, end) of one source's involvements or events of one type."""
    linked = "person_link" in _tables(con)
    person = ('coalesce(l."person_id", x."source" || \':\' || x."source_record_id")' if linked
              else 'x."source" || \':\' || x."source_record_id"')
    join = ('LEFT JOIN "person_link" AS l ON l."source" = x."source" '
            'AND l."source_record_id" = x."source_record_id"') if linked else ""
    kind_col, start_col = (('"involvement_type"', '"start_date"') if table == "involvement"
                           else ('"event_type"', '"event_date"'))
    rows = con.execute(
        f'SELECT {person}, x.{start_col}, x."end_date" FROM "{table}" AS x {join} '
        f'WHERE x."source" = ? AND x.{kind_col} = ? AND x.{start_col} IS NOT NULL',
        [source, kind]).fetchall()
    return [(str(r[0]), r[1], r[2]) for r in rows]


def query_roster(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, float,
                                                               date | None, date | None, str,
                                                               int]]:
    """(service, role, seniority, team, fte, start, leave, employment type, caseload)."""
    rows = con.execute(
        'SELECT coalesce("service", \'\'), lower(coalesce("role", \'\')), '
        'lower(coalesce("seniority", \'\')), coalesce("team", \'\'), '
        'CAST(coalesce("fte", 1) AS DOUBLE), "start_date", "leave_date", '
        'lower(coalesce("employment_type", \'permanent\')), coalesce("caseload", 0) '
        'FROM "practitioner"').fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), float(r[4]), r[5], r[6], str(r[7]),
             int(r[8])) for r in rows]


def episode_spells(con: duckdb.DuckDBPyConnection) -> tuple[list[Spell], list[str]]:
    """Every class's spells from its dominant source, and notes naming the sources."""
    needs = load_needs()
    spells: list[Spell] = []
    notes: list[str] = []
    for case_class in CASE_CLASSES:
        need = needs[CLASS_NEEDS[case_class]]
        if need.involvement_types:
            table, found = "involvement", query_involvement_sources(
                con, list(need.involvement_types))
        else:
            table, found = "event", query_event_sources(con, list(need.event_types))
        if not found:
            notes.append(f"flow: no {case_class} episodes in the warehouse")
            continue
        kind, source, _count, _first, _last = max(found, key=lambda r: r[2])
        for child, start, end in query_spells(con, table, kind, source):
            spells.append(Spell(child, case_class, start, end))
        notes.append(f"flow: {case_class} episodes from {source} ({kind})")
    return spells, notes


def roster_supply(rows: list[tuple[str, str, str, str, float, date | None, date | None, str,
                                   int]], as_of: date) -> dict[str, SupplyBase]:
    """Starting workforce by planning role from the practitioner roster at ``as_of``."""
    year_ago = as_of - timedelta(days=365)
    out: dict[str, SupplyBase] = {}
    for role in PRACTITIONER_ROLES:
        mine = [r for r in rows if _planning_role(r[0], r[1]) == role]
        if not mine:
            continue
        in_post = [r for r in mine if (r[5] is None or r[5] <= as_of)
                   and (r[6] is None or r[6] > as_of)]
        permanent = sum(r[4] for r in in_post if r[7] != "agency")
        agency = sum(r[4] for r in in_post if r[7] == "agency")
        first_year = sum(r[4] for r in in_post if r[7] != "agency" and "newly" in r[2])
        holders = sum(r[4] for r in in_post if r[8] > 0)
        leavers = sum(r[4] for r in mine if r[7] != "agency" and r[6] is not None
                      and year_ago < r[6] <= as_of)
        starters = sum(r[4] for r in mine if r[7] != "agency" and r[5] is not None
                       and year_ago < r[5] <= as_of)
        staff = permanent + agency
        out[role] = SupplyBase(
            permanent_fte=permanent, agency_fte=agency, first_year_fte=first_year,
            turnover=min(leavers / permanent, 0.9) if permanent else None,
            starters_per_year=starters,
            case_holder_share=holders / staff if holders and staff else None)
    return out


def _planning_role(service: str, role: str) -> str | None:
    # Family support workers count as one role wherever they sit (early help teams or a
    # family support service in children's social care).
    if "family support" in role:
        return "family_support_worker"
    if "youth" in role:
        return "youth_worker"
    if service == "childrens_social_care" and ("social worker" in role or "manager" in role):
        return "social_worker"
    if service == "early_help":
        return "early_help_worker"
    return None


def roster_split(rows: list[tuple[str, str, str, str, float, date | None, date | None, str,
                                  int]], as_of: date) -> dict[str, float]:
    """Shares of early help cases each early help role holds, from the caseloads in post at
    ``as_of`` ({} when nobody in those roles holds cases)."""
    held: dict[str, float] = {}
    for r in rows:
        role = _planning_role(r[0], r[1])
        in_post = (r[5] is None or r[5] <= as_of) and (r[6] is None or r[6] > as_of)
        if role and role != "social_worker" and in_post and r[8] > 0:
            held[role] = held.get(role, 0.0) + r[8]
    total = sum(held.values())
    if total < MIN_SPLIT_CASES:
        return {}
    return {role: value / total for role, value in sorted(held.items())}


def _arrival_series(area: str, states: MonthlyStates) -> dict[str, Series]:
    arrivals = states.arrivals()
    start = shift(states.first_month, "month", 1)
    return {name: Series(area, f"arrivals_{name}", "month", start,
                         tuple(float(v) for v in arrivals[1:, j]))
            for j, name in enumerate(states.classes)}


def warehouse_inputs(con: duckdb.DuckDBPyConnection, area: str = "Council") -> AreaInputs:
    """The council's demand, flow model and roster from a warehouse snapshot."""
    try:
        spells, notes = episode_spells(con)
        demand = warehouse_demand(con, council=area, classes=["referral", "contact"])
        roster = query_roster(con) if "practitioner" in _tables(con) else []
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot read episodes from the warehouse ({exc}). Run "
                             "`joinedup ingest` to build a current snapshot.") from exc
    if not spells:
        raise WarehouseError("the warehouse has no early help, child in need, protection or "
                             "looked-after episodes to plan from. Ingest the case system "
                             "extracts, or plan from a CSV of counts (--from csv).")
    latest = max(s.start for s in spells)
    # The latest month is partly extracted: the flow ends with the month before it.
    last_month = shift(date(latest.year, latest.month, 1), "month", -1)
    first_month = shift(last_month, "month", -(HISTORY_MONTHS - 1))
    states = monthly_states(spells, first_month, last_month)
    flow = estimate_flow(states)
    history = {s.need: s for s in demand.series if s.area == area}
    for need, series in list(history.items()):
        # Demand months after the flow's last month are cut so both end together.
        keep = len(series.values) - max(
            (series.end.year - last_month.year) * 12 + series.end.month - last_month.month, 0)
        history[need] = series.with_values(series.values[:max(keep, 0)])
    as_of = shift(last_month, "month", 1) - timedelta(days=1)
    supply = roster_supply(roster, as_of)
    split = roster_split(roster, as_of)
    if not supply:
        notes.append("no practitioner roster in the warehouse")
    if split:
        notes.append("early help cases shared between roles as the roster's caseloads are: "
                     + ", ".join(f"{role.replace('_', ' ')} {share:.0%}"
                                 for role, share in split.items()))
    open_now = states.open_counts()[-1]
    return AreaInputs(area=area, source="warehouse", freq="month", history=history,
                      supply=supply, flow=flow, flow_arrivals=_arrival_series(area, states),
                      flow_open=tuple(float(v) for v in open_now),
                      split={"early_help": split} if split else {},
                      notes=tuple([*notes, *demand.notes, *flow.notes]))
