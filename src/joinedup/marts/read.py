"""Reading marts: their rows with the metadata that says where they came from, and whether
they are fresh. Readers open the snapshot read-only (`joinedup.warehouse.open_current`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from joinedup.errors import MartError
from joinedup.marts import catalogue

BUILD_HINT = "run `joinedup marts build` (or `joinedup ingest`, which builds them)"


@dataclass(frozen=True, slots=True)
class MartInfo:
    name: str
    description: str
    record_level: bool
    snapshot_id: str
    built_at: dt.datetime
    data_as_of: dt.date | None
    geography: str
    rows: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Freshness:
    stale: bool
    age_days: int | None
    message: str


@dataclass(frozen=True, slots=True)
class MartRows:
    info: MartInfo
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _has_info(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables "
                      "WHERE table_schema = 'main' AND table_name = ?",
                      [catalogue.INFO_TABLE]).fetchone()
    return bool(row and row[0])


def infos(con: duckdb.DuckDBPyConnection) -> dict[str, MartInfo]:
    """Every mart's metadata in this snapshot (empty when no marts were built)."""
    if not _has_info(con):
        return {}
    rows = con.execute("SELECT name, description, record_level, snapshot_id, built_at, "
                       "data_as_of, geography, rows, seconds FROM mart_info").fetchall()
    return {r[0]: MartInfo(*r) for r in rows}


def info(con: duckdb.DuckDBPyConnection, name: str) -> MartInfo:
    mart = catalogue.spec(name)
    found = infos(con).get(mart.name)
    if found is None:
        raise MartError(f"the mart {mart.name!r} is not in this snapshot: {BUILD_HINT}.")
    return found


def read(con: duckdb.DuckDBPyConnection, name: str,
         where: Mapping[str, Sequence[Any]] | None = None,
         columns: Sequence[str] | None = None) -> MartRows:
    """A mart's rows (optionally only those whose columns hold one of the given values, and
    only some columns) with its metadata. Column names are checked against the mart."""
    mart_info = info(con, name)
    table = catalogue.spec(name).table
    available = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    wanted = list(columns) if columns else available
    unknown = [c for c in [*wanted, *(where or {})] if c not in available]
    if unknown:
        raise MartError(f"the mart {name!r} has no column {', '.join(map(repr, unknown))}; "
                        f"its columns are {', '.join(available)}.")
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in (where or {}).items():
        if not values:
            continue
        clauses.append(f'"{column}" IN ({", ".join("?" for _ in values)})')
        params.extend(values)
    select = ", ".join(f'"{c}"' for c in wanted)
    sql = f'SELECT {select} FROM "{table}"'
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    rows = con.execute(sql + " ORDER BY ALL", params).fetchall()
    return MartRows(mart_info, tuple(wanted), rows)


def freshness(mart_info: MartInfo, today: dt.date, stale_after_days: int) -> Freshness:
    """Stale when the data is older than ``stale_after_days`` on ``today``."""
    if mart_info.data_as_of is None:
        return Freshness(True, None, "The source data's date is not known: treat these "
                                     "figures with care.")
    age = (today - mart_info.data_as_of).days
    when = mart_info.data_as_of.strftime("%-d %B %Y")
    if age > stale_after_days:
        return Freshness(True, age, f"These figures are stale: the data is correct as of "
                                    f"{when}, {age} days ago (expected within "
                                    f"{stale_after_days} days).")
    return Freshness(False, age, f"Data correct as of {when}.")
