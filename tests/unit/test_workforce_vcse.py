"""VCSE returns: the template round trip, every bad cell named, the store's merge, and what
the returns add to a plan (early help demand summed, capacity beside the council's staff)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from joinedup.workforce.counts import read_counts
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.inputs import counts_inputs
from joinedup.workforce.plan import run_plan
from joinedup.workforce.series import Series
from joinedup.workforce.vcse import (
    Service,
    VcseReturnError,
    VcseRow,
    read_return,
    read_services,
    template_bytes,
)
from joinedup.workforce.vcse_plan import (
    attach_returns,
    load_returns,
    load_services,
    partners,
    returns_digest,
    save_return,
)

TODAY = date(2025, 6, 15)
HEADER = "month,area,need,families_supported,practitioner_hours\n"


def _xlsx(organisation: str, rows: list[tuple[object, ...]]) -> bytes:
    book = load_workbook(io.BytesIO(template_bytes(organisation, ["Stockport"])))
    for row in rows:
        book["Monthly returns"].append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_filled_in_reads_back() -> None:
    data = _xlsx("Kind Hearts", [("2025-01", "Stockport", "family_support", 12, 80.5),
                                 (date(2025, 2, 1), "Stockport", "Youth work", 3, 10)])
    rows = read_return(data, "jan.xlsx", None, today=TODAY)
    assert rows == [
        VcseRow("Kind Hearts", date(2025, 1, 1), "Stockport", "family_support", 12, 80.5),
        VcseRow("Kind Hearts", date(2025, 2, 1), "Stockport", "youth_work", 3, 10.0)]
    with pytest.raises(VcseReturnError, match="made for 'Kind Hearts'"):
        read_return(data, "jan.xlsx", "Someone Else", today=TODAY)


def test_every_bad_cell_is_named_and_nothing_is_accepted() -> None:
    text = (HEADER + "2025-01,Stockport,family_support,4,10\n"
            "2025-13,,knitting,2.5,-1\n"
            "2025-09,Stockport,other,1,1\n"
            "2025-01,stockport,family_support,5,5\n")
    with pytest.raises(VcseReturnError) as caught:
        read_return(text.encode(), "r.csv", "Org", today=TODAY)
    assert caught.value.problems == [
        "file r.csv, row 3, field month: '2025-13' is not a month; write it as 2025-04",
        "file r.csv, row 3, field area: empty; every field is needed",
        "file r.csv, row 3, field need: 'knitting' is not a need; use one of family_support, "
        "parenting, youth_work, domestic_abuse, mental_health, send, other",
        "file r.csv, row 3, field families_supported: 2.5 is not a whole number of families",
        "file r.csv, row 3, field practitioner_hours: -1 is negative; enter 0 or more",
        "file r.csv, row 4, field month: 2025-09 is in the future",
        "file r.csv, row 5: stockport family_support for 2025-01 is already on an earlier "
        "row; give each month, area and need once"]
    assert "Correct these cells and upload again" in str(caught.value)
    with pytest.raises(VcseReturnError, match="row 1: the headers must be"):
        read_return(b"month,place\n", "r.csv", "Org", today=TODAY)
    with pytest.raises(VcseReturnError, match="not an XLSX workbook"):
        read_return(b"not a workbook", "r.xlsx", "Org", today=TODAY)
    with pytest.raises(VcseReturnError, match="no rows"):
        read_return(HEADER.encode(), "r.csv", "Org", today=TODAY)


def test_services_in_open_referral_fields_are_optional_and_checked(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(template_bytes("Kind Hearts", [])))
    assert [c.value for c in book["Services"][1]] == ["name", "description", "url", "email",
                                                      "status", "fees"]
    out = io.BytesIO()
    book.save(out)
    assert read_services(out.getvalue(), "r.xlsx") == []  # nothing filled in: fine
    book["Services"].append(["Parent café", "Drop-in for parents", "https://kind.example",
                             "hello@kind.example", "", "Free"])
    book["Services"].append(["Youth club", "", "kind.example", "nobody", "paused", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(VcseReturnError) as caught:
        read_services(out.getvalue(), "r.xlsx")
    assert caught.value.problems == [
        "file r.xlsx, sheet Services, row 3, field description: empty; a service needs a "
        "name and a description",
        "file r.xlsx, sheet Services, row 3, field url: 'kind.example' is not a web address; "
        "start it with https://",
        "file r.xlsx, sheet Services, row 3, field email: 'nobody' is not an email address",
        "file r.xlsx, sheet Services, row 3, field status: 'paused' is not one of active, "
        "inactive, defunct, temporarily closed"]
    book["Services"].delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    cafe = Service("Parent café", "Drop-in for parents", "https://kind.example",
                   "hello@kind.example", "active", "Free")
    assert read_services(out.getvalue(), "r.xlsx") == [cafe]
    save_return(tmp_path, "Kind Hearts", [], "r.xlsx", [cafe])
    save_return(tmp_path, "Kind Hearts", [], "s.xlsx")  # no services sent: the old ones stay
    assert load_services(tmp_path, "Kind Hearts") == [cafe]


def _row(month: int, families: int, hours: float, org: str = "Org", area: str = "Stockport",
         need: str = "family_support") -> VcseRow:
    return VcseRow(org, date(2025, month, 1), area, need, families, hours)


def test_the_store_merges_a_correction_and_keeps_organisations_apart(tmp_path: Path) -> None:
    assert save_return(tmp_path, "Org", [_row(1, 10, 50), _row(2, 12, 60)], "a.xlsx") == 2
    assert save_return(tmp_path, "Org", [_row(2, 14, 70), _row(3, 9, 40)], "b.xlsx") == 3
    save_return(tmp_path, "Other", [_row(1, 1, 1, org="Other")], "c.csv")
    mine = load_returns(tmp_path, "Org")
    assert [(r.month.month, r.families) for r in mine] == [(1, 10), (2, 14), (3, 9)]
    assert len(load_returns(tmp_path)) == 4
    before = returns_digest(load_returns(tmp_path))
    save_return(tmp_path, "Org", [_row(3, 10, 40)], "d.xlsx")
    assert returns_digest(load_returns(tmp_path)) != before


def test_partners_level_fte_and_coverage() -> None:
    rows = [_row(m, 10 * m, 100.0 * m) for m in (1, 2, 3, 4, 6)]
    rows += [_row(6, 5, 30, need="youth_work"), _row(6, 99, 99, area="Elsewhere")]
    [found] = partners(rows, "stockport", productive_hours_week=30.0)
    # The latest three months returned are March, April and June (none for May): families
    # (30 + 40 + 60 + 5) / 3 = 45, hours (300 + 400 + 600 + 30) / 3; Elsewhere is not here.
    assert found.families == pytest.approx(45.0)
    assert found.hours_per_month == pytest.approx(1330 / 3)
    assert found.fte == pytest.approx(1330 / 3 / (30 * 52 / 12))
    assert found.coverage == pytest.approx(5 / 12) and found.months_returned == 5
    assert (found.first, found.last) == ("2025-01", "2025-06")
    assert found.needs == "Family support, Youth work"


def _flat(series: Series, horizon: int) -> Forecast:
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8)


def test_returns_add_early_help_demand_and_capacity_to_the_plan(tmp_path: Path) -> None:
    counts = tmp_path / "counts.csv"
    counts.write_text("area,period,need,count\n" + "".join(
        f"Stockport,2024-{m:02d},referral,300\nStockport,2024-{m:02d},open_cin,900\n"
        for m in range(1, 13)), encoding="utf-8")
    base = counts_inputs(read_counts(counts), "Stockport")
    rows = [_row(m, 120, 400.0) for m in (1, 2, 3)] + [_row(1, 5, 5, area="Nowhere")]
    [with_vcse], notes = attach_returns([base], rows, productive_hours_week=28.86)
    assert notes == ["VCSE returns for Nowhere match no area in this plan; not used"]
    plain, joined = run_plan([base], forecaster=_flat), run_plan([with_vcse], forecaster=_flat)
    assert "early_help_worker" not in plain.areas[0].roles
    path = joined.areas[0].demand
    assert np.allclose(path.open["early_help"], 120.0)  # summed into early help open cases
    # Early help is shared by its three roles (the assumed split: 60%, 25%, 15%).
    assert {"family_support_worker", "youth_worker"} <= set(joined.areas[0].roles)
    held = {r: float(p.open_cases[0]) for r, p in joined.areas[0].roles.items()
            if p.open_cases is not None}
    assert held["early_help_worker"] == pytest.approx(72.0)
    assert held["youth_worker"] == pytest.approx(18.0)
    role = joined.areas[0].roles["early_help_worker"]
    fte = 400.0 / (28.86 * 52 / 12)
    assert role.partner == pytest.approx(fte)
    first = role.rows[0]
    # Available: the partner's FTE plus what the council recruits for the rest.
    council = first.available - fte
    assert council >= 0 and first.required > fte
    assert joined.areas[0].roles["social_worker"].rows[0].required == pytest.approx(
        plain.areas[0].roles["social_worker"].rows[0].required)
