"""Addresses written alike: the street line of a UK address, as the matcher compares it.

Systems write one home many ways: "Flat 3, 16 Bridge Close, Hollinbrook", "3/16 BRIDGE CL",
"FLAT 3 16 BRIDGE CLOSE". Compared as typed, these look like three addresses and the model
learns that an address match is rare evidence it cannot count on. The street line keeps what
identifies the home (the numbers and the street) and drops what systems add or leave out:
- punctuation and case;
- the words that only say a number is a flat ("Flat", "Apartment", "Apt", "Unit");
- the street type's abbreviation (Royal Mail's common ones: Rd, St, Ave, Cl, Gdns ...);
- whatever follows the street (locality, town, county: one system adds them, another not).

Both sides of every comparison go through the same function, so a rule that misreads an
unusual address misreads it the same way on both records.
"""

from __future__ import annotations

STREET_ABBREVIATIONS = (
    ("rd", "road"), ("st", "street"), ("ave", "avenue"), ("av", "avenue"), ("ln", "lane"),
    ("dr", "drive"), ("cl", "close"), ("ct", "court"), ("cres", "crescent"),
    ("gdns", "gardens"), ("gr", "grove"), ("gro", "grove"), ("pl", "place"),
    ("sq", "square"), ("terr", "terrace"), ("ter", "terrace"), ("tce", "terrace"),
    ("pde", "parade"), ("wk", "walk"), ("grn", "green"), ("pk", "park"), ("apt", "flat"),
)
"""Abbreviations read as the word (whole words only, on both records alike)."""

STREET_TYPES = (
    "road", "street", "avenue", "lane", "drive", "close", "court", "crescent", "gardens",
    "grove", "place", "square", "terrace", "parade", "walk", "green", "park", "way", "row",
    "hill", "mews", "rise", "view", "wharf", "yard", "fold", "brow", "croft", "vale",
)
"""Words that end the street part of a line (after a street name, not a number)."""

FLAT_WORDS = ("flat", "flats", "apartment", "unit")
"""Words that only say the number after them is a flat."""


def street_line_sql(column: str) -> str:
    """SQL for the street line of the address in `column` (lower case, or NULL)."""
    text = f"lower(strip_accents(CAST({column} AS VARCHAR)))"
    words = f"string_split(trim(regexp_replace({text}, '[^a-z0-9]+', ' ', 'g')), ' ')"
    cases = " ".join(f"WHEN '{short}' THEN '{word}'" for short, word in STREET_ABBREVIATIONS)
    flats = ", ".join(f"'{word}'" for word in FLAT_WORDS)
    expanded = (f"list_filter(list_transform({words}, lambda w: CASE w {cases} ELSE w END), "
                f"lambda w: w NOT IN ({flats}, ''))")
    line = f"array_to_string({expanded}, ' ')"
    types = "|".join(STREET_TYPES)
    # The shortest start that ends with a street type after a word that is not a number:
    # "12 st johns road hollinbrook" -> "12 street johns road".
    street = f"regexp_extract({line}, '^(.*?[a-z][a-z0-9]* (?:{types}))(?: |$)', 1)"
    return f"nullif(coalesce(nullif({street}, ''), {line}), '')"
