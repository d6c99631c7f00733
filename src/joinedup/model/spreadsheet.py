"""CSV that is safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with =, +, -, @, a tab or a
carriage return as a formula (OWASP, "CSV injection"): a record's name or a rejected row's
raw text can then fetch a URL or run a command on the officer's machine. Every CSV joinedup
writes for people to open passes its text cells through `safe_cell`, which puts an
apostrophe in front (the spreadsheet shows the text as typed). Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_Value = TypeVar("_Value")


def safe_cell(value: _Value) -> _Value | str:
    """`value`, with an apostrophe in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Mapping[str, _Value]) -> dict[str, _Value | str]:
    """Each cell of a row through `safe_cell`."""
    return {key: safe_cell(value) for key, value in row.items()}


def safe_text_sql(column: str) -> str:
    """DuckDB SQL for a text column written to CSV through `COPY`: `safe_cell` in SQL.
    `column` must already be a quoted identifier or expression."""
    starts = ", ".join("'" + c.replace("'", "''") + "'" for c in FORMULA_START)
    return (f"CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || {column} "
            f"ELSE {column} END")


def safe_select_sql(columns: Sequence[tuple[str, str]], source: str) -> str:
    """A SELECT of `source`'s `columns` ((name, DuckDB type) as DESCRIBE gives them) with
    every text column through `safe_text_sql`, for `COPY (...) TO ... (FORMAT csv)`."""
    parts = []
    for name, kind in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        parts.append(f"{safe_text_sql(quoted)} AS {quoted}" if kind.upper() == "VARCHAR"
                     else quoted)
    return f"SELECT {', '.join(parts)} FROM {source}"
