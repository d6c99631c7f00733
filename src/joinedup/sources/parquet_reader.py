"""Parquet reader: DuckDB's read_parquet, every column cast to text so one validation path
serves all formats. Dates and timestamps become ISO text, which date fields always accept."""

from __future__ import annotations

from pathlib import Path

import duckdb

from joinedup.errors import SourceError
from joinedup.sources.files import SOURCES_YAML, Fixes, check_readable
from joinedup.sources.raw import Params, RawSource
from joinedup.sources.schema import quote_ident


def open_parquet(con: duckdb.DuckDBPyConnection, path: Path, shown: str, *,
                 fixes: Fixes = SOURCES_YAML) -> RawSource:
    check_readable(path, shown, fixes=fixes)
    params = Params()
    call = f"read_parquet({params.add(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {call}", params.values).fetchall()
    except duckdb.Error as exc:
        raise SourceError(
            f"not a readable Parquet file ({str(exc).splitlines()[0]}). Check {fixes.format} "
            "and that the export finished.",
            file=shown,
        ) from exc
    columns = tuple(str(row[0]) for row in described if row[0] != "file_row_number")
    casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in columns)
    relation = (
        f"(SELECT file_row_number + 1 AS _ju_seq, file_row_number + 1 AS _ju_row"
        f"{', ' + casts if casts else ''} FROM {call})"
    )
    return RawSource(path=path, columns=columns, relation=relation, params=params,
                     typed_dates=True)
