"""`joinedup workforce plan --from warehouse` on the small synthetic borough: the Markov flow
from its episodes and the supply from its practitioner roster."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import joinedup.workforce.plan as plan_module
from joinedup.cli import cli
from joinedup.config import get_settings
from joinedup.warehouse.snapshots import open_current
from joinedup.workforce.episodes import warehouse_inputs
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.series import Series
from linked_borough import LinkedBorough


def mean_of_last_year(series: Series, horizon: int) -> Forecast:
    v = sum(series.values[-12:]) / max(len(series.values[-12:]), 1)
    return Forecast(series, "naive", (v,) * horizon, (v * 0.8,) * horizon, (v * 1.2,) * horizon,
                    0.8, {}, None, ())


def test_plan_from_the_warehouse(linked_borough: LinkedBorough, home: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    linked_borough.copy_ingested_to(home)  # the small borough as `ingest` published it
    with open_current(settings=settings) as con:
        inputs = warehouse_inputs(con, "Borough")
    assert inputs.flow is not None
    rows = inputs.flow.matrix
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    # Children stay in looked-after care much longer than in early help (months per spell).
    stays = inputs.flow.mean_months()
    assert stays[3] > stays[0]
    assert sum(inputs.flow_open) > 0
    assert "social_worker" in inputs.supply
    assert (inputs.supply["social_worker"].permanent_fte or 0) > 0

    monkeypatch.setattr(plan_module, "forecast", mean_of_last_year)
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli, ["workforce", "plan", "--area", "Borough", "--from",
                                      "warehouse", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "flow.csv").open(encoding="utf-8") as handle:
        flow = list(csv.DictReader(handle))
    assert [r["from"] for r in flow] == ["early_help", "child_in_need", "child_protection",
                                         "looked_after"]
    with (out / "plan_by_year.csv").open(encoding="utf-8") as handle:
        years = [r for r in csv.DictReader(handle) if r["role"] == "social_worker"]
    assert len(years) in (5, 6)  # 60 months from mid-year touch six financial years
    assert all(float(r["required_fte"]) > 0 for r in years)
