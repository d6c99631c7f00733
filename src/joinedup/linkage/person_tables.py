"""Writing a link run's people into the snapshot being built: person ids, `person_link`,
`person_link_pair` and `person_index` (see `warehouse_link` for the tables).

Everything here is set-based on the build connection, with the clustering handed over once
as Arrow columns: at a million records, fetching rows into Python tuples and dicts and back
cost more than half a minute; the SQL takes a few seconds.

The build's temp table `link_records` (one row per person record, numbered by `link_key`,
with `known_person_id`) must exist. `register_clusters` adds `link_cluster`;
`write_person_link` adds `link_person` (link_key -> person_id), which later writers join.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb
import pyarrow as pa

from joinedup.errors import WarehouseError
from joinedup.linkage.clustering import Clusters
from joinedup.linkage.identity import IdAssignment, Votes, assign_from_votes, person_number
from joinedup.linkage.person_index import write_golden_records
from joinedup.linkage.review import REVIEW_FLOOR


def _strings(values: object) -> pa.Array:
    return pa.array(values, pa.string())


# The records an incremental run left alone: known, and in a person it did not cluster again
# (`register_clusters`' `clustered`).
_LEFT_ALONE = """
    SELECT r.source, r.source_record_id FROM link_records AS r
    JOIN link_cluster AS c USING (link_key)
    WHERE r.known_person_id IS NOT NULL AND NOT c.clustered"""


def register_clusters(con: duckdb.DuckDBPyConnection, clusters: Clusters,
                      clustered: Collection[str] | None = None) -> None:
    """link_cluster: link_key, cluster, cluster_size, best_probability, flagged, and
    clustered (false for a record an incremental run left in its person unclustered)."""
    con.register("link_cluster_of", pa.table({
        "link_key": _strings(list(clusters.cluster_of)),
        "cluster": _strings(list(clusters.cluster_of.values())),
        "clustered": pa.array([clustered is None or key in clustered
                               for key in clusters.cluster_of], pa.bool_())}))
    con.register("link_best", pa.table({
        "link_key": _strings(list(clusters.best_probability)),
        "best_probability": pa.array(list(clusters.best_probability.values()), pa.float64())}))
    con.register("link_flagged", pa.table({"cluster": _strings(sorted(clusters.flagged))}))
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE link_cluster AS
            SELECT c.link_key, c.cluster, s.cluster_size, b.best_probability,
                   f.cluster IS NOT NULL AS flagged, c.clustered
            FROM link_cluster_of AS c
            JOIN (SELECT cluster, count(*) AS cluster_size FROM link_cluster_of GROUP BY cluster)
                AS s USING (cluster)
            LEFT JOIN link_best AS b USING (link_key)
            LEFT JOIN link_flagged AS f USING (cluster)
        """)
    finally:
        for name in ("link_cluster_of", "link_best", "link_flagged"):
            con.unregister(name)
    missing = con.execute("SELECT count(*) FROM link_records ANTI JOIN link_cluster "
                          "USING (link_key)").fetchall()[0][0]
    if missing:
        raise WarehouseError(f"internal: matching returned no cluster for {missing} records; "
                             "nothing was switched. Run `joinedup link --full`.")


def linked_people(con: duckdb.DuckDBPyConnection) -> int:
    """How many clusters in `link_cluster` hold more than one record."""
    return int(con.execute("SELECT count(*) FILTER (WHERE cluster_size > 1) FROM "
                           "(SELECT DISTINCT cluster, cluster_size FROM link_cluster)"
                           ).fetchall()[0][0])


def assign_ids(con: duckdb.DuckDBPyConnection, registry: pa.Table,
               next_number: int) -> IdAssignment:
    """Person ids for the clusters in `link_cluster`, keeping the register's where the
    records allow (`identity`). Votes are counted in SQL; Python only hands out the ids."""
    con.register("link_registry", registry)
    try:
        # One id per record, as a dict keyed by record would hold (a key listed twice in
        # the register keeps one of its ids).
        con.execute("""
            CREATE OR REPLACE TEMP TABLE link_votes AS
            SELECT c.cluster, g.person_id, count(*) AS records
            FROM link_records AS r JOIN link_cluster AS c USING (link_key)
            JOIN (SELECT source, source_record_id, min(person_id) AS person_id
                  FROM link_registry GROUP BY source, source_record_id) AS g
                USING (source, source_record_id)
            GROUP BY c.cluster, g.person_id
        """)
        previous = con.sql("SELECT DISTINCT person_id FROM link_registry "
                           "WHERE person_id IS NOT NULL").to_arrow_table()
    finally:
        con.unregister("link_registry")
    # Uncontested: the cluster's only previous id, and that id's only cluster.
    votes = con.sql("""
        SELECT cluster, person_id, records,
               count(*) OVER (PARTITION BY cluster) = 1
                   AND count(*) OVER (PARTITION BY person_id) = 1 AS settled
        FROM link_votes""").to_arrow_table()
    sizes = con.sql("""
        SELECT c.cluster, count(*) AS records FROM link_records AS r
        JOIN link_cluster AS c USING (link_key)
        GROUP BY c.cluster
        ORDER BY min(struct_pack(s := r.source, r := r.source_record_id)), c.cluster
    """).to_arrow_table()
    con.execute("DROP TABLE link_votes")
    persons = set(previous.column("person_id").to_pylist())
    issued = max((person_number(p) for p in persons), default=0)
    return assign_from_votes(_votes(votes, sizes, persons), max(next_number, issued + 1))


def _votes(votes: pa.Table, sizes: pa.Table, persons: set[str]) -> Votes:
    settled = votes.column("settled").to_numpy(zero_copy_only=False)
    contested, uncontested = votes.filter(~settled), votes.filter(settled)
    return Votes(
        list(zip(sizes.column("cluster").to_pylist(), sizes.column("records").to_pylist(),
                 strict=True)),
        list(zip(contested.column("cluster").to_pylist(),
                 contested.column("person_id").to_pylist(),
                 contested.column("records").to_pylist(), strict=True)),
        persons,
        list(zip(uncontested.column("cluster").to_pylist(),
                 uncontested.column("person_id").to_pylist(), strict=True)))


def write_person_link(con: duckdb.DuckDBPyConnection, assignment: IdAssignment,
                      prior: str | None) -> None:
    """person_link, and the temp table link_person; a record an incremental run did not
    cluster again keeps the strongest link it had before."""
    con.register("link_person_of", pa.table({
        "cluster": _strings(list(assignment.person_of_cluster)),
        "person_id": _strings(list(assignment.person_of_cluster.values()))}))
    before = ("(SELECT source, source_record_id, match_probability AS before "
              f"FROM {prior}.person_link)" if prior else
              "(SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_record_id, "
              "NULL::DOUBLE AS before WHERE false)")
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE link_person AS
            SELECT c.link_key, p.person_id FROM link_cluster AS c
            JOIN link_person_of AS p USING (cluster)
        """)
    finally:
        con.unregister("link_person_of")
    con.execute(f"""
        CREATE TABLE person_link AS
        SELECT r.source, r.source_record_id, p.person_id, c.cluster_size,
               CAST(CASE WHEN c.clustered THEN c.best_probability ELSE b.before END
                    AS DOUBLE) AS match_probability,
               c.flagged
        FROM link_records AS r JOIN link_cluster AS c USING (link_key)
        JOIN link_person AS p USING (link_key)
        LEFT JOIN {before} AS b USING (source, source_record_id)
        ORDER BY p.person_id, r.source, r.source_record_id
    """)


def _pair_key(alias: str) -> tuple[str, str]:
    """SQL for a person_link_pair row's pair as (lower, higher) record key, either way round:
    comparing two pairs is then an equality join, not an OR."""
    left = f"{alias}.source_l || chr(31) || {alias}.source_record_id_l"
    right = f"{alias}.source_r || chr(31) || {alias}.source_record_id_r"
    return f"least({left}, {right})", f"greatest({left}, {right})"


def write_pairs(build_con: duckdb.DuckDBPyConnection, match_con: duckdb.DuckDBPyConnection,
                predictions: str, prior: str | None) -> None:
    """person_link_pair: the scored pairs at or above `REVIEW_FLOOR`, by record keys.

    An incremental run (`prior`, the last linked snapshot) keeps the last run's pairs that
    have a record it left alone (`_LEFT_ALONE`), unless scored again. A pair between two
    records it clustered is not kept: it scored every such pair that blocking finds now, so
    one it did not score is one a full run would not score either (a key that was rare is
    not any more)."""
    pairs = match_con.sql(
        f'SELECT unique_id_l AS key_l, unique_id_r AS key_r, match_probability, match_weight '
        f'FROM "{predictions}" WHERE match_probability >= {float(REVIEW_FLOOR)}'
    ).to_arrow_table()
    build_con.register("link_pairs", pairs)
    build_con.execute("""
        CREATE TABLE person_link_pair AS
        SELECT l.source AS source_l, l.source_record_id AS source_record_id_l,
               r.source AS source_r, r.source_record_id AS source_record_id_r,
               CAST(p.match_probability AS DOUBLE) AS match_probability,
               CAST(p.match_weight AS DOUBLE) AS match_weight
        FROM link_pairs AS p
        JOIN link_records AS l ON l.link_key = p.key_l
        JOIN link_records AS r ON r.link_key = p.key_r
    """)
    build_con.unregister("link_pairs")
    if prior:
        (new_lo, new_hi), (old_lo, old_hi) = _pair_key("n"), _pair_key("p")
        build_con.execute(f"""
            INSERT INTO person_link_pair
            WITH known AS (
                SELECT k.source, k.source_record_id, a.source IS NOT NULL AS left_alone
                FROM link_records AS k
                LEFT JOIN ({_LEFT_ALONE}) AS a USING (source, source_record_id)
                WHERE k.known_person_id IS NOT NULL)
            SELECT p.* FROM {prior}.person_link_pair AS p
            JOIN known AS l ON l.source = p.source_l
                AND l.source_record_id = p.source_record_id_l
            JOIN known AS r ON r.source = p.source_r
                AND r.source_record_id = p.source_record_id_r
            ANTI JOIN (SELECT {new_lo} AS lo, {new_hi} AS hi FROM person_link_pair AS n) AS n
                ON n.lo = {old_lo} AND n.hi = {old_hi}
            WHERE l.left_alone OR r.left_alone
        """)


def write_held_apart(con: duckdb.DuckDBPyConnection, clusters: Clusters,
                     prior: str | None = None) -> None:
    """person_link_held: pairs of records kept in different people although the model linked
    them, with the reason (a guardrail's name, or "kept apart"), for the review queue.

    An incremental run (`prior`, the last linked snapshot) holds apart only pairs among the
    records it clustered; the pairs the last run held apart among the records it left alone
    (`_LEFT_ALONE`) still hold, and are kept."""
    held = [*clusters.held_apart, *clusters.guarded]
    con.register("link_held", pa.table({
        "key_l": _strings([a for a, _, _ in held]), "key_r": _strings([b for _, b, _ in held]),
        "reason": _strings([reason for _, _, reason in held])}))
    # Each pair once, its records in (source, record id) order and with its first reason
    # by name: the order of the keys follows the run's numbering of records, which an
    # incremental run and a full run do differently.
    con.execute("""
        CREATE TABLE person_link_held AS
        WITH named AS (
            SELECT l.source AS sa, l.source_record_id AS ia, r.source AS sb,
                   r.source_record_id AS ib, h.reason
            FROM link_held AS h
            JOIN link_records AS l ON l.link_key = h.key_l
            JOIN link_records AS r ON r.link_key = h.key_r),
        ordered AS (
            SELECT *, sa < sb OR (sa = sb AND ia <= ib) AS first_l FROM named)
        SELECT DISTINCT ON (source_l, source_record_id_l, source_r, source_record_id_r) *
        FROM (SELECT CASE WHEN first_l THEN sa ELSE sb END AS source_l,
                     CASE WHEN first_l THEN ia ELSE ib END AS source_record_id_l,
                     CASE WHEN first_l THEN sb ELSE sa END AS source_r,
                     CASE WHEN first_l THEN ib ELSE ia END AS source_record_id_r, reason
              FROM ordered)
        ORDER BY source_l, source_record_id_l, source_r, source_record_id_r, reason""")
    con.unregister("link_held")
    if prior is None:
        return
    # A pair held apart lies inside one component of the links, and an incremental run
    # clusters whole components again (`pipeline._region`): so a pair has both records
    # left alone or neither.
    con.execute(f"""
        INSERT INTO person_link_held
        WITH left_alone AS ({_LEFT_ALONE})
        SELECT h.* FROM {prior}.person_link_held AS h
        SEMI JOIN left_alone AS l
            ON l.source = h.source_l AND l.source_record_id = h.source_record_id_l
        SEMI JOIN left_alone AS r
            ON r.source = h.source_r AND r.source_record_id = h.source_record_id_r""")


def write_person_index(con: duckdb.DuckDBPyConnection) -> int:
    """person_index (golden records, `person_index`); returns the number of people."""
    return write_golden_records(
        con, "(SELECT l.person_id, r.* FROM link_records AS r JOIN link_person AS l "
             "USING (link_key))", "person_index")
