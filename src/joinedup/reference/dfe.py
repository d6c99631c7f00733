"""Read DfE statistics CSVs (Explore Education Statistics layout) for one local authority.

The files keep the official column names (time_period, geographic_level, la_name, ...).
Suppressed or missing cells (``c``, ``x``, ``z``, ``k``, ``u``, ``low``, ``:``, empty) become
``None``; they never raise, because DfE suppresses small numbers in almost every release.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import ReferenceDataError

# DfE and ONS symbols for "no number here": confidential, not available, not applicable,
# low/rounded to zero, unreliable, not collected.
SUPPRESSED_SYMBOLS = frozenset({"c", "x", "z", "k", "u", "low", ":", "..", "-", "", "na", "n/a"})


def parse_number(raw: str | None) -> float | None:
    """A DfE cell as a number; None for suppressed, missing or non-numeric cells."""
    if raw is None:
        return None
    text = raw.strip().replace(",", "")
    if text.lower() in SUPPRESSED_SYMBOLS:
        return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class LaRow:
    """One row of a DfE table for one local authority and reporting year."""

    year: int
    values: dict[str, str]

    def number(self, column: str) -> float | None:
        return parse_number(self.values.get(column))


def find_file(dfe_dir: Path, prefix: str) -> Path:
    """The DfE file whose name starts with ``prefix`` (the year range in the name varies)."""
    matches = sorted(dfe_dir.glob(f"{prefix}*.csv"))
    if not matches:
        raise ReferenceDataError(
            f"no DfE file starting {prefix!r} in {dfe_dir}. Point JOINEDUP_REFERENCE_DATA at a "
            "folder whose dfe/ subfolder holds the DfE statistics, or unset it to use fallbacks."
        )
    return matches[-1]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.DictReader(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(
            f"{path}: cannot read DfE statistics ({exc}). Replace the file with the official "
            "CSV download."
        ) from exc


def read_la_rows(path: Path, la_name: str, *, key_column: str | None = None) -> list[LaRow]:
    """Rows for one local authority (matched on ``la_name``), oldest year first.

    ``key_column`` is for tables with several rows per year (e.g. ``population_type``); the
    caller filters on it.
    """
    wanted = la_name.strip().lower()
    found: list[LaRow] = []
    for row in _rows(path):
        if (row.get("la_name") or "").strip().lower() != wanted:
            continue
        if (row.get("geographic_level") or "Local authority") != "Local authority":
            continue
        year_text = (row.get("time_period") or "").strip()
        if not year_text[:4].isdigit():
            continue
        # Financial-year periods such as 202324 belong to the year they end in.
        year = int(year_text[:4]) + (1 if len(year_text) == 6 else 0)
        found.append(LaRow(year=year, values=dict(row)))
    if key_column is not None:
        found.sort(key=lambda r: (r.year, r.values.get(key_column, "")))
    else:
        found.sort(key=lambda r: r.year)
    return found
