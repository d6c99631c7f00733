"""Build every mart into a snapshot, as a pipeline step or on its own (a new snapshot).

Marts are set-based SQL over the model tables (`sql/<name>.sql`), built in one connection
after a shared staging step; each becomes ``mart_<name>``, and ``mart_info`` records for each
the snapshot it came from, when it was built, how current its data is, its rows and seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from joinedup.config import Settings
from joinedup.errors import MartError, WarehouseError
from joinedup.marts import catalogue
from joinedup.marts.holidays import bank_holidays_between
from joinedup.marts.reference import GAZETTEER_FOLDER, load_gazetteer
from joinedup.warehouse.snapshots import BUILDING_PREFIX, SUFFIX, SnapshotStore

_STAGING_TABLES = ("_mart_bank_holiday", "_mart_source", "_mart_person", "_mart_calendar",
                   "_mart_enrolment", "_mart_sen", "_mart_ehc", "_mart_resident")
_MODEL_TABLES = ("event", "person_record", "source_freshness")
# Written by a link run (`joinedup link`); the residents mart is empty without them.
_PEOPLE_TABLES = ("person_index", "household", "household_member")
_MART_SERVICE = {"attendance_pupil": "education", "attendance": "education",
                 "attendance_week_pupil": "education", "attendance_week": "education",
                 "exclusions": "education", "school_roll": "education", "send": "education",
                 "send_open": "education", "csc_flow": "childrens_social_care",
                 "early_help": "early_help"}
# Marts as current as their latest school week (its Friday), not the source's extract date:
# a half-term week has no sessions, so the figures stop at the week before.
_WEEKLY = {"attendance_week_pupil": "mart_attendance_week", "attendance_week":
           "mart_attendance_week"}


@dataclass(frozen=True, slots=True)
class MartBuilt:
    name: str
    rows: int
    seconds: float


@dataclass(frozen=True, slots=True)
class BuildReport:
    snapshot_id: str
    geography: str
    marts: tuple[MartBuilt, ...]
    seconds: float
    skipped: str | None = None
    """Why no mart was built (a snapshot without the model tables), or None."""


def snapshot_id_of(con: duckdb.DuckDBPyConnection) -> str:
    """The id of the snapshot a connection has open (a build's or a committed one's)."""
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    name = Path(str(row[0])).name if row and row[0] else ""
    if not name.endswith(SUFFIX):
        return "in-memory"
    return name.removesuffix(SUFFIX).removeprefix(BUILDING_PREFIX)


def build_marts(con: duckdb.DuckDBPyConnection, gazetteer: Path | None = None,
                *, snapshot_id: str | None = None) -> BuildReport:
    """Build every mart in ``con`` (a snapshot being written) from its model tables."""
    started = time.perf_counter()
    snapshot_id = snapshot_id or snapshot_id_of(con)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main'").fetchall()}
    missing = sorted(set(_MODEL_TABLES) - tables)
    if missing:
        return BuildReport(snapshot_id, "none", (), 0.0,
                           skipped=f"the snapshot has no {', '.join(missing)} table")
    try:
        geography = load_gazetteer(con, gazetteer)
        con.execute("CREATE OR REPLACE TEMP TABLE _mart_bank_holiday (day DATE)")
        con.executemany("INSERT INTO _mart_bank_holiday VALUES (?)",
                        [[day] for day in bank_holidays_between(1990, 2059)])
        con.execute(catalogue.sql("_staging"))
        _stage_residents(con, tables)
        built = []
        for mart in catalogue.MARTS:
            t0 = time.perf_counter()
            con.execute(f'CREATE OR REPLACE TABLE "{mart.table}" AS {catalogue.sql(mart.name)}')
            _plain_types(con, mart.table)
            count = con.execute(f'SELECT count(*) FROM "{mart.table}"').fetchone()
            built.append(MartBuilt(mart.name, int(count[0]) if count else 0,
                                   time.perf_counter() - t0))
        _write_info(con, snapshot_id, geography, built)
    except duckdb.Error as exc:
        raise MartError(f"building the marts failed: {exc}. The snapshot must hold the model "
                        "tables and source_freshness (run `joinedup ingest`); if it does, "
                        "this is a bug: please report it.") from exc
    finally:
        for table in _STAGING_TABLES:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
    return BuildReport(snapshot_id, geography, tuple(built), time.perf_counter() - started)


def _stage_residents(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """_mart_resident: one row per person living somewhere on the snapshot date (a current
    household membership; the latest move-in when a person has two), with the person
    index's date of birth and the household's postcode. Empty before a link run."""
    if not set(_PEOPLE_TABLES) <= tables:
        con.execute("CREATE OR REPLACE TEMP TABLE _mart_resident (person_id VARCHAR, "
                    "dob DATE, postcode VARCHAR)")
        return
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _mart_resident AS
        SELECT m.person_id, any_value(i.dob) AS dob,
               arg_max(h.postcode, struct_pack(s := coalesce(m.start_date, DATE '0001-01-01'),
                                               h := m.household_id)) AS postcode
        FROM household_member AS m
        JOIN household AS h USING (household_id)
        JOIN person_index AS i USING (person_id)
        WHERE m.current
        GROUP BY m.person_id""")


def _plain_types(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Sums come out of DuckDB as HUGEINT or wide DECIMAL, which every dashboard query would
    then add up again several times slower than BIGINT and DOUBLE: store the plain types."""
    casts = []
    for name, kind, *_ in con.execute(f'DESCRIBE "{table}"').fetchall():
        if kind == "HUGEINT":
            casts.append(f'"{name}"::BIGINT AS "{name}"')
        elif str(kind).startswith("DECIMAL"):
            casts.append(f'"{name}"::DOUBLE AS "{name}"')
    if casts:
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * REPLACE '
                    f'({", ".join(casts)}) FROM "{table}"')


def _write_info(con: duckdb.DuckDBPyConnection, snapshot_id: str, geography: str,
                built: list[MartBuilt]) -> None:
    as_at = dict(con.execute("SELECT service, as_at FROM _mart_source").fetchall())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for mart, result in zip(catalogue.MARTS, built, strict=True):
        service = _MART_SERVICE.get(mart.name)
        # The area summary is as current as the oldest of the services it summarises.
        data_as_of = as_at.get(service) if service else min(as_at.values(), default=None)
        if mart.name in _WEEKLY:
            latest = con.execute(f'SELECT max(week_end) FROM "{_WEEKLY[mart.name]}"').fetchone()
            if latest and latest[0] is not None:
                data_as_of = min(latest[0], data_as_of) if data_as_of else latest[0]
        rows.append((mart.name, mart.table, mart.description, mart.record_level, snapshot_id,
                     now, data_as_of, service, geography, result.rows,
                     round(result.seconds, 3)))
    con.execute("CREATE OR REPLACE TABLE mart_info (name VARCHAR, table_name VARCHAR, "
                "description VARCHAR, record_level BOOLEAN, snapshot_id VARCHAR, "
                "built_at TIMESTAMP, data_as_of DATE, service VARCHAR, geography VARCHAR, "
                "rows BIGINT, seconds DOUBLE)")
    con.executemany("INSERT INTO mart_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def gazetteer_for(sources_file: Path) -> Path:
    """Where the address reference lives for a sources.yaml: a folder beside it."""
    return sources_file.parent / GAZETTEER_FOLDER


def marts_step(gazetteer: Path | None) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A `run_ingest` step: the marts are published with the data they came from."""

    def step(con: duckdb.DuckDBPyConnection) -> None:
        build_marts(con, gazetteer)

    return step


def rebuild_current(settings: Settings, gazetteer: Path | None = None) -> BuildReport:
    """Build the marts of the current snapshot into a new snapshot and switch to it.

    The new snapshot is a copy of the current one plus fresh marts, so readers never see a
    snapshot whose marts are half built; a failure leaves the current snapshot served.
    """
    store = SnapshotStore.from_settings(settings)
    with store.lock():
        store.clean_leftovers()
        current = store.current_id()
        if current is None:
            raise WarehouseError(f"there is no warehouse snapshot yet in {store.root}: run "
                                 "`joinedup ingest` first.")
        with store.build(seed=current) as build:
            if not build.seeded:
                literal = store.path(current).as_posix().replace("'", "''")
                database = build.con.execute("SELECT current_database()").fetchall()[0][0]
                build.con.execute(f"ATTACH '{literal}' AS prior_snapshot (READ_ONLY)")
                build.con.execute(f'COPY FROM DATABASE prior_snapshot TO "{database}"')
                build.con.execute("DETACH prior_snapshot")
            report = build_marts(build.con, gazetteer, snapshot_id=build.id)
            build.commit()
        store.housekeep(settings.snapshots_keep, settings.reports_dir)
    return report
