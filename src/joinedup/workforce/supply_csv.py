"""Each role's starting workforce from a plain CSV, one row per area and role, so a workforce
lead can give establishment, vacancies, agency staff and turnover for every practitioner role
(social workers, early help practitioners, family support workers, youth workers) without the
DfE return or the case system's roster.

Columns (a header row, any order, names case-insensitive):

===================  ========  =======================================================
column               required  meaning
===================  ========  =======================================================
area                 yes       team, council or region name, as in the plan
role                 yes       social_worker, early_help_worker, family_support_worker,
                               youth_worker (or their labels, e.g. "Youth worker")
in_post_fte          yes       permanent staff in post (FTE)
establishment_fte    no        funded posts (FTE)
vacancy_fte          no        funded posts with no permanent member of staff (FTE)
agency_fte           no        agency staff working (FTE); empty means 0
turnover             no        leavers a year as a share of FTE (0.15 = 15%)
absence              no        sickness absence rate (a share)
case_holder_share    no        share of the role's FTE holding cases
first_year_fte       no        staff in their first year (e.g. ASYE social workers)
===================  ========  =======================================================

A file that cannot be read, lacks a required column or has no good rows stops with a
SourceError naming the file, row and field. A bad row (an unknown role, a number out of range,
an area and role given twice) is quarantined: left out, counted and listed with its line (the
header is line 1) and field, so one bad row does not stop the plan.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from joinedup.errors import SourceError
from joinedup.reference.panel import name_key
from joinedup.workforce.assumptions import PRACTITIONER_ROLES, default_assumptions
from joinedup.workforce.counts import header_columns
from joinedup.workforce.inputs import AreaInputs, SupplyBase, supply_base

REQUIRED = ("area", "role", "in_post_fte")
# column -> (smallest, largest, a share?)
NUMBERS: dict[str, tuple[float, float, bool]] = {
    "in_post_fte": (0.0, 100_000.0, False), "establishment_fte": (0.0, 100_000.0, False),
    "vacancy_fte": (0.0, 100_000.0, False), "agency_fte": (0.0, 100_000.0, False),
    "turnover": (0.0, 0.99, True), "absence": (0.0, 0.99, True),
    "case_holder_share": (0.01, 1.0, True), "first_year_fte": (0.0, 100_000.0, False),
}


@dataclass(frozen=True, slots=True)
class SupplyFile:
    """The accepted rows by (area, role), and the quarantined rows' reasons."""

    rows: dict[tuple[str, str], SupplyBase]
    areas: dict[str, str]  # name key -> the area as written
    quarantined: tuple[str, ...]
    source: str

    def notes(self) -> list[str]:
        out = [f"{self.source}: {len(self.rows)} role rows accepted, "
               f"{len(self.quarantined)} quarantined"]
        return out + [f"{self.source}: quarantined {reason}" for reason in self.quarantined]


def _role_names() -> dict[str, str]:
    """Every accepted spelling of a role (its id or its label, any case) -> its id."""
    assumptions = default_assumptions()
    names: dict[str, str] = {}
    for role in PRACTITIONER_ROLES:
        for spelling in (role, role.replace("_", " "), assumptions.role_label(role)):
            names[spelling.strip().lower()] = role
    return names


def _number(text: str, column: str) -> float | None:
    value = text.strip().replace(",", "").removesuffix("%")
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{text!r} is not a finite number")
    low, high, share = NUMBERS[column]
    if share and text.strip().endswith("%"):
        number /= 100.0
    if not low <= number <= high:
        hint = " (a share: 0.15 or 15% for 15%)" if share else ""
        raise ValueError(f"{number:g} is outside {low:g} to {high:g}{hint}")
    return number


def _header(path: Path, fields: Sequence[str] | None) -> dict[str, str]:
    return header_columns(path, fields, REQUIRED, "area, role and in_post_fte (see "
                          "docs/workforce.md for the optional columns)")


def _row(cells: dict[str, str], roles: dict[str, str]) -> tuple[str, str, SupplyBase]:
    """One row's area, role and starting workforce; ValueError("field: message") when bad."""
    area = cells.get("area", "")
    if not area:
        raise ValueError("area: empty; name the team, council or region")
    role = roles.get(cells.get("role", "").lower())
    if role is None:
        raise ValueError(f"role: {cells.get('role', '')!r} is not a practitioner role; use one "
                         f"of {', '.join(PRACTITIONER_ROLES)}")
    got: dict[str, float | None] = {}
    for column in NUMBERS:
        try:
            got[column] = _number(cells.get(column, ""), column)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None
    permanent = got["in_post_fte"]
    if permanent is None:
        raise ValueError("in_post_fte: empty; give the permanent FTE in post (0 if none)")
    establishment, vacancies = got["establishment_fte"], got["vacancy_fte"]
    if establishment is not None and vacancies is not None and \
            abs(establishment - permanent - vacancies) > 0.5:
        raise ValueError(f"vacancy_fte: establishment {establishment:g} is not in post "
                         f"{permanent:g} + vacancies {vacancies:g}; correct one of them")
    first_year = got["first_year_fte"]
    if first_year is not None and first_year > permanent:
        raise ValueError("first_year_fte: more than in_post_fte")
    base = supply_base(permanent=permanent, agency=got["agency_fte"] or 0.0,
                       first_year=first_year, establishment=establishment, vacancies=vacancies,
                       turnover=got["turnover"], absence=got["absence"],
                       case_holder_share=got["case_holder_share"])
    return area, role, base


def read_supply(path: Path) -> SupplyFile:
    """Read a supply CSV (see the module docstring); bad rows are quarantined and counted."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SourceError(f"cannot open the supply file ({exc}); check the path",
                          file=str(path)) from exc
    roles = _role_names()
    rows: dict[tuple[str, str], SupplyBase] = {}
    areas: dict[str, str] = {}
    quarantined: list[str] = []
    with handle:
        reader = csv.DictReader(handle)
        names = _header(path, reader.fieldnames)
        for line, raw in enumerate(reader, start=2):
            cells = {column: (raw.get(original) or "").strip()
                     for column, original in names.items()}
            try:
                area, role, base = _row(cells, roles)
            except ValueError as exc:
                where, _, message = str(exc).partition(": ")
                quarantined.append(f"row {line}, field {where}: {message}")
                continue
            key = (name_key(area), role)
            if key in rows:
                quarantined.append(f"row {line}, field role: a second row for {area}, {role}; "
                                   "give each area and role once")
                continue
            rows[key] = base
            areas.setdefault(name_key(area), area)
    if not rows:
        detail = f" ({quarantined[0]})" if quarantined else ""
        raise SourceError(f"no usable rows{detail}; give one row per area and role with at "
                          "least area, role and in_post_fte", file=str(path), row=2)
    return SupplyFile(rows, areas, tuple(quarantined), f"supply file {path.name}")


def attach_supply(inputs: Sequence[AreaInputs],
                  supply: SupplyFile) -> tuple[list[AreaInputs], list[str]]:
    """Each area's roles from the supply file replace what its demand source said of them.

    The file's own figures are a workforce lead's count of the establishment, so they win over
    the DfE return, the counts file's supply rows and the roster alike.
    """
    out: list[AreaInputs] = []
    used: set[str] = set()
    for item in inputs:
        key = name_key(item.area)
        mine = {role: base for (area, role), base in supply.rows.items() if area == key}
        if mine:
            used.add(key)
            item = replace(item, supply={**item.supply, **mine})
        out.append(item)
    notes = supply.notes()
    notes += [f"{supply.source}: {supply.areas[k]} matches no area in this plan; not used"
              for k in sorted(set(supply.areas) - used)]
    return out, notes
