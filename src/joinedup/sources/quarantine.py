"""Duplicate keys and quarantine rows, all as set-based SQL over the staged table."""

from __future__ import annotations

import duckdb

from joinedup.sources.plan import VALUE_LIMIT, Plan, TargetPlan
from joinedup.sources.raw import Params, Reject, scalar
from joinedup.sources.schema import quote_ident


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None,
            ) -> int:
    return int(scalar(con, sql, params) or 0)


def _within_file(p: Params, target: TargetPlan, staged: str) -> str:
    keys = [f.typed for f in target.key_fields]
    cols = ", ".join(keys)
    label = p.add(target.info.name + "." + "+".join(f.spec.name for f in target.key_fields))
    return (
        f"SELECT _ju_seq, _ju_row, {label} AS field, value, "
        f"'duplicate key: row ' || first_row || ' has the same ' || {label} || "
        f"' and was kept (the first row with a key wins)' AS reason FROM ("
        f"SELECT s._ju_seq, s._ju_row, ju_shorten(concat_ws(' / ', {cols}), {VALUE_LIMIT}) "
        f"AS value, first_value(s._ju_row) OVER w AS first_row, row_number() OVER w AS n "
        f"FROM {staged} s SEMI JOIN (SELECT {cols} FROM {staged} WHERE _ju_valid "
        f"GROUP BY ALL HAVING count(*) > 1) d USING ({cols}) WHERE s._ju_valid "
        f"WINDOW w AS (PARTITION BY {cols} ORDER BY s._ju_seq)) WHERE n > 1"
    )


def _against_loaded(p: Params, target: TargetPlan, staged: str, source: str) -> str:
    keys = target.key_fields
    on = " AND ".join(f"e.{quote_ident(f.spec.name)} = s.{f.typed}" for f in keys)
    label = p.add(target.info.name + "." + "+".join(f.spec.name for f in keys))
    cols = ", ".join(f"s.{f.typed}" for f in keys)
    return (
        f"SELECT s._ju_seq, s._ju_row, {label} AS field, "
        f"ju_shorten(concat_ws(' / ', {cols}), {VALUE_LIMIT}) AS value, "
        f"'duplicate key: already loaded from ' || e._file || ' row ' || e._row AS reason "
        f"FROM {staged} s JOIN {quote_ident(target.info.table)} e "
        f"ON e.source = {p.add(source)} AND {on} WHERE s._ju_valid"
    )


def has_rows(con: duckdb.DuckDBPyConnection, table: str, source: str) -> bool:
    return bool(_scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {quote_ident(table)} "
                             "WHERE source = $s LIMIT 1)", {"s": source}))


def find_duplicates(con: duckdb.DuckDBPyConnection, plan: Plan, staged: str, dups: str,
                    source: str, loaded: set[str] | None = None) -> int:
    """Fill temp table ``dups`` with key clashes among valid rows, within the file and with
    rows this source already loaded; returns the number of rows hit (0: no table made).
    ``loaded`` names the tables already holding this source's rows, when the caller knows."""
    p = plan.params
    parts: list[str] = []
    checked: set[tuple[str, ...]] = set()
    for target in plan.targets:
        keys = tuple(f.typed for f in target.key_fields)
        if not keys:
            continue
        if keys not in checked:  # e.g. person and involvement both keyed on one ID column
            checked.add(keys)
            cols = ", ".join(keys)
            clashes = _scalar(con, f"SELECT count(*) FROM (SELECT {cols} FROM {staged} "
                                   f"WHERE _ju_valid GROUP BY ALL HAVING count(*) > 1)")
            if clashes:
                parts.append(_within_file(p, target, staged))
        table = target.info.table
        if table in loaded if loaded is not None else has_rows(con, table, source):
            parts.append(_against_loaded(p, target, staged, source))
    if not parts:
        return 0
    # The raw row comes from the reader's relation: duplicates are valid rows, for which the
    # staged table keeps no raw JSON.
    sql = (f"CREATE TEMP TABLE {dups} AS SELECT d.*, {plan.raw_json} AS raw "
           f"FROM ({' UNION ALL '.join(parts)}) d JOIN {plan.relation} _ju_src "
           f"ON _ju_src._ju_seq = d._ju_seq")
    con.execute(sql, p.used_by(sql))
    return _scalar(con, f"SELECT count(DISTINCT _ju_seq) FROM {dups}")


def write_quarantine(con: duckdb.DuckDBPyConnection, *, staged: str, dups: str | None,
                     rejects: list[Reject], source: str, shown: str,
                     invalid: int | None = None) -> None:
    """Insert one quarantine row per problem: validation failures, duplicates, rejects.
    ``invalid``: the number of rows failing validation, when known (0 skips their query)."""
    where = {"src": source, "file": shown}
    if invalid != 0:
        con.execute(
            "INSERT INTO quarantine SELECT $src, $file, _ju_row, p.field, p.value, p.reason, "
            f"_ju_raw FROM (SELECT _ju_seq, _ju_row, _ju_raw, unnest(_ju_problems) AS p "
            f"FROM {staged} WHERE NOT _ju_valid) ORDER BY _ju_seq",
            where,
        )
    if dups is not None:
        con.execute(
            "INSERT INTO quarantine SELECT $src, $file, _ju_row, field, value, reason, raw "
            f"FROM {dups} ORDER BY _ju_seq",
            where,
        )
    if rejects:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                [source, shown, r.row, r.field, r.value, r.reason, r.raw]
                for r in sorted(rejects, key=lambda r: r.row)
            ],
        )
