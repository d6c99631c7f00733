"""Every council's and England's published social work workforce figures, child populations and
statistical neighbours, each file read once: the benchmarks a region is compared against.

:mod:`joinedup.reference.csww` reads one council at a time; a comparison with every council's
statistical neighbours and with England reads the whole file here instead. England is the
``National`` row of the same files, under the name :data:`ENGLAND`. Years follow
:mod:`joinedup.reference.statistics`: the CSWW year (to 30 September) is filed under its
release year, and the ONS mid-year estimate for Y under Y (the caller decides which year it
sets beside which). Suppressed cells are ``None``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from joinedup.errors import ReferenceDataError
from joinedup.reference.csww import COLUMNS, CSWW_PREFIX, WorkforceYear, dfe_dir
from joinedup.reference.dfe import find_file, parse_number
from joinedup.reference.statistics import FILES

ENGLAND = "England"
NEIGHBOURS_PREFIX = "statistical_neighbours"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.DictReader(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path}: cannot read ({exc}). Replace it with the official "
                                 "CSV download.") from exc


def _where(row: dict[str, str]) -> str | None:
    """The council's name (DfE's spelling), ENGLAND for the national row, None otherwise."""
    level = (row.get("geographic_level") or "").strip()
    if level == "National":
        return ENGLAND
    if level == "Local authority":
        return (row.get("la_name") or "").strip() or None
    return None


def _year(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text[:4].isdigit():
        return None
    return int(text[:4]) + (1 if len(text) == 6 else 0)


def all_workforce(reference_dir: Path) -> dict[str, dict[int, WorkforceYear]]:
    """Every council's CSWW figures by year, and England's under :data:`ENGLAND`."""
    path = find_file(dfe_dir(reference_dir), CSWW_PREFIX)
    out: dict[str, dict[int, WorkforceYear]] = {}
    for row in _rows(path):
        name, year = _where(row), _year(row.get("time_period"))
        if name is None or year is None:
            continue
        values = {attr: parse_number(row.get(column)) for column, attr in COLUMNS.items()}
        out.setdefault(name, {})[year] = WorkforceYear(year=year, **values)
    if ENGLAND not in out:
        raise ReferenceDataError(f"{path.name} has no National (England) rows. Replace it with "
                                 "the official CSV download of the workforce indicators.")
    return {name: dict(sorted(years.items())) for name, years in out.items()}


def child_population(reference_dir: Path) -> dict[str, dict[int, float]]:
    """Children aged 0 to 17 by council (and England) and mid-year, as ONS estimates them."""
    path = find_file(dfe_dir(reference_dir), FILES["population"])
    out: dict[str, dict[int, float]] = {}
    for row in _rows(path):
        name, year = _where(row), _year(row.get("time_period"))
        value = parse_number(row.get("population_estimate"))
        if name is None or year is None or value is None:
            continue
        if "0 to 17" in (row.get("age_group") or ""):
            out.setdefault(name, {})[year] = value
    return {name: dict(sorted(years.items())) for name, years in out.items()}


def statistical_neighbours(reference_dir: Path) -> dict[str, tuple[str, ...]]:
    """Each council's DfE statistical neighbours (closest first), by DfE's spelling of names.

    Empty when the reference data has no statistical neighbours file.
    """
    matches = sorted(dfe_dir(reference_dir).glob(f"{NEIGHBOURS_PREFIX}*.csv"))
    if not matches:
        return {}
    rows = list(_rows(matches[-1]))
    name_of = {(r.get("old_la_code") or "").strip(): (r.get("la_name") or "").strip()
               for r in rows}
    out: dict[str, tuple[str, ...]] = {}
    for row in rows:
        name = (row.get("la_name") or "").strip()
        codes = [(row.get(f"SN_{k}") or "").strip() for k in range(1, 11)]
        out[name] = tuple(name_of[c] for c in codes if name_of.get(c))
    return out
