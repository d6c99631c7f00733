"""Benchmark: workforce planning.

    .venv/bin/python bench/workforce.py [--reference ../shared/data] [--runs 1000]
        [--people 30000] [--seed 2026] [--skip-forecast] [--skip-region] [--pooled-only]

Forecast accuracy: the forecaster on the monthly demand of a synthetic borough (built and
ingested into a temporary folder), scored on the last 12 months it did not see, against the
seasonal naive baseline (target: relative MASE <= 0.8); and one-year-ahead error and interval
coverage of each series' own choice on the real annual DfE referrals and social worker FTE of
the ten councils.

All-council backtest (issue 15): the pooled model (one model learnt across every English
council, joinedup.workforce.pooled) against naive ("same as last year"), one year ahead at
every origin, over all councils and over Cheshire and Merseyside plus Stockport. Target:
relative MASE <= 0.8 and 80% intervals covering 75-85% of actuals (each part reported as met
or not). `--pooled-only` runs just this (a few seconds).

Region plan: times `run_plan` for the Cheshire and Merseyside region (nine councils plus
Stockport for comparison) on the real DfE figures with the baseline and the four example
scenarios: reading the DfE files, forecasting (as a DfE plan does: the all-council choice
for referrals, children in need and plans, each series' own backtest for the rest), and the
plan itself (workload, Erlang C, supply, 1,000 simulation runs per area
and scenario), then the report folder. It prints figures; it asserts nothing. Timings on a
shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from joinedup.config import get_settings
from joinedup.reference.panel import Panel, load_panel
from joinedup.synth import generate_borough
from joinedup.warehouse.ingest import run_ingest
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.workforce.backtest import MODELS, mase, mase_scale
from joinedup.workforce.demand import DemandHistory, warehouse_demand
from joinedup.workforce.dfe_demand import dfe_demand
from joinedup.workforce.forecast import Forecast, forecast
from joinedup.workforce.inputs import dfe_inputs
from joinedup.workforce.plan import run_plan
from joinedup.workforce.pooled import CLIP, RIDGE, features, fit_ridge, typical_change
from joinedup.workforce.pooled_backtest import Backtest, relative, run_backtest, score
from joinedup.workforce.pooled_backtest import mase_scale as mase_scale_all
from joinedup.workforce.pooled_plan import (
    NEED_MEASURES,
    backtest_origins,
    dfe_forecaster,
    verdict,
)
from joinedup.workforce.reconcile import complete_tree, incoherence, reconcile
from joinedup.workforce.regions import find_region, load_regions
from joinedup.workforce.report import write_report
from joinedup.workforce.scenarios import BASELINE, example_scenarios, load_scenario
from joinedup.workforce.series import Series

REPO = Path(__file__).resolve().parent.parent


def _flat(series: Series, horizon: int) -> Forecast:
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


def region_plan_timing(reference: Path, region_name: str = "Cheshire and Merseyside") -> None:
    """Time the whole region plan, split into its stages, and print the region's figures."""
    region = find_region(region_name, load_regions())
    scenarios = [BASELINE, *(load_scenario(p) for p in example_scenarios())]
    started = time.perf_counter()
    inputs = []
    for name in region.members:
        item = dfe_inputs(reference, name)
        inputs.append(item.as_comparison() if region.is_comparison(name) else item)
    read = time.perf_counter() - started

    def timed(forecaster: Callable[[Series, int], Forecast]) -> tuple[float, object]:
        start = time.perf_counter()
        result = run_plan(inputs, scenarios, region=region.name, forecaster=forecaster)
        return time.perf_counter() - start, result

    plan_only, _ = timed(_flat)
    total, result = timed(dfe_forecaster(reference))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        files = write_report(result, Path(folder))  # type: ignore[arg-type]
        report = time.perf_counter() - start
    print(f"region plan: {region.name}, {len(inputs)} councils, {len(scenarios)} scenarios")
    print(f"  read DfE files           {read:7.1f} s")
    print(f"  plan (flat forecasts)    {plan_only:7.1f} s  (workload, Erlang C, supply, "
          "simulation)")
    print(f"  plan with forecasting    {total:7.1f} s")
    print(f"  report ({len(files)} files)      {report:7.1f} s")
    rows = [r for r in result.region_rows if r.role == "social_worker"]  # type: ignore[attr-defined]
    last = {r.scenario: r for r in rows}
    for name, row in last.items():
        print(f"  {name:18} {row.quarter}: required {row.required:7.0f}  available "
              f"{row.available:7.0f}  gap P50 {row.gap_p50:+6.0f} "
              f"[P10 {row.gap_p10:+.0f}, P90 {row.gap_p90:+.0f}]")

# ---- forecast accuracy ---------------------------------------------------------------------

CONSULTED = ["Stockport", "Cheshire East", "Cheshire West and Chester", "Halton", "Knowsley",
             "Liverpool", "Sefton", "St Helens", "Warrington", "Wirral"]
HOLDOUT = 12  # months kept back from the chooser to score it honestly
TEAM_NEEDS = ("referral", "assessment", "early_help")


@dataclass
class Scored:
    """One series' hold-out score: chosen model vs seasonal naive on the same months."""

    name: str
    model: str
    mase_chosen: float
    mase_naive: float


def _holdout(series: Series, holdout: int) -> Scored | None:
    """Choose on all but the last ``holdout`` periods; score chosen and baseline on them."""
    if len(series.values) < 2 * series.season + holdout + 3:
        return None
    train = series.with_values(series.values[:-holdout])
    actual = np.asarray(series.values[-holdout:])
    y = np.asarray(train.values)
    scale = mase_scale(y, series.season) or float(np.mean(np.abs(y))) or 1.0
    chosen = forecast(train, holdout)
    base = MODELS["seasonal_naive" if series.season > 1 else "naive"](y, holdout,
                                                                     series.season, 0.8)
    return Scored(f"{series.area} / {series.need}", chosen.model,
                  mase(actual, np.asarray(chosen.mean), scale), mase(actual, base.mean, scale))


def _table(rows: list[Scored], baseline: str) -> None:
    print(f"  {'series':44} {'chosen':15} {'MASE':>6} {baseline:>15} {'ratio':>6}")
    for row in rows:
        ratio = row.mase_chosen / row.mase_naive if row.mase_naive else float("nan")
        print(f"  {row.name[:44]:44} {row.model:15} {row.mase_chosen:6.2f} "
              f"{row.mase_naive:15.2f} {ratio:6.2f}")
    chosen = float(np.mean([r.mase_chosen for r in rows]))
    naive = float(np.mean([r.mase_naive for r in rows]))
    wins = sum(r.mase_chosen < r.mase_naive for r in rows)
    print(f"  {'mean over ' + str(len(rows)) + ' series':44} {'':15} {chosen:6.3f} "
          f"{naive:15.3f} {chosen / naive:6.3f}")
    print(f"  chosen model beats {baseline} on {wins} of {len(rows)} series; "
          f"relative MASE (mean chosen / mean {baseline}) {chosen / naive:.3f} (target <= 0.8)")


def synthetic_monthly_accuracy(people: int = 30_000, seed: int = 2026,
                               reference: Path | None = None) -> None:
    """Build a synthetic borough, ingest it, and score the forecaster on its monthly demand.

    For each council-level need series (and the main teams' referrals, assessments and early
    help), the chooser sees all but the last 12 months; the model it picks and the seasonal
    naive baseline are then scored by MASE on those 12 months (scale: the in-sample seasonal
    naive error of the training months). Target: relative MASE <= 0.8.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        generate_borough(out=root / "borough", people=people, seed=seed,
                         reference_data=reference)
        os.environ["JOINEDUP_HOME"] = str(root / "home")
        os.environ["JOINEDUP_CONFIG"] = str(root / "none.toml")
        get_settings.cache_clear()
        settings = get_settings()
        snapshot = run_ingest(root / "borough" / "sources.yaml", settings).snapshot_id
        with SnapshotStore.from_settings(settings).open(snapshot) as con:
            history = warehouse_demand(con, council="Council")
        get_settings.cache_clear()
        built = time.perf_counter() - started
    chosen: list[Series] = [s for s in history.series if s.area == "Council"]
    teams = [s for s in history.series if s.need in TEAM_NEEDS and s.area != "Council"
             and s.area != "(no team)" and sum(s.values) >= 12 * 10]
    started = time.perf_counter()
    rows = [r for r in (_holdout(s, HOLDOUT) for s in [*chosen, *teams]) if r is not None]
    took = time.perf_counter() - started
    print(f"synthetic borough: {people:,} people, seed {seed}; built and ingested in "
          f"{built:.0f} s; {len(rows)} monthly series scored on the last {HOLDOUT} months "
          f"in {took:.0f} s")
    _table(rows, "seasonal naive")
    _reconciled_referrals(history)


def _reconciled_referrals(history: DemandHistory) -> None:
    """Hold-out error of council referrals: its own forecast vs the reconciled one."""
    tree = complete_tree(history.for_need("referral"), history.parents)
    train = {s.area: s.with_values(s.values[:-HOLDOUT]) for s in tree}
    base = {area: forecast(s, HOLDOUT) for area, s in train.items()}
    coherent = reconcile(base, history.parents)
    council = next(s for s in tree if s.area not in history.parents)
    actual = np.asarray(council.values[-HOLDOUT:])
    scale = mase_scale(np.asarray(train[council.area].values), 12)
    print(f"  referrals, {len(tree) - 1} teams: council forecast incoherent by up to "
          f"{incoherence(base, history.parents):.1f} a month before reconciliation, "
          f"{incoherence(coherent, history.parents):.1e} after; council MASE "
          f"{mase(actual, np.asarray(base[council.area].mean), scale):.2f} own, "
          f"{mase(actual, np.asarray(coherent[council.area].mean), scale):.2f} reconciled "
          "(wls_struct)")


def _one_year_ahead(series: Series, origins: int) -> list[tuple[float, float, float, bool]]:
    """(actual, chosen, naive, actual inside the chosen model's 80% interval) for each of the
    last ``origins`` years, forecast a year ahead."""
    out = []
    for k in range(origins, 0, -1):
        train = series.with_values(series.values[:-k])
        if len(train.values) < 3:
            continue
        made = forecast(train, 1)
        actual = series.values[-k]
        out.append((actual, made.mean[0], train.values[-1],
                    made.lower[0] <= actual <= made.upper[0]))
    return out


def dfe_annual_accuracy(reference: Path) -> None:
    """One-year-ahead error on the real DfE series of the ten councils.

    Referrals (2012-13 to 2023-24): the last five years each forecast from the years before.
    Social worker FTE (CSWW, 2016-17 to 2023-24): the last three years. Error is the mean
    absolute percentage error (MAPE), for the chosen model and for naive (last year again).
    """
    history = dfe_demand(reference, CONSULTED, measures=["referral", "sw_fte"])
    started = time.perf_counter()
    print(f"real DfE annual series, {len(CONSULTED)} councils: one-year-ahead MAPE")
    print(f"  {'council':26} {'referrals':>9} {'naive':>6} {'SW FTE':>7} {'naive':>6}")
    totals: dict[str, list[float]] = {"r": [], "rn": [], "f": [], "fn": [], "rc": [], "fc": []}
    for council in CONSULTED:
        cells = []
        for need, origins, key in (("referral", 5, "r"), ("sw_fte", 3, "f")):
            series = history.get(council, need)
            points = _one_year_ahead(series, origins) if series else []
            errors = [abs(p - a) / a for a, p, _, _ in points if a]
            naive = [abs(n - a) / a for a, _, n, _ in points if a]
            totals[key].extend(errors)
            totals[key + "n"].extend(naive)
            totals[key + "c"].extend(float(inside) for *_, inside in points)
            cells.append(f"{100 * np.mean(errors):8.1f}% {100 * np.mean(naive):5.1f}%")
        print(f"  {council:26} {cells[0]} {cells[1]}")
    print(f"  {'all ten':26} {100 * np.mean(totals['r']):8.1f}% "
          f"{100 * np.mean(totals['rn']):5.1f}% {100 * np.mean(totals['f']):6.1f}% "
          f"{100 * np.mean(totals['fn']):5.1f}%   ({time.perf_counter() - started:.0f} s)")
    print(f"  each series' own choice: 80% interval coverage {np.mean(totals['rc']):.2f} "
          f"referrals ({len(totals['rc'])} forecasts), {np.mean(totals['fc']):.2f} FTE "
          f"({len(totals['fc'])}); DfE plans use the all-council choice instead (above)")


def _in_sample_relative(panel: Panel, measure: str, origins: list[int]) -> float:
    """Relative MASE of the pooled model fitted on every year and scored on the same years:
    a ceiling on what these features can do (an out-of-sample backtest can only be worse)."""
    x, _ = features(panel, measure)
    values = panel.values[measure]
    logs = np.log(np.where(values > 0, values, np.nan))
    target = np.full_like(logs, np.nan)
    target[:, :-1] = logs[:, 1:] - logs[:, :-1]
    s = typical_change(panel, measure)
    rows = np.isfinite(target) & np.all(np.isfinite(x), axis=2) & np.isfinite(s)[:, None]
    weights = np.broadcast_to((1.0 / s**2)[:, None], rows.shape)[rows]
    beta, mu, sd, intercept = fit_ridge(x[rows], np.clip(target[rows], -CLIP, CLIP), weights,
                                        RIDGE)
    years = np.asarray(panel.years)
    scored = rows & np.isin(years, origins)[None, :]
    scale = mase_scale_all(values)[:, None] * np.ones(rows.shape)
    scored &= np.isfinite(scale) & (scale > 0)
    last = values[:, :-1][scored[:, :-1]]
    actual = values[:, 1:][scored[:, :-1]]
    growth = intercept + ((x[:, :-1][scored[:, :-1]] - mu) / sd) @ beta
    div = scale[:, :-1][scored[:, :-1]]
    model = np.mean(np.abs(actual - last * np.exp(growth)) / div)
    naive = np.mean(np.abs(actual - last) / div)
    return float(model / naive)


def _knn_ceiling(panel: Panel, measure: str, k: int = 100) -> float:
    """Relative error of a non-linear check: each change predicted by the median change of
    its k nearest rows in feature space (every other council-year, earlier or later: leave
    one out, so optimistic). In units of each council's typical change."""
    x, _ = features(panel, measure)
    logs = np.log(np.where(panel.values[measure] > 0, panel.values[measure], np.nan))
    target = np.full_like(logs, np.nan)
    target[:, :-1] = logs[:, 1:] - logs[:, :-1]
    s = np.broadcast_to(typical_change(panel, measure)[:, None], logs.shape)
    rows = np.isfinite(target) & np.all(np.isfinite(x), axis=2) & np.isfinite(s)
    z = x[rows]
    z = (z - z.mean(axis=0)) / np.where(z.std(axis=0) > 0, z.std(axis=0), 1.0)
    y, scale = target[rows], s[rows]
    distance = np.sum((z[:, None, :] - z[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1)[:, :k]
    predicted = np.median(y[nearest], axis=1)
    return float(np.mean(np.abs(y - predicted) / scale) / np.mean(np.abs(y) / scale))


def pooled_accuracy(reference: Path) -> None:
    """The all-council rolling-origin backtest table for the pooled model against naive."""
    started = time.perf_counter()
    panel = load_panel(reference)
    region = find_region("Cheshire and Merseyside", load_regions())
    local = [i for name in region.members if (i := panel.find(name)) is not None]
    groups: list[tuple[str, list[int] | None]] = [
        (f"all councils ({len(panel.codes)} DfE codes)", None),
        (f"Cheshire and Merseyside + Stockport ({len(local)})", local)]
    print("all-council rolling-origin backtest, one year ahead: pooled model vs naive "
          "(same as last year)")
    print(f"  {'measure':10} {'group':40} {'forecasts':>9} {'MASE':>6} {'naive':>6} "
          f"{'relative':>8} {'cover':>6} {'naive':>6}  target (rel <= 0.8, cover 0.75-0.85)")
    for need in ("referral", "sw_fte", "open_cin", "open_cp"):
        measure = NEED_MEASURES[need]
        origins = backtest_origins(panel, measure)
        bt = run_backtest(panel, measure, origins)
        for label, rows in groups:
            p, n = score(bt, "pooled", rows), score(bt, "naive", rows)
            ratio = relative(bt, rows)
            accurate = "met" if ratio <= 0.8 else "NOT met"
            covered = "met" if 0.75 <= p.coverage <= 0.85 else "NOT met"
            print(f"  {measure:10} {label:40} {p.forecasts:9d} {p.mase:6.3f} {n.mase:6.3f} "
                  f"{ratio:8.3f} {p.coverage:6.2f} {n.coverage:6.2f}  "
                  f"relative {accurate}, cover {covered}")
        found = verdict(bt, need)
        per_origin = " ".join(
            f"{o + 1}:{relative(_one_origin(bt, k)):.2f}" for k, o in enumerate(bt.origins))
        print(f"  {'':10} forecast years {bt.origins[0] + 1}-{bt.origins[-1] + 1}; relative "
              f"by year {per_origin}; in-sample ceiling "
              f"{_in_sample_relative(panel, measure, origins):.3f}; nearest-neighbour check "
              f"{_knn_ceiling(panel, measure):.3f}; plan uses: {found.model}")
    print(f"  ({time.perf_counter() - started:.1f} s)")


def _one_origin(bt: Backtest, k: int) -> Backtest:
    """The backtest restricted to its k-th origin."""
    pick = slice(k, k + 1)
    return Backtest(bt.measure, bt.origins[pick], bt.actual[pick], bt.scale[pick],
                    {m: v[pick] for m, v in bt.mean.items()},
                    {m: v[pick] for m, v in bt.lower.items()},
                    {m: v[pick] for m, v in bt.upper.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-forecast", action="store_true")
    parser.add_argument("--skip-region", action="store_true")
    parser.add_argument("--pooled-only", action="store_true",
                        help="only the all-council backtest of the pooled model")
    args = parser.parse_args()
    has_reference = (args.reference / "dfe").is_dir()
    if args.pooled_only or not args.skip_forecast:
        if has_reference:
            pooled_accuracy(args.reference)
        else:
            print(f"no reference data at {args.reference}: the all-council backtest needs the "
                  "DfE files")
    if args.pooled_only:
        return
    if not args.skip_forecast:
        synthetic_monthly_accuracy(args.people, args.seed,
                                   args.reference if has_reference else None)
        if has_reference:
            dfe_annual_accuracy(args.reference)
    if args.skip_region:
        return
    if not (args.reference / "dfe").is_dir():
        print(f"no reference data at {args.reference}: the region plan needs the DfE files")
        return
    region_plan_timing(args.reference)


if __name__ == "__main__":
    main()
