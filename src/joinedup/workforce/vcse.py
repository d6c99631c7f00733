"""Monthly returns from voluntary and community (VCSE) organisations: a spreadsheet template,
a reader that names every bad cell, a store per organisation, and what the returns add to a
plan.

A return has one row per month, area, and need: the families the organisation supported in
that month and the practitioner hours it gave them. Organisations without a data team fill in
the template (:func:`write_template`: an XLSX with drop-down lists and a guidance sheet) and
upload it; a CSV with the same columns is read too.

In a plan (:func:`attach_returns`), each organisation's families supported a month, at the
mean of its latest three months, are added to the area's open early help cases (families in
community support are early help need: ``combine: sum``, each organisation records its own
work, so they add up), and its practitioner hours, as full-time equivalents, are capacity
beside the council's early help workers. A few months of returns are too short to forecast, so
both are held at that level over the plan, and the plan says so and shows each
organisation's coverage (months returned of the last twelve).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from joinedup.errors import JoinedUpError

COLUMNS = ("month", "area", "need", "families_supported", "practitioner_hours")
NEEDS: dict[str, str] = {
    "family_support": "Family support", "parenting": "Parenting",
    "youth_work": "Youth work", "domestic_abuse": "Domestic abuse",
    "mental_health": "Emotional and mental health", "send": "Special educational needs",
    "other": "Other",
}
SHEET = "Monthly returns"
ABOUT = "About"
# Optional: the services the organisation runs, in Open Referral UK's service fields.
SERVICES = "Services"
SERVICE_COLUMNS = ("name", "description", "url", "email", "status", "fees")
SERVICE_STATUS = ("active", "inactive", "defunct", "temporarily closed")
MAX_ROWS = 5_000
MAX_FAMILIES = 100_000
MAX_HOURS = 1_000_000.0
LEVEL_MONTHS = 3  # the level held over the plan: the mean of the latest months returned
WEEKS_PER_MONTH = 52.0 / 12.0


class VcseReturnError(JoinedUpError):
    """A return cannot be accepted; ``problems`` names each bad cell."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:25]
        more = f" (and {len(problems) - 25} more)" if len(problems) > 25 else ""
        super().__init__("; ".join(shown) + more + ". Correct these cells and upload again.")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Service:
    """A service the organisation runs, in Open Referral UK's service fields."""

    name: str
    description: str
    url: str = ""
    email: str = ""
    status: str = "active"
    fees: str = ""


@dataclass(frozen=True, slots=True)
class VcseRow:
    """One accepted row of a return."""

    organisation: str
    month: date  # the 1st of the month
    area: str
    need: str
    families: int
    hours: float


def write_template(path: Path, organisation: str, areas: list[str]) -> Path:
    """An XLSX return for ``organisation``: headers, drop-downs, and a guidance sheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes(organisation, areas))
    return path


def template_bytes(organisation: str, areas: list[str]) -> bytes:
    """The template of :func:`write_template` as the bytes of an XLSX file."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    needs = DataValidation(type="list", formula1='"' + ",".join(NEEDS) + '"', allow_blank=True)
    counts = DataValidation(type="whole", operator="between", formula1="0",
                            formula2=str(MAX_FAMILIES), allow_blank=True)
    hours = DataValidation(type="decimal", operator="between", formula1="0",
                           formula2=str(MAX_HOURS), allow_blank=True)
    for rule, column in ((needs, "C"), (counts, "D"), (hours, "E")):
        rule.error = "See the About sheet for what to enter here."
        sheet.add_data_validation(rule)
        rule.add(f"{column}2:{column}{MAX_ROWS + 1}")
    if areas and len(",".join(areas)) < 250:  # Excel's limit for an inline list
        places = DataValidation(type="list", formula1='"' + ",".join(areas) + '"',
                                allow_blank=True)
        sheet.add_data_validation(places)
        places.add(f"B2:B{MAX_ROWS + 1}")
    for column, width in zip("ABCDE", (10, 28, 18, 20, 20), strict=True):
        sheet.column_dimensions[column].width = width
    services = book.create_sheet(SERVICES)
    services.append(list(SERVICE_COLUMNS))
    status = DataValidation(type="list", formula1='"' + ",".join(SERVICE_STATUS) + '"',
                            allow_blank=True)
    services.add_data_validation(status)
    status.add("E2:E200")
    about = book.create_sheet(ABOUT)
    about.append(["organisation", organisation])
    for line in (
        "", "What to enter on the 'Monthly returns' sheet, one row per month, area and need:",
        "month: the month, as 2025-04 (year-month)",
        "area: the council area the families live in" + (
            f" ({', '.join(areas)})" if areas else ""),
        "need: the main need you supported the family with: " + ", ".join(NEEDS),
        "families_supported: families you supported at any time in the month (0 or more)",
        "practitioner_hours: hours your practitioners spent with or for those families",
        "Counts only: no names, addresses or other personal details.",
        "", "Optional, on the 'Services' sheet: the services you run, in Open Referral UK's "
        "service fields (name, description, url, email, status, fees); status is one of "
        + ", ".join(SERVICE_STATUS) + ".",
    ):
        about.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook(data: bytes, filename: str) -> Any:
    """The XLSX workbook, read only; VcseReturnError when the file is not one."""
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a file that is not XLSX
        raise VcseReturnError([f"file {filename}: not an XLSX workbook ({type(exc).__name__}); "
                               "download the template and fill it in"]) from exc


def _cells(data: bytes, filename: str) -> tuple[list[list[object]], str | None]:
    """The return's rows (header first) and the organisation the template was made for."""
    if filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise VcseReturnError([f"file {filename}: not UTF-8 text ({exc}); save it as "
                                   "'CSV UTF-8' or use the XLSX template"]) from exc
        return [list(row) for row in csv.reader(io.StringIO(text))], None
    book = _workbook(data, filename)
    if SHEET not in book.sheetnames:
        raise VcseReturnError([f"file {filename}: no sheet called {SHEET!r}; use the "
                               "template"])
    rows: list[list[object]] = [list(r) for r in book[SHEET].iter_rows(values_only=True)]
    made_for = None
    if ABOUT in book.sheetnames:
        first: tuple[object, ...] = next(
            book[ABOUT].iter_rows(min_row=1, max_row=1, values_only=True), ())
        if len(first) > 1 and first[0] == "organisation" and first[1]:
            made_for = str(first[1]).strip()
    return rows, made_for


def _month(value: object) -> date:
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    text = str(value).strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month; write it as 2025-04")
    return date(int(found.group(1)), int(found.group(2)), 1)


def _number(value: object, whole: bool, limit: float) -> float:
    text = str(value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if number < 0:
        raise ValueError(f"{text} is negative; enter 0 or more")
    if whole and number != int(number):
        raise ValueError(f"{text} is not a whole number of families")
    if number > limit:
        raise ValueError(f"{text} is more than {limit:g}; check the figure")
    return number


def _field(values: dict[str, object], field: str, where: str, problems: list[str]) -> str:
    text = str(values[field]).strip()
    if text == "":
        problems.append(f"{where}, field {field}: empty; every field is needed")
    return text


def _row(values: dict[str, object], organisation: str, where: str, last: date,
         problems: list[str]) -> VcseRow | None:
    """One row checked field by field; None (and a problem per bad field) when it fails."""
    before = len(problems)
    month, need, families, hours = date.min, "", 0.0, 0.0
    if _field(values, "month", where, problems):
        try:
            month = _month(values["month"])
            if month > last:
                raise ValueError(f"{month:%Y-%m} is in the future")
        except ValueError as exc:
            problems.append(f"{where}, field month: {exc}")
    area = _field(values, "area", where, problems)
    if _field(values, "need", where, problems):
        need = str(values["need"]).strip().lower().replace(" ", "_")
        if need not in NEEDS:
            problems.append(f"{where}, field need: {values['need']!r} is not a need; use one "
                            f"of {', '.join(NEEDS)}")
    if _field(values, "families_supported", where, problems):
        try:
            families = _number(values["families_supported"], True, MAX_FAMILIES)
        except ValueError as exc:
            problems.append(f"{where}, field families_supported: {exc}")
    if _field(values, "practitioner_hours", where, problems):
        try:
            hours = _number(values["practitioner_hours"], False, MAX_HOURS)
        except ValueError as exc:
            problems.append(f"{where}, field practitioner_hours: {exc}")
    if len(problems) > before:
        return None
    return VcseRow(organisation, month, area, need, int(families), hours)


def read_return(data: bytes, filename: str, organisation: str | None, *,
                today: date | None = None) -> list[VcseRow]:
    """The accepted rows of a return for ``organisation`` (None: the one the template was
    made for); VcseReturnError names every bad cell (file, row as the spreadsheet numbers it,
    field) and accepts nothing."""
    rows, made_for = _cells(data, filename)
    if organisation is None:
        if not made_for:
            raise VcseReturnError([f"file {filename}: no organisation on its About sheet; "
                                   "give the organisation's name"])
        organisation = made_for
    if made_for and made_for.lower() != organisation.lower():
        raise VcseReturnError([f"file {filename}: this template was made for {made_for!r}, "
                               f"and you are signed in for {organisation!r}; download your "
                               "own organisation's template"])
    if not rows or [str(c or "").strip().lower() for c in rows[0][:len(COLUMNS)]] != list(
            COLUMNS):
        raise VcseReturnError([f"file {filename}, row 1: the headers must be "
                               f"{', '.join(COLUMNS)}; use the template"])
    last = (today or date.today()).replace(day=1)
    problems: list[str] = []
    accepted: dict[tuple[date, str, str], VcseRow] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = [c if c is not None else "" for c in (list(raw) + [""] * len(COLUMNS))]
        if all(str(c).strip() == "" for c in cells[:len(COLUMNS)]):
            continue  # blank rows in the template are fine
        if len(accepted) + len(problems) >= MAX_ROWS:
            problems.append(f"file {filename}, row {number}: more than {MAX_ROWS} rows; "
                            "split the return into several files")
            break
        where = f"file {filename}, row {number}"
        row = _row(dict(zip(COLUMNS, cells, strict=False)), organisation, where, last,
                   problems)
        if row is None:
            continue
        key = (row.month, row.area.lower(), row.need)
        if key in accepted:
            problems.append(f"{where}: {row.area} {row.need} for {row.month:%Y-%m} is already "
                            "on an earlier row; give each month, area and need once")
            continue
        accepted[key] = row
    if problems:
        raise VcseReturnError(problems)
    if not accepted:
        raise VcseReturnError([f"file {filename}: no rows; fill in at least one month"])
    return sorted(accepted.values(), key=lambda r: (r.month, r.area, r.need))


def read_services(data: bytes, filename: str) -> list[Service]:
    """The optional Services sheet of an XLSX return ([] for a CSV or an empty sheet);
    VcseReturnError names every bad cell."""
    if filename.lower().endswith(".csv"):
        return []
    book = _workbook(data, filename)
    if SERVICES not in book.sheetnames:
        return []
    problems: list[str] = []
    found: list[Service] = []
    for number, raw in enumerate(book[SERVICES].iter_rows(min_row=2, values_only=True), 2):
        values = {c: str(v).strip() if v is not None else ""
                  for c, v in zip(SERVICE_COLUMNS, list(raw) + [None] * 6, strict=False)}
        if not any(values.values()):
            continue
        where = f"file {filename}, sheet {SERVICES}, row {number}"
        before = len(problems)
        for field in ("name", "description"):
            if not values[field]:
                problems.append(f"{where}, field {field}: empty; a service needs a name and "
                                "a description")
        if values["url"] and not re.match(r"https?://", values["url"]):
            problems.append(f"{where}, field url: {values['url']!r} is not a web address; "
                            "start it with https://")
        if values["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
            problems.append(f"{where}, field email: {values['email']!r} is not an email address")
        status = values["status"].lower() or "active"
        if status not in SERVICE_STATUS:
            problems.append(f"{where}, field status: {values['status']!r} is not one of "
                            f"{', '.join(SERVICE_STATUS)}")
        if len(problems) == before:
            found.append(Service(values["name"], values["description"], values["url"],
                                 values["email"], status, values["fees"]))
    if problems:
        raise VcseReturnError(problems)
    return found
