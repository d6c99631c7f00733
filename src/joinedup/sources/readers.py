"""Pick the reader for a file mapping's format."""

from __future__ import annotations

from pathlib import Path

import duckdb

from joinedup.sources.cin_xml import CinTables, cin_source, parse_cin
from joinedup.sources.columns import loose
from joinedup.sources.csv_reader import open_csv
from joinedup.sources.mapping import FileFormat, FileMapping
from joinedup.sources.parquet_reader import open_parquet
from joinedup.sources.raw import RawSource
from joinedup.sources.ssda903 import open_ssda903
from joinedup.sources.table_file import refuse_other_format
from joinedup.sources.xlsx_reader import open_xlsx


class ReaderCache:
    """Parsed XML kept for the length of one load_source: a CIN census file usually feeds
    several mappings (child, cin_details, cpp, ...) and is parsed once."""

    def __init__(self) -> None:
        self._cin: dict[Path, CinTables] = {}

    def cin(self, path: Path, shown: str) -> CinTables:
        key = path.resolve()
        if key not in self._cin:
            self._cin[key] = parse_cin(path, shown)
        return self._cin[key]

    def clear(self) -> None:
        self._cin.clear()


def open_reader(con: duckdb.DuckDBPyConnection, fm: FileMapping, path: Path, shown: str,
                cache: ReaderCache) -> RawSource:
    """Open ``path`` as ``fm.format``; file-level problems raise SourceError here."""
    refuse_other_format(path, shown, fm.format.value)
    if fm.format is FileFormat.CSV:
        return open_csv(con, path, shown, encoding=fm.encoding, delimiter=fm.delimiter)
    if fm.format is FileFormat.SSDA903:
        return open_ssda903(con, path, shown, table=fm.table, encoding=fm.encoding,
                            delimiter=fm.delimiter)
    if fm.format is FileFormat.PARQUET:
        return open_parquet(con, path, shown)
    if fm.format is FileFormat.XLSX:
        used = {loose(c) for t in fm.targets for m in t.fields.values() for c in m.source_columns}
        return open_xlsx(con, path, shown, sheet=fm.sheet, used=used)
    return cin_source(con, cache.cin(path, shown), path, shown, fm.table)
