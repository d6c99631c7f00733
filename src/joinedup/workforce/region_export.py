"""The region view for a board paper: one XLSX workbook and PNG charts.

The workbook has a "Summary" sheet (the plain-language summary, then the notes), "Gap" (each
council's gap in FTE and per 10,000 children by plan year, and the year it opens) and
"Workforce measures" (caseload, agency and vacancy rates and vacancies per 10,000 children,
each beside the statistical neighbours' average and England). Text cells go through
:func:`joinedup.model.spreadsheet.safe_cell`, so a council or region name from a user's
regions file cannot run as a formula.

Charts are drawn with matplotlib's Agg backend (no display, no browser): static images that
paste into a board paper; the workbook holds every figure they show.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from joinedup.model.spreadsheet import safe_cell
from joinedup.workforce.region_view import MEASURES, RegionView, Row

WORKBOOK = "region_view.xlsx"
CHARTS: dict[str, str] = {
    "gap_per_10k_by_year.png": "Gap per 10,000 children by plan year",
    "gap_per_10k_last_year.png": "Gap per 10,000 children in the plan's last year",
    "caseload.png": MEASURES["caseload"],
    "agency_rate.png": MEASURES["agency_rate"],
    "vacancy_rate.png": MEASURES["vacancy_rate"],
}
KIND_LABEL = {"council": "council", "comparison": "comparison (not in the region)",
              "region": "region (its councils together)"}
# GOV.UK colours: blue for councils, grey for comparisons, black for the region.
COLOUR = {"council": "#1d70b8", "comparison": "#b1b4b6", "region": "#0b0c0c"}
NEIGHBOURS_COLOUR = "#f47738"
ENGLAND_COLOUR = "#d4351c"
Table = list[dict[str, Any]]


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def gap_table(view: RegionView) -> Table:
    out: Table = []
    for row in view.rows:
        entry: dict[str, Any] = {"area": row.name, "kind": KIND_LABEL[row.kind]}
        for year in view.years:
            entry[f"{year} gap FTE"] = _r(row.gap_fte[year], 1)
            entry[f"{year} gap per 10,000 children"] = _r(row.gap_per_10k[year])
        entry["gap opens"] = row.opens or "not in the plan"
        out.append(entry)
    return out


def measures_table(view: RegionView) -> Table:
    out: Table = []
    for row in view.rows:
        entry: dict[str, Any] = {"area": row.name, "kind": KIND_LABEL[row.kind]}
        for name, label in MEASURES.items():
            entry[label] = _r(row.measure(name))
            entry[f"{label}: statistical neighbours' average"] = _r(row.neighbours.get(name))
            entry[f"{label}: England"] = _r(view.england.get(name))
        entry["statistical neighbours"] = row.neighbour_count
        out.append(entry)
    return out


def _sheet(book: Workbook, title: str, rows: Table) -> None:
    sheet = book.create_sheet(title)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    sheet.append([safe_cell(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(row.get(c)) for c in columns])
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(len(column), 12), 40)
    sheet.freeze_panes = "B2"


def write_workbook(view: RegionView, path: Path, role_label: str) -> Path:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([safe_cell(f"{view.region}: {role_label} workforce, region view")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    for line in view.summary:
        summary.append([safe_cell(line)])
    summary.append([])
    summary.append(["Notes"])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    for line in view.notes:
        summary.append([safe_cell(line)])
    summary.column_dimensions["A"].width = 120
    _sheet(book, "Gap", gap_table(view))
    _sheet(book, "Workforce measures", measures_table(view))
    book.save(path)
    return path


def _pyplot() -> Any:
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(row: Row) -> str:
    return {"comparison": f"{row.name} (comparison)", "region": f"{row.name} (region)"}.get(
        row.kind, row.name)


def _bars(view: RegionView, values: list[tuple[Row, float | None]], title: str, xlabel: str,
          path: Path, *, neighbours: str | None = None) -> Path:
    """Horizontal bars, one per area; the neighbours' average as a dot, England as a line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(values) + 1.8), dpi=150)
    names = [_label(r) for r, _ in values][::-1]
    heights = [v if v is not None else 0.0 for _, v in values][::-1]
    colours = [COLOUR[r.kind] for r, _ in values][::-1]
    ax.barh(names, heights, color=colours)
    for y, (row, value) in enumerate(reversed(values)):
        if value is None:
            ax.text(0, y, " not published", va="center", fontsize=8)
        if neighbours and (n := row.neighbours.get(neighbours)) is not None:
            ax.plot([n], [y], marker="D", color=NEIGHBOURS_COLOUR, linestyle="none",
                    label="statistical neighbours' average" if y == 0 else None)
    if neighbours and (england := view.england.get(neighbours)) is not None:
        ax.axvline(england, color=ENGLAND_COLOUR, linestyle="--",
                   label=f"England ({england:.1f})")
    ax.axvline(0, color="#0b0c0c", linewidth=0.8)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(xlabel)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def _lines(view: RegionView, path: Path, role_label: str) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5), dpi=150)
    for row in view.rows:
        ys = [row.gap_per_10k[y] for y in view.years]
        ax.plot(list(view.years), [float("nan") if v is None else v for v in ys],
                marker="o", label=_label(row),
                linewidth=3 if row.kind == "region" else 1.5,
                color=COLOUR["region"] if row.kind == "region" else None,
                linestyle="--" if row.kind == "comparison" else "-")
    ax.axhline(0, color="#0b0c0c", linewidth=0.8)
    ax.set_title(f"{view.region}: {role_label} gap per 10,000 children (above 0: short)",
                 loc="left", fontsize=11)
    ax.set_xlabel("Plan year")
    ax.set_ylabel("FTE short per 10,000 children")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def write_charts(view: RegionView, out: Path, role_label: str) -> list[Path]:
    """The PNG charts of :data:`CHARTS`, in ``out``."""
    last = view.years[-1]
    year = f" ({view.published_year})" if view.published_year else ""
    written = [
        _lines(view, out / "gap_per_10k_by_year.png", role_label),
        _bars(view, [(r, r.gap_per_10k[last]) for r in view.rows],
              f"{view.region}: {role_label} gap per 10,000 children, {last}",
              "FTE short (+) or over (-) per 10,000 children", out / "gap_per_10k_last_year.png"),
    ]
    for name in ("caseload", "agency_rate", "vacancy_rate"):
        written.append(_bars(view, [(r, r.measure(name)) for r in view.rows],
                             f"{view.region}: social worker {_lower(MEASURES[name])}{year}",
                             MEASURES[name], out / f"{name}.png", neighbours=name))
    return written


def write_region_view(view: RegionView, out: Path, role_label: str) -> list[Path]:
    """The workbook and every chart in ``out`` (made if need be); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    return [write_workbook(view, out / WORKBOOK, role_label), *write_charts(view, out,
                                                                            role_label)]


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]
