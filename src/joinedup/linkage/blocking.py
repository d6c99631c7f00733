"""Blocking: which pairs of records are compared at all.

Scoring every pair is quadratic, so only pairs that agree exactly on at least one blocking key
are scored. The rules are chosen so that a true pair with an error in any one field still meets
on another rule: names with date of birth, names with postcode, date of birth with postcode,
and a date-of-birth key that ignores the order of day and month (a swap is a common error).
Rules whose columns the data lacks are left out. `bench/linkage.py` measures their recall.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from splink import block_on
from splink.blocking_rule_library import And, CustomRule

# Each rule: the prepared columns that must all be equal, and optionally one condition
# starting "where " on the two records (aliased l and r) that must also hold.
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("surname", "dob"),
    ("forename_key", "dob"),
    ("postcode", "forename_key"),
    ("postcode", "surname"),
    ("dob_year", "dob_dm", "surname_key"),  # day/month swaps, surname typos
    ("dob_year", "dob_dm", "forename_key"),
    ("dob", "postcode_district"),
    ("forename_key", "surname_key", "postcode_district"),
    # No rule for a forename given as an initial ("K SPENCER", council tax) against the full
    # name: the postcode with the surname, a date of birth and the move rules find those that
    # can score above the threshold. An initial + surname rule gave 21 million of the 40
    # million pairs at a million records (2.5 million within a postcode district), and no
    # true pair that only it found scored above the threshold (`bench/linkage_scale.py`).
    ("where l.first_name = r.surname AND l.surname = r.first_name",),  # swapped names
    ("name_tokens", "dob"),  # any name word in common: changed and middle names
    ("name_tokens", "postcode"),
    ("rare_keys",),
    ("nhs_number",),
    ("upn",),
    ("person_number",),
    ("uprn", "forename_key"),
    # A move: one record's address ended the day the other's began (council tax liabilities,
    # tenancies). With the surname, or the forename for a name changed at the move, this finds
    # the links of a chain of addresses whose names carry a typo or only an initial. Each
    # direction is its own rule so that both stay equality joins.
    ("where l.address_to = r.address_from AND l.surname = r.surname",),
    ("where r.address_to = l.address_from AND l.surname = r.surname",),
    ("where l.address_to = r.address_from AND l.forename_key = r.forename_key",),
    ("where r.address_to = l.address_from AND l.forename_key = r.forename_key",),
)
# A postcode alone, a date of birth alone, a name word with a postcode district or with a
# year of birth find true pairs no other rule does where their blocks are small (Splink's
# historical_50k: a postcode holds a few records), but in a council's data a postcode unit
# holds every household in the street (a rule on it alone gave 973,617 pairs for 57 true pairs
# on a 10,000-person borough) and a date of birth a few dozen people in a big region. Each
# value of these keys is used only where it is rare (`rare_keys`: at most
# `RARE_KEY_MAX_RECORDS` records), so their cost stays bounded as the data grows.
#
# Names alone (a forename with a surname, its Soundex, or the first three letters of each)
# are the same in kind: at 30,000 residents a full name is shared by a handful of records, but
# at a million "Oliver Smith" is hundreds, and those three rules gave 50 of the 66 million
# pairs scored (`bench/linkage_scale.py`). They too are used only where the name is rare.
# Their cap is its own setting: at 60 they still gave 24.5 of 40 million pairs at a million
# records, and 20 lost no true pair that scored above the threshold.
RARE_KEY_MAX_RECORDS = 20
NAME_KEY_MAX_RECORDS = 20
_RARE_KEYS = (
    ("p", "postcode", None),
    ("d", "dob", None),
    ("nd", "postcode_district", "name_tokens"),
    ("ny", "dob_year", "name_tokens"),
    ("fs", "forename_key || chr(31) || surname", None),
    ("fk", "forename_key || chr(31) || surname_key", None),
    ("s3", "substr(first_name, 1, 3) || chr(31) || substr(surname, 1, 3)", None),
)
_NAME_TAGS = ("fs", "fk", "s3")


def _keys_sql(table: str) -> str:
    """SELECT unique_id, key: every value of every rare-key kind each record holds."""
    parts = []
    for tag, column, words in _RARE_KEYS:
        if words is None:
            parts.append(f"SELECT unique_id, '{tag}' || chr(31) || {column} AS key "
                         f"FROM {table} WHERE {column} IS NOT NULL")
        else:
            parts.append(
                f"SELECT unique_id, '{tag}' || chr(31) || word || chr(31) || {column} AS key "
                f"FROM (SELECT unique_id, unnest({words}) AS word, {column} FROM {table} "
                f"WHERE {column} IS NOT NULL)")
    return " UNION ALL ".join(parts)


def _cap_sql() -> str:
    """The most records a key (column `key`) may have and still be rare."""
    names = ", ".join(f"'{tag}'" for tag in _NAME_TAGS)
    return (f"CASE WHEN split_part(key, chr(31), 1) IN ({names}) "
            f"THEN {NAME_KEY_MAX_RECORDS} ELSE {RARE_KEY_MAX_RECORDS} END")


def rare_keys_sql(table: str) -> str:
    """SELECT unique_id, rare_keys (the list of rare key values of each record) over the
    prepared `table` (a quoted name)."""
    # Each (record, key) once (a name word twice in one record gives its key twice), then
    # plain counts: at a million records a fifth faster than counting distinct ids per key.
    return f"""
        WITH k AS (SELECT DISTINCT unique_id, key FROM ({_keys_sql(table)})),
        rare AS (SELECT key FROM k GROUP BY key
                 HAVING count(*) BETWEEN 2 AND {_cap_sql()})
        SELECT unique_id, list(key ORDER BY key) AS rare_keys
        FROM k SEMI JOIN rare USING (key) GROUP BY unique_id"""


def rare_keys_lost_sql(table: str) -> str:
    """SELECT unique_id of each record below the id $new_from holding a key that is rare among
    those records but not once the records from $new_from on are counted: blocking paired
    such records on that key before the new records came, and pairs them no more."""
    return f"""
        WITH k AS (SELECT DISTINCT unique_id, key FROM ({_keys_sql(table)})),
        lost AS (SELECT key FROM k GROUP BY key
                 HAVING count(*) FILTER (WHERE unique_id < $new_from)
                        BETWEEN 2 AND {_cap_sql()}
                    AND count(*) > {_cap_sql()})
        SELECT DISTINCT unique_id FROM k SEMI JOIN lost USING (key)
        WHERE unique_id < $new_from"""

# Rules for EM training of m probabilities: each leaves the fields it does not use free to
# vary. They name the compared columns themselves (first_name, not forename_key), so Splink
# knows not to estimate the comparisons they block on. None is on a place: the pairs that
# share a postcode or an address are mostly households, and EM blocked on one learns "a
# household" as its match class (on the synthetic borough m for "forenames differ" came out
# 0.47 and pairwise precision 0.43), which is exactly how families get merged.
TRAINING_KEYS: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname"),
    ("dob",),
)

# Deterministic rules for the prior (share of pairs that match), with their assumed recall.
DETERMINISTIC_KEYS: tuple[tuple[str, ...], ...] = (
    ("first_name", "surname", "dob"),
    ("nhs_number",),
)
DETERMINISTIC_RECALL = 0.7


_WHERE = "where "
_SIDE_COLUMN = re.compile(r"\b[lr]\.([A-Za-z_][A-Za-z0-9_]*)")


def _columns(key: str) -> list[str]:
    """The columns a key reads: "substr(surname, 1, 3)" reads surname; a "where" condition
    reads every l./r. column it names."""
    if key.startswith(_WHERE):
        return _SIDE_COLUMN.findall(key)
    return [key.split("(", 1)[1].split(",", 1)[0].strip() if "(" in key else key]


def keys_available(keys: Collection[tuple[str, ...]], present: Collection[str]
                   ) -> list[tuple[str, ...]]:
    """The rules whose columns all hold data."""
    return [rule for rule in keys
            if all(column in present for key in rule for column in _columns(key))]


def extra_keys(extras: Collection[str], prefix: str) -> list[tuple[str, ...]]:
    """Rules pairing each extra column (a stable attribute such as birth place) with the
    surname's Soundex and with the canonical forename."""
    return [rule for extra in extras
            for rule in ((prefix + extra, "surname_key"), (prefix + extra, "forename_key"))]


# Array columns: a rule on one of these pairs records sharing any element.
ARRAY_COLUMNS = frozenset({"name_tokens", "surname_tokens", "first_name_variants", "rare_keys"})


# Of many copies of one record (`prepare.COPIES_MIN_GROUP`) only the first two are paired.
NOT_A_COPY = "NOT l.copy_unpaired AND NOT r.copy_unpaired"


def rules(keys: Collection[tuple[str, ...]]) -> list[Any]:
    """Splink blocking rules for these keys (array columns are exploded)."""
    built = []
    for rule in keys:
        equal = [key for key in rule if not key.startswith(_WHERE)]
        where = [key[len(_WHERE):] for key in rule if key.startswith(_WHERE)]
        arrays = [key for key in equal if key in ARRAY_COLUMNS]
        parts = [block_on(*equal)] if equal else []
        parts += [CustomRule(sql, "duckdb") for sql in (*where, NOT_A_COPY)]
        built.append(And(*parts, arrays_to_explode=arrays or None))
    return built

