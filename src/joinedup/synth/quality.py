"""Data-quality profiles: the documented rates of realistic errors in each source's extract.

Every rate is the probability that one person record (or one date/postcode in it) carries
that error. docs/synthetic-borough.md prints this table; tests check measured rates against it.
Health and education are the cleanest, VCSE spreadsheets the worst.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QualityProfile:
    """Error rates for one source's person records."""

    nickname: float  # William recorded as Bill
    initial_only: float  # forename reduced to an initial
    forename_typo: float  # one-character slip (insert, delete, swap, substitute)
    surname_typo: float
    spelling_variant: float  # Mohammed/Muhammad, Stephen/Steven
    name_swap: float  # forename and surname in each other's fields
    stale_surname: float  # the name before a change (marriage, step-family) kept
    double_barrel_partial: float  # one half of a double-barrelled surname
    dob_day_month_swap: float  # 03/07 for 07/03 (only when both are <= 12)
    dob_other_error: float  # a day or a year out, or two digits transposed
    dob_missing: float
    sex_missing: float
    postcode_variant: float  # no space, lower case, extra spaces
    postcode_missing: float
    stale_address: float  # an earlier address never updated
    duplicate: float  # the same person registered twice under different ids
    placeholder_name: float  # "Baby Smith", "Unborn", "Unknown" (infants and unknowns)
    nhs_missing: float  # where the source holds NHS numbers at all
    invalid_value: float  # deliberately invalid (bad check digit, impossible date)

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


def _profile(level: float, **overrides: float) -> QualityProfile:
    """A profile scaled from a base level (1.0 = a typical council case system)."""
    base = {
        "nickname": 0.03, "initial_only": 0.01, "forename_typo": 0.015, "surname_typo": 0.012,
        "spelling_variant": 0.02, "name_swap": 0.004, "stale_surname": 0.3,
        "double_barrel_partial": 0.25, "dob_day_month_swap": 0.006, "dob_other_error": 0.008,
        "dob_missing": 0.01, "sex_missing": 0.01, "postcode_variant": 0.04,
        "postcode_missing": 0.02, "stale_address": 0.08, "duplicate": 0.015,
        "placeholder_name": 0.3, "nhs_missing": 0.3, "invalid_value": 0.002,
    }
    values = {k: min(v * level, 0.95) for k, v in base.items()}
    values.update(overrides)
    return QualityProfile(**values)


# Source name (as in sources.yaml) -> profile. One place to tune, printed in the docs.
PROFILES: dict[str, QualityProfile] = {
    "health_child_health": _profile(0.3, nhs_missing=0.0, placeholder_name=0.04,
                                    invalid_value=0.003, stale_surname=0.1),
    "education": _profile(0.4, nhs_missing=1.0, placeholder_name=0.0, invalid_value=0.002),
    "csc_case_system": _profile(1.0, nhs_missing=0.45, placeholder_name=0.5),
    "early_help": _profile(1.2, nhs_missing=0.8),
    "adult_social_care": _profile(0.9, nhs_missing=0.15, placeholder_name=0.0),
    "housing": _profile(1.5, nhs_missing=1.0, placeholder_name=0.0),
    "police": _profile(1.6, nhs_missing=1.0, name_swap=0.012, placeholder_name=0.2),
    "council_tax": _profile(2.0, nhs_missing=1.0, dob_missing=0.7, placeholder_name=0.0,
                            initial_only=0.15, stale_address=0.02),
    "vcse_hope_trust": _profile(3.5, nhs_missing=1.0, dob_missing=0.2, postcode_missing=0.15,
                                invalid_value=0.01),
    "vcse_tame_valley": _profile(4.0, nhs_missing=1.0, dob_missing=0.25, postcode_missing=0.2,
                                 invalid_value=0.01),
    "vcse_bridges": _profile(3.0, nhs_missing=1.0, dob_missing=0.15, postcode_missing=0.1,
                             invalid_value=0.008),
    # Statutory returns are validated by DfE before submission: clean identifiers.
    "cin_census": _profile(0.0, nhs_missing=1.0),
    "ssda903": _profile(0.0, nhs_missing=1.0),
    "workforce": _profile(0.0, nhs_missing=1.0),
}


def profile(source: str) -> QualityProfile:
    return PROFILES[source]
