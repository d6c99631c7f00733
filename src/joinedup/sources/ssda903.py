"""SSDA903 (the looked-after children return): DfE CSV tables, read like any CSV once the
file is shown to be the table the mapping says it is."""

from __future__ import annotations

from pathlib import Path

import duckdb

from joinedup.errors import MappingError
from joinedup.sources.csv_reader import CsvSource, open_csv

# Column names as in the DfE's SSDA903 specification; dates in these files are dd/mm/YYYY.
TABLES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}
DATE_FORMAT = "%d/%m/%Y"


def open_ssda903(con: duckdb.DuckDBPyConnection, path: Path, shown: str, *,
                 table: str | None, encoding: str, delimiter: str) -> CsvSource:
    if table not in TABLES:
        raise MappingError(
            f"{shown}: format ssda903 needs `table:` set to one of {sorted(TABLES)} "
            f"(got {table!r})."
        )
    return open_csv(con, path, shown, encoding=encoding, delimiter=delimiter,
                    required=TABLES[table], table=table)
