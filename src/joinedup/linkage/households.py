"""Households: people living at the same address over overlapping dates.

Runs on the link build connection, after `person_link` and `person_index` are written, and
adds three tables (the family network is in `families.py`; docs/households.md explains the
rules and the figures measured on the synthetic borough):

`household` — one row per household: a run of overlapping stays at one address.
  household_id (``HH`` + 8 digits: kept from the last link when the household is there
  too, the most people in common at the same address; new households numbered above any id
  issued, in address key then start order),
  address_key (``U:<uprn>`` or ``A:<postcode>|<normalised first line>``), address (the text
  most of its records give), postcode (normalised), uprn (null for a text key), start_date
  (earliest move-in; null when a member's start is unknown), end_date (last move-out; null
  while anyone lives there), members (distinct people over its life), current_members,
  current (someone lives there on the reference date), communal (more than
  `COMMUNAL_SIZE` people at once: a care home, hostel or placeholder; no co-residence is
  inferred from it).

`household_member` — one row per person and household: household_id, person_id, start_date,
  end_date (null: still there), current, sources (sorted list of the sources placing them
  there), evidence (how many source rows do), dated (a source's address history gives their
  dates, rather than only the address on a person record).

Where people live comes from every source record mapped to its person through `person_link`:
each `address_history` row (a dated stay), and the address on `person_record` for records
without a history in their source (an observation: held from `recorded_date`, or the
source's `data_current_as_of`, until later evidence elsewhere). Dated stays outrank
observations, an open stay closes when the person is seen moving in elsewhere, a death ends
it, and a child's observed stay ends when the parents' dated stays there do (`_stays`).
Placeholder addresses (no fixed abode, "address unknown", NHS ``ZZ99`` pseudo-postcodes,
council offices, "c/o") are skipped. "Current" means on the reference date: the newest
`data_current_as_of` in `source_freshness`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb

from joinedup.linkage.addresses import STREET_ABBREVIATIONS
from joinedup.linkage.families import DIRECTED, build_family_edges, declared_relationships

COMMUNAL_SIZE = 12
"""More distinct people than this at one address at once makes it a communal establishment.
The synthetic borough's largest true household has 10 people."""
MIN_OVERLAP_DAYS = 28
"""Stays overlapping less than this are successive occupants, not co-residents: the dates a
family leaves and the next arrives are recorded by different services and disagree by weeks."""
PLACEHOLDER_ADDRESS = (
    r"(?i)^\s*(n\.?\s*f\.?\s*a\.?|no fixed (abode|address)|address (unknown|not known)"
    r"|unknown|not known|n/?k|none|no address|homeless|not recorded)\s*([,.]|$)"
    r"|\b(c/o|care of|town hall|civic cent(re|er)|council offices|police station)\b"
)
"""Addresses that say where a record was parked, not where someone lives."""
PLACEHOLDER_POSTCODE_PREFIX = "ZZ99"
"""NHS pseudo-postcodes (ZZ99 3VZ no fixed abode, ZZ99 3WZ not known, ...)."""
_LO = "DATE '0001-01-01'"
_HI = "DATE '9999-12-31'"
FAMILY_TABLES = ("household", "household_member", "family_edge")
_SCRATCH = ("fam_raw", "fam_text", "fam_address", "fam_kept", "fam_closed", "fam_run",
            "fam_stay", "fam_communal", "fam_occupancy", "fam_tenure", "fam_vote", "fam_claim",
            "fam_household", "fam_member")


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """Counts describing the household and family tables just written."""

    households: int
    """Households (communal establishments not included)."""
    current_households: int
    people_in_current_household: int
    communal_establishments: int
    edges_by_relationship: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"households": self.households, "current_households": self.current_households,
                "people_in_current_household": self.people_in_current_household,
                "communal_establishments": self.communal_establishments,
                "edges_by_relationship": dict(self.edges_by_relationship)}


def _line_expr(column: str) -> str:
    """SQL for the address's first line, up to the house number and street, normalised."""
    text = f"lower({column})"
    premise = (f"coalesce(nullif(regexp_extract({text}, '^(.*?[0-9]+[a-z]?\\s+[^,]+)', 1), ''),"
               f" split_part({text}, ',', 1))")
    words = f"string_split(trim(regexp_replace({premise}, '[^a-z0-9]+', ' ', 'g')), ' ')"
    cases = " ".join(f"WHEN '{short}' THEN '{word}'" for short, word in STREET_ABBREVIATIONS)
    return f"array_to_string(list_transform({words}, lambda w: CASE w {cases} ELSE w END), ' ')"


def _postcode_expr(column: str) -> str:
    compact = f"upper(regexp_replace(coalesce({column}, ''), '[^A-Za-z0-9]', '', 'g'))"
    return (f"CASE WHEN length({compact}) BETWEEN 5 AND 7 THEN left({compact}, "
            f"length({compact}) - 3) || ' ' || right({compact}, 3) END")


def _uprn_expr(column: str) -> str:
    return f"nullif(ltrim(regexp_replace(coalesce({column}, ''), '[^0-9]', '', 'g'), '0'), '')"


def reference_date(con: duckdb.DuckDBPyConnection) -> Any:
    """The date "current" means: the newest `data_current_as_of`, else today."""
    return con.execute("SELECT coalesce(max(data_current_as_of), current_date) "
                       "FROM source_freshness").fetchall()[0][0]


def _address_rows(con: duckdb.DuckDBPyConnection) -> None:
    """fam_address: every place a source puts a person, keyed and with sentinel dates."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_raw AS
        WITH freshness AS (
            SELECT source, max(data_current_as_of) AS as_of FROM source_freshness GROUP BY source
        ), history AS (
            SELECT DISTINCT l.person_id, h.source, h.source_record_id, h.address, h.postcode,
                   h.uprn, h.start_date, h.end_date, TRUE AS dated
            FROM address_history AS h JOIN person_link AS l USING (source, source_record_id)
        ), record AS (
            SELECT DISTINCT l.person_id, r.source, r.source_record_id, r.address, r.postcode,
                   r.uprn, coalesce(r.recorded_date, f.as_of) AS start_date,
                   CAST(NULL AS DATE) AS end_date, FALSE AS dated
            FROM person_record AS r JOIN person_link AS l USING (source, source_record_id)
            LEFT JOIN freshness AS f USING (source)
            WHERE NOT EXISTS (SELECT 1 FROM address_history AS h
                              WHERE h.source = r.source
                                AND h.source_record_id = r.source_record_id)
        )
        SELECT person_id, source, coalesce(address, '') AS address,
               coalesce(postcode, '') AS postcode, coalesce(uprn, '') AS uprn, dated,
               coalesce(start_date, {_LO}) AS s, coalesce(end_date, {_HI}) AS e
        FROM (SELECT * FROM history UNION ALL SELECT * FROM record)
    """)
    # Normalised once per distinct address: most addresses recur across people and sources.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_text AS
        SELECT address, postcode, uprn,
               {_postcode_expr("postcode")} AS postcode_norm, {_uprn_expr("uprn")} AS uprn_norm,
               {_line_expr("address")} AS line_norm,
               regexp_matches(address, ?) OR starts_with(upper(trim(postcode)), ?) AS placeholder
        FROM (SELECT DISTINCT address, postcode, uprn FROM fam_raw)
    """, [PLACEHOLDER_ADDRESS, PLACEHOLDER_POSTCODE_PREFIX])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_address AS
        WITH usable AS (
            SELECT r.person_id, r.source, nullif(r.address, '') AS address, r.dated, r.s, r.e,
                   t.postcode_norm, t.uprn_norm, t.line_norm
            FROM fam_raw AS r JOIN fam_text AS t USING (address, postcode, uprn)
            WHERE NOT t.placeholder AND r.e >= r.s
        ), lookup AS (
            SELECT postcode_norm, line_norm, min(uprn_norm) AS uprn
            FROM usable
            WHERE uprn_norm IS NOT NULL AND postcode_norm IS NOT NULL AND line_norm <> ''
            GROUP BY ALL HAVING count(DISTINCT uprn_norm) = 1
        ), keyed AS (
            SELECT u.*, coalesce(u.uprn_norm, k.uprn) AS uprn_key
            FROM usable AS u LEFT JOIN lookup AS k USING (postcode_norm, line_norm)
        ), deaths AS (
            SELECT l.person_id, min(r.date_of_death) AS died
            FROM person_record AS r JOIN person_link AS l USING (source, source_record_id)
            WHERE r.date_of_death IS NOT NULL GROUP BY ALL
        )
        SELECT k.person_id, k.source, k.address, k.dated, k.postcode_norm, k.uprn_key,
               CASE WHEN k.uprn_key IS NOT NULL THEN 'U:' || k.uprn_key
                    ELSE 'A:' || k.postcode_norm || '|' || k.line_norm END AS address_key,
               k.s, least(k.e, coalesce(d.died, {_HI})) AS e
        FROM keyed AS k LEFT JOIN deaths AS d USING (person_id)
        WHERE k.uprn_key IS NOT NULL OR (k.postcode_norm IS NOT NULL AND k.line_norm <> '')
    """)


def _stays(con: duckdb.DuckDBPyConnection) -> None:
    """fam_stay: one row per person's uninterrupted stay at an address key.

    Dated stays (address histories) outrank observations (the address on a person record):
    an observation at an address the person has a dated stay at adds nothing (the history
    says when they lived there), and one made while a dated stay elsewhere is open is stale.
    An open stay ends where the same person is next seen moving in elsewhere: any later start
    for a stay with a known start, a later still-open stay for one whose start is unknown (an
    undated "current address" must not be ended by an old, finished tenancy); an observation
    never ends a dated stay.
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_kept AS
        SELECT * FROM fam_address AS a
        WHERE a.dated OR NOT EXISTS (
            SELECT 1 FROM fam_address AS d WHERE d.dated AND d.person_id = a.person_id
                AND d.address_key = a.address_key)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_closed AS
        WITH moves AS (
            SELECT o.rowid AS row_id, min(greatest(t.s, o.s)) AS moved
            FROM fam_kept AS o JOIN fam_kept AS t
              ON t.person_id = o.person_id AND t.address_key <> o.address_key
            WHERE o.e = {_HI}
              AND ((t.s > o.s AND (o.s > {_LO} OR t.e = {_HI}) AND (t.dated OR NOT o.dated))
                   OR (t.dated AND NOT o.dated AND t.e = {_HI}))
            GROUP BY o.rowid
        )
        SELECT * FROM (
            SELECT a.person_id, a.source, a.address, a.address_key, a.postcode_norm,
                   a.uprn_key, a.dated, a.s, coalesce(m.moved, a.e) AS e
            FROM fam_kept AS a LEFT JOIN moves AS m ON m.row_id = a.rowid)
        WHERE e > s
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_run AS
        WITH ordered AS (
            SELECT *, max(e) OVER (PARTITION BY person_id, address_key ORDER BY s, e
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM fam_closed
        ), runs AS (
            SELECT *, sum(CASE WHEN before IS NULL OR s > before THEN 1 ELSE 0 END) OVER (
                       PARTITION BY person_id, address_key ORDER BY s, e
                       ROWS UNBOUNDED PRECEDING) AS run
            FROM ordered
        )
        SELECT person_id, address_key, run, min(s) AS s, max(e) AS e,
               list(DISTINCT source ORDER BY source) AS sources, count(*) AS evidence,
               bool_or(dated) AS dated
        FROM runs GROUP BY person_id, address_key, run
    """)
    # Children move with their parents: an observed (undated) stay of a child ends when the
    # last parent or carer with a dated stay there moves out, unless one of them stays on.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_stay AS
        WITH parents AS (
            SELECT c.person_id, c.address_key, c.run, bool_or(p.e = {_HI}) AS one_stays,
                   max(p.e) FILTER (p.dated) AS last_left
            FROM fam_run AS c
            JOIN fam_declared AS d
              ON d.person_id_b = c.person_id AND list_contains(?, d.relationship)
            JOIN fam_run AS p ON p.person_id = d.person_id_a AND p.address_key = c.address_key
            WHERE NOT c.dated AND c.e = {_HI}
            GROUP BY ALL
        )
        SELECT * FROM (
            SELECT r.* REPLACE (CASE WHEN NOT p.one_stays AND p.last_left IS NOT NULL
                                     THEN p.last_left ELSE r.e END AS e)
            FROM fam_run AS r LEFT JOIN parents AS p USING (person_id, address_key, run))
        WHERE e > s
    """, [list(DIRECTED)])


def _name_households(con: duckdb.DuckDBPyConnection, previous: str | None,
                     first_number: int) -> None:
    """fam_household: an id for each run of stays (address_key, occupancy) in fam_occupancy.

    A household keeps an id of the previous link (the attached database `previous`) at the
    same address key that it shares people with. Ids are cited across snapshots (a page's
    address, a debt review), so numbering afresh, where one new household early in address
    order shifted every later id, would send a saved link to another family's household.
    Pairs are settled best first, each household and each old id at most once: the most
    people in common, then the fewest people in only one of the two (someone who lived at an
    address twice is in both households there; each keeps its own id), then the nearest in
    start date (a family that left and came back is two households of the same people),
    then the earlier household and the smaller id. The same households therefore keep the
    same ids run after run. Other runs get numbers from `first_number` up, in address key and
    start order; an id no household keeps is never given to another (`first_number` is above
    any issued).
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_tenure AS
        SELECT address_key, occupancy, min(s) AS run_start, count(DISTINCT person_id) AS size
        FROM fam_occupancy GROUP BY ALL""")
    con.execute("CREATE OR REPLACE TEMP TABLE fam_claim (address_key VARCHAR, occupancy BIGINT, "
                "old_id VARCHAR)")
    if previous is not None:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE fam_vote AS
            WITH old AS (
                SELECT m.household_id AS old_id, h.address_key, m.person_id,
                       count(*) OVER (PARTITION BY m.household_id) AS old_size,
                       coalesce(h.start_date, {_LO}) AS old_start
                FROM {previous}.household_member AS m
                JOIN {previous}.household AS h USING (household_id)
            ), shared AS (
                SELECT f.address_key, f.occupancy, o.old_id, any_value(o.old_size) AS old_size,
                       any_value(o.old_start) AS old_start, count(DISTINCT f.person_id) AS shared
                FROM fam_occupancy AS f
                JOIN old AS o ON o.person_id = f.person_id AND o.address_key = f.address_key
                GROUP BY ALL
            )
            SELECT s.address_key, s.occupancy, s.old_id, s.shared,
                   r.size + s.old_size - 2 * s.shared AS apart, r.run_start,
                   abs(date_diff('day', s.old_start, r.run_start)) AS gap
            FROM shared AS s JOIN fam_tenure AS r USING (address_key, occupancy)""")
        # Each round settles the pairs that are each other's best among those left; the best
        # pair left always is, so every round settles one at least and the loop ends.
        while True:
            settled = con.execute("""
                INSERT INTO fam_claim
                SELECT address_key, occupancy, old_id FROM (
                    SELECT v.*, row_number() OVER (
                               PARTITION BY old_id
                               ORDER BY shared DESC, apart, gap, run_start, address_key,
                                        occupancy)
                               AS by_old,
                           row_number() OVER (
                               PARTITION BY address_key, occupancy
                               ORDER BY shared DESC, apart, gap, old_id) AS by_run
                    FROM fam_vote AS v
                    ANTI JOIN fam_claim AS k ON k.old_id = v.old_id
                    ANTI JOIN fam_claim AS r ON r.address_key = v.address_key
                        AND r.occupancy = v.occupancy)
                WHERE by_old = 1 AND by_run = 1""").fetchall()[0][0]
            if not settled:
                break
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_household AS
        SELECT r.address_key, r.occupancy,
               coalesce(k.old_id, printf('HH%08d', ? - 1 + row_number() OVER (
                   PARTITION BY k.old_id IS NULL ORDER BY r.address_key, r.occupancy)))
                   AS household_id
        FROM fam_tenure AS r LEFT JOIN fam_claim AS k USING (address_key, occupancy)
    """, [first_number])


def first_household_number(con: duckdb.DuckDBPyConnection, previous: str | None,
                           issued: int) -> int:
    """The first number a new household may take: above `issued` (the next number the
    warehouse's state has reserved) and above every id in `previous`'s household table."""
    if previous is None:
        return max(issued, 1)
    top = con.execute(f"SELECT max(TRY_CAST(substr(household_id, 3) AS BIGINT)) "
                      f"FROM {previous}.household").fetchall()[0][0]
    return max(issued, 1, int(top or 0) + 1)


def next_household_number(con: duckdb.DuckDBPyConnection, first_number: int) -> int:
    """The number after the highest this build's household table issued."""
    top = con.execute("SELECT max(TRY_CAST(substr(household_id, 3) AS BIGINT)) "
                      "FROM household").fetchall()[0][0]
    return max(first_number, int(top or 0) + 1)


def _households(con: duckdb.DuckDBPyConnection, as_of: Any, previous: str | None,
                first_number: int) -> None:
    """household and household_member from fam_stay: runs of overlapping stays per address."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fam_communal AS
        WITH moves AS (  -- leaving counts from the overlap allowed between occupants
            SELECT address_key, s AS moment, 1 AS delta FROM fam_stay
            UNION ALL SELECT address_key, greatest(s, e - ?), -1 FROM fam_stay WHERE e < {_HI}
        ), running AS (
            SELECT address_key, sum(delta) OVER (PARTITION BY address_key ORDER BY moment, delta
                                                 ROWS UNBOUNDED PRECEDING) AS present
            FROM moves
        )
        SELECT address_key FROM running GROUP BY address_key HAVING max(present) > ?
    """, [MIN_OVERLAP_DAYS, COMMUNAL_SIZE])
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_occupancy AS
        WITH marked AS (
            SELECT st.*, c.address_key IS NOT NULL AS communal,
                   max(st.e) OVER (PARTITION BY st.address_key ORDER BY st.s, st.e, st.person_id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM fam_stay AS st LEFT JOIN fam_communal AS c USING (address_key)
        ), runs AS (
            SELECT *, sum(CASE WHEN before IS NULL OR (NOT communal AND s > before - ?)
                               THEN 1 ELSE 0 END) OVER (
                       PARTITION BY address_key ORDER BY s, e, person_id
                       ROWS UNBOUNDED PRECEDING) AS occupancy
            FROM marked
        )
        SELECT * FROM runs
    """, [MIN_OVERLAP_DAYS])
    _name_households(con, previous, first_number)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_member AS
        SELECT n.household_id, m.* FROM fam_occupancy AS m
        JOIN fam_household AS n USING (address_key, occupancy)
    """)
    con.execute(f"""
        CREATE TABLE household_member AS
        SELECT household_id, person_id,
               nullif(min(s), {_LO}) AS start_date, nullif(max(e), {_HI}) AS end_date,
               max(e) > ? AS current,
               list_sort(list_distinct(flatten(list(sources)))) AS sources,
               CAST(sum(evidence) AS BIGINT) AS evidence, bool_or(dated) AS dated
        FROM fam_member GROUP BY household_id, person_id
        ORDER BY household_id, person_id
    """, [as_of])
    con.execute(f"""
        CREATE TABLE household AS
        WITH texts AS (
            SELECT address_key,
                   first(address ORDER BY n DESC, address) FILTER (address IS NOT NULL)
                       AS address,
                   first(postcode_norm ORDER BY n DESC, postcode_norm)
                       FILTER (postcode_norm IS NOT NULL) AS postcode,
                   CASE WHEN starts_with(address_key, 'U:') THEN address_key[3:] END AS uprn
            FROM (SELECT address_key, address, postcode_norm, count(*) AS n
                  FROM fam_closed GROUP BY ALL)
            GROUP BY address_key
        ), spans AS (
            SELECT household_id, first(address_key) AS address_key, bool_or(communal) AS communal,
                   nullif(min(s), {_LO}) AS start_date, nullif(max(e), {_HI}) AS end_date
            FROM fam_member GROUP BY household_id
        ), people AS (
            SELECT household_id, count(*) AS members, count(*) FILTER (current) AS current_members
            FROM household_member GROUP BY household_id
        )
        SELECT s.household_id, s.address_key, t.address, t.postcode, t.uprn, s.start_date,
               s.end_date, p.members, p.current_members, p.current_members > 0 AS current,
               s.communal
        FROM spans AS s JOIN people AS p USING (household_id)
        LEFT JOIN texts AS t USING (address_key)
        ORDER BY s.household_id
    """)


def build_family_tables(con: duckdb.DuckDBPyConnection, previous: str | None = None,
                        first_number: int = 1) -> FamilySummary:
    """Write household, household_member and family_edge from the linked records on `con`.

    `previous`: an attached database holding the last link's household tables, whose ids
    households keep (`_name_households`); `first_number`: the first a new one may take
    (`first_household_number`).
    """
    as_of = reference_date(con)
    declared_relationships(con)
    _address_rows(con)
    _stays(con)
    _households(con, as_of, previous, first_number)
    build_family_edges(con, MIN_OVERLAP_DAYS)
    counts = con.execute("""
        SELECT count(*) FILTER (NOT communal), count(*) FILTER (NOT communal AND current),
               count(*) FILTER (communal),
               (SELECT count(DISTINCT m.person_id) FROM household_member AS m
                JOIN household AS h USING (household_id) WHERE m.current AND NOT h.communal)
        FROM household
    """).fetchall()[0]
    edges = con.execute("SELECT relationship, count(*) FROM family_edge GROUP BY 1 ORDER BY 1"
                        ).fetchall()
    for table in _SCRATCH:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return FamilySummary(households=int(counts[0]), current_households=int(counts[1]),
                         communal_establishments=int(counts[2]),
                         people_in_current_household=int(counts[3]),
                         edges_by_relationship={str(k): int(v) for k, v in edges})
