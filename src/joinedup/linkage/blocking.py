"""Blocking: which pairs of records are compared at all.

Scoring every pair is quadratic, so only pairs that agree exactly on at least one blocking key
are scored. The rules are chosen so that a true pair with an error in any one field still meets
on another rule: names with date of birth, names with postcode, date of birth with postcode,
and a date-of-birth key that ignores the order of day and month (a swap is a common error).
Rules whose columns the data lacks are left out. `bench/linkage.py` measures their recall.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from splink import block_on

# Each rule: the prepared columns that must all be equal.
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("forename_key", "surname"),
    ("surname", "dob"),
    ("forename_key", "dob"),
    ("postcode", "forename_key"),
    ("postcode", "surname"),
    ("dob_year", "dob_dm", "surname_key"),  # day/month swaps, surname typos
    ("dob_year", "dob_dm", "forename_key"),
    ("dob", "postcode_district"),
    ("forename_key", "surname_key", "postcode_district"),
    ("postcode",),  # a unit postcode holds a few dozen people at most
    ("substr(first_name, 1, 3)", "substr(surname, 1, 3)"),
    ("surname", "dob_year"),
    ("dob",),
    ("name_tokens", "dob_year"),  # any name word in common: swapped and changed names
    ("name_tokens", "postcode_district"),
    ("nhs_number",),
    ("upn",),
    ("uprn", "forename_key"),
)

# Rules for EM training of m probabilities: each leaves the fields it does not use free to
# vary. They name the compared columns themselves (first_name, not forename_key), so Splink
# knows not to estimate the comparisons they block on.
TRAINING_KEYS: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname"),
    ("dob",),
    ("postcode",),
)

# Deterministic rules for the prior (share of pairs that match), with their assumed recall.
DETERMINISTIC_KEYS: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname", "dob"),
    ("nhs_number",),
)
DETERMINISTIC_RECALL = 0.7


def _column(key: str) -> str:
    """The column a key reads: "substr(surname, 1, 3)" reads surname."""
    return key.split("(", 1)[1].split(",", 1)[0].strip() if "(" in key else key


def keys_available(keys: Collection[tuple[str, ...]], present: Collection[str]
                   ) -> list[tuple[str, ...]]:
    """The rules whose columns all hold data."""
    return [rule for rule in keys if all(_column(key) in present for key in rule)]


def extra_keys(extras: Collection[str], prefix: str) -> list[tuple[str, ...]]:
    """Rules pairing each extra column (a stable attribute such as birth place) with the
    surname's Soundex and with the canonical forename."""
    return [rule for extra in extras
            for rule in ((prefix + extra, "surname_key"), (prefix + extra, "forename_key"))]


# Array columns: a rule on one of these pairs records sharing any element.
ARRAY_COLUMNS = frozenset({"name_tokens", "surname_tokens", "first_name_variants"})


def rules(keys: Collection[tuple[str, ...]]) -> list[Any]:
    """Splink blocking rules for these keys (array columns are exploded)."""
    built = []
    for rule in keys:
        arrays = [key for key in rule if key in ARRAY_COLUMNS]
        built.append(block_on(*rule, arrays_to_explode=arrays or None))
    return built

