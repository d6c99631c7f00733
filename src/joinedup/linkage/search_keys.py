"""Search keys: which records a search scores at all.

Like blocking, search scores only records that share a key with the query; unlike blocking,
a query is often partial (a name and a postcode, an NHS number alone), so the keys include
single fields as well as combinations. A key is a tuple of parts over the prepared columns:
a column's value, each word of an array column, or a column's first three letters. A key
whose parts are not all present gives nothing.

Records' keys are computed in DuckDB when the index opens and kept as sorted 64-bit hashes
(the first 8 bytes of the MD5 of the parts joined by a unit separator: DuckDB's
`md5_number_upper`, which `key_hash` computes in Python) beside the record numbers; a query's
keys are built the same way in Python (`query_keys`), so a lookup is a binary search.
`tests/integration/test_search_index.py` checks that a record's own keys, built both ways,
agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from joinedup.linkage.prepare import quote

Part = tuple[str, Literal["value", "each", "start"]]
SEPARATOR = "\x1f"
START = 3


@dataclass(frozen=True, slots=True)
class SearchKey:
    name: str
    parts: tuple[Part, ...]


def _v(column: str) -> Part:
    return (column, "value")


# Most specific first; a search reads the smallest posting lists first (see search.py).
SEARCH_KEYS: tuple[SearchKey, ...] = (
    SearchKey("nhs_number", (_v("nhs_number"),)),
    SearchKey("upn", (_v("upn"),)),
    SearchKey("dob", (_v("dob"),)),
    SearchKey("dob_swapped", (_v("dob_year"), _v("dob_dm"))),
    SearchKey("postcode", (_v("postcode"),)),
    SearchKey("surname_word", (("surname_tokens", "each"),)),
    SearchKey("surname_sound_year", (_v("surname_key"), _v("dob_year"))),
    SearchKey("forename_surname_sound", (_v("forename_key"), _v("surname_key"))),
    SearchKey("name_word_year", (("name_tokens", "each"), _v("dob_year"))),
    SearchKey("name_starts", (("first_name", "start"), ("surname", "start"))),
    SearchKey("district_surname_sound", (_v("postcode_district"), _v("surname_key"))),
    SearchKey("district_forename", (_v("postcode_district"), _v("forename_key"))),
    SearchKey("surname_sound", (_v("surname_key"),)),
)
RECORD_ID_KEY = "record_id"


def key_columns(keys: Sequence[SearchKey] = SEARCH_KEYS) -> list[str]:
    """The prepared columns the keys read."""
    return list(dict.fromkeys(column for key in keys for column, _ in key.parts))


def record_keys_sql(key: SearchKey, table: str) -> str:
    """SELECT h (UBIGINT), row_idx over `table` (which has `row_idx` and the key's columns);
    a record gives one hash per combination of its (distinct) array words."""
    parts: list[str] = []
    unnests: list[str] = []
    for number, (column, kind) in enumerate(key.parts):
        if kind == "each":
            alias = f"w{number}"
            unnests.append(f"unnest(list_distinct({quote(column)})) AS {alias}")
            parts.append(alias)
        elif kind == "start":
            parts.append(f"substr({quote(column)}, 1, {START})")
        else:
            parts.append(quote(column))
    inner = f"(SELECT *, {', '.join(unnests)} FROM {table})" if unnests else table
    present = " AND ".join(f"{p} IS NOT NULL" for p in parts)
    return (f"SELECT md5_number_upper(concat_ws(chr(31), {', '.join(parts)})) AS h, row_idx "
            f"FROM {inner} WHERE {present}")


def key_hash(text: str) -> int:
    """DuckDB's md5_number_upper(text): the MD5's first 8 bytes, little-endian."""
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "little")


def query_keys(record: Mapping[str, Any], keys: Sequence[SearchKey] = SEARCH_KEYS
               ) -> list[tuple[str, str]]:
    """(key name, key text) for one prepared record, built as `record_keys_sql` builds them."""
    found: list[tuple[str, str]] = []
    for key in keys:
        combos: list[list[str]] = [[]]
        for column, kind in key.parts:
            value = record.get(column)
            if kind == "each":
                words = list(dict.fromkeys(w for w in (value or []) if w is not None))
            elif value is None:
                words = []
            else:
                words = [str(value)[:START] if kind == "start" else str(value)]
            combos = [[*combo, word] for combo in combos for word in words]
        found.extend((key.name, SEPARATOR.join(combo)) for combo in combos if combo)
    return list(dict.fromkeys(found))
