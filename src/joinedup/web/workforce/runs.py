"""Workforce plans for the web pages: choose the inputs, run the plan once, keep the result.

A plan is identified by a key: a hash of its source (a council's or a region's DfE figures, the
warehouse snapshot being served, or an uploaded CSV of counts) and its scenarios. The first
request for a key runs :func:`joinedup.workforce.plan.run_plan` in the request (synchronously:
seconds for a council or the warehouse, about 20 s for a region) and writes the report folder
(:func:`joinedup.workforce.report.write_report`) plus the pages' tables as JSON under
``<home>/web/workforce/plans/<key>/``. Every later page view, by any worker process, reads the
folder: nothing is recomputed. A new warehouse snapshot or an edited scenario gives a new key.
The folder appears whole or not at all (written beside it, then renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joinedup.config import Settings
from joinedup.errors import ConfigError
from joinedup.workforce.assumptions import default_assumptions
from joinedup.workforce.inputs import AreaInputs
from joinedup.workforce.plan import PlanResult, forecasts_of, run_plan
from joinedup.workforce.projection import Forecaster
from joinedup.workforce.regions import find_region, load_regions
from joinedup.workforce.report import TABLES, WORKBOOK, write_csv, write_report
from joinedup.workforce.scenarios import BASELINE, Scenario
from joinedup.workforce.vcse_plan import attach_returns, load_returns, returns_digest

SOURCES = {
    "council": "One council's published DfE figures",
    "region": "A region's councils' published DfE figures",
    "warehouse": "This council's warehouse (the snapshot being served)",
    "counts": "A CSV file of counts (area, period, need, count)",
}
KEY_LENGTH = 20
Row = dict[str, Any]

FORECASTER: Forecaster | None = None
"""The forecaster plans use (None: the plan's own model choice). Tests set a flat one."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    source: str
    name: str = ""  # the council or region; for "counts", the uploaded file's name
    scenarios: tuple[Scenario, ...] = ()
    counts: bytes = b""
    supply: bytes = b""  # an optional CSV of staffing by area and role


def plans_dir(settings: Settings) -> Path:
    return settings.web_dir / "workforce" / "plans"


def vcse_dir(settings: Settings) -> Path:
    """Where VCSE organisations' uploaded returns are kept (one JSON file each)."""
    return settings.web_dir / "workforce" / "vcse"


def _snapshot_id(settings: Settings) -> str:
    current = settings.warehouse_dir / "CURRENT"
    try:
        return current.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def plan_key(request: PlanRequest, settings: Settings) -> str:
    """The same inputs and scenarios give the same key; anything else a new one."""
    ident = {
        "source": request.source, "name": request.name,
        "scenarios": [s.model_dump(mode="json") for s in request.scenarios],
        "counts": hashlib.sha256(request.counts).hexdigest(),
        "snapshot": _snapshot_id(settings) if request.source == "warehouse" else "",
        "reference": str(settings.reference_data or "") if request.source in (
            "council", "region") else "",
        # A new VCSE return makes a new plan.
        "vcse": returns_digest(load_returns(vcse_dir(settings))),
    }
    if request.supply:
        # Only when given, so plans made without one keep their keys.
        ident["supply"] = hashlib.sha256(request.supply).hexdigest()
    text = json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def _reference(settings: Settings) -> Path:
    if settings.reference_data is None or not (settings.reference_data / "dfe").is_dir():
        raise ConfigError("the DfE reference data is not configured on this server: ask the "
                          "administrator to set reference_data, or plan from the warehouse or "
                          "a CSV of counts.")
    return settings.reference_data


def _inputs(request: PlanRequest, settings: Settings, work: Path) -> tuple[list[AreaInputs],
                                                                          str | None]:
    if request.source == "council":
        from joinedup.workforce.inputs import dfe_inputs

        return [dfe_inputs(_reference(settings), request.name)], None
    if request.source == "region":
        from joinedup.workforce.inputs import dfe_inputs

        region = find_region(request.name, load_regions(settings.workforce_regions))
        reference = _reference(settings)
        out = []
        for name in region.members:
            item = dfe_inputs(reference, name)
            out.append(item.as_comparison() if region.is_comparison(name) else item)
        return out, region.name
    if request.source == "counts":
        from joinedup.workforce.counts import read_counts
        from joinedup.workforce.inputs import counts_inputs

        path = work / "counts.csv"
        path.write_bytes(request.counts)
        history = read_counts(path)
        areas = [a for a in history.areas() if a not in history.parents]
        if not areas:
            raise ConfigError("the CSV of counts has no rows: give area, period, need, count.")
        return [counts_inputs(history, area) for area in areas], None
    if request.source == "warehouse":
        from joinedup.warehouse.snapshots import open_current
        from joinedup.workforce.episodes import warehouse_inputs

        with open_current(settings=settings) as con:
            return [warehouse_inputs(con, "Council")], None
    raise ConfigError(f"unknown plan source {request.source!r}: choose one of "
                      f"{', '.join(SOURCES)}.")


def backtest_table(result: PlanResult) -> list[Row]:
    """Each forecast's chosen model and its rolling-origin backtest scores."""
    out: list[Row] = []
    for fc in forecasts_of(result):
        relative = fc.relative_mase()
        out.append({"area": fc.series.area, "need": fc.series.need, "model": fc.model,
                    "baseline": fc.baseline,
                    "mase_vs_baseline": None if relative is None else round(relative, 3),
                    "interval_coverage": None if fc.coverage is None else round(fc.coverage, 3),
                    "interval_level": fc.level,
                    "method": fc.method or "this series' own rolling-origin backtest"})
    return out


def _describe(request: PlanRequest, result: PlanResult) -> dict[str, Any]:
    areas = list(dict.fromkeys(p.area for p in result.areas))
    return {
        "source": request.source, "source_label": SOURCES[request.source],
        "name": request.name, "region": result.region, "areas": areas,
        "comparison": sorted({p.area for p in result.areas if p.comparison}),
        "scenarios": [{"name": s.name, "description": s.description} for s in result.scenarios],
        "made": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "synthetic": request.source == "warehouse",
    }


def make_plan(request: PlanRequest, settings: Settings) -> str:
    """Run the plan unless this key's folder is already there; the key."""
    key = plan_key(request, settings)
    final = plans_dir(settings) / key
    if (final / "meta.json").is_file():
        return key
    work = plans_dir(settings) / f".{key}.{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    try:
        inputs, region = _inputs(request, settings, work)
        supply_notes: list[str] = []
        if request.supply:
            from joinedup.workforce.supply_csv import attach_supply, read_supply

            path = work / "staffing.csv"
            path.write_bytes(request.supply)
            inputs, supply_notes = attach_supply(inputs, read_supply(path))
        inputs, vcse_notes = attach_returns(inputs, load_returns(vcse_dir(settings)),
                                            default_assumptions().staffing.productive_hours)
        forecaster = FORECASTER
        if forecaster is None and request.source in ("council", "region"):
            from joinedup.workforce.pooled_plan import dfe_forecaster

            # The pooled model where the all-council backtest says it wins; else naive with
            # its all-council interval. Either way the backtest table says which and why.
            forecaster = dfe_forecaster(_reference(settings))
        result = run_plan(inputs, (BASELINE, *request.scenarios), region=region,
                          forecaster=forecaster)
        result.extra_notes.extend(supply_notes + vcse_notes)
        write_report(result, work / "report")
        tables = {name: build(result) for name, build in TABLES.items()}
        tables["backtest"] = backtest_table(result)
        write_csv(work / "report" / "backtest.csv", tables["backtest"])
        (work / "tables.json").write_text(json.dumps(tables), encoding="utf-8")
        (work / "meta.json").write_text(json.dumps(_describe(request, result)),
                                        encoding="utf-8")
        try:
            os.rename(work, final)
        except OSError:
            if not (final / "meta.json").is_file():  # not a plan finished by another worker
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return key


@dataclass(frozen=True, slots=True)
class StoredPlan:
    key: str
    folder: Path
    meta: dict[str, Any]
    tables: dict[str, list[Row]]

    def file(self, name: str) -> Path | None:
        """A report file to download: a table's CSV or the workbook; None if not one."""
        allowed = {f"{n}.csv" for n in (*TABLES, "backtest")} | {WORKBOOK}
        if name not in allowed:
            return None
        path = self.folder / "report" / name
        return path if path.is_file() else None


def load_plan(key: str, settings: Settings) -> StoredPlan | None:
    """A plan made earlier, or None (an unknown or malformed key)."""
    if len(key) != KEY_LENGTH or any(c not in "0123456789abcdef" for c in key):
        return None
    folder = plans_dir(settings) / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        tables = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return StoredPlan(key, folder, meta, tables)


def reference_dir(settings: Settings) -> Path:
    """The DfE reference data folder, or a ConfigError that says to ask the administrator."""
    return _reference(settings)
