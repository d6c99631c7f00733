"""Named queries for the single views: every SQL the views package runs against a linked
warehouse snapshot, with bound parameters. Each returns plain rows (dicts); the logic that
reads them is in the view modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from joinedup.views.errors import NotLinked

Row = dict[str, Any]
NEEDED = ("person_link", "person_index", "household", "household_member", "event",
          "address_history", "person_record", "source_freshness")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def require_linked(con: duckdb.DuckDBPyConnection) -> None:
    """`NotLinked` unless the snapshot has the person index and the household tables."""
    have = {r["table_name"] for r in _rows(
        con, "SELECT table_name FROM information_schema.tables", [])}
    missing = [t for t in NEEDED if t not in have]
    if missing:
        raise NotLinked(missing)


def reference_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The newest `data_current_as_of` of any source: what "now" means for the snapshot."""
    found = _rows(con, "SELECT max(data_current_as_of) AS d FROM source_freshness", [])
    day = found[0]["d"] if found else None
    return day if isinstance(day, dt.date) else dt.date.today()


def discounted_accounts(con: duckdb.DuckDBPyConnection, source: str, event_type: str,
                        category: str, on: dt.date) -> list[Row]:
    """Accounts open on `on` whose category is the discount, with the lead liable party's
    person, link confidence and the postcode the account gives for the property."""
    return _rows(con, """
        SELECT e.event_id AS account_no, e.source, e.source_record_id AS lead_record_id,
               e.event_date AS account_start, e.detail AS band,
               l.person_id AS lead_person_id, l.match_probability AS lead_confidence,
               (SELECT min(a.postcode) FROM address_history AS a
                 WHERE a.source = e.source AND a.source_record_id = e.source_record_id
               ) AS postcode
        FROM event AS e
        JOIN person_link AS l USING (source, source_record_id)
        WHERE e.source = ? AND e.event_type = ? AND e.category = ?
          AND e.event_date <= ? AND (e.end_date IS NULL OR e.end_date > ?)
        ORDER BY e.event_id
    """, [source, event_type, category, on, on])


def stays_of(con: duckdb.DuckDBPyConnection, person_ids: list[str], on: dt.date,
             ) -> list[Row]:
    """Each person's household stays that cover `on`, with the household's address."""
    if not person_ids:
        return []
    return _rows(con, """
        SELECT m.person_id, m.household_id, m.sources, h.address, h.postcode, h.uprn,
               h.communal
        FROM household_member AS m JOIN household AS h USING (household_id)
        WHERE m.person_id IN (SELECT unnest(?::VARCHAR[]))
          AND (m.start_date IS NULL OR m.start_date <= ?)
          AND (m.end_date IS NULL OR m.end_date > ?)
        ORDER BY m.person_id, m.household_id
    """, [person_ids, on, on])


def residents_of(con: duckdb.DuckDBPyConnection, household_ids: list[str], on: dt.date,
                 ) -> list[Row]:
    """Everyone whose stay in these households covers `on`, with their golden record."""
    if not household_ids:
        return []
    return _rows(con, """
        SELECT m.household_id, m.person_id, m.start_date, m.end_date, m.sources,
               m.evidence, m.dated, p.first_name, p.surname, p.dob
        FROM household_member AS m JOIN person_index AS p USING (person_id)
        WHERE m.household_id IN (SELECT unnest(?::VARCHAR[]))
          AND (m.start_date IS NULL OR m.start_date <= ?)
          AND (m.end_date IS NULL OR m.end_date > ?)
        ORDER BY m.household_id, m.start_date NULLS FIRST, m.person_id
    """, [household_ids, on, on])


def record_links(con: duckdb.DuckDBPyConnection, person_ids: list[str]) -> list[Row]:
    """Every source record of these people with its match probability."""
    if not person_ids:
        return []
    return _rows(con, """
        SELECT l.person_id, l.source, l.source_record_id, l.match_probability
        FROM person_link AS l
        WHERE l.person_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY l.person_id, l.source, l.source_record_id
    """, [person_ids])


def lead_names(con: duckdb.DuckDBPyConnection, person_ids: list[str]) -> list[Row]:
    if not person_ids:
        return []
    return _rows(con, """
        SELECT person_id, first_name, surname, dob FROM person_index
        WHERE person_id IN (SELECT unnest(?::VARCHAR[]))
    """, [person_ids])


def gp_registrations(con: duckdb.DuckDBPyConnection, event_type: str, on: dt.date,
                     ) -> list[Row]:
    """GP registrations open on `on`: practice (the event's category), the registering
    record, its person and match probability, and the NHS number that record holds."""
    return _rows(con, """
        SELECT e.category AS practice, e.event_date AS registered_from, e.source,
               e.source_record_id, l.person_id, l.match_probability, r.nhs_number
        FROM event AS e
        JOIN person_link AS l USING (source, source_record_id)
        LEFT JOIN person_record AS r USING (source, source_record_id)
        WHERE e.event_type = ? AND e.event_date <= ? AND (e.end_date IS NULL OR e.end_date > ?)
          AND e.category IS NOT NULL
        ORDER BY l.person_id, e.source, e.source_record_id
    """, [event_type, on, on])


def social_care_spells(con: duckdb.DuckDBPyConnection, sources: list[str],
                       plan_events: list[str], since: dt.date, on: dt.date) -> list[Row]:
    """Children's social care involvements and plan events (child protection plans, care
    episodes) open on `on` or ended after `since`, with the person and match probability."""
    return _rows(con, """
        SELECT 'involvement' AS kind, i.involvement_type AS type, i.status, i.start_date,
               i.end_date, i.source, i.source_record_id, l.person_id, l.match_probability,
               i.worker_name, i.worker_role, i.team, i.worker_phone, i.worker_email
        FROM involvement AS i JOIN person_link AS l USING (source, source_record_id)
        WHERE i.source IN (SELECT unnest(?::VARCHAR[])) AND i.start_date <= ?
          AND (i.end_date IS NULL OR i.end_date > ?)
        UNION ALL
        SELECT 'event', e.event_type, NULL, e.event_date, e.end_date, e.source,
               e.source_record_id,
               l.person_id, l.match_probability, NULL, NULL, NULL, NULL, NULL
        FROM event AS e JOIN person_link AS l USING (source, source_record_id)
        WHERE e.source IN (SELECT unnest(?::VARCHAR[]))
          AND e.event_type IN (SELECT unnest(?::VARCHAR[]))
          AND e.event_date <= ? AND (e.end_date IS NULL OR e.end_date > ?)
        ORDER BY person_id, start_date
    """, [sources, on, since, sources, plan_events, on, since])


def people(con: duckdb.DuckDBPyConnection, person_ids: list[str]) -> list[Row]:
    """Golden records (names, date of birth) of these people."""
    return lead_names(con, person_ids)


def debts_owed(con: duckdb.DuckDBPyConnection, on: dt.date) -> list[Row]:
    """Debts with something still owed that had arisen by `on`, with the debtor's person (None
    when matching left the record unlinked) and match probability."""
    return _rows(con, """
        SELECT d.source, d.debt_id, d.source_record_id, d.debt_type, d.creditor,
               d.raised_date, d.balance, d.recovery_stage, d.arrangement_amount,
               d.arrangement_frequency, d.arrangement_start, d.arrangement_status,
               l.person_id, l.match_probability
        FROM debt AS d LEFT JOIN person_link AS l USING (source, source_record_id)
        WHERE d.balance > 0 AND d.raised_date <= ?
        ORDER BY d.source, d.debt_id
    """, [on])


def people_in_source(con: duckdb.DuckDBPyConnection, source: str) -> list[Row]:
    """Every person with a record in `source` (a partner's clients, e.g. its tenants)."""
    return _rows(con, """
        SELECT DISTINCT person_id FROM person_link WHERE source = ? ORDER BY person_id
    """, [source])


def open_service_flags(con: duckdb.DuckDBPyConnection, person_ids: list[str],
                       services: list[str], excluded_sources: list[str], on: dt.date,
                       ) -> list[Row]:
    """Which of these services each person has an open involvement with on `on`: the
    person and the service code only, never what the involvement is or who holds it."""
    if not person_ids:
        return []
    return _rows(con, """
        SELECT DISTINCT l.person_id, f.service
        FROM involvement AS i
        JOIN person_link AS l USING (source, source_record_id)
        JOIN (SELECT DISTINCT source, service FROM source_freshness) AS f USING (source)
        WHERE l.person_id IN (SELECT unnest(?::VARCHAR[]))
          AND f.service IN (SELECT unnest(?::VARCHAR[]))
          AND i.source NOT IN (SELECT unnest(?::VARCHAR[]))
          AND i.start_date <= ? AND (i.end_date IS NULL OR i.end_date > ?)
          AND coalesce(i.status, 'open') <> 'closed'
        ORDER BY 1, 2
    """, [person_ids, services, excluded_sources or [""], on, on])


def last_looked_after(con: duckdb.DuckDBPyConnection, person_ids: list[str],
                      event_type: str, on: dt.date) -> list[Row]:
    """For each of these people ever looked after, the last day they were (`on` while an
    episode is open) and their date of birth: enough to tell a care leaver, nothing more."""
    if not person_ids:
        return []
    return _rows(con, """
        SELECT l.person_id, max(coalesce(e.end_date, ?)) AS last_day, min(p.dob) AS dob
        FROM event AS e
        JOIN person_link AS l USING (source, source_record_id)
        JOIN person_index AS p ON p.person_id = l.person_id
        WHERE l.person_id IN (SELECT unnest(?::VARCHAR[])) AND e.event_type = ?
          AND e.event_date <= ?
        GROUP BY l.person_id ORDER BY l.person_id
    """, [on, person_ids, event_type, on])


def source_agreements(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Partners' data sharing agreements as recorded with their sources (none before any)."""
    have = {r["table_name"] for r in _rows(
        con, "SELECT table_name FROM information_schema.tables", [])}
    if "source_agreement" not in have:
        return []
    return _rows(con, "SELECT * FROM source_agreement ORDER BY source", [])
