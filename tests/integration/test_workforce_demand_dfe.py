"""Annual series from the real DfE files: values as published, names as people write them,
population projection, and flagged (not smoothed) data problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from joinedup.errors import ReferenceDataError
from joinedup.workforce.dfe_demand import dfe_demand
from joinedup.workforce.population import project_population
from joinedup.workforce.quality import check_all


def test_council_series_match_the_published_figures(reference_data: Path) -> None:
    history = dfe_demand(reference_data, ["Stockport", "St Helens"], region="Test region",
                         measures=["referral", "sw_fte", "child_population"])
    referral = history.get("Stockport", "referral")
    assert referral is not None and referral.freq == "year"
    # c1 file: Stockport referrals 3,233 in 2022-23 and 3,447 in 2023-24.
    assert referral.values[-2:] == (3233.0, 3447.0)
    assert referral.periods()[-1] == date(2023, 4, 1)
    # "St Helens" is written "St. Helens" by DfE; the name given is kept as the area.
    assert history.get("St Helens", "sw_fte") is not None
    assert history.parents == {"Stockport": "Test region", "St Helens": "Test region"}
    with pytest.raises(ReferenceDataError, match="spelling"):
        dfe_demand(reference_data, ["Nowhere-on-Sea"])


def test_population_projection_from_mid_year_estimates(reference_data: Path) -> None:
    history = dfe_demand(reference_data, ["Stockport"], measures=["child_population"])
    estimates = history.get("Stockport", "child_population")
    assert estimates is not None
    assert estimates.periods()[-1] == date(2024, 4, 1)  # mid-2024 estimate, 2024-25
    pop = project_population(estimates, 6)
    assert pop.projected(date(2026, 4, 1)) and not pop.projected(date(2024, 4, 1))
    assert pop.at(date(2029, 4, 1)) > pop.at(date(2024, 4, 1)) > 60_000
    assert "not an ONS projection" in pop.label


def test_published_problems_are_flagged_not_smoothed(reference_data: Path) -> None:
    history = dfe_demand(reference_data, ["Liverpool", "Sefton"],
                         measures=["referral", "caseload"])
    findings = check_all(history.series)
    flagged = {(f.area, f.need, f.period.year, f.kind) for f in findings}
    assert ("Liverpool", "referral", 2022, "spike") in flagged  # 4,158 between 5,661 and 8,050
    assert ("Sefton", "caseload", 2022, "jump") in flagged  # 18.9 -> 12.3 per FTE
    liverpool = history.get("Liverpool", "referral")
    assert liverpool is not None and liverpool.values[-2:] == (4158.0, 8050.0)
