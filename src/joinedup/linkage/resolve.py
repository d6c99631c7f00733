"""From Splink's scored pairs to clusters of records: the rules applied on top of the model.

The model scores each pair on its own. Then:
- **guardrails** (`guardrails.yaml`, see `guardrails`): pairs of records that are never one
  person unless a reviewer says so (two valid NHS numbers, twins, a parent and child named
  alike, relatives at one address, births far apart, ...). They are checked on every two
  records of each connected component of the links, scored or not, and become cannot-links:
  no direct link, and no chain through others (A-B, B-C cannot join A and C when A and C
  break a rule). The links refused for them are returned with the rule's name, for review;
- a record with no forename but the surname and date of birth of the other ("Baby of Smith")
  does not link directly: it could bridge twins;
- the evidence check and the size cap in `clustering.cluster_pairs`. In that check a pair of
  records at different postcodes held at different times (both dated, one period ended
  before the other began) counts as no evidence against: the model scores such a pair low,
  because a different postcode is evidence against a match, but that is what a person who
  moved looks like, and counting it would keep apart the links of a chain of council tax
  accounts (measured on the synthetic borough: cluster recall 0.929 to 0.934, precision
  0.973 to 0.970).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from joinedup.linkage import guardrails
from joinedup.linkage.clustering import (
    Clusters,
    ambiguous_records,
    cluster_components,
    components,
    needs_checks,
)
from joinedup.linkage.prepare import PreparedTable

NODE_SEPARATOR = ":"


# Components up to this size are checked pair by pair against the guardrails (50 records:
# 1,225 pairs); in a bigger one (only ever a chain the size cap will break) the scored pairs.
ALL_PAIRS_MAX = 200
# SQL on two prepared records aliased l and r: no forename on one side, the same surname and
# date of birth ("Baby of Smith"): not a direct link, or it could bridge twins; unless the
# two share an identifying number, which twins never do.
_SHARED_NUMBER = ("jdu_shared_number(l.nhs_number, r.nhs_number, l.upn, r.upn, "
                  "l.person_number, r.person_number)")
UNNAMED_SAME_BIRTH = ("(l.first_name IS NULL OR r.first_name IS NULL) "
                      f"AND l.dob = r.dob AND l.surname = r.surname AND NOT {_SHARED_NUMBER}")
# An initial and a surname name a household, not a person ("A MAHMOOD" at the address of
# Aisha and Ahmed Mahmood): such a record links directly only where a date of birth (allowing
# a typing error) or an identifier agrees too.
INITIAL_ONLY = ("(length(l.first_name) = 1 OR length(r.first_name) = 1) "
                f"AND NOT {_SHARED_NUMBER} "
                "AND NOT coalesce(l.dob IS NOT NULL AND r.dob IS NOT NULL "
                "AND NOT jdu_dob_unrelated(l.dob, r.dob), false)")
# ... and two records at different postcodes held at different times.
MOVED = ("l.postcode <> r.postcode AND l.address_from IS NOT NULL "
         "AND r.address_from IS NOT NULL "
         "AND (l.address_to <= r.address_from OR r.address_to <= l.address_from)")
_DATED = ("postcode", "address_from", "address_to")


@dataclass(frozen=True, slots=True)
class ClusterRules:
    threshold: float
    max_cluster_size: int | None
    min_average_weight: float | None
    separate_twins: bool
    must_link: tuple[tuple[str, str], ...] = ()
    """Record pairs people decided are the same person (node ids)."""
    cannot_link: tuple[tuple[str, str], ...] = ()
    """Record pairs people decided are different people (node ids)."""
    anchors: Mapping[str, str] | None = None
    """node id -> the person it already belongs to (incremental linking)."""
    tie_order: Mapping[str, int] | None = None
    """node id -> a number independent of the run's numbering, for links of equal
    probability (`clustering.cluster_pairs`)."""
    guardrails: tuple[guardrails.Guardrail, ...] | None = None
    """Rules whose pairs are never one person, narrowed to the columns present (None:
    joinedup's own, `guardrails.yaml`, less "twins" without `separate_twins`)."""


def _records(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedTable],
             linking: bool) -> list[tuple[str, str | None, str]]:
    records: list[tuple[str, str | None, str]] = []
    for item in prepared:
        if linking:
            got = con.execute(f'SELECT source_dataset, unique_id FROM "{item.table}"').fetchall()
            records += [(f"{s}{NODE_SEPARATOR}{u}", str(s), str(u)) for s, u in got]
        else:
            got = con.execute(f'SELECT unique_id FROM "{item.table}"').fetchall()
            records += [(str(u), None, str(u)) for (u,) in got]
    return records


def _copy_edges(con: duckdb.DuckDBPyConnection, view: str,
                prepared: Sequence[PreparedTable], linking: bool,
                threshold: float) -> list[tuple[str, str, float]]:
    """Each copy of a much-repeated record (`prepare.COPIES_MIN_GROUP`) joined to the first
    with the score of the one pair of copies blocking let through (if it links at all);
    clustering's size cap still applies."""
    node = ("t.source_dataset || '" + NODE_SEPARATOR + "' || {c}") if linking else "{c}"
    edges: list[tuple[str, str, float]] = []
    for item in prepared:
        got = con.execute(f"""
            WITH copies AS (
                SELECT {node.format(c="t.unique_id")} AS copy,
                       {node.format(c="t.copy_of")} AS first, t.copy_unpaired
                FROM "{item.table}" AS t WHERE t.copy_of IS NOT NULL),
            paired AS (
                SELECT c.first, max(p.probability) AS probability
                FROM copies AS c JOIN {view} AS p
                  ON NOT c.copy_unpaired AND NOT p.no_link
                 AND ((p.l = c.first AND p.r = c.copy) OR (p.r = c.first AND p.l = c.copy))
                GROUP BY c.first)
            SELECT c.copy, c.first, p.probability FROM copies AS c
            JOIN paired AS p USING (first)
            WHERE c.copy_unpaired AND p.probability >= ?""", [threshold]).fetchall()
        edges += [(str(a), str(b), float(p)) for a, b, p in got]
    return edges


FACTS = "__joinedup_facts"


def _union_sql(prepared: Sequence[PreparedTable]) -> str:
    return " UNION ALL BY NAME ".join(f'SELECT * FROM "{p.table}"' for p in prepared)


def _facts_sql(prepared: Sequence[PreparedTable], linking: bool) -> str:
    """Each prepared record's node id (__node) with what the whole input says about its date
    of birth (for "parent and child named alike", `guardrails.yaml`): how many records give
    its full name with that date, and how many its identifying number with that date; how
    many families (surnames) give its forename, which tells a name in use from a typing
    error, and how the forename sounds (`jdu_sound`, once per name rather than once per
    pair); and the forename it is a typing error of, if any (`_forename_fixes_sql`). Worked
    out once per clustering (`cluster_predictions` keeps them in `FACTS`): over a million
    records each pass of these windows takes seconds."""
    number = "coalesce(nhs_number, person_number, upn)"
    return f"""WITH u AS ({_union_sql(prepared)}),
        forenames AS (
            SELECT first_name AS name, count(*) AS n, count(DISTINCT surname) AS families,
                   jdu_sound(first_name) AS sound, min(first_name_variants) AS variants
            FROM u WHERE first_name IS NOT NULL GROUP BY first_name),
        {_forename_fixes_sql("forenames")}
        SELECT {_node_sql(linking, 'u')} AS __node,
        CASE WHEN first_name IS NOT NULL AND surname IS NOT NULL AND dob IS NOT NULL
             THEN count(*) OVER (PARTITION BY first_name, surname, dob) END AS name_dob_records,
        CASE WHEN {number} IS NOT NULL AND dob IS NOT NULL
             THEN count(*) OVER (PARTITION BY {number}, dob) END AS number_dob_records,
        coalesce(f.families, 0) AS forename_families, f.sound AS forename_sound,
        x.fixed_first_name, x.fixed_first_name_variants
        FROM u
        LEFT JOIN forenames AS f ON u.first_name = f.name
        LEFT JOIN forename_fixes AS x ON u.first_name = x.name"""


TYPO_RATIO = 50
"""A forename one typing error from another given by at least this many times as many
records is read, by the guardrails, as a misspelling of it (`_forename_fixes_sql`)."""


def _forename_fixes_sql(forenames: str) -> str:
    """CTEs ending in `forename_fixes`, over `forenames` (a CTE with a row per forename
    given: name, n records, its variants): each forename of four or more letters that is one
    typing error (a letter changed, added or dropped, the first letter too) from a forename
    given by at least `TYPO_RATIO` times as many records, with that forename and its
    variants (nicknames).

    A misspelling is made on far fewer than one in a hundred records of a name, and rarely
    the same way twice: Rhomas beside Thomas. Two real names that rhyme or differ by a
    letter (Ella and Bella, Mason and Jason) are each given far more often than a fiftieth
    of the other, so they stay two names; and a small input, where no forename is on 50
    records, reads no misspelling at all. Only the guardrails read the correction: without
    it "Rhomas" born the same day as "Tom" of one surname are twins to the twins rule, and
    one mistyped record splits a person. The model scores the names as written.

    Candidates are found by deleting one letter (a name and its one-letter deletions share
    a key with any name a letter away), then checked with Damerau-Levenshtein."""
    return f"""forename_keys AS (
            SELECT name, n, variants, unnest(list_distinct(list_append(list_transform(
                range(1, length(name) + 1),
                lambda i: substr(name, 1, i - 1) || substr(name, i + 1)), name))) AS key
            FROM {forenames} WHERE length(name) >= 4),
        forename_fixes AS (
            SELECT a.name, arg_max(b.name, (b.n, b.name)) AS fixed_first_name,
                   arg_max(b.variants, (b.n, b.name)) AS fixed_first_name_variants
            FROM forename_keys AS a JOIN forename_keys AS b
              ON a.key = b.key AND a.name <> b.name AND a.n * {TYPO_RATIO} <= b.n
            WHERE damerau_levenshtein(a.name, b.name) = 1
            GROUP BY a.name)"""


def _people_sql(prepared: Sequence[PreparedTable], linking: bool) -> str:
    """Every prepared record with its facts (`_facts_sql`, read from `FACTS`), a misspelt
    forename read as the name it misspells (for the guardrails)."""
    return f"""WITH u AS ({_union_sql(prepared)})
        SELECT u.* REPLACE (
                   coalesce(f.fixed_first_name, u.first_name) AS first_name,
                   coalesce(f.fixed_first_name_variants, u.first_name_variants)
                     AS first_name_variants),
               f.* EXCLUDE (__node, fixed_first_name, fixed_first_name_variants) FROM u
        JOIN {FACTS} AS f ON f.__node = {_node_sql(linking, 'u')}"""


def _node_sql(linking: bool, side: str) -> str:
    """A prepared record's node id (records aliased `side`)."""
    if linking:
        return f"{side}.source_dataset || '{NODE_SEPARATOR}' || {side}.unique_id"
    return f"{side}.unique_id"


def _pairs_view(con: duckdb.DuckDBPyConnection, table: str,
                prepared: Sequence[PreparedTable], linking: bool, rules: ClusterRules,
                view: str = "__joinedup_pairs", extra: str = "", links: bool = True) -> str:
    """A view of scored pairs: node ids, probability, weight, whether the two records look
    like one person who moved (`MOVED`) and, with `links`, the guardrail the pair breaks and
    whether it may not link directly (a guardrail, `UNNAMED_SAME_BIRTH`, `INITIAL_ONLY`)."""
    dated = all(column in p.filled for p in prepared for column in _DATED)
    if linking:
        on = ("{side}.unique_id = p.unique_id_{s} "
              "AND {side}.source_dataset = p.source_dataset_{s}")
    else:
        on = "{side}.unique_id = p.unique_id_{s}"
    unnamed = UNNAMED_SAME_BIRTH if rules.separate_twins else "false"
    # CASE, not coalesce(...) OR coalesce(...): a condition that is NULL does not hold either
    # way, and under CASE DuckDB evaluates each AND term only where the ones before it held.
    checks = (f"{guardrails.rule_case(rules.guardrails or ())} AS guard, "
              f"CASE WHEN {unnamed} THEN true WHEN {INITIAL_ONLY} THEN true ELSE false END "
              "AS too_little, "
              if links else "")
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {view} AS
        WITH people AS ({_people_sql(prepared, linking)}),
        pairs AS (
            SELECT {_node_sql(linking, 'l')} AS l, {_node_sql(linking, 'r')} AS r,
                p.match_probability AS probability, p.match_weight AS weight, {checks}
                CASE WHEN {MOVED if dated else 'false'} THEN true ELSE false END AS moved{extra}
            FROM "{table}" AS p
            JOIN people AS l ON {on.format(side='l', s='l')}
            JOIN people AS r ON {on.format(side='r', s='r')})
        SELECT *{", guard IS NOT NULL OR too_little AS no_link" if links else ""} FROM pairs
    """)
    return view


def _guard_pairs(con: duckdb.DuckDBPyConnection, table: str,
                 prepared: Sequence[PreparedTable], linking: bool,
                 component_of: Mapping[str, str], rules: ClusterRules
                 ) -> list[tuple[str, str, str]]:
    """(node, node, rule) for every two records of one component that break a guardrail:
    every pair in components of up to `ALL_PAIRS_MAX` records, the scored pairs in bigger
    ones."""
    if not rules.guardrails:
        return []
    sizes: dict[str, int] = {}
    for component in component_of.values():
        sizes[component] = sizes.get(component, 0) + 1
    grouped = [(node, c) for node, c in component_of.items() if sizes[c] > 1]
    if not grouped:
        return []
    con.register("__joinedup_members", pa.table({
        "node": [node for node, _ in grouped], "component": [c for _, c in grouped],
        "small": [sizes[c] <= ALL_PAIRS_MAX for _, c in grouped]}))
    guardrails.define_macros(con)
    guard = guardrails.rule_case(rules.guardrails)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE __joinedup_member_records AS
            SELECT m.component, m.small, m.node, p.*
            FROM ({_people_sql(prepared, linking)}) AS p
            JOIN __joinedup_members AS m ON m.node = {_node_sql(linking, 'p')}""")
        rows = con.execute(f"""
            WITH candidates AS (
                SELECT l.node AS a, r.node AS b FROM __joinedup_member_records AS l
                JOIN __joinedup_member_records AS r
                  ON l.component = r.component AND l.node < r.node AND l.small
                UNION
                SELECT {_node(linking, 'l')}, {_node(linking, 'r')} FROM "{table}" AS p
                JOIN __joinedup_members AS ml ON ml.node = {_node(linking, 'l')}
                JOIN __joinedup_members AS mr ON mr.node = {_node(linking, 'r')}
                WHERE ml.component = mr.component AND NOT ml.small)
            SELECT * FROM (
                SELECT c.a, c.b, {guard} AS rule FROM candidates AS c
                JOIN __joinedup_member_records AS l ON l.node = c.a
                JOIN __joinedup_member_records AS r ON r.node = c.b)
            WHERE rule IS NOT NULL ORDER BY a, b""").fetchall()
    finally:
        con.unregister("__joinedup_members")
        con.execute("DROP TABLE IF EXISTS __joinedup_member_records")
    return [(str(a), str(b), str(rule)) for a, b, rule in rows]


def _node(linking: bool, side: str) -> str:
    """A scored pair's node id on one side, from the pair's own columns (pairs aliased p)."""
    if linking:
        return (f"p.source_dataset_{side} || '{NODE_SEPARATOR}' || "
                f"CAST(p.unique_id_{side} AS VARCHAR)")
    return f"CAST(p.unique_id_{side} AS VARCHAR)"


def _evidence(con: duckdb.DuckDBPyConnection, table: str, prepared: Sequence[PreparedTable],
              linking: bool, component_of: Mapping[str, str], hard: set[str],
              rules: ClusterRules) -> tuple[set[str], list[tuple[str, str, float]]]:
    """The components the evidence check could matter in, and the scored pairs it needs.

    Only pairs inside a connected component of the links can matter. A component is
    "contested" when some scored pair in it weighs below `min_average_weight`. In any other
    component no average between its clusters can fall below the bar, so every link there
    passes and its pairs need not leave the database: at a million records that is most
    components and most of the pairs. Returns the contested components and the pairs inside
    them and inside `hard`.
    """
    sizes: dict[str, int] = {}
    for component in component_of.values():
        sizes[component] = sizes.get(component, 0) + 1
    grouped = [(node, c) for node, c in component_of.items() if sizes[c] > 1]
    con.register("__joinedup_components", pa.table({
        "node": [node for node, _ in grouped], "component": [c for _, c in grouped]}))
    con.register("__joinedup_hard", pa.table({"component": sorted(hard)}))
    try:
        # Pairs across components are most of the scored pairs: drop them before the
        # records are joined on for the twins and moves conditions.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE __joinedup_inside AS
            SELECT p.*, cl.component AS component
            FROM "{table}" AS p
            JOIN __joinedup_components AS cl ON cl.node = {_node(linking, "l")}
            JOIN __joinedup_components AS cr ON cr.node = {_node(linking, "r")}
            WHERE cl.component = cr.component""")
        view = _pairs_view(con, "__joinedup_inside", prepared, linking, rules,
                           view="__joinedup_inside_pairs", extra=", p.component", links=False)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE __joinedup_weighed AS
            SELECT l, r, component,
                   CASE WHEN moved THEN greatest(weight, 0) ELSE weight END AS weight
            FROM {view}""")
        contested = {str(c) for (c,) in con.execute(
            "SELECT component FROM __joinedup_weighed GROUP BY component "
            "HAVING min(weight) < ?", [rules.min_average_weight]).fetchall()}
        con.register("__joinedup_contested", pa.table({"component": sorted(contested)}))
        evidence = [(str(a), str(b), float(w)) for a, b, w in con.execute("""
            SELECT l, r, weight FROM __joinedup_weighed
            WHERE component IN (SELECT component FROM __joinedup_contested)
               OR component IN (SELECT component FROM __joinedup_hard)""").fetchall()]
        con.execute(f"DROP VIEW {view}")
        return contested, evidence
    finally:
        for name in ("__joinedup_components", "__joinedup_hard", "__joinedup_contested"):
            con.unregister(name)
        con.execute("DROP TABLE IF EXISTS __joinedup_weighed")
        con.execute("DROP TABLE IF EXISTS __joinedup_inside")


def cluster_predictions(con: duckdb.DuckDBPyConnection, table: str,
                        prepared: Sequence[PreparedTable], linking: bool,
                        rules: ClusterRules, only: Collection[str] | None = None
                        ) -> tuple[list[tuple[str, str | None, str]], Clusters]:
    """Cluster every prepared record (or `only` those, whose links the caller knows stay
    among them: an incremental run's region) using the scored pairs in `table`; returns
    every record, and the clusters of those clustered."""
    records = _records(con, prepared, linking)
    if rules.guardrails is None:
        present = set.intersection(*({c for c, n in p.filled.items() if n} for p in prepared))
        rules = replace(rules, guardrails=tuple(guardrails.chosen(
            present, separate_twins=rules.separate_twins)))
    guardrails.define_macros(con)  # the guardrails and `INITIAL_ONLY` use them
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FACTS} AS {_facts_sql(prepared, linking)}")
    try:
        return _cluster_all(con, table, prepared, linking, rules, records, only)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {FACTS}")


def _cluster_all(con: duckdb.DuckDBPyConnection, table: str,
                 prepared: Sequence[PreparedTable], linking: bool, rules: ClusterRules,
                 records: list[tuple[str, str | None, str]], only: Collection[str] | None
                 ) -> tuple[list[tuple[str, str | None, str]], Clusters]:
    """`cluster_predictions` once the records' facts are in `FACTS`."""
    view = _pairs_view(con, table, prepared, linking, rules)
    # The pairs at or above the threshold, read once: the links, the copies' links and the
    # guardrail pairs the model would have linked (kept for the review queue).
    con.execute(f"CREATE OR REPLACE TEMP TABLE __joinedup_links AS SELECT * FROM {view} "
                "WHERE probability >= ?", [rules.threshold])
    con.execute(f"DROP VIEW {view}")
    try:
        weighed = [(str(a), str(b), float(p), float(w)) for a, b, p, w in con.execute(
            "SELECT l, r, probability, weight FROM __joinedup_links WHERE NOT no_link"
        ).fetchall()]
        copies = _copy_edges(con, "__joinedup_links", prepared, linking, rules.threshold)
        direct = [(str(a), str(b), str(g)) for a, b, g in con.execute(
            "SELECT l, r, guard FROM __joinedup_links WHERE guard IS NOT NULL").fetchall()]
    finally:
        con.execute("DROP TABLE IF EXISTS __joinedup_links")
    nodes = [node for node, _, _ in records]
    edges = [(a, b, p) for a, b, p, _ in weighed] + copies
    if only is not None:
        nodes = [node for node in nodes if node in only]
        edges = [edge for edge in edges if edge[0] in only and edge[1] in only]
        weighed = [edge for edge in weighed if edge[0] in only and edge[1] in only]
    component_of, clusters, guarded = _cluster_once(con, table, prepared, linking, rules,
                                                    nodes, edges)
    apart = {frozenset((clusters.cluster_of[a], clusters.cluster_of[b]))
             for a, b in [*((a, b) for a, b, _ in guarded), *clusters.conflicts]}
    decided = {record for pair in rules.must_link for record in pair}
    detached = ambiguous_records(clusters.cluster_of,
                                 [(a, b, w) for a, b, _, w in weighed], apart,
                                 [(a, b) for a, b, _ in guarded]) - decided
    if detached:
        # Only the people the detached records were in change: cluster those again without
        # them (a detached record stays alone, for review).
        touched = {component_of[record] for record in detached}
        again_nodes = [node for node in nodes if component_of[node] in touched]
        same_details = _same_identity(con, prepared, linking, detached)
        again_edges = [e for e in edges if component_of[e[0]] in touched
                       and ((e[0] not in detached and e[1] not in detached)
                            or (e[0] in same_details
                                and same_details.get(e[1]) == same_details[e[0]]))]
        inside = replace(rules, must_link=tuple(
            pair for pair in rules.must_link if component_of[pair[0]] in touched))
        _, again, _ = _cluster_once(con, table, prepared, linking, inside, again_nodes,
                                    again_edges)
        clusters = _replace_part(clusters, again)
    fits_two = [(a, b, FITS_TWO) for a, b, _, _ in weighed if a in detached or b in detached]
    return records, _with_reasons(clusters, [*direct, *guarded], fits_two)


FITS_TWO = "fits two people held apart"

# What makes two detached records copies of one person's details: the same forename, surname,
# date of birth and postcode, all given.
_IDENTITY = ("first_name", "surname", "dob", "postcode")


def _same_identity(con: duckdb.DuckDBPyConnection, prepared: Sequence[PreparedTable],
                   linking: bool, detached: Collection[str]) -> dict[str, str]:
    """Each detached record that gives a forename, surname, date of birth and postcode,
    mapped to those four: two records with one key are copies of one person's details.

    A record set loose because it fits two people held apart is in doubt only as to which of
    them it is. Two such records that say exactly the same thing about who and where (four
    copies of "William Clayson, 1 January 1840, WA7 1SX") are in the same doubt, and one
    person either way, so they stay together; a father and son named alike differ in date of
    birth, and an undated record is never joined this way. Only links that were scored and
    pass the guardrails join them (the clustering that follows checks them as any other)."""
    if not detached or not all(column in item.filled and item.filled[column]
                               for item in prepared for column in _IDENTITY):
        return {}
    given = " AND ".join(f"p.{column} IS NOT NULL" for column in _IDENTITY)
    con.register("__joinedup_detached", pa.table({"node": sorted(detached)}))
    try:
        key_of: dict[str, str] = {}
        for item in prepared:
            key_of.update((str(node), str(key)) for node, key in con.execute(
                f"SELECT d.node, concat_ws(chr(31), {', '.join('p.' + c for c in _IDENTITY)}) "
                f'FROM "{item.table}" AS p '
                f"JOIN __joinedup_detached AS d ON d.node = {_node_sql(linking, 'p')} "
                f"WHERE {given}").fetchall())
        return key_of
    finally:
        con.unregister("__joinedup_detached")


def _cluster_once(con: duckdb.DuckDBPyConnection, table: str,
                  prepared: Sequence[PreparedTable], linking: bool, rules: ClusterRules,
                  nodes: list[str], edges: list[tuple[str, str, float]]
                  ) -> tuple[dict[str, str], Clusters, list[tuple[str, str, str]]]:
    """The components of the links, the clusters, and the guardrail pairs inside the
    components (less those a reviewer decided are one person)."""
    component_of = components(nodes, [*((a, b) for a, b, _ in edges), *rules.must_link])
    decided = {frozenset(pair) for pair in rules.must_link}
    guarded = [g for g in _guard_pairs(con, table, prepared, linking, component_of, rules)
               if frozenset(g[:2]) not in decided]
    cannot_link = (*rules.cannot_link, *((a, b) for a, b, _ in guarded))
    hard = needs_checks(component_of, rules.max_cluster_size, cannot_link, rules.anchors)
    evidence: list[tuple[str, str, float]] = []
    if rules.min_average_weight is not None and edges:
        contested, evidence = _evidence(con, table, prepared, linking, component_of, hard,
                                        rules)
        hard |= contested
    clusters = cluster_components(
        component_of, edges, hard, rules.threshold, rules.max_cluster_size,
        evidence=evidence, min_average_weight=rules.min_average_weight,
        must_link=rules.must_link, cannot_link=cannot_link, anchors=rules.anchors,
        tie_order=rules.tie_order)
    return component_of, clusters, guarded


def _replace_part(whole: Clusters, part: Clusters) -> Clusters:
    """`whole` with the records of `part` clustered as `part` says."""
    old = {whole.cluster_of[record] for record in part.cluster_of}
    best = {r: p for r, p in whole.best_probability.items() if r not in part.cluster_of}
    return replace(
        whole, cluster_of={**whole.cluster_of, **part.cluster_of},
        best_probability={**best, **part.best_probability},
        flagged=frozenset(c for c in whole.flagged if c not in old) | part.flagged,
        conflicts=(*(c for c in whole.conflicts if c[0] not in part.cluster_of),
                   *part.conflicts))


def _with_reasons(clusters: Clusters, guarded: Sequence[tuple[str, str, str]],
                  fits_two: Sequence[tuple[str, str, str]] = ()) -> Clusters:
    """The clusters with each refused link's reason: the guardrail broken by a pair of
    records between the two people it would have joined (the first by name when pairs
    break several; else "kept apart", a reviewer's
    decision or two known people), and the links of records left out because they fit two
    people held apart (`clustering.ambiguous_records`)."""
    between: dict[frozenset[str], str] = {}
    for a, b, rule in guarded:
        key = frozenset((clusters.cluster_of[a], clusters.cluster_of[b]))
        # The first rule by name, not the first pair met: the order of the pairs follows
        # the run's numbering of records, and the reason must not.
        if key not in between or rule < between[key]:
            between[key] = rule
    held = [(a, b, between.get(frozenset((clusters.cluster_of[a], clusters.cluster_of[b])),
                               "kept apart")) for a, b in clusters.conflicts]
    return replace(clusters, held_apart=(*held, *fits_two), guarded=tuple(guarded))
