"""Scenarios change exactly what they say; bad values are refused naming the field; regions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from joinedup.errors import ConfigError
from joinedup.workforce.assumptions import default_assumptions
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.inputs import AreaInputs, SupplyBase, jump_flags
from joinedup.workforce.plan import run_plan
from joinedup.workforce.projection import DemandPath, apply_levers
from joinedup.workforce.regions import find_region, load_regions, normalise
from joinedup.workforce.scenarios import (
    BASELINE,
    adjust_turnover,
    apply_scenario,
    example_scenarios,
    load_scenario,
    parse_scenario,
)
from joinedup.workforce.series import Series


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _diff(a.get(k), b.get(k),
                                                                   f"{path}.{k}".strip("."))]
    return [] if a == b else [path]


def test_a_lever_changes_exactly_its_value() -> None:
    base = default_assumptions().model_dump()
    cap = apply_scenario(parse_scenario({"name": "cap", "levers": {"caseload_cap": 15}}, "t"))
    assert _diff(base, cap.model_dump()) == ["caseload.cap"]
    assert cap.caseload.cap == 15
    both = apply_scenario(parse_scenario(
        {"name": "b", "levers": {"shift_to_early_help": 0.1, "vcse_families": 500}}, "t"))
    assert _diff(base, both.model_dump()) == ["demand.shift_to_early_help",
                                              "demand.vcse_families"]
    override = apply_scenario(parse_scenario(
        {"name": "o", "assumptions": {"staffing": {"shrinkage": 0.3}}}, "t"))
    assert _diff(base, override.model_dump()) == ["staffing.shrinkage"]


def test_turnover_lever_is_points_and_never_negative() -> None:
    scenario = parse_scenario({"name": "r", "levers": {"turnover_change_points": -3}}, "t")
    assert adjust_turnover(scenario, 0.15)[0] == pytest.approx(0.12)
    value, note = adjust_turnover(scenario, 0.02)
    assert value == 0.0
    assert note is not None and "taken as 0" in note
    assert adjust_turnover(BASELINE, 0.15) == (0.15, None)


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "x", "levers": {"caseload_cap": -2}}, "levers.caseload_cap"),
    ({"name": "x", "levers": {"shift_to_early_help": 1.5}}, "levers.shift_to_early_help"),
    ({"name": "x", "levers": {"turnover_change_points": 80}}, "levers.turnover_change_points"),
    ({"name": "x", "levers": {"vcse_families": -500}}, "levers.vcse_families"),
    ({"name": "x", "levers": {"turnovr_change_points": 1}}, "levers.turnovr_change_points"),
    ({"name": "x", "assumptions": {"staffing": {"shrinkage": 1.0}}}, "staffing.shrinkage"),
    ({"name": "x", "assumptions": {"supply": {"social_worker": {"turnover": -0.1}}}},
     "supply.social_worker.turnover"),
    ({"name": "x", "levers": {"caseload_cap": 10}}, "first_year_cap must not be more than cap"),
    ({"name": "x", "levers": {"demand_change": {"crisis": 0.1}}}, "unknown case class"),
    ({"levers": {}}, "name"),
])
def test_bad_values_are_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        parse_scenario(data, "scenario.yaml")


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_scenario(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_scenario(tmp_path / "none.yaml")


def test_example_scenarios_are_valid() -> None:
    names = {load_scenario(p).name for p in example_scenarios()}
    assert {"Retention", "Early help first", "Caseload cap 15", "Grow our own"} <= names


def _path() -> DemandPath:
    ones = np.ones(3)
    return DemandPath(months=[date(2024, 4 + i, 1) for i in range(3)],
                      new={"early_help": ones * 10, "child_in_need": ones * 100,
                           "child_protection": ones * 0, "looked_after": ones * 0},
                      open={"early_help": ones * 600, "child_in_need": ones * 1000,
                            "child_protection": ones * 200, "looked_after": ones * 300},
                      referrals=ones * 100, contacts=None, spread=ones * 0.1, forecasts=(),
                      notes=())


def test_shift_to_early_help_and_vcse_by_hand() -> None:
    """10% of 100 referrals a month move to early help: crisis new 90, open CIN 900, CP 180,
    LA 270; early help new 10 + 10 = 20 and open 600 + 10 × 6 months = 660; VCSE takes 500
    families off: 160."""
    a = apply_scenario(parse_scenario({"name": "s", "levers": {
        "shift_to_early_help": 0.1, "vcse_families": 500}}, "t"))
    out = apply_levers(_path(), a, flow_route=False)
    assert out.referrals[0] == pytest.approx(90)
    assert out.new["child_in_need"][0] == pytest.approx(90)
    assert out.open["child_in_need"][0] == pytest.approx(900)
    assert out.open["child_protection"][0] == pytest.approx(180)
    assert out.open["looked_after"][0] == pytest.approx(270)
    assert out.new["early_help"][0] == pytest.approx(20)
    assert out.open["early_help"][0] == pytest.approx(160)
    unchanged = apply_levers(_path(), default_assumptions(), flow_route=False)
    assert unchanged.open["child_in_need"][0] == 1000


def _flat(series: Series, horizon: int) -> Forecast:
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8, {}, None, ())


def _inputs() -> AreaInputs:
    start = date(2019, 4, 1)
    history = {need: Series("Borough", need, "year", start, (v,) * 5) for need, v in
               (("referral", 1200.0), ("open_cin", 900.0), ("open_cp", 100.0),
                ("open_looked_after", 200.0))}
    supply = SupplyBase(permanent_fte=80.0, agency_fte=10.0, turnover=0.15,
                        starters_per_year=14.0, agency_cover=0.7, absence=0.04,
                        case_holder_share=0.5)
    return AreaInputs(area="Borough", source="csv", freq="year", history=history,
                      supply={"social_worker": supply})


def test_scenarios_in_a_plan_change_only_what_they_touch() -> None:
    """A caseload cap scenario changes required FTE only where the cap binds; a retention
    scenario changes supply, never the requirement; the same seeded draws are used."""
    retention = parse_scenario({"name": "Retention",
                                "levers": {"turnover_change_points": -5}}, "t")
    cap = parse_scenario({"name": "Cap 12", "levers": {"caseload_cap": 12}}, "t")
    result = run_plan([_inputs()], [BASELINE, retention, cap], forecaster=_flat)
    plans = {p.scenario: p.roles["social_worker"] for p in result.areas}
    base, ret, capped = plans["baseline"], plans["Retention"], plans["Cap 12"]
    np.testing.assert_allclose(ret.required, base.required)
    assert ret.supply.permanent[-1] > base.supply.permanent[-1]
    assert ret.start.turnover == pytest.approx(0.10)
    # Open cases: child in need 900 − 100 − 200 = 600 (DfE counts protection and looked-after
    # children in it), + 100 + 200 = 900. Hours: 100 referrals a month ÷ 4.333 weeks × 6 h
    # = 138.5, + 600 × 1.4 + 100 × 2.4 + 200 × 1.8 = 1,440; 1,578.5 ÷ 28.86 = 54.7 FTE.
    # Cap 18 (6% first year at 12): 900 ÷ 17.64 = 51.0, so hours bind; cap 12: 900 ÷ 12 = 75.
    assert base.case_holding[0] == pytest.approx((100 / (52 / 12) * 6 + 1440) / 28.86)
    assert capped.binding == "caseload cap"
    assert capped.case_holding[0] == pytest.approx(75.0)
    assert base.binding == "hours"
    assert capped.required[0] > base.required[0]
    again = run_plan([_inputs()], [BASELINE], forecaster=_flat)
    assert again.areas[0].roles["social_worker"].rows == base.rows


def test_jump_flags_flag_and_do_not_smooth() -> None:
    flags = jump_flags("X", "caseload", {2019: 22.0, 2020: 11.0, 2021: 12.0, 2022: None})
    assert any("22 in 2019 to 11 in 2020 (-50%)" in f for f in flags)
    assert any("2022 is suppressed" in f for f in flags)
    assert len(flags) == 2


def test_regions_predefined_and_user_file(tmp_path: Path) -> None:
    regions = load_regions()
    cm = find_region("cheshire and merseyside", regions)
    assert len(cm.councils) == 9
    assert cm.comparison == ("Stockport",)
    assert cm.is_comparison("stockport")
    assert len(find_region("Greater Manchester", regions).councils) == 10
    extra = tmp_path / "regions.yaml"
    extra.write_text("regions:\n  - name: Pair\n    councils: [Bury, Bolton]\n")
    assert find_region("pair", load_regions(extra)).councils == ("Bury", "Bolton")
    assert normalise("St. Helens") == normalise("St Helens")
    with pytest.raises(ConfigError, match="Known regions"):
        find_region("Atlantis", regions)
    extra.write_text("regions:\n  - name: Bad\n    councils: []\n")
    with pytest.raises(ConfigError, match="councils"):
        load_regions(extra)
