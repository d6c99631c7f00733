"""The warehouse tables the loader writes: one per model entity, plus quarantine and freshness.

Column types come from the model's FieldSpecs, so the schema cannot drift from the model.
"""

from __future__ import annotations

import duckdb

from joinedup.model import ENTITIES, FieldSpec, FieldType

SQL_TYPES: dict[FieldType, str] = {
    FieldType.TEXT: "VARCHAR",
    FieldType.CODE: "VARCHAR",
    FieldType.DATE: "DATE",
    FieldType.INTEGER: "BIGINT",
    FieldType.DECIMAL: "DECIMAL(18,4)",
}

# Lineage on every loaded row: the file (relative to the sources.yaml folder) and the row
# a person opens to see the original (see docs/mappings.md for what "row" means per format).
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (("_file", "VARCHAR"), ("_row", "BIGINT"))

QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("file", "VARCHAR"),
    ("row", "BIGINT"),
    ("field", "VARCHAR"),
    ("value", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("raw", "VARCHAR"),
)

FRESHNESS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("system", "VARCHAR"),
    ("service", "VARCHAR"),
    ("data_current_as_of", "DATE"),
    ("coverage_start", "DATE"),
    ("coverage_end", "DATE"),
    ("rows_loaded", "BIGINT"),
)

AGREEMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("organisation", "VARCHAR"),
    ("reference", "VARCHAR"),
    ("signed", "DATE"),
    ("review_by", "DATE"),
    ("purpose", "VARCHAR"),
    ("legal_basis", "VARCHAR"),
)


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted so any column name from any extract is safe in SQL."""
    return '"' + name.replace('"', '""') + '"'


def sql_type(spec: FieldSpec) -> str:
    return SQL_TYPES[spec.type]


def _create(con: duckdb.DuckDBPyConnection, table: str,
            columns: tuple[tuple[str, str], ...]) -> None:
    body = ", ".join(f"{quote_ident(name)} {kind}" for name, kind in columns)
    con.execute(f"CREATE TABLE IF NOT EXISTS {quote_ident(table)} ({body})")


def create_model_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every model table, ``quarantine``, ``source_freshness`` and
    ``source_agreement`` (idempotent)."""
    for info in ENTITIES.values():
        columns = tuple((spec.name, sql_type(spec)) for spec in info.fields)
        _create(con, info.table, columns + LINEAGE_COLUMNS)
    _create(con, "quarantine", QUARANTINE_COLUMNS)
    _create(con, "source_freshness", FRESHNESS_COLUMNS)
    _create(con, "source_agreement", AGREEMENT_COLUMNS)
