"""Load one source's extracts into the model tables: the public API of joinedup.sources.

    create_model_tables(con)
    result = load_source(con, source, base_dir, on_file=print)

Per file: one reader pass, one set-based SQL statement that maps and validates every row into a
staged temp table, then the inserts (model tables and quarantine) inside one transaction, so a
file either loads completely or leaves nothing behind. For every file
``rows_read == rows_loaded + rows_quarantined``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from joinedup.errors import SourceError
from joinedup.model import ENTITIES
from joinedup.sources.files import display_path
from joinedup.sources.macros import install_macros
from joinedup.sources.mapping import FileMapping, SourceConfig
from joinedup.sources.plan import Plan, build_plan
from joinedup.sources.quarantine import find_duplicates, has_rows, write_quarantine
from joinedup.sources.raw import RawSource, run_lines_sql, scalar, temp_name
from joinedup.sources.readers import ReaderCache, open_reader
from joinedup.sources.results import FileLoadResult, SourceLoadResult
from joinedup.sources.schema import create_model_tables, quote_ident

__all__ = ["FileLoadResult", "SourceLoadResult", "create_model_tables", "load_source"]


def _count_of(result: duckdb.DuckDBPyConnection) -> int:
    rows = result.fetchall()
    return int(rows[0][0]) if rows else 0


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    # Auto-commit gives every statement a new transaction id; an open transaction keeps one.
    # (Trying BEGIN instead would abort the caller's transaction when there is one.)
    return bool(scalar(con, "SELECT txid_current()") == scalar(con, "SELECT txid_current()"))


@contextmanager
def _all_or_nothing(con: duckdb.DuckDBPyConnection, nested: bool) -> Iterator[None]:
    """A transaction for one file's inserts. Inside a caller's transaction (``nested``) DuckDB
    cannot nest one; the caller's rollback then discards the file (and everything else)."""
    if nested:
        yield
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _stage(con: duckdb.DuckDBPyConnection, plan: Plan, table: str, shown: str) -> None:
    try:
        sql = f"CREATE TEMP TABLE {table} AS {plan.sql}"
        con.execute(sql, plan.params.used_by(sql))
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        # Only input problems become SourceErrors; binder errors would be joinedup's own bugs.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(
            f"DuckDB could not read the file: {first}. Check the file is a complete, "
            "well-formed extract in the format sources.yaml says.",
            file=shown,
        ) from exc


def _numbered(con: duckdb.DuckDBPyConnection, table: str, view: str,
              lines: str | None) -> str:
    """The staged rows, with ``_ju_row`` corrected from ``lines`` (runs: see
    `RawSource.finish`) when given: ``table`` itself when no correction is needed (saving a
    view), else the temp view ``view``."""
    if lines is None:
        return table
    line, join = run_lines_sql(con, lines, "t._ju_seq")
    con.execute(f"CREATE TEMP VIEW {view} AS SELECT t.* REPLACE ({line} AS _ju_row) "
                f"FROM {table} t{join}")
    return view


def _insert_targets(con: duckdb.DuckDBPyConnection, plan: Plan, staged: str,
                    dups: str | None, source: str, shown: str, expected: int) -> None:
    keep = "_ju_valid" + (f" AND _ju_seq NOT IN (SELECT _ju_seq FROM {dups})" if dups else "")
    for target in plan.targets:
        names = ["source", *(f.spec.name for f in target.fields), "_file", "_row"]
        values = ["$src", *(f.typed for f in target.fields), "$file", "_ju_row"]
        inserted = _count_of(con.execute(
            f"INSERT INTO {quote_ident(target.info.table)} "
            f"({', '.join(quote_ident(n) for n in names)}) "
            f"SELECT {', '.join(values)} FROM {staged} WHERE {keep}",
            {"src": source, "file": shown},
        ))
        if inserted != expected:  # cannot happen; if it ever does, load nothing rather than
            raise SourceError(  # publish counts that disagree with the tables
                f"internal error: {inserted} rows inserted into {target.info.table} but "
                f"{expected} rows passed validation; nothing from this file was loaded. "
                "Please report this with the file's mapping.",
                file=shown,
            )


def load_raw(con: duckdb.DuckDBPyConnection, source: SourceConfig, fm: FileMapping,
             raw: RawSource, shown: str, loaded: set[str] | None = None) -> FileLoadResult:
    """Map, validate and insert an opened file (any reader's RawSource); closes ``raw``.

    ``loaded``: the model tables already holding rows of this source, when the caller keeps
    track (saves a query per target); it is updated with this file's tables."""
    install_macros(con)
    return _load_opened(con, source, fm, raw, shown, loaded, nested=_in_transaction(con))


def _load_opened(con: duckdb.DuckDBPyConnection, source: SourceConfig, fm: FileMapping,
                 raw: RawSource, shown: str, loaded: set[str] | None, *,
                 nested: bool) -> FileLoadResult:
    """load_raw once the macros are installed; ``nested``: inside a caller's transaction."""
    started = time.perf_counter()
    table, view, dups = temp_name("stage"), temp_name("staged"), temp_name("dups")
    staged = table
    try:
        plan = build_plan(source, fm, raw, shown)
        _stage(con, plan, table, shown)
        rejects, lines = raw.finish(con, table)
        staged = _numbered(con, table, view, lines)
        duplicated = find_duplicates(con, plan, staged, dups, source.name, loaded)
        staged_rows, invalid = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE NOT _ju_valid) FROM {table}"
        ).fetchall()[0]
        rejected = len({r.row for r in rejects})
        with _all_or_nothing(con, nested):
            _insert_targets(con, plan, staged, dups if duplicated else None, source.name, shown,
                            staged_rows - invalid - duplicated)
            write_quarantine(con, staged=staged, dups=dups if duplicated else None,
                             rejects=rejects, source=source.name, shown=shown,
                             invalid=invalid)
        if loaded is not None and staged_rows - invalid - duplicated:
            loaded.update(t.info.table for t in plan.targets)
    finally:
        # Inside a caller's failed transaction these fail too; the original error matters.
        with suppress(duckdb.Error):
            if staged != table:
                con.execute(f"DROP VIEW IF EXISTS {staged}")
            for name in (table, dups):
                con.execute(f"DROP TABLE IF EXISTS {name}")
        with suppress(duckdb.Error):
            raw.close(con)
    return FileLoadResult(
        path=shown,
        rows_read=staged_rows + rejected,
        rows_loaded=staged_rows - invalid - duplicated,
        rows_quarantined=invalid + duplicated + rejected,
        seconds=round(time.perf_counter() - started, 3),
    )


def _load_file(con: duckdb.DuckDBPyConnection, source: SourceConfig, fm: FileMapping,
               base_dir: Path, cache: ReaderCache, loaded: set[str],
               nested: bool) -> FileLoadResult:
    started = time.perf_counter()
    path = base_dir / fm.path
    shown = display_path(path, base_dir)
    result = _load_opened(con, source, fm, open_reader(con, fm, path, shown, cache), shown,
                          loaded, nested=nested)
    return FileLoadResult(result.path, result.rows_read, result.rows_loaded,
                          result.rows_quarantined, round(time.perf_counter() - started, 3))


def load_source(con: duckdb.DuckDBPyConnection, source: SourceConfig, base_dir: Path, *,
                on_file: Callable[[FileLoadResult], None] | None = None) -> SourceLoadResult:
    """Load every file of ``source`` into the model tables (created if missing).

    Rows failing validation go to ``quarantine``; a file that cannot be read at all raises
    SourceError and leaves nothing of itself in the tables. ``on_file`` is called with each
    file's result as soon as it is loaded (for progress bars). Finally one row describing the
    source is written to ``source_freshness`` (and its data sharing agreement, for a
    partner's extract, to ``source_agreement``).
    """
    create_model_tables(con)
    install_macros(con)
    cache = ReaderCache()
    results: list[FileLoadResult] = []
    keyed = {ENTITIES[t.entity].table for f in source.files for t in f.targets
             if ENTITIES[t.entity].key}
    loaded = {table for table in keyed if has_rows(con, table, source.name)}
    # Loading never leaves a transaction of its own open, so the caller's state holds throughout.
    nested = _in_transaction(con)
    try:
        for fm in source.files:
            result = _load_file(con, source, fm, base_dir, cache, loaded, nested)
            results.append(result)
            if on_file is not None:
                on_file(result)
    finally:
        cache.clear()
    outcome = SourceLoadResult(source.name, tuple(results))
    con.execute(
        "INSERT INTO source_freshness VALUES (?, ?, ?, ?, ?, ?, ?)",
        [source.name, source.system, source.service, source.data_current_as_of,
         source.coverage_start, source.coverage_end, outcome.rows_loaded],
    )
    if source.agreement is not None:
        a = source.agreement
        con.execute("DELETE FROM source_agreement WHERE source = ?", [source.name])
        con.execute("INSERT INTO source_agreement VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [source.name, a.organisation, a.reference, a.signed, a.review_by,
                     a.purpose, a.legal_basis])
    return outcome
