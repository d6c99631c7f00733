"""The family network: relationships between people, declared by sources or seen at home.

Writes `family_edge` from the `relationship` table (declarations between two records of one
source, mapped to people through `person_link`) and from co-residence in `household_member`
(the temporary `fam_member` table `households.py` leaves on the connection). One row per
(person_id_a, person_id_b, relationship):

- relationship: what a is to b. ``parent`` (a is b's parent: "child of" declarations are
  turned round into it), ``carer`` (a cares for b; step-parents and grandparents are carers in
  most case systems), and the symmetric ``sibling``, ``partner`` and ``household_member``,
  for which person_id_a < person_id_b.
- sources: sorted list of the sources declaring it (for an inferred edge, the sources of the
  parent links it rests on; for co-residence only, the sources placing the two there).
- declarations: how many sources declare it (0 when not declared).
- evidence: ``declared`` (a source says so), ``both`` (declared and the two lived together),
  ``inferred`` (not declared: siblings through a declared shared parent; partners as two
  declared parents of one child who live together), ``co-resident`` (only lived together:
  relationship ``household_member``).
- co_resident: whether the two shared a household for at least
  `households.MIN_OVERLAP_DAYS`.
- confidence: a fixed score per kind of evidence (`CONFIDENCE`), checked against the
  synthetic borough's true relationships (docs/households.md).
- start_date, end_date: from the declarations (earliest start; latest end, null while any
  declaration is open), or the overlap of the stays for co-residence only.

Declarations between two records that link to the same person are dropped.
"""

from __future__ import annotations

import duckdb

from joinedup.model.codes import RELATIONSHIP_TYPES

DIRECTED = ("parent", "carer")
CONFIDENCE: dict[str, float] = {
    "declared_2_co_resident": 0.99,
    "declared_2": 0.95,
    "declared_1_co_resident": 0.97,
    "declared_1": 0.93,
    "inferred_co_resident": 0.95,
    "inferred": 0.85,
    "co_resident_dated_2": 0.9,
    "co_resident_dated_1": 0.8,
    "co_resident_dated_0": 0.6,
}
"""Confidence of an edge by its evidence: declared by two or more sources or by one, with or
without co-residence; a sibling inferred through a shared parent, with or without; lived
together only, with both, one or neither stay from a dated address history. Set just under
the precision measured for each class on the synthetic borough (docs/households.md)."""


def declared_relationships(con: duckdb.DuckDBPyConnection) -> None:
    """fam_declared: the declared relationships between people, one row per edge."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_declared AS
        WITH mapped AS (
            SELECT r.source, f.person_id AS p_from, t.person_id AS p_to,
                   r.relationship_type AS kind, r.start_date, r.end_date
            FROM relationship AS r
            JOIN person_link AS f ON f.source = r.source AND f.source_record_id = r.from_record_id
            JOIN person_link AS t ON t.source = r.source AND t.source_record_id = r.to_record_id
            WHERE f.person_id <> t.person_id AND list_contains(?, r.relationship_type)
        ), turned AS (
            SELECT source, start_date, end_date,
                   CASE WHEN kind = 'child' THEN 'parent' ELSE kind END AS relationship,
                   CASE WHEN kind = 'child' THEN p_to WHEN list_contains(?, kind) THEN p_from
                        ELSE least(p_from, p_to) END AS person_id_a,
                   CASE WHEN kind = 'child' THEN p_from WHEN list_contains(?, kind) THEN p_to
                        ELSE greatest(p_from, p_to) END AS person_id_b
            FROM mapped
        )
        SELECT person_id_a, person_id_b, relationship,
               list(DISTINCT source ORDER BY source) AS sources,
               count(DISTINCT source) AS declarations, min(start_date) AS start_date,
               CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END AS end_date
        FROM turned GROUP BY ALL
    """, [list(RELATIONSHIP_TYPES), list(DIRECTED), list(DIRECTED)])


def _co_resident(con: duckdb.DuckDBPyConnection, min_overlap_days: int) -> None:
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_together AS
        WITH pairs AS (
            SELECT a.person_id AS person_id_a, b.person_id AS person_id_b,
                   greatest(a.s, b.s) AS s, least(a.e, b.e) AS e,
                   list_concat(a.sources, b.sources) AS sources,
                   CAST(a.dated AS INTEGER) + CAST(b.dated AS INTEGER) AS dated
            FROM fam_member AS a JOIN fam_member AS b
              ON a.household_id = b.household_id AND a.person_id < b.person_id
            WHERE NOT a.communal AND least(a.e, b.e) - greatest(a.s, b.s) >= ?
        )
        SELECT person_id_a, person_id_b, nullif(min(s), DATE '0001-01-01') AS start_date,
               nullif(max(e), DATE '9999-12-31') AS end_date,
               list_sort(list_distinct(flatten(list(sources)))) AS sources,
               max(dated) AS dated
        FROM pairs GROUP BY person_id_a, person_id_b
    """, [min_overlap_days])


def _inferred(con: duckdb.DuckDBPyConnection) -> None:
    """Siblings through a declared shared parent; partners: two declared parents of one child
    who live together."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fam_inferred AS
        SELECT a.person_id_b AS person_id_a, b.person_id_b AS person_id_b,
               'sibling' AS relationship,
               list_sort(list_distinct(flatten(list(list_concat(a.sources, b.sources)))))
                   AS sources,
               greatest(min(a.start_date), min(b.start_date)) AS start_date
        FROM fam_declared AS a JOIN fam_declared AS b
          ON a.person_id_a = b.person_id_a AND a.person_id_b < b.person_id_b
        WHERE a.relationship = 'parent' AND b.relationship = 'parent'
        GROUP BY ALL
        UNION ALL
        SELECT a.person_id_a, b.person_id_a, 'partner',
               list_sort(list_distinct(flatten(list(list_concat(a.sources, b.sources))))),
               min(t.start_date)
        FROM fam_declared AS a JOIN fam_declared AS b
          ON a.person_id_b = b.person_id_b AND a.person_id_a < b.person_id_a
        JOIN fam_together AS t ON t.person_id_a = a.person_id_a AND t.person_id_b = b.person_id_a
        WHERE a.relationship = 'parent' AND b.relationship = 'parent'
        GROUP BY ALL
    """)


def build_family_edges(con: duckdb.DuckDBPyConnection, min_overlap_days: int) -> None:
    """Create `family_edge` (see the module docstring) from the `fam_declared` and
    `fam_member` tables on `con`."""
    _co_resident(con, min_overlap_days)
    _inferred(con)
    con.execute("""
        CREATE TABLE family_edge AS
        WITH kin AS (
            SELECT coalesce(d.person_id_a, i.person_id_a) AS person_id_a,
                   coalesce(d.person_id_b, i.person_id_b) AS person_id_b,
                   coalesce(d.relationship, i.relationship) AS relationship,
                   coalesce(d.sources, i.sources) AS sources,
                   coalesce(d.declarations, 0) AS declarations,
                   coalesce(d.start_date, i.start_date) AS start_date, d.end_date
            FROM fam_declared AS d FULL JOIN fam_inferred AS i
              USING (person_id_a, person_id_b, relationship)
        ), placed AS (
            SELECT k.*, t.person_id_a IS NOT NULL AS co_resident, t.dated FROM kin AS k
            LEFT JOIN fam_together AS t
              ON t.person_id_a = least(k.person_id_a, k.person_id_b)
             AND t.person_id_b = greatest(k.person_id_a, k.person_id_b)
        ), only_together AS (
            SELECT t.person_id_a, t.person_id_b, 'household_member' AS relationship, t.sources,
                   0 AS declarations, t.start_date, t.end_date, TRUE AS co_resident, t.dated
            FROM fam_together AS t
            WHERE NOT EXISTS (
                SELECT 1 FROM kin AS k
                WHERE least(k.person_id_a, k.person_id_b) = t.person_id_a
                  AND greatest(k.person_id_a, k.person_id_b) = t.person_id_b)
        ), edges AS (SELECT * FROM placed UNION ALL SELECT * FROM only_together)
        SELECT person_id_a, person_id_b, relationship, sources, declarations,
               CASE WHEN declarations > 0 AND co_resident THEN 'both'
                    WHEN declarations > 0 THEN 'declared'
                    WHEN relationship = 'household_member' THEN 'co-resident'
                    ELSE 'inferred' END AS evidence,
               co_resident,
               CAST(list_extract(?, list_position(?, CASE
                   WHEN declarations > 0 THEN 'declared_' || least(declarations, 2)
                        || CASE WHEN co_resident THEN '_co_resident' ELSE '' END
                   WHEN relationship = 'household_member' THEN 'co_resident_dated_' || dated
                   ELSE 'inferred' || CASE WHEN co_resident THEN '_co_resident' ELSE '' END
                   END)) AS DOUBLE) AS confidence,
               start_date, end_date
        FROM edges
        ORDER BY person_id_a, person_id_b, relationship
    """, [list(CONFIDENCE.values()), list(CONFIDENCE)])
    for table in ("fam_declared", "fam_together", "fam_inferred"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
