"""Splink comparisons for UK person records, one per field present in the data.

Every comparison starts with a null level (either side missing: no evidence either way) and
ends with an else level. Levels run from most to least specific; a pair lands in the first
level whose condition holds. m and u probabilities are learnt (see `model`), except where a
level's weight is set by policy (the one-digit-different identifier levels).

Levels are DuckDB SQL (Splink renders its library levels for DuckDB, where models are
trained). `spark_sql` rewrites a saved model for the Spark engine and refuses SQL it does not
know, so a new kind of level here needs a line there (and in `conditions`, for search).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from joinedup.linkage.fields import EXTRA_PREFIX

ELSE_LABEL = "All other comparisons"
# Truncated forenames not in any table: Kath/Katherine, Tina/Christina, Dore/Isidore; at
# least three letters, so that "Jo" does not make every Joanne and Jonathan one.
PART_OF_OTHER_FORENAME = (
    "least(length(first_name_l), length(first_name_r)) >= 3 AND ("
    "starts_with(first_name_l, first_name_r) OR starts_with(first_name_r, first_name_l) "
    "OR ends_with(first_name_l, first_name_r) OR ends_with(first_name_r, first_name_l))"
)



def _custom(sql: str, label: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


def _jaro_winkler(column: str, threshold: float) -> Any:
    return cll.JaroWinklerLevel(column, threshold).configure(
        label_for_charts=f"Jaro-Winkler >= {threshold}")


# Forename and surname both the same: weighed once, as a full name, by the frequency of the
# full name (`surname_comparison`), because names are not independent. "Xin Chen", "Piotr
# Wozniak" or "Mohammed Khan" is far commoner than the frequencies of its forename and surname
# multiplied suggest: forenames and surnames go together within communities. Weighed
# separately, two namesakes without a date of birth scored as one person (most of the false
# merges left on the synthetic borough and on the adversarial families set).
FULL_NAME = "forename_surname_l = forename_surname_r"


def forename_comparison(with_surname: bool = False) -> Any:
    """Exact (term-frequency adjusted), nickname, truncation, Jaro-Winkler, found among the
    other's names, initial, else. `with_surname`: a forename that agrees along with the
    surname is weighed in the surname comparison, as a full name (`FULL_NAME`)."""
    null: Any = cll.NullLevel("first_name")
    if with_surname:
        null = cll.CustomLevel(
            f"first_name_l IS NULL OR first_name_r IS NULL OR ({FULL_NAME})",
            label_for_charts="forename missing, or weighed with the surname (full name)",
            base_dialect_str="duckdb").configure(is_null_level=True)
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="Forename",
        comparison_levels=[
            null,
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


def surname_comparison(with_forename: bool = False) -> Any:
    """Exact (term-frequency adjusted), a word in common (double-barrelled), Jaro-Winkler,
    found among the other's names (changed or swapped), else. `with_forename`: first, the
    forename and the surname both exact, adjusted by the frequency of the full name."""
    full_name = [
        cll.ExactMatchLevel("forename_surname", term_frequency_adjustments=True).configure(
            label_for_charts="forename and surname exact (full name)")
    ] if with_forename else []
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            *full_name,
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


def middle_names_comparison() -> Any:
    """Middle names (given names after the forename), when both records have some: one in
    common, or none."""
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_description="Middle names",
        comparison_levels=[
            cll.NullLevel("given_names"),
            cll.ArrayIntersectLevel("given_names", 1).configure(
                label_for_charts="a middle name in common"),
            cll.ElseLevel(),
        ],
    )


_YEAR_DIGITS_SWAPPED = (
    "substr(dob_l, 5, 6) = substr(dob_r, 5, 6) AND substr(dob_l, 1, 2) = substr(dob_r, 1, 2) "
    "AND substr(dob_l, 3, 1) = substr(dob_r, 4, 1) "
    "AND substr(dob_l, 4, 1) = substr(dob_r, 3, 1)"
)


def dob_comparison() -> Any:
    """Exact (term-frequency adjusted: 01/01 placeholders are common), day and month swapped,
    one digit different, two digits different, same year, else. Works on YYYY-MM-DD text so
    impossible dates keep their evidence. A missing date of birth is no evidence (a record
    of an adults-only source against a child is a guardrail, `guardrails.yaml`)."""
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
            # Dates are always ten characters here, so counting the positions that differ
            # (Hamming) stands in for edit distance at a third of the cost over millions of
            # pairs; the common transposition, the last two digits of the year (1987 for
            # 1978), is checked on its own.
            _custom(f"hamming(dob_l, dob_r) <= 1 OR ({_YEAR_DIGITS_SWAPPED})",
                    "one digit different or the year's last two digits swapped"),
            _custom("hamming(dob_l, dob_r) <= 2", "two digits different"),
            # 1 January stands for "day and month not known" in many systems (a person
            # whose birth was never registered, an asylum seeker's estimated age): the year
            # is all that date says.
            _custom("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                    "AND (substr(dob_l, 6, 5) = '01-01' OR substr(dob_r, 6, 5) = '01-01')",
                    "same year, one is 1 January (day and month not known)"),
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


def _postcode_levels() -> list[Any]:
    return [
        cll.ExactMatchLevel("postcode", term_frequency_adjustments=True).configure(
            label_for_charts="same unit (SK1 1AA)"),
        cll.DamerauLevenshteinLevel("postcode", 1).configure(
            label_for_charts="one character different"),
        _custom("postcode_sector_l = postcode_sector_r", "same sector (SK1 1)"),
        _custom("postcode_district_l = postcode_district_r", "same district (SK1)"),
        _custom("postcode_area_l = postcode_area_r", "same area (SK)"),
    ]


def postcode_comparison() -> Any:
    """Full postcode (term-frequency adjusted), one character different, sector, district,
    area, else."""
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[cll.NullLevel("postcode"), *_postcode_levels(), cll.ElseLevel()],
    )


def location_comparison(present: Collection[str]) -> Any:
    """Address, UPRN and postcode as one comparison, most to least specific: the same
    property (UPRN, else the address text; term-frequency adjusted), a similar address at
    the same postcode, then the postcode levels.

    They are one fact about a record, where it lives. Compared as three independent fields, a
    household's shared address counts three times over (on the adversarial families set
    +12.5 for the address and +10.1 for the postcode), and parents, children and
    grandparents score as one person.
    """
    has_address, has_uprn = "address" in present, "uprn" in present
    same_property = []
    if has_uprn:
        same_property.append(cll.ExactMatchLevel("uprn", term_frequency_adjustments=True)
                             .configure(label_for_charts="same property (UPRN)"))
    if has_address:
        same_property += [
            cll.ExactMatchLevel("address", term_frequency_adjustments=True).configure(
                label_for_charts="same address"),
            # Written differently ("Rd", "Road"), but the same house and flat numbers: Flat 3
            # and Flat 4 of one building, or 71 and 77 of one street, are other homes.
            _custom("postcode_l = postcode_r "
                    "AND jaro_winkler_similarity(address_l, address_r) >= 0.9 "
                    "AND regexp_replace(address_l, '[^0-9]+', ' ', 'g') "
                    "= regexp_replace(address_r, '[^0-9]+', ' ', 'g')",
                    "similar address, same numbers, at the same postcode"),
        ]
    known = [f"{column}_l IS NOT NULL AND {column}_r IS NOT NULL"
             for column, here in (("postcode", True), ("address", has_address),
                                  ("uprn", has_uprn)) if here]
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Address and postcode",
        comparison_levels=[
            cll.CustomLevel(" AND ".join(f"NOT ({k})" for k in known),
                            label_for_charts="no place known on both",
                            base_dialect_str="duckdb").configure(is_null_level=True),
            *same_property,
            *_postcode_levels(),
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


def address_period_comparison() -> Any:
    """When each record's address was held (council tax liability, tenancy): one moving out
    the day (or month) the other moves in is a move, strong evidence for the same person at
    two addresses; holding two addresses at the same time is evidence against. Dates are
    YYYY-MM-DD text, so "the same month" is the first seven characters."""
    apart_at_once = (
        "postcode_l <> postcode_r "
        "AND (address_to_r IS NULL OR address_from_l < address_to_r) "
        "AND (address_to_l IS NULL OR address_from_r < address_to_l)"
    )
    return cl.CustomComparison(
        output_column_name="address_period",
        comparison_description="Address period",
        comparison_levels=[
            # At one postcode the dates are a household's, not evidence of a move.
            cll.CustomLevel("address_from_l IS NULL OR address_from_r IS NULL "
                            "OR postcode_l = postcode_r",
                            label_for_charts="no dates, or the same postcode",
                            base_dialect_str="duckdb").configure(is_null_level=True),
            _custom("postcode_l <> postcode_r AND (address_to_l = address_from_r "
                    "OR address_to_r = address_from_l)",
                    "one left an address the day the other arrived at another"),
            _custom("postcode_l <> postcode_r "
                    "AND (substr(address_to_l, 1, 7) = substr(address_from_r, 1, 7) "
                    "OR substr(address_to_r, 1, 7) = substr(address_from_l, 1, 7))",
                    "one left an address the month the other arrived at another"),
            _custom(apart_at_once, "at different postcodes at the same time"),
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
    """NHS number or UPN: the same number, or a different one (both learnt). An NHS number
    that fails its check digit is not a number at all (`prepare`): no evidence."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same number"),
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
    "given_names": ("given_names", middle_names_comparison),
    "dob": ("dob", dob_comparison),
    "sex": ("sex", sex_comparison),
    "postcode": ("postcode", postcode_comparison),
    "address": ("address", address_comparison),
    "address_period": ("address_from", address_period_comparison),
    "uprn": ("uprn", uprn_comparison),
    "nhs_number": ("nhs_number", lambda: identifier_comparison("nhs_number", "NHS number")),
    "upn": ("upn", lambda: identifier_comparison("upn", "Unique pupil number")),
    "person_number": ("person_number",
                      lambda: identifier_comparison("person_number", "Person number")),
}


def comparisons_for(present: Collection[str], extras: Collection[str] = ()) -> list[Any]:
    """The comparisons for the prepared columns that hold data, in a fixed order."""
    place = "postcode" in present and bool({"address", "uprn"} & set(present))
    full_name = "forename_surname" in present
    special = {
        "postcode": (lambda: location_comparison(present)) if place else postcode_comparison,
        "first_name": lambda: forename_comparison(with_surname=full_name),
        "surname": lambda: surname_comparison(with_forename=full_name),
    }
    chosen = [
        special.get(column, factory)()
        for column, factory in _BUILDERS.values()
        if column in present and not (place and column in {"address", "uprn"})
    ]
    chosen += [extra_comparison(column) for column in extras
               if EXTRA_PREFIX + column in present]
    return chosen


def comparison_names(settings: dict[str, Any]) -> list[str]:
    """Output column names of the comparisons in a Splink settings dictionary."""
    return [str(c.get("output_column_name")) for c in settings.get("comparisons", [])]
