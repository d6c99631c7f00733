"""Reconciliation: every row read is either loaded or quarantined, and the tables agree.

A mismatch fails the run before the snapshot is committed, so a snapshot that is served has
always been reconciled.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from joinedup.errors import WarehouseError
from joinedup.model import ENTITIES
from joinedup.sources.mapping import SourceConfig
from joinedup.warehouse.runinfo import SourceReport


class ReconciliationError(WarehouseError):
    """Counts in do not equal counts loaded plus counts quarantined."""


def count_problems(reports: Sequence[SourceReport]) -> list[str]:
    """Arithmetic checks on the loader's own counts, per file and per source."""
    problems = []
    for source in reports:
        for f in source.files:
            if min(f.rows_read, f.rows_loaded, f.rows_quarantined) < 0:
                problems.append(f"{source.name}: {f.path}: negative row count")
            if f.rows_read != f.rows_loaded + f.rows_quarantined:
                problems.append(
                    f"{source.name}: {f.path}: read {f.rows_read} rows but loaded "
                    f"{f.rows_loaded} + quarantined {f.rows_quarantined}"
                )
        if source.rows_read != source.rows_loaded + source.rows_quarantined:
            problems.append(
                f"{source.name}: read {source.rows_read} rows but loaded {source.rows_loaded} "
                f"+ quarantined {source.rows_quarantined}"
            )
    return problems


def table_problems(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[SourceConfig],
    reports: Sequence[SourceReport],
) -> list[str]:
    """Cross-check the loader's counts against what actually landed in the snapshot.

    Each loaded row gives one record per target of its file, so a source's records across the
    model tables must equal the sum over its files of rows loaded times targets. Quarantine
    rows may be one per failing field, so only their presence is checked against the count.
    """
    by_name = {s.name: s for s in sources}
    tables = sorted({info.table for info in ENTITIES.values()})
    union = " UNION ALL ".join(
        f'SELECT source, count(*) AS n FROM "{table}" GROUP BY source' for table in tables
    )
    landed = dict(
        con.execute(f"SELECT source, sum(n) FROM ({union}) GROUP BY source").fetchall()
    )
    quarantined = dict(
        con.execute("SELECT source, count(*) FROM quarantine GROUP BY source").fetchall()
    )
    problems = []
    for report in reports:
        config = by_name[report.name]
        if len(config.files) != len(report.files):
            problems.append(
                f"{report.name}: sources.yaml lists {len(config.files)} files but the loader "
                f"reported {len(report.files)}"
            )
            continue
        expected = sum(
            f.rows_loaded * len(mapping.targets)
            for f, mapping in zip(report.files, config.files, strict=True)
        )
        actual = int(landed.get(report.name, 0))
        if actual != expected:
            problems.append(
                f"{report.name}: {expected} records expected in the model tables from the rows "
                f"loaded, {actual} found"
            )
        in_quarantine = int(quarantined.get(report.name, 0))
        if (report.rows_quarantined > 0) != (in_quarantine > 0):
            problems.append(
                f"{report.name}: {report.rows_quarantined} rows reported quarantined but "
                f"{in_quarantine} quarantine entries found"
            )
    return problems


def check(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[SourceConfig],
    reports: Sequence[SourceReport],
) -> None:
    """Raise ReconciliationError listing every mismatch; the run then publishes nothing."""
    problems = count_problems(reports) or table_problems(con, sources, reports)
    if problems:
        raise ReconciliationError(
            "reconciliation failed, so no snapshot was published and the current one is still "
            "served: " + "; ".join(problems) + ". This is a bug in the loader: please report it "
            "with the sources.yaml."
        )
