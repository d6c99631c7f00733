"""The four practitioner roles: supply from a CSV (row and field errors, quarantine), the
early help split from the slow needs, and each scenario's effect on each role."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from joinedup.errors import JoinedUpError, SourceError
from joinedup.workforce.counts import read_counts
from joinedup.workforce.forecast import Forecast
from joinedup.workforce.inputs import counts_inputs, early_help_split
from joinedup.workforce.plan import run_plan
from joinedup.workforce.report import role_table
from joinedup.workforce.scenarios import BASELINE, Scenario
from joinedup.workforce.series import Series
from joinedup.workforce.supply_csv import attach_supply, read_supply

ROLES = ("social_worker", "early_help_worker", "family_support_worker", "youth_worker")


def _flat(series: Series, horizon: int) -> Forecast:
    v = series.values[-1]
    return Forecast(series, "naive", (v,) * horizon, (v * 0.9,) * horizon, (v * 1.1,) * horizon,
                    0.8)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _counts(tmp_path: Path, *, family: int | None = None, youth: int | None = None) -> Path:
    lines = ["area,period,need,count"]
    for m in range(1, 13):
        month = f"2024-{m:02d}"
        lines += [f"Northtown,{month},referral,300", f"Northtown,{month},open_cin,900",
                  f"Northtown,{month},open_cp,200", f"Northtown,{month},open_looked_after,250",
                  f"Northtown,{month},early_help,60", f"Northtown,{month},open_early_help,400"]
        if family is not None:
            lines.append(f"Northtown,{month},open_family_help,{family}")
        if youth is not None:
            lines.append(f"Northtown,{month},open_youth_work,{youth}")
    return _write(tmp_path / "counts.csv", "\n".join(lines) + "\n")


SUPPLY = """area,role,in_post_fte,establishment_fte,vacancy_fte,agency_fte,turnover
Northtown,social_worker,100,120,,10,0.16
Northtown,Early help practitioner,20,24,4,2,12%
Northtown,family_support_worker,9,,1,0,0.2
Northtown,youth_worker,5,6,1,1,0.25
"""


def test_supply_rows_give_establishment_vacancies_agency_and_turnover(tmp_path: Path) -> None:
    supply = read_supply(_write(tmp_path / "supply.csv", SUPPLY))
    assert supply.quarantined == ()
    social = supply.rows[("northtown", "social_worker")]
    # Establishment 120 with 100 in post: 20 vacant, 10 agency cover half of them.
    assert social.vacancy_fte == 20 and social.agency_cover == pytest.approx(0.5)
    practitioner = supply.rows[("northtown", "early_help_worker")]  # the label is accepted
    assert practitioner.turnover == pytest.approx(0.12)  # "12%" is a share
    family = supply.rows[("northtown", "family_support_worker")]
    assert family.establishment_fte == 10  # in post + vacancies


@pytest.mark.parametrize(("row", "reason"), [
    ("Northtown,health_visitor,3,,,,", "row 2, field role: 'health_visitor' is not a "
                                       "practitioner role"),
    ("Northtown,youth_worker,lots,,,,", "row 2, field in_post_fte: 'lots' is not a number"),
    ("Northtown,youth_worker,5,,,,1.5", "row 2, field turnover: 1.5 is outside 0 to 0.99"),
    ("Northtown,youth_worker,5,8,1,,", "row 2, field vacancy_fte: establishment 8 is not in "
                                       "post 5 + vacancies 1"),
    (",youth_worker,5,,,,", "row 2, field area: empty"),
    ("Northtown,youth_worker,-1,,,,", "row 2, field in_post_fte: -1 is outside"),
])
def test_a_bad_row_is_quarantined_with_its_row_and_field(tmp_path: Path, row: str,
                                                         reason: str) -> None:
    header = "area,role,in_post_fte,establishment_fte,vacancy_fte,agency_fte,turnover\n"
    text = header + row + "\nNorthtown,social_worker,100,,,,\n"
    supply = read_supply(_write(tmp_path / "s.csv", text))
    assert len(supply.quarantined) == 1 and supply.quarantined[0].startswith(reason)
    assert list(supply.rows) == [("northtown", "social_worker")]
    assert supply.notes()[0] == "supply file s.csv: 1 role rows accepted, 1 quarantined"


def test_a_second_row_for_an_area_and_role_is_quarantined(tmp_path: Path) -> None:
    text = "area,role,in_post_fte\nNorthtown,youth_worker,5\nnorthtown,Youth worker,6\n"
    supply = read_supply(_write(tmp_path / "s.csv", text))
    assert supply.rows[("northtown", "youth_worker")].permanent_fte == 5
    assert supply.quarantined == ("row 3, field role: a second row for northtown, "
                                  "youth_worker; give each area and role once",)


def test_a_file_without_the_required_columns_or_any_good_row_stops(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"row 1, field in_post_fte: missing column"):
        read_supply(_write(tmp_path / "a.csv", "area,role,fte\nNorthtown,youth_worker,5\n"))
    with pytest.raises(SourceError, match=r"row 2: no usable rows \(row 2, field role"):
        read_supply(_write(tmp_path / "b.csv", "area,role,in_post_fte\nNorthtown,cook,5\n"))
    with pytest.raises(JoinedUpError, match="check the path"):
        read_supply(tmp_path / "missing.csv")


def test_the_slow_needs_split_early_help_between_the_roles() -> None:
    split = early_help_split({"open_early_help": 400.0, "open_family_help": 100.0,
                              "open_youth_work": 60.0})
    assert split == pytest.approx({"family_support_worker": 0.25, "youth_worker": 0.15,
                                   "early_help_worker": 0.6})
    # Parts more than the whole are scaled down to it; no parts: no split from the data.
    assert sum(early_help_split({"open_early_help": 10.0, "open_youth_work": 30.0}).values()) \
        == pytest.approx(1.0)
    assert early_help_split({"open_early_help": 10.0}) == {}


def test_a_plan_from_counts_and_supply_shows_the_four_roles(tmp_path: Path) -> None:
    base = counts_inputs(read_counts(_counts(tmp_path, family=100, youth=80)), "Northtown")
    assert base.split["early_help"]["youth_worker"] == pytest.approx(0.2)
    [item], notes = attach_supply([base], read_supply(_write(tmp_path / "s.csv", SUPPLY)))
    assert notes == ["supply file s.csv: 4 role rows accepted, 0 quarantined"]
    result = run_plan([item], forecaster=_flat)
    plan = result.areas[0]
    assert tuple(sorted(plan.roles, key=ROLES.index)) == ROLES
    youth = plan.roles["youth_worker"]
    assert youth.open_cases is not None and float(youth.open_cases[0]) == pytest.approx(80.0)
    assert youth.start.permanent_fte == 5 and youth.start.turnover == pytest.approx(0.25)
    rows = {r["role"]: r for r in role_table(result)}
    assert rows["youth_worker"]["role_label"] == "Youth worker"
    assert rows["youth_worker"]["caseload_standard"] == 15
    assert rows["family_support_worker"]["establishment_fte"] == 10
    assert rows["social_worker"]["caseload_standard"] == 18
    # Early help cases at the start: 400 shared 60 / 25 / 20 by family help and youth work.
    assert rows["early_help_worker"]["open_cases_at_start"] == pytest.approx(220.0)


def _required(result: object, scenario: str, role: str) -> float:
    rows = [r for r in role_table(result) if r["scenario"] == scenario  # type: ignore[arg-type]
            and r["role"] == role]
    return float(rows[0]["required_fte_last_quarter"])


def test_each_scenario_moves_the_roles_it_should(tmp_path: Path) -> None:
    base = counts_inputs(read_counts(_counts(tmp_path)), "Northtown")
    shift = Scenario(name="shift", levers={"shift_to_early_help": 0.2})  # type: ignore[arg-type]
    cap = Scenario(name="cap", levers={"caseload_cap": 13})  # type: ignore[arg-type]
    youth = Scenario(name="youth", assumptions={"roles": {"youth_worker": {
        "label": "Youth worker", "caseload": 4}}})
    result = run_plan([base], [BASELINE, shift, cap, youth], forecaster=_flat)

    def change(scenario: str, role: str) -> float:
        return _required(result, scenario, role) - _required(result, "baseline", role)

    # Shifting crisis demand to early help: fewer social workers, more of every early help role.
    assert change("shift", "social_worker") < 0
    for role in ROLES[1:]:
        assert change("shift", role) > 0, role
    # A lower social work caseload cap moves social workers only.
    assert change("cap", "social_worker") > 0
    assert all(change("cap", role) == pytest.approx(0.0) for role in ROLES[1:])
    # A youth worker caseload standard moves youth workers only.
    assert change("youth", "youth_worker") > 0
    assert all(change("youth", role) == pytest.approx(0.0) for role in ROLES[:3])
    assert np.isfinite(_required(result, "youth", "youth_worker"))


def test_the_roster_caseloads_split_early_help_when_there_are_enough_cases() -> None:
    from datetime import date

    from joinedup.workforce.episodes import roster_split, roster_supply

    as_of = date(2025, 3, 31)

    def person(service: str, role: str, caseload: int, employment: str = "permanent",
               leave: date | None = None) -> tuple[str, str, str, str, float, date | None,
                                                   date | None, str, int]:
        return (service, role, "practitioner", "team", 1.0, date(2020, 1, 1), leave,
                employment, caseload)

    rows = [person("early_help", "early help practitioner", 20),
            person("early_help", "early help practitioner", 10),
            person("early_help", "family support worker", 12),
            person("childrens_social_care", "family support worker", 0),
            person("early_help", "youth worker", 8, employment="agency"),
            person("early_help", "youth worker", 9, leave=date(2024, 12, 1)),
            person("childrens_social_care", "social worker", 17)]
    assert roster_split(rows, as_of) == pytest.approx(
        {"early_help_worker": 0.6, "family_support_worker": 0.24, "youth_worker": 0.16})
    supply = roster_supply(rows, as_of)
    assert supply["family_support_worker"].permanent_fte == 2  # both services count
    assert supply["youth_worker"].agency_fte == 1 and supply["youth_worker"].permanent_fte == 0
    assert supply["youth_worker"].starters_per_year == 0
    # Too few cases say little about who holds them: the assumed split stands.
    assert roster_split(rows[:1], as_of) == {}


def test_the_counts_file_gives_each_role_establishment_vacancies_and_turnover(
        tmp_path: Path) -> None:
    text = ("area,period,need,count\n"
            "Northtown,2023-24,referral,1000\n"
            "Northtown,2023-24,youth_worker_fte,6\n"
            "Northtown,2023-24,youth_worker_establishment,8\n"
            "Northtown,2023-24,youth_worker_agency_fte,1\n"
            "Northtown,2023-24,youth_worker_turnover,0.3\n"
            "Northtown,2023-24,family_support_worker_fte,10\n"
            "Northtown,2023-24,family_support_worker_vacancies,2\n"
            "Northtown,2023-24,family_support_worker_leavers,3\n")
    item = counts_inputs(read_counts(_write(tmp_path / "c.csv", text)), "Northtown")
    youth = item.supply["youth_worker"]
    assert (youth.permanent_fte, youth.vacancy_fte, youth.turnover) == (6, 2, 0.3)
    assert youth.agency_cover == pytest.approx(0.5)  # 1 agency FTE in 2 vacant posts
    family = item.supply["family_support_worker"]
    assert family.establishment_fte == 12 and family.turnover == pytest.approx(0.3)


def test_an_unknown_fallback_rate_is_refused_naming_the_field() -> None:
    import copy

    from joinedup.errors import ConfigError
    from joinedup.workforce.assumptions import default_data, parse_assumptions

    data = copy.deepcopy(default_data())
    data["supply"]["youth_worker"]["when_no_data"]["sickness"] = 0.1
    with pytest.raises(ConfigError, match=r"supply\.youth_worker: .*when_no_data\.sickness: "
                                          r"unknown rate"):
        parse_assumptions(data, "test")
