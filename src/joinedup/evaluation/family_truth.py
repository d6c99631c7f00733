"""Scoring households and the family network against a synthetic borough's ground truth.

Each linked person is read as the true person most of its records belong to
(`ground_truth/records.parquet`); people the linked data knows are the true people behind at
least one linked record, and only they are expected to be found.

- **Household pairs**: every two people in one current (non-communal) household, against
  every two known people sharing a true household at the extract date (`residence.parquet`
  with no end date). A person split into two linked people, or two true people merged into
  one, is not a pair.
- **Exact households**: the share of true current households with two or more known members
  whose known members make up exactly one current household.
- **Relationship edges**: each `family_edge` except co-residence only, read through the true
  people, against `relationships.parquet`: ``parent`` is right when a is b's parent or
  step-parent, ``carer`` when a is b's parent, step-parent or grandparent, ``sibling``
  for full and half siblings, ``partner`` for any partnership, past or present. Recall counts
  the true parent (and step-parent), sibling and partner relationships between known people
  that an edge of the matching kind finds. ``household_member`` edges are right when the two
  truly lived at one address at an overlapping time or are related.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from joinedup.errors import WarehouseError
from joinedup.evaluation.scores import Scores

_TRUTH_FILES = ("records", "residence", "relationships")
_KINDS = {"parent": ("parent", "step_parent"), "sibling": ("sibling", "half_sibling"),
          "partner": ("partner",)}


@dataclass(frozen=True, slots=True)
class FamilyEvaluation:
    people_known: int
    household_pairs: Scores
    households_exact: float
    relationship_edges: dict[str, float]
    """Declared and inferred edges (co-residence only left out): precision over the edges,
    recall over the true parent, sibling and partner relationships between known people."""
    by_relationship: dict[str, dict[str, float]] = field(default_factory=dict)
    by_confidence: dict[float, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"people_known": self.people_known,
                "household_pairs": self.household_pairs.as_dict(),
                "households_exact": self.households_exact,
                "relationship_edges": self.relationship_edges,
                "by_relationship": self.by_relationship,
                "by_confidence": {str(k): v for k, v in self.by_confidence.items()}}


def _load(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    paths = {name: truth_dir / f"{name}.parquet" for name in _TRUTH_FILES}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise WarehouseError(f"no ground truth at {', '.join(missing)}: give the ground_truth "
                             "folder of a synthetic borough made by `joinedup synth`.")
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if not {"person_link", "household_member", "family_edge"} <= tables:
        raise WarehouseError("the snapshot has no households: run `joinedup link` first.")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_person AS
        WITH records AS (
            SELECT source, record_id FROM read_parquet(?) GROUP BY ALL
            HAVING count(DISTINCT person_id) = 1
        ), truth AS (
            SELECT DISTINCT t.source, t.record_id,
                   'P' || lpad(CAST(t.person_id AS VARCHAR), 7, '0') AS true_id
            FROM read_parquet(?) AS t JOIN records USING (source, record_id)
        ), votes AS (
            SELECT l.person_id, t.true_id, count(*) AS n
            FROM person_link AS l
            JOIN truth AS t ON t.source = l.source AND t.record_id = l.source_record_id
            GROUP BY ALL
        )
        SELECT person_id, first(true_id ORDER BY n DESC, true_id) AS true_id
        FROM votes GROUP BY person_id
    """, [str(paths["records"])] * 2)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_residence AS
        SELECT * FROM read_parquet(?)
        WHERE person_id IN (SELECT true_id FROM ft_person)
    """, [str(paths["residence"])])
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_kin AS
        WITH rel AS (
            SELECT person_id AS a, related_person_id AS b, relationship FROM read_parquet(?)
        ), grand AS (
            SELECT p.a, c.b, 'grandparent' AS relationship FROM rel AS p
            JOIN rel AS c ON c.a = p.b
            WHERE p.relationship = 'parent' AND c.relationship = 'parent'
        )
        SELECT * FROM rel UNION ALL SELECT * FROM grand
    """, [str(paths["relationships"])])


def _household_scores(con: duckdb.DuckDBPyConnection) -> tuple[Scores, float]:
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_predicted_hh AS
        SELECT DISTINCT m.household_id, p.true_id FROM household_member AS m
        JOIN household AS h USING (household_id) JOIN ft_person AS p USING (person_id)
        WHERE m.current AND h.current AND NOT h.communal
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_true_hh AS
        SELECT DISTINCT household_id, person_id AS true_id FROM ft_residence
        WHERE end_date IS NULL
    """)
    found, true_pairs, both = con.execute("""
        WITH p AS (SELECT DISTINCT a.true_id AS x, b.true_id AS y FROM ft_predicted_hh AS a
                   JOIN ft_predicted_hh AS b ON a.household_id = b.household_id
                    AND a.true_id < b.true_id),
             t AS (SELECT DISTINCT a.true_id AS x, b.true_id AS y FROM ft_true_hh AS a
                   JOIN ft_true_hh AS b ON a.household_id = b.household_id
                    AND a.true_id < b.true_id)
        SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM t),
               (SELECT count(*) FROM p JOIN t USING (x, y))
    """).fetchall()[0]
    exact, total = con.execute("""
        WITH t AS (SELECT household_id, list_sort(list(true_id)) AS people FROM ft_true_hh
                   GROUP BY ALL HAVING count(*) >= 2),
             p AS (SELECT household_id, list_sort(list(true_id)) AS people
                   FROM ft_predicted_hh GROUP BY ALL)
        SELECT count(*) FILTER (WHERE people IN (SELECT people FROM p)), count(*) FROM t
    """).fetchall()[0]
    scores = Scores(int(both), int(found) - int(both), int(true_pairs) - int(both))
    return scores, (int(exact) / int(total) if total else 1.0)


def _edge_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(relationship, confidence, right) for every edge between two different true people."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ft_edge AS
        SELECT e.relationship, e.confidence, a.true_id AS a, b.true_id AS b
        FROM family_edge AS e
        JOIN ft_person AS a ON a.person_id = e.person_id_a
        JOIN ft_person AS b ON b.person_id = e.person_id_b
        WHERE a.true_id <> b.true_id
    """)
    return con.execute("""
        WITH directed AS (
            SELECT a, b, bool_or(relationship IN ('parent', 'step_parent')) AS parent,
                   bool_or(relationship IN ('parent', 'step_parent', 'grandparent')) AS carer
            FROM ft_kin GROUP BY a, b
        ), pair AS (
            SELECT least(a, b) AS x, greatest(a, b) AS y,
                   bool_or(relationship IN ('sibling', 'half_sibling')) AS sibling,
                   bool_or(relationship = 'partner') AS partner
            FROM ft_kin GROUP BY ALL
        ), lived AS (
            SELECT DISTINCT least(p.person_id, q.person_id) AS x,
                   greatest(p.person_id, q.person_id) AS y
            FROM ft_residence AS p JOIN ft_residence AS q
              ON p.uprn = q.uprn AND p.person_id < q.person_id
             AND coalesce(p.end_date, DATE '9999-12-31') > q.start_date
             AND coalesce(q.end_date, DATE '9999-12-31') > p.start_date
        )
        SELECT e.relationship, e.confidence, coalesce(CASE e.relationship
                   WHEN 'parent' THEN d.parent WHEN 'carer' THEN d.carer
                   WHEN 'sibling' THEN k.sibling WHEN 'partner' THEN k.partner
                   ELSE l.x IS NOT NULL OR k.x IS NOT NULL END, FALSE) AS right
        FROM ft_edge AS e
        LEFT JOIN directed AS d ON d.a = e.a AND d.b = e.b
        LEFT JOIN pair AS k ON k.x = least(e.a, e.b) AND k.y = greatest(e.a, e.b)
        LEFT JOIN lived AS l ON l.x = least(e.a, e.b) AND l.y = greatest(e.a, e.b)
    """).fetchall()


def _recall(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per kind: (true relationships between known people, how many an edge finds)."""
    found: dict[str, tuple[int, int]] = {}
    for kind, truth_kinds in _KINDS.items():
        directed = kind == "parent"
        predicted = ["parent", "carer"] if directed else [kind]
        ends = "a, b" if directed else "least(a, b) AS a, greatest(a, b) AS b"
        total, hit = con.execute(f"""
            WITH known AS (SELECT DISTINCT true_id FROM ft_person),
            k AS (SELECT DISTINCT {ends} FROM ft_kin
                  WHERE list_contains(?, relationship)
                    AND a IN (SELECT true_id FROM known) AND b IN (SELECT true_id FROM known)),
            e AS (SELECT DISTINCT {ends} FROM ft_edge WHERE list_contains(?, relationship))
            SELECT count(*), count(e.a) FROM k LEFT JOIN e USING (a, b)
        """, [list(truth_kinds), predicted]).fetchall()[0]
        found[kind] = (int(total), int(hit))
    return found


def evaluate_households(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> FamilyEvaluation:
    """Score the household and family tables on `con` against the truth in `truth_dir`."""
    _load(con, truth_dir)
    pairs, exact = _household_scores(con)
    rows = _edge_rows(con)
    recall = _recall(con)
    by_relationship: dict[str, dict[str, float]] = {}
    for relationship in sorted({r[0] for r in rows} | set(recall)):
        mine = [right for rel, _, right in rows if rel == relationship]
        stats: dict[str, float] = {"edges": len(mine), "right": sum(mine),
                                   "precision": sum(mine) / len(mine) if mine else 1.0}
        if relationship in recall:
            total, hit = recall[relationship]
            stats.update(true=total, found=hit, recall=hit / total if total else 1.0)
        by_relationship[relationship] = stats
    by_confidence: dict[float, dict[str, float]] = {}
    for level in sorted({float(r[1]) for r in rows}):
        mine = [right for _, conf, right in rows if float(conf) == level]
        by_confidence[level] = {"edges": len(mine), "precision": sum(mine) / len(mine)}
    kin = [right for rel, _, right in rows if rel != "household_member"]
    true_total = sum(total for total, _ in recall.values())
    true_found = sum(hit for _, hit in recall.values())
    people = int(con.execute("SELECT count(DISTINCT true_id) FROM ft_person").fetchall()[0][0])
    for table in ("ft_person", "ft_residence", "ft_kin", "ft_predicted_hh", "ft_true_hh",
                  "ft_edge"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return FamilyEvaluation(
        people_known=people, household_pairs=pairs, households_exact=exact,
        relationship_edges={"edges": len(kin), "right": sum(kin),
                            "precision": sum(kin) / len(kin) if kin else 1.0,
                            "true": true_total, "found": true_found,
                            "recall": true_found / true_total if true_total else 1.0},
        by_relationship=by_relationship, by_confidence=by_confidence)
