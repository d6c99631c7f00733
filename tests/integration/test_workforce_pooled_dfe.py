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
from joinedup.workforce.pooled_plan import assess, backtest_origins


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
        assert 0.7 <= found.pooled.coverage <= 0.9


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
    assert rows["open_looked_after"]["method"] == "this series' own rolling-origin backtest"
    backtest_csv = stored.file("backtest.csv")
    assert backtest_csv is not None and "all-council backtest" in backtest_csv.read_text()
