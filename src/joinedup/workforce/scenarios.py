"""Scenarios: named changes to the planning assumptions, in YAML, compared side by side.

A scenario file has a ``name``, an optional ``description``, ``levers`` (the common policy
questions, each optional) and ``assumptions`` (any default from assumptions.yaml, overridden at
its path)::

    name: Early help first
    levers:
      shift_to_early_help: 0.10      # 10% of new crisis demand met by early help instead
      turnover_change_points: -3     # annual turnover 3 percentage points lower
      vcse_families: 500             # the voluntary sector supports 500 families at a time
      caseload_cap: 15
    assumptions:
      staffing: {shrinkage: 0.25}

Applying a scenario changes exactly the values it names and nothing else. Negative or absurd
values are refused with a message naming the field (``levers.caseload_cap``,
``assumptions.staffing.shrinkage``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from joinedup.errors import ConfigError
from joinedup.workforce.assumptions import (
    Assumptions,
    Strict,
    default_data,
    field_errors,
)


class Levers(Strict):
    shift_to_early_help: float | None = Field(default=None, ge=0, le=1, description=(
        "Share of new crisis demand (child in need, protection, looked after) met by early "
        "help instead."))
    turnover_change_points: float | None = Field(default=None, ge=-50, le=50, description=(
        "Change in annual turnover, in percentage points (-3: from 15% to 12%)."))
    vcse_families: float | None = Field(default=None, ge=0, le=1_000_000, description=(
        "Families the voluntary sector supports at any one time (capacity on early help)."))
    caseload_cap: float | None = Field(default=None, gt=0, le=60, description=(
        "Most open cases per case-holding social worker."))
    demand_change: dict[str, float] | None = Field(default=None, description=(
        "Extra change in demand by case class (0.05 = 5% more)."))
    hires_change: float | None = Field(default=None, ge=-1, le=10, description=(
        "Change in the experienced FTE recruited a year, as a share (0.2 = 20% more)."))
    agency_conversion: float | None = Field(default=None, ge=0, le=1, description=(
        "Share of agency FTE converting to permanent posts a year."))
    apprentices_per_year: float | None = Field(default=None, ge=0, le=10_000, description=(
        "Social work apprentices qualifying a year (join as first-year practitioners)."))


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    levers: Levers = Levers()
    assumptions: dict[str, Any] = Field(default_factory=dict)


BASELINE = Scenario(name="baseline", description="The default assumptions and the data.")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def scenario_overrides(scenario: Scenario) -> dict[str, Any]:
    """The levers that are plain assumption values, as a nested override."""
    levers = scenario.levers
    out: dict[str, Any] = {}
    if levers.shift_to_early_help is not None:
        out.setdefault("demand", {})["shift_to_early_help"] = levers.shift_to_early_help
    if levers.vcse_families is not None:
        out.setdefault("demand", {})["vcse_families"] = levers.vcse_families
    if levers.demand_change is not None:
        out.setdefault("demand", {})["change"] = dict(levers.demand_change)
    if levers.caseload_cap is not None:
        out["caseload"] = {"cap": levers.caseload_cap}
    role_levers = {"agency_conversion": levers.agency_conversion,
                   "apprentices_per_year": levers.apprentices_per_year}
    for name, value in role_levers.items():
        if value is not None:
            out.setdefault("supply", {}).setdefault("social_worker", {})[name] = value
    return out


def apply_scenario(scenario: Scenario, base: dict[str, Any] | None = None) -> Assumptions:
    """The assumptions with the scenario's overrides and levers applied, validated.

    Turnover and hiring levers change rates that come from the data, so the plan applies them
    when it reads the data (see :func:`adjust_turnover`, :func:`adjust_hires`).
    """
    data = _merge(base if base is not None else default_data(), scenario.assumptions)
    data = _merge(data, scenario_overrides(scenario))
    try:
        return Assumptions.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"scenario {scenario.name!r}: assumptions: {field_errors(exc)}. "
                          "Fix the value(s) named in the scenario file.") from exc


def adjust_turnover(scenario: Scenario, turnover: float) -> tuple[float, str | None]:
    """Turnover after the scenario's change in points; never below zero (and says so)."""
    points = scenario.levers.turnover_change_points
    if points is None:
        return turnover, None
    changed = turnover + points / 100.0
    if changed < 0:
        return 0.0, (f"scenario {scenario.name!r}: turnover {turnover:.1%} "
                     f"{points:+g} points is below 0; taken as 0")
    return changed, None


def adjust_hires(scenario: Scenario, hires: float) -> float:
    """Hires a year after the scenario's change (a share)."""
    change = scenario.levers.hires_change
    return hires if change is None else hires * (1.0 + change)


def parse_scenario(data: object, origin: str) -> Scenario:
    """A Scenario from parsed YAML; ConfigError naming each bad field."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: a scenario file must be a mapping with at least `name:`.")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {field_errors(exc)}. Fix the value(s) named.") from exc
    apply_scenario(scenario)  # the overrides must also make valid assumptions
    return scenario


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read scenario file {path}: {exc.strerror}. "
                          "Check the path.") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML ({exc}). Fix the syntax.") from exc
    return parse_scenario(data, str(path))


def example_scenarios() -> list[Path]:
    """The example scenario files shipped with joinedup."""
    folder = Path(__file__).parent / "scenarios"
    return sorted(folder.glob("*.yaml"))
