"""The children's social work workforce (DfE CSWW) for one local authority, every column used
for workforce planning, and the local authorities' names as DfE spells them.

Figures are for the year to 30 September; DfE labels the release by that year (2024 covers
October 2023 to September 2024). Suppressed cells are ``None``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import ReferenceDataError
from joinedup.reference.dfe import find_file, read_la_rows

CSWW_PREFIX = "csww_indicators"

# CSWW column -> WorkforceYear attribute.
COLUMNS: dict[str, str] = {
    "inpost_fte": "fte", "starters_fte": "starters_fte", "leavers_fte": "leavers_fte",
    "turnover_rate_fte": "turnover_pct", "agency_fte": "agency_fte",
    "agency_rate_fte": "agency_pct", "agency_cover_rate_fte": "agency_cover_pct",
    "vacancy_fte": "vacancy_fte", "vacancy_rate_fte": "vacancy_pct",
    "case_holders_fte": "case_holders_fte", "cases": "cases", "caseload_fte": "caseload",
    "absence_rate_fte": "absence_pct",
}


@dataclass(frozen=True, slots=True)
class WorkforceYear:
    """One year's published workforce figures (FTE; rates in percent)."""

    year: int
    fte: float | None = None
    starters_fte: float | None = None
    leavers_fte: float | None = None
    turnover_pct: float | None = None
    agency_fte: float | None = None
    agency_pct: float | None = None
    agency_cover_pct: float | None = None
    vacancy_fte: float | None = None
    vacancy_pct: float | None = None
    case_holders_fte: float | None = None
    cases: float | None = None
    caseload: float | None = None
    absence_pct: float | None = None


def dfe_dir(reference_dir: Path) -> Path:
    """The reference data's dfe/ folder, or a ReferenceDataError saying where to point."""
    folder = reference_dir / "dfe"
    if not folder.is_dir():
        raise ReferenceDataError(
            f"{folder} does not exist. Point JOINEDUP_REFERENCE_DATA at the reference data "
            "folder (with dfe/ and geo/).")
    return folder


def load_workforce(reference_dir: Path, la_name: str) -> dict[int, WorkforceYear]:
    """Every published year of the CSWW indicators for ``la_name`` (DfE's spelling)."""
    path = find_file(dfe_dir(reference_dir), CSWW_PREFIX)
    years: dict[int, WorkforceYear] = {}
    for row in read_la_rows(path, la_name):
        values = {attr: row.number(column) for column, attr in COLUMNS.items()}
        years[row.year] = WorkforceYear(year=row.year, **values)
    if not years:
        raise ReferenceDataError(
            f"no workforce rows for {la_name!r} in {path.name}. Check the authority's name as "
            "DfE writes it (la_name column).")
    return dict(sorted(years.items()))


def _key(name: str) -> str:
    text = name.lower().replace("&", " and ").replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


def la_names(reference_dir: Path) -> list[str]:
    """Local authority names in the CSWW file, as DfE spells them."""
    path = find_file(dfe_dir(reference_dir), CSWW_PREFIX)
    names: set[str] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("geographic_level") == "Local authority" and row.get("la_name"):
                    names.add(row["la_name"].strip())
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path}: cannot read ({exc}). Replace it with the official "
                                 "CSV download.") from exc
    return sorted(names)


def resolve_la_name(reference_dir: Path, name: str) -> str:
    """DfE's spelling of a council's name ("St Helens" -> "St. Helens")."""
    wanted = _key(name)
    for candidate in la_names(reference_dir):
        if _key(candidate) == wanted:
            return candidate
    raise ReferenceDataError(
        f"no local authority called {name!r} in the DfE workforce file. Use the name as DfE "
        "writes it (e.g. 'Cheshire West and Chester', 'St Helens').")
