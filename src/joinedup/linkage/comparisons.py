"""Splink comparisons for UK person records, one per field present in the data.

Every comparison starts with a null level (either side missing: no evidence either way) and
ends with an else level. Levels run from most to least specific; a pair lands in the first
level whose condition holds. m and u probabilities are learnt (see `model`), except where a
level's weight is set by policy (the one-digit-different identifier levels).

Library levels are written by Splink for each backend. Custom levels are DuckDB SQL marked
with their base dialect, so Splink's SQL translator can carry them to Spark; functions
without a Spark twin (jaro_winkler_similarity) need checking before a Spark run.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from joinedup.linkage.fields import EXTRA_PREFIX

# A typo in an identifier is neither a match nor a mismatch on its own: the pair is decided
# by the other fields. m/u fixed at 4:1 (match weight +2), so it nudges but cannot force.
_TYPO_M, _TYPO_U = 0.02, 0.005


def _custom(sql: str, label: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


# Truncated forenames not in any table: Kath/Katherine, Tina/Christina, Dore/Isidore.
PART_OF_OTHER_FORENAME = (
    "least(length(first_name_l), length(first_name_r)) >= 3 AND ("
    "starts_with(first_name_l, first_name_r) OR starts_with(first_name_r, first_name_l) "
    "OR ends_with(first_name_l, first_name_r) OR ends_with(first_name_r, first_name_l))"
)


def _jaro_winkler(column: str, threshold: float) -> Any:
    return cll.JaroWinklerLevel(column, threshold).configure(
        label_for_charts=f"Jaro-Winkler >= {threshold}")


def forename_comparison() -> Any:
    """Exact (term-frequency adjusted), nickname, truncation, Jaro-Winkler, found among the
    other's names, initial, else."""
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="Forename",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True).configure(
                label_for_charts="exact"),
            cll.ArrayIntersectLevel("first_name_variants", 1).configure(
                label_for_charts="nickname or variant (Peggy/Margaret)"),
            _custom(PART_OF_OTHER_FORENAME,
                    "one is the start or end of the other (Kath/Katherine)"),
            _jaro_winkler("first_name", 0.92),
            _jaro_winkler("first_name", 0.8),
            _custom(
                "list_contains(name_tokens_r, first_name_l) "
                "OR list_contains(name_tokens_l, first_name_r)",
                "forename among the other's names (middle name, swapped)",
            ),
            _custom(
                "substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1) "
                "AND (length(first_name_l) = 1 OR length(first_name_r) = 1)",
                "initial matches",
            ),
            cll.ElseLevel(),
        ],
    )


def surname_comparison() -> Any:
    """Exact (term-frequency adjusted), a word in common (double-barrelled), Jaro-Winkler,
    found among the other's names (changed or swapped), else."""
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True).configure(
                label_for_charts="exact"),
            cll.ArrayIntersectLevel("surname_tokens", 1).configure(
                label_for_charts="a surname word in common (Smith-Jones/Jones)"),
            _jaro_winkler("surname", 0.92),
            _custom(
                "list_has_any(surname_tokens_l, name_tokens_r) "
                "OR list_has_any(surname_tokens_r, name_tokens_l)",
                "surname among the other's names (maiden, middle, swapped)",
            ),
            _jaro_winkler("surname", 0.8),
            cll.ElseLevel(),
        ],
    )


def dob_comparison() -> Any:
    """Exact (term-frequency adjusted: 01/01 placeholders are common), day and month swapped,
    one digit different, two digits different, same year, else. Works on YYYY-MM-DD text so
    impossible dates keep their evidence."""
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob", term_frequency_adjustments=True).configure(
                label_for_charts="exact"),
            _custom(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="one digit different or two adjacent swapped"),
            cll.DamerauLevenshteinLevel("dob", 2).configure(
                label_for_charts="two digits different"),
            _custom("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "same year"),
            cll.ElseLevel(),
        ],
    )


def sex_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="same"),
            cll.ElseLevel(),
        ],
    )


def postcode_comparison() -> Any:
    """Full postcode (term-frequency adjusted), one character different, sector, district,
    area, else."""
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True).configure(
                label_for_charts="same unit (SK1 1AA)"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(
                label_for_charts="one character different"),
            _custom("postcode_sector_l = postcode_sector_r", "same sector (SK1 1)"),
            _custom("postcode_district_l = postcode_district_r", "same district (SK1)"),
            _custom("postcode_area_l = postcode_area_r", "same area (SK)"),
            cll.ElseLevel(),
        ],
    )


def address_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True).configure(
                label_for_charts="same address"),
            _jaro_winkler("address", 0.9),
            cll.ElseLevel(),
        ],
    )


def uprn_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="uprn",
        comparison_description="UPRN",
        comparison_levels=[
            cll.NullLevel("uprn"),
            cll.ExactMatchLevel("uprn", term_frequency_adjustments=True).configure(
                label_for_charts="same property"),
            cll.ElseLevel(),
        ],
    )


def identifier_comparison(column: str, description: str) -> Any:
    """NHS number or UPN: exact is strong evidence for, a different number strong evidence
    against, and a one-digit typo only a nudge (fixed weight)."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same number"),
            cll.DamerauLevenshteinLevel(column, 1).configure(
                label_for_charts="one digit different (typing error)",
                m_probability=_TYPO_M, u_probability=_TYPO_U,
                fix_m_probability=True, fix_u_probability=True,
            ),
            cll.ElseLevel(),
        ],
    )


def extra_comparison(column: str) -> Any:
    """An extra column (birth place, occupation, ethnicity): exact with term frequencies."""
    name = EXTRA_PREFIX + column
    return cl.CustomComparison(
        output_column_name=name,
        comparison_description=column.replace("_", " ").capitalize(),
        comparison_levels=[
            cll.NullLevel(name),
            cll.ExactMatchLevel(name, term_frequency_adjustments=True).configure(
                label_for_charts="same"),
            _custom(
                f"contains({name}_l, {name}_r) OR contains({name}_r, {name}_l) "
                f"OR jaro_winkler_similarity({name}_l, {name}_r) >= 0.9",
                "one contains the other, or Jaro-Winkler >= 0.9",
            ),
            cll.ElseLevel(),
        ],
    )


# field -> (prepared column whose fill decides inclusion, comparison factory)
_BUILDERS: dict[str, tuple[str, Any]] = {
    "first_name": ("first_name", forename_comparison),
    "surname": ("surname", surname_comparison),
    "dob": ("dob", dob_comparison),
    "sex": ("sex", sex_comparison),
    "postcode": ("postcode", postcode_comparison),
    "address": ("address", address_comparison),
    "uprn": ("uprn", uprn_comparison),
    "nhs_number": ("nhs_number", lambda: identifier_comparison("nhs_number", "NHS number")),
    "upn": ("upn", lambda: identifier_comparison("upn", "Unique pupil number")),
}


def comparisons_for(present: Collection[str], extras: Collection[str] = ()) -> list[Any]:
    """The comparisons for the prepared columns that hold data, in a fixed order."""
    chosen = [factory() for column, factory in _BUILDERS.values() if column in present]
    chosen += [extra_comparison(column) for column in extras
               if EXTRA_PREFIX + column in present]
    return chosen


def comparison_names(settings: dict[str, Any]) -> list[str]:
    """Output column names of the comparisons in a Splink settings dictionary."""
    return [str(c.get("output_column_name")) for c in settings.get("comparisons", [])]
