"""The planning assumptions: every norm, rate and price the plan uses, validated.

The defaults live in ``assumptions.yaml`` beside this module, each with its source. A scenario
(see :mod:`joinedup.workforce.scenarios`) overrides some of them; validation names the field
when a value is negative or absurd, e.g. ``supply.social_worker.turnover``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from joinedup.errors import ConfigError

# Case classes of the flow model, from the least to the most intensive.
CASE_CLASSES: tuple[str, ...] = ("early_help", "child_in_need", "child_protection",
                                 "looked_after")
CRISIS_CLASSES: tuple[str, ...] = ("child_in_need", "child_protection", "looked_after")
CLASS_LABELS: dict[str, str] = {"early_help": "Early help", "child_in_need": "Child in need",
                                "child_protection": "Child protection",
                                "looked_after": "Looked after"}
# The practitioner roles planned side by side, in the order every table shows them.
# ``early_help_worker`` is the early help practitioner (key worker); the name is kept so counts
# files and scenarios written before the roles were split still work.
PRACTITIONER_ROLES: tuple[str, ...] = ("social_worker", "early_help_worker",
                                       "family_support_worker", "youth_worker")


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Staffing(Strict):
    contract_hours: float = Field(default=37.0, gt=0, le=60,
                                  description="Contracted hours per FTE per week.")
    shrinkage: float = Field(default=0.22, ge=0, lt=1, description=(
        "Share of contracted time not available for casework (leave, bank holidays, training, "
        "supervision, team meetings). Sickness is taken off supply instead (supply absence)."))

    @property
    def productive_hours(self) -> float:
        """Casework hours one FTE gives per week: contract hours × (1 − shrinkage)."""
        return self.contract_hours * (1.0 - self.shrinkage)


class CaseNorm(Strict):
    role: str = Field(description="The role that holds this class of case.")
    split: dict[str, float] = Field(default_factory=dict, description=(
        "Roles sharing this class of case and the share of its cases each holds (they add up "
        "to 1); empty: ``role`` holds them all. Shares in the data win (see docs)."))
    startup_hours: float = Field(ge=0, le=500, description="Hours to start one new case.")
    weekly_hours: float = Field(ge=0, le=40, description="Hours per open case per week.")
    visit_every_weeks: float | None = Field(default=None, gt=0, le=52, description=(
        "Statutory (or required) visiting interval; open-case time never falls below it."))
    visit_hours: float = Field(default=0.0, ge=0, le=40, description=(
        "Hours per visit including travel and recording."))
    basis: str = Field("", description="Where the norm comes from.")

    @model_validator(mode="after")
    def _split_adds_up(self) -> CaseNorm:
        for role, share in self.split.items():
            if not 0 <= share <= 1:
                raise ValueError(f"split.{role} must be between 0 and 1 (a share)")
        if self.split and abs(sum(self.split.values()) - 1.0) > 1e-6:
            raise ValueError(f"split shares add up to {sum(self.split.values()):g}; make them "
                             "add up to 1")
        return self

    def holders(self, split: dict[str, float] | None = None) -> dict[str, float]:
        """The roles holding this class and the share each holds (``split`` from the data
        replaces the assumed one)."""
        chosen = split or self.split
        return dict(chosen) if chosen else {self.role: 1.0}

    @property
    def floor_weekly_hours(self) -> float:
        """The statutory floor: visit hours spread over the visiting interval."""
        if self.visit_every_weeks is None:
            return 0.0
        return self.visit_hours / self.visit_every_weeks

    @property
    def effective_weekly_hours(self) -> float:
        """Weekly hours per open case, never below the statutory visiting floor."""
        return max(self.weekly_hours, self.floor_weekly_hours)


class Caseload(Strict):
    cap: float = Field(default=18.0, gt=0, le=60,
                       description="Most open cases per case-holding FTE.")
    first_year_cap: float = Field(default=12.0, gt=0, le=60, description=(
        "Most open cases for a practitioner in their first (ASYE) year."))

    @model_validator(mode="after")
    def _first_year_not_above_cap(self) -> Caseload:
        if self.first_year_cap > self.cap:
            raise ValueError("first_year_cap must not be more than cap")
        return self


class RoleStandard(Strict):
    label: str = Field(description="The role's name as a workforce lead knows it.")
    caseload: float | None = Field(default=None, gt=0, le=100, description=(
        "Most open cases (families or young people) per case-holding FTE; empty: the "
        "``caseload`` section (social workers)."))
    basis: str = Field("", description="Where the caseload standard comes from.")


class FastNeed(Strict):
    name: str
    demand: str = Field(description="The demand series that drives it (e.g. referrals).")
    per_case: float = Field(default=1.0, gt=0, le=100,
                            description="Arrivals per unit of that demand.")
    role: str = "social_worker"
    handling_hours: float = Field(gt=0, le=100)
    target_hours: float = Field(ge=0, le=24 * 90, description="Start within this many hours.")
    service_level: float = Field(gt=0, lt=1, description="Share started within the target.")
    occupancy_cap: float = Field(default=0.85, gt=0, le=1)
    open_hours_per_week: float = Field(gt=0, le=168)


WHEN_NO_DATA = ("turnover", "agency_cover", "absence", "case_holder_share")


class RoleSupply(Strict):
    label: str
    turnover: float | None = Field(default=None, ge=0, lt=1, description=(
        "Leavers per year as a share of FTE; empty: from the data."))
    retirement: float = Field(default=0.02, ge=0, lt=1,
                              description="Retirements per year, share of FTE.")
    hires_per_year: float | None = Field(default=None, ge=0, le=100_000, description=(
        "Experienced FTE the council can recruit per year; empty: from the data."))
    newly_qualified_share: float = Field(default=0.06, ge=0, le=1, description=(
        "Newly qualified practitioners (ASYE) joining per year, as a share of starting FTE."))
    apprentices_per_year: float = Field(default=0.0, ge=0, le=10_000)
    step_up_per_year: float = Field(default=0.0, ge=0, le=10_000)
    agency_conversion: float = Field(default=0.10, ge=0, le=1, description=(
        "Share of agency FTE converting to permanent posts per year."))
    agency_cover: float | None = Field(default=None, ge=0, le=1, description=(
        "Share of vacant FTE covered by agency staff; empty: from the data."))
    absence: float | None = Field(default=None, ge=0, lt=1, description=(
        "Sickness absence rate; empty: from the data."))
    case_holder_share: float | None = Field(default=None, gt=0, le=1, description=(
        "Share of the role's FTE that holds cases; empty: from the data."))
    when_no_data: dict[str, float] = Field(default_factory=dict, description=(
        "Rates used when neither this file nor the data gives them (turnover, agency_cover, "
        "absence, case_holder_share); without one, England's 2024 social work figure."))

    @model_validator(mode="after")
    def _known_rates(self) -> RoleSupply:
        for name, value in self.when_no_data.items():
            if name not in WHEN_NO_DATA:
                raise ValueError(f"when_no_data.{name}: unknown rate; use one of "
                                 + ", ".join(WHEN_NO_DATA))
            if not 0 <= value < 1 or (name == "case_holder_share" and value == 0):
                raise ValueError(f"when_no_data.{name} must be a share between 0 and 1")
        return self


class Costs(Strict):
    salary: dict[str, float] = Field(description="Annual cost of a permanent FTE, with on-costs.")
    agency_day_rate: dict[str, float] = Field(description="Agency charge per worked day.")
    working_days: float = Field(default=220, gt=0, le=366)
    source: str = ""

    @model_validator(mode="after")
    def _positive(self) -> Costs:
        for name, table in (("salary", self.salary), ("agency_day_rate", self.agency_day_rate)):
            for role, value in table.items():
                if not 0 <= value <= 10_000_000:
                    raise ValueError(f"{name}.{role} must be between 0 and 10,000,000")
        return self


class Demand(Strict):
    shift_to_early_help: float = Field(default=0.0, ge=0, le=1, description=(
        "Share of new crisis (child in need, protection, looked-after) demand met by early help "
        "instead."))
    change: dict[str, float] = Field(default_factory=dict, description=(
        "Extra change in demand per case class, e.g. child_protection: 0.05 for +5%."))
    vcse_families: float = Field(default=0.0, ge=0, le=1_000_000, description=(
        "Families the voluntary sector supports at any one time: capacity on early help."))
    early_help_months: float = Field(default=6.0, gt=0, le=60, description=(
        "Mean length of an early help episode (turns starts into open cases)."))

    @model_validator(mode="after")
    def _known_classes(self) -> Demand:
        for name, value in self.change.items():
            if name not in CASE_CLASSES:
                raise ValueError(f"change.{name}: unknown case class; use one of "
                                 + ", ".join(CASE_CLASSES))
            if not -0.95 <= value <= 5:
                raise ValueError(f"change.{name} must be between -0.95 and 5 (a share)")
        return self


class Simulation(Strict):
    runs: int = Field(default=1000, ge=20, le=100_000)
    seed: int = 2026
    turnover_sd: float = Field(default=0.02, ge=0, le=0.5, description="Spread of annual turnover.")
    hires_sd: float = Field(default=0.15, ge=0, le=2, description="Spread of hires (share).")


class Assumptions(Strict):
    horizon_years: int = Field(default=5, ge=1, le=10)
    staffing: Staffing = Staffing()
    caseload: Caseload = Caseload()
    roles: dict[str, RoleStandard] = Field(default_factory=dict, description=(
        "Each practitioner role's name and caseload standard."))
    cases: dict[str, CaseNorm]
    fast_needs: tuple[FastNeed, ...] = ()
    supply: dict[str, RoleSupply]
    costs: Costs
    demand: Demand = Demand()
    simulation: Simulation = Simulation()
    sources: dict[str, str] = Field(default_factory=dict, description="Source notes.")

    @model_validator(mode="after")
    def _consistent(self) -> Assumptions:
        missing = [c for c in CASE_CLASSES if c not in self.cases]
        if missing:
            raise ValueError("cases needs every case class; missing " + ", ".join(missing))
        roles = {n.role for n in self.cases.values()} | {f.role for f in self.fast_needs}
        roles |= {r for n in self.cases.values() for r in n.split}
        unknown = sorted(roles - set(self.supply))
        if unknown:
            raise ValueError("supply has no entry for role " + ", ".join(unknown))
        unknown = sorted(set(self.roles) - set(self.supply))
        if unknown:
            raise ValueError("roles names a role with no supply entry: " + ", ".join(unknown))
        return self

    def caseload_standard(self, role: str) -> float | None:
        """Most open cases per case-holding FTE of ``role`` (social workers: the cap)."""
        standard = self.roles.get(role)
        if standard is not None and standard.caseload is not None:
            return standard.caseload
        return self.caseload.cap if role == "social_worker" else None

    def role_label(self, role: str) -> str:
        standard = self.roles.get(role)
        if standard is not None:
            return standard.label
        rules = self.supply.get(role)
        return rules.label if rules is not None else role.replace("_", " ")


def field_errors(exc: ValidationError) -> str:
    """Pydantic's errors as ``field.path: message`` lines."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        lines.append(f"{where}: {error['msg']}")
    return "; ".join(lines)


def parse_assumptions(data: dict[str, Any], origin: str) -> Assumptions:
    """Validate a dict of assumptions; ConfigError naming each bad field."""
    try:
        return Assumptions.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {field_errors(exc)}. Fix the value(s) named.") from exc


@lru_cache(maxsize=1)
def default_data() -> dict[str, Any]:
    """The shipped defaults as plain data (a fresh copy is made by callers that change it)."""
    text = resources.files("joinedup.workforce").joinpath("assumptions.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise ConfigError("joinedup/workforce/assumptions.yaml is not a mapping; reinstall.")
    return loaded


def default_assumptions() -> Assumptions:
    """The shipped defaults, validated."""
    return parse_assumptions(default_data(), "joinedup/workforce/assumptions.yaml")
