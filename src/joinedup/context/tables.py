"""Per-person lookup tables for the Family Context pages, and how queries reach them.

A person page reads one person's rows out of tables keyed by source record, so each query
would scan every `event` or `involvement` row to find a handful (measured on the 30,000
person borough: 30-70 ms a table, ten times that at a million records). `build_context_tables`
therefore writes, once per link run, copies keyed and indexed by `person_id`:

- `context_person`: `person_index` plus the services that know the person and the earliest
  recorded date of death;
- `context_record`: every `person_record` row with its person, the service and system of its
  source, its match probability, cluster size and flag;
- `context_address`, `context_involvement`, `context_event`: `address_history`,
  `involvement` and `event` rows with their person;
- `context_pair`: scored pairs (`person_link_pair`) whose two records belong to one person;
- `context_family`: `family_edge` seen from each end (``member_id`` is what ``relationship``
  says to ``person_id``), with the member's golden name, birth and death dates;
- `context_household`: for each person and household they lived in, one row per co-member
  (only themselves in a communal establishment), with the member's golden name and dates;
- `context_info`: one row: the layout version and whether the snapshot has family tables.

An ART index on `person_id` makes each lookup a point read (under a millisecond). A snapshot
linked without these tables still works: the same names are created as temporary views over
the warehouse tables on first use (`run`), slower but with the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from joinedup.errors import WarehouseError
from joinedup.model import ENTITIES
from joinedup.sources.schema import quote_ident

CONTEXT_VERSION = 1
CONTEXT_TABLES = ("context_person", "context_record", "context_address", "context_involvement",
                  "context_event", "context_pair", "context_family", "context_household",
                  "context_info")
FAMILY_SOURCES = ("family_edge", "household", "household_member")
_INDEXED = tuple(name for name in CONTEXT_TABLES if name != "context_info")
_LINEAGE = ("_file", "_row")


def _columns(entity: str, alias: str) -> str:
    names = [spec.name for spec in ENTITIES[entity].fields] + list(_LINEAGE)
    return ", ".join(f"{alias}.{quote_ident(name)}" for name in names)


_SOURCES = ("(SELECT source, min(service) AS service, min(system) AS system "
            "FROM source_freshness GROUP BY source)")

_RECORD = f"""
    SELECT l.person_id, r.source, r.source_record_id, f.service, f.system,
           l.match_probability, l.cluster_size, l.flagged,
           r.first_name, r.middle_names, r.surname, r.dob, r.sex, r.address, r.postcode,
           r.uprn, r.nhs_number, r.upn, r.date_of_death, r.recorded_date, r._file, r._row
    FROM person_record AS r JOIN person_link AS l USING (source, source_record_id)
    LEFT JOIN {_SOURCES} AS f USING (source)
"""


def _by_record(entity: str) -> str:
    table = ENTITIES[entity].table
    return (f"SELECT l.person_id, {_columns(entity, 't')} FROM {quote_ident(table)} AS t "
            "JOIN person_link AS l USING (source, source_record_id)")


_PERSON = """
    WITH known AS (
        SELECT person_id, service FROM context_record WHERE service IS NOT NULL
        UNION SELECT person_id, service FROM context_involvement
        UNION SELECT person_id, service FROM context_event
    ), services AS (
        SELECT person_id, list(service ORDER BY service) AS services FROM known GROUP BY ALL
    ), deaths AS (
        SELECT person_id, min(date_of_death) AS date_of_death FROM context_record
        WHERE date_of_death IS NOT NULL GROUP BY ALL
    )
    SELECT p.person_id, p.first_name, p.surname, p.dob, p.sex, p.address, p.postcode, p.uprn,
           p.nhs_number, p.upn, p.records, p.sources,
           coalesce(s.services, []::VARCHAR[]) AS services, d.date_of_death
    FROM person_index AS p LEFT JOIN services AS s USING (person_id)
    LEFT JOIN deaths AS d USING (person_id)
"""

_PAIR = """
    SELECT a.person_id, p.source_l, p.source_record_id_l, p.source_r, p.source_record_id_r,
           p.match_probability, p.match_weight
    FROM person_link_pair AS p
    JOIN person_link AS a ON a.source = p.source_l AND a.source_record_id = p.source_record_id_l
    JOIN person_link AS b ON b.source = p.source_r AND b.source_record_id = p.source_record_id_r
    WHERE a.person_id = b.person_id
"""

_MEMBER = ("o.first_name AS member_first_name, o.surname AS member_surname, "
           "o.dob AS member_dob, o.date_of_death AS member_date_of_death")

_FAMILY = f"""
    WITH seen AS (
        SELECT person_id_b AS person_id, person_id_a AS member_id, relationship, sources,
               declarations, evidence, co_resident, confidence, start_date, end_date
        FROM family_edge
        UNION ALL
        SELECT person_id_a, person_id_b,
               CASE relationship WHEN 'parent' THEN 'child' WHEN 'carer' THEN 'cared_for'
                    ELSE relationship END,
               sources, declarations, evidence, co_resident, confidence, start_date, end_date
        FROM family_edge
    )
    SELECT s.*, {_MEMBER} FROM seen AS s LEFT JOIN context_person AS o ON o.person_id = s.member_id
"""

_HOUSEHOLD = f"""
    SELECT m.person_id, h.household_id, h.address, h.postcode, h.uprn,
           h.start_date AS household_start, h.end_date AS household_end,
           h.current AS household_current, h.communal,
           m.start_date, m.end_date, m.current, m.sources,
           x.person_id AS member_id, x.start_date AS member_start, x.end_date AS member_end,
           x.current AS member_current, x.sources AS member_sources, {_MEMBER}
    FROM household_member AS m JOIN household AS h USING (household_id)
    JOIN household_member AS x
      ON x.household_id = m.household_id AND (NOT h.communal OR x.person_id = m.person_id)
    LEFT JOIN context_person AS o ON o.person_id = x.person_id
"""

_NO_FAMILY = """
    SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS member_id, NULL::VARCHAR AS relationship,
           NULL::VARCHAR[] AS sources, NULL::BIGINT AS declarations, NULL::VARCHAR AS evidence,
           NULL::BOOLEAN AS co_resident, NULL::DOUBLE AS confidence, NULL::DATE AS start_date,
           NULL::DATE AS end_date, NULL::VARCHAR AS member_first_name,
           NULL::VARCHAR AS member_surname, NULL::DATE AS member_dob,
           NULL::DATE AS member_date_of_death
    WHERE false
"""

_NO_HOUSEHOLD = """
    SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS household_id, NULL::VARCHAR AS address,
           NULL::VARCHAR AS postcode, NULL::VARCHAR AS uprn, NULL::DATE AS household_start,
           NULL::DATE AS household_end, NULL::BOOLEAN AS household_current,
           NULL::BOOLEAN AS communal, NULL::DATE AS start_date, NULL::DATE AS end_date,
           NULL::BOOLEAN AS current, NULL::VARCHAR[] AS sources, NULL::VARCHAR AS member_id,
           NULL::DATE AS member_start, NULL::DATE AS member_end, NULL::BOOLEAN AS member_current,
           NULL::VARCHAR[] AS member_sources, NULL::VARCHAR AS member_first_name,
           NULL::VARCHAR AS member_surname, NULL::DATE AS member_dob,
           NULL::DATE AS member_date_of_death
    WHERE false
"""


def _definitions(has_family: bool) -> list[tuple[str, str]]:
    """(name, SELECT) in build order: later ones read earlier ones."""
    return [
        ("context_record", _RECORD),
        ("context_address", _by_record("address")),
        ("context_involvement", _by_record("involvement")),
        ("context_event", _by_record("event")),
        ("context_person", _PERSON),
        ("context_pair", _PAIR),
        ("context_family", _FAMILY if has_family else _NO_FAMILY),
        ("context_household", _HOUSEHOLD if has_family else _NO_HOUSEHOLD),
        ("context_info", f"SELECT {CONTEXT_VERSION} AS version, {has_family} AS has_family"),
    ]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(name) for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema()").fetchall()}


def has_family_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the snapshot holds the household and family tables of a link run."""
    return set(FAMILY_SOURCES) <= _tables(con)


def build_context_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Write the context tables (module docstring) on a link build's connection.

    Call it after `person_link`, `person_index`, `person_link_pair` and, when there are any,
    the household and family tables are written. Replaces earlier context tables.
    """
    has_family = has_family_tables(con)
    for name, select in _definitions(has_family):
        order = "" if name == "context_info" else " ORDER BY person_id"
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}{order}")
    for name in _INDEXED:
        con.execute(f"CREATE INDEX {name}_person ON {name} (person_id)")


def install_context_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the context tables' names as temporary views, for a snapshot linked without
    them (works on a read-only connection; lasts as long as the connection)."""
    present = _tables(con)
    missing = [name for name in ("person_link", "person_index") if name not in present]
    if missing:
        raise WarehouseError(f"the snapshot has no {' or '.join(missing)}: its person records "
                             "have not been linked into people. Run `joinedup link` first.")
    has_family = set(FAMILY_SOURCES) <= present
    for name, select in _definitions(has_family):
        if name not in present:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {select}")


Row = dict[str, Any]


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object]) -> list[Row]:
    cursor = con.execute(sql, list(params))
    names = [str(column[0]) for column in cursor.description or ()]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[Row]:
    """A query over the context tables as dicts, installing the fallback views if needed.

    The check costs nothing on a snapshot that has the tables: the views are only made when
    DuckDB reports a missing context table.
    """
    try:
        return _fetch(con, sql, params)
    except duckdb.CatalogException as error:
        if "context_" not in str(error):
            raise
    install_context_views(con)
    return _fetch(con, sql, params)
