"""The pooled model on the real DfE files: the panel holds the published figures, the
all-council backtest's verdict, and a council plan (the web's route) saying which method
forecast each series and why."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from joinedup.config import get_settings
from joinedup.reference.panel import load_panel
from joinedup.web.workforce import runs
from joinedup.workforce.pooled_backtest import run_backtest, score
from joinedup.workforce.pooled_plan import assess, backtest_origins
from joinedup.workforce.regions import find_region, load_regions


def test_panel_holds_every_council_as_published(reference_data: Path) -> None:
    panel = load_panel(reference_data)
    assert len(panel.codes) >= 150 and panel.years[0] == 2013 and panel.years[-1] == 2024
    stockport = panel.find("Stockport")
    helens = panel.find("St Helens")
    assert stockport is not None and helens is not None
    assert panel.names[helens] == "St. Helens"
    # c1 file: Stockport referrals 3,233 in 2022-23 and 3,447 in 2023-24.
    referrals = panel.values["referrals"][stockport]
    assert list(referrals[-2:]) == [3233.0, 3447.0]
    assert np.isnan(panel.values["sw_fte"][stockport, 0])  # CSWW starts in 2017
    assert (panel.neighbours[stockport] >= 0).sum() == 10
    cut = panel.until(2020)
    assert cut.years[-1] == 2020 and cut.values["referrals"].shape[1] == 8


def test_all_council_verdicts_keep_naive_where_the_pooled_model_does_not_win(
        reference_data: Path) -> None:
    panel = load_panel(reference_data)
    assert backtest_origins(panel, "referrals") == list(range(2017, 2024))
    assert backtest_origins(panel, "sw_fte") == list(range(2019, 2024))
    verdicts = assess(panel)
    for need in ("referral", "sw_fte"):
        found = verdicts[need]
        # Measured: pooled beats naive by about 2% (relative 0.98): not the 10% it needs.
        assert 0.9 < found.relative < 1.05
        assert found.model == "naive"
        assert found.pooled.forecasts > 700


def test_eighty_percent_intervals_cover_75_to_85_percent_of_backtest_actuals(
        reference_data: Path) -> None:
    # The target, for all councils and for the ten councils consulted. Before the
    # intervals came from out-of-sample errors, FTE covered 0.74 (all) and 0.72 (the ten).
    panel = load_panel(reference_data)
    region = find_region("Cheshire and Merseyside", load_regions())
    ten = [i for name in region.members if (i := panel.find(name)) is not None]
    assert len(ten) == 10
    for measure in ("referrals", "sw_fte"):
        bt = run_backtest(panel, measure, backtest_origins(panel, measure))
        for rows in (None, ten):
            for model in ("pooled", "naive"):
                assert 0.75 <= score(bt, model, rows).coverage <= 0.85, (measure, rows, model)


def test_a_council_plan_says_how_each_forecast_was_chosen(
        reference_data: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOINEDUP_REFERENCE_DATA", str(reference_data))
    monkeypatch.setattr(runs, "FORECASTER", None)
    get_settings.cache_clear()
    key = runs.make_plan(runs.PlanRequest("council", "Halton"), get_settings())
    stored = runs.load_plan(key, get_settings())
    assert stored is not None
    rows = {row["need"]: row for row in stored.tables["backtest"]}
    assert "all-council backtest" in rows["referral"]["method"]
    assert "not used" in rows["referral"]["method"]
    # Naive kept, with the interval and coverage of the all-council backtest.
    naive = assess(load_panel(reference_data))["referral"].naive
    assert rows["referral"]["model"] == "naive"
    assert rows["referral"]["interval_coverage"] == round(naive.coverage, 3)
    demand = stored.file("demand.csv")
    assert demand is not None
    halton = [line.split(",") for line in demand.read_text().splitlines()
              if line.startswith("Halton,referral,")]
    last = next(float(r[4]) for r in reversed(halton) if r[3] == "actual")
    assert {float(r[4]) for r in halton if r[3] == "forecast"} == {last}
    assert rows["open_looked_after"]["method"] == "this series' own rolling-origin backtest"
    backtest_csv = stored.file("backtest.csv")
    assert backtest_csv is not None and "all-council backtest" in backtest_csv.read_text()
