"""Every English council's DfE figures at once, as arrays (councils x years), with their
statistical neighbours: the input of the forecasts that learn across councils.

:mod:`joinedup.reference.statistics` reads one council at a time (each call reads every file);
a model pooled over ~150 councils reads each file once here instead. Councils are keyed by
DfE's three-digit ``old_la_code``, the same in every file, so a renamed council stays one row.
Years are reporting years ending 31 March (the CSWW workforce year, to 30 September, is filed
under the same label, as :mod:`joinedup.reference.statistics` does). The ONS mid-year estimate
for Y is put on year Y+1, the denominator DfE uses for rates per 10,000 children.

Suppressed, unpublished or missing cells are NaN; nothing is filled here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from joinedup.errors import ReferenceDataError
from joinedup.reference.dfe import find_file, parse_number
from joinedup.reference.statistics import FILES

Array = NDArray[np.float64]
NEIGHBOURS_PREFIX = "statistical_neighbours"

# (file key in statistics.FILES, DfE column, panel measure); the CLA file has several rows
# per year, told apart by population_type.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("referrals", "referral_count", "referrals"),
    ("referrals", "rereferral_percent", "rereferral_pct"),
    ("cin", "At31_episodes", "cin_at31"),
    ("cpp", "CPP_At31", "cpp_at31"),
    ("workforce", "inpost_fte", "sw_fte"),
    ("workforce", "agency_rate_fte", "agency_pct"),
    ("workforce", "vacancy_rate_fte", "vacancy_pct"),
    ("workforce", "turnover_rate_fte", "turnover_pct"),
    ("workforce", "caseload_fte", "caseload"),
    ("workforce", "cases", "cases"),
)


@dataclass(frozen=True, slots=True)
class Panel:
    """Published figures for every council: ``values[measure][council, year]``."""

    codes: tuple[str, ...]  # DfE old_la_code, one per council
    names: tuple[str, ...]  # DfE's la_name (the latest spelling)
    years: tuple[int, ...]  # reporting years, consecutive, oldest first
    values: dict[str, Array]
    neighbours: NDArray[np.int64]  # council x 10: row index of each neighbour, -1 unknown

    def year_index(self, year: int) -> int:
        if year not in self.years:
            raise ReferenceDataError(
                f"year {year} is outside the DfE panel ({self.years[0]} to {self.years[-1]}); "
                "choose a year the reference data covers.")
        return self.years.index(year)

    def find(self, name: str) -> int | None:
        """The row of a council by name as people write it ("St Helens", "St. Helens")."""
        wanted = name_key(name)
        for i, known in enumerate(self.names):
            if name_key(known) == wanted:
                return i
        return None

    def until(self, year: int) -> Panel:
        """The panel as it stood when ``year``'s figures were the latest: later years dropped.

        Forecasts made "at" a year use only this, so nothing after it can leak in.
        """
        stop = self.year_index(year) + 1
        return Panel(self.codes, self.names, self.years[:stop],
                     {k: v[:, :stop].copy() for k, v in self.values.items()}, self.neighbours)


def name_key(name: str) -> str:
    """A council's name folded for matching: case, '&', full stops and spaces."""
    text = name.lower().replace("&", " and ").replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.DictReader(handle)
                    if (row.get("geographic_level") or "") == "Local authority"]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path}: cannot read DfE statistics ({exc}). Replace the file "
                                 "with the official CSV download.") from exc


def _year(raw: str) -> int | None:
    text = raw.strip()
    if not text[:4].isdigit():
        return None
    # Financial-year periods such as 202324 belong to the year they end in.
    return int(text[:4]) + (1 if len(text) == 6 else 0)


def load_panel(reference_dir: Path) -> Panel:
    """Read the DfE files under ``reference_dir/dfe`` into one panel.

    Raises ReferenceDataError when the folder or a file is missing.
    """
    dfe_dir = reference_dir / "dfe"
    if not dfe_dir.is_dir():
        raise ReferenceDataError(
            f"{dfe_dir} does not exist. Point JOINEDUP_REFERENCE_DATA at the reference data "
            "folder (with dfe/ and geo/).")
    cells: dict[tuple[str, str, int], float] = {}
    names: dict[str, str] = {}
    name_year: dict[str, int] = {}

    def put(code: str, measure: str, year: int, value: float | None) -> None:
        if value is not None:
            cells[(measure, code, year)] = value

    def note_name(row: dict[str, str], year: int) -> str:
        code = (row.get("old_la_code") or "").strip()
        if code and year >= name_year.get(code, 0):
            names[code], name_year[code] = (row.get("la_name") or code).strip(), year
        return code

    files: dict[str, list[dict[str, str]]] = {}
    for key in {k for k, _, _ in COLUMNS} | {"population", "cla"}:
        files[key] = _read(find_file(dfe_dir, FILES[key]))
    for key, column, measure in COLUMNS:
        for row in files[key]:
            year = _year(row.get("time_period", ""))
            if year is not None:
                put(note_name(row, year), measure, year, parse_number(row.get(column)))
    for row in files["cla"]:
        year = _year(row.get("time_period", ""))
        if year is not None and "on 31 march" in row.get("population_type", "").lower():
            put(note_name(row, year), "cla_at31", year, parse_number(row.get("children_count")))
    for row in files["population"]:
        year = _year(row.get("time_period", ""))
        if year is not None and "0 to 17" in row.get("age_group", ""):
            put(note_name(row, year), "child_population", year + 1,
                parse_number(row.get("population_estimate")))

    counted = [y for (m, _, y) in cells if m == "referrals"]
    if not counted:
        raise ReferenceDataError(f"no referral figures in {dfe_dir}; replace the c1 file with "
                                 "the official CSV download.")
    years = tuple(range(min(counted), max(counted) + 1))
    codes = tuple(sorted({c for (m, c, _) in cells if m == "referrals"}))
    row_of = {c: i for i, c in enumerate(codes)}
    col_of = {y: j for j, y in enumerate(years)}
    measures = sorted({m for (m, _, _) in cells})
    values = {m: np.full((len(codes), len(years)), np.nan) for m in measures}
    for (measure, code, year), value in cells.items():
        if code in row_of and year in col_of:
            values[measure][row_of[code], col_of[year]] = value
    return Panel(codes, tuple(names[c] for c in codes), years, values,
                 _neighbours(dfe_dir, row_of))


def _neighbours(dfe_dir: Path, row_of: dict[str, int]) -> NDArray[np.int64]:
    """Each council's ten statistical neighbours as row indices (-1: not in the panel)."""
    out = np.full((len(row_of), 10), -1, dtype=np.int64)
    matches = sorted(dfe_dir.glob(f"{NEIGHBOURS_PREFIX}*.csv"))
    if not matches:
        return out  # the models then go without neighbour features
    try:
        with matches[-1].open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                i = row_of.get((row.get("old_la_code") or "").strip())
                if i is None:
                    continue
                for k in range(10):
                    j = row_of.get((row.get(f"SN_{k + 1}") or "").strip())
                    out[i, k] = -1 if j is None else j
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{matches[-1]}: cannot read the statistical neighbours "
                                 f"({exc}); replace it with DfE's download.") from exc
    return out
