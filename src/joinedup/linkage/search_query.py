"""A search for a person, standardised the way `prepare.py` standardises records.

`prepare.py` standardises in DuckDB SQL, which costs 15-40 ms per call for one row (the
expressions are large); a search box cannot spend that. So the same rules are written here
once more in Python, for one record at a time, and
`tests/integration/test_search_index.py` checks that both give the same columns and values
for every record of the synthetic borough and for awkward inputs. Names go through the very
same Python (`names.standardise_name`, `forenames`, `names.soundex`) as `prepare.py`.

Wildcards (``*``, ``%``, ``?``) are removed, never interpreted: search is ranked by the
matching model, not filtered by patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from joinedup.linkage.forenames import forename_table
from joinedup.linkage.names import forename_surname, soundex, standardise_name

WILDCARDS = re.compile(r"[*%?]")
TABLE_COLUMNS: dict[str, Any] = {"born_by": None, "unique_source": None, "rare_keys": None,
                                 "copy_of": None, "record_source": None, "record_key": None,
                                 "copy_unpaired": False}
"""Prepared columns that say where a record stands in its whole table (an adults-only
source, rare blocking keys, a copy of another record), not what its own fields hold, with
their values for a query (which belongs to no table)."""
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}.*")
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
_SLASHED = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})" + _TIME)
_COMPACT = re.compile(r"[0-9]{8}")
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})")
_NAMED = re.compile(r"([0-9]{1,2})[ ./-]*([A-Za-z]{3,9})\.?[ ./-]*([0-9]{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_AREA = re.compile(r"^[A-Z]+")
_MALE = frozenset({"m", "male", "1", "man", "boy"})
_FEMALE = frozenset({"f", "female", "2", "woman", "girl"})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a practitioner typed: any of these may be missing."""

    first_name: str | None = None
    middle_names: str | None = None
    surname: str | None = None
    full_name: str | None = None
    """Free text: split into words and tried in both orders ("Smith John", "John Smith");
    "Smith, John" is read surname first."""
    dob: str | dt.date | None = None
    """YYYY-MM-DD, DD/MM/YYYY or YYYYMMDD, as matching reads dates."""
    sex: str | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    record_id: str | None = None
    """A source record id (case id), with or without its ``source:`` prefix."""


def trimmed(value: object) -> str | None:
    """`prepare._text`: as text, spaces trimmed as DuckDB's trim does; None when empty."""
    if value is None:
        return None
    text = (value.isoformat() if isinstance(value, dt.date) else str(value)).strip(" ")
    return text or None


def clean(value: object) -> str | None:
    """A typed-in value: wildcards removed, then `trimmed`."""
    if value is None or isinstance(value, dt.date):
        return trimmed(value)
    return trimmed(WILDCARDS.sub("", str(value)))


def standard_dob(text: str | None) -> str | None:
    """`prepare._dob_sql`: YYYY-MM-DD text, impossible dates kept, UK order when slashed."""
    if text is None:
        return None
    if _ISO.fullmatch(text):
        return text[:10]
    slashed = _SLASHED.fullmatch(text)
    if slashed:
        day, month, year = slashed.groups()
        return f"{year}-{month.rjust(2, '0')}-{day.rjust(2, '0')}"
    if _COMPACT.fullmatch(text):
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    year_first = _YEAR_FIRST.fullmatch(text)
    if year_first:
        year, month, day = year_first.groups()
        return f"{year}-{month.rjust(2, '0')}-{day.rjust(2, '0')}"
    named = _NAMED.fullmatch(text)
    if named and named.group(2)[:3].lower() in _MONTHS:
        day, name, year = named.groups()
        month = str(_MONTHS.index(name[:3].lower()) + 1)
        return f"{year}-{month.rjust(2, '0')}-{day.rjust(2, '0')}"
    return None


def standard_sex(text: str | None) -> str | None:
    """`prepare._sex_sql`."""
    if text is None:
        return None
    lowered = text.lower()
    return "M" if lowered in _MALE else "F" if lowered in _FEMALE else None


def standard_postcode(text: str | None) -> dict[str, str | None]:
    """`prepare._postcode_sql`: unit, sector, district and area."""
    compact = _NOT_ALNUM.sub("", text).upper() if text is not None else None
    if compact is None or not 5 <= len(compact) <= 7:
        return dict.fromkeys(("postcode", "postcode_sector", "postcode_district",
                              "postcode_area"))
    outward, inward = compact[:-3], compact[-3:]
    area = _AREA.match(outward)
    return {"postcode": f"{outward} {inward}", "postcode_sector": f"{outward} {inward[0]}",
            "postcode_district": outward, "postcode_area": area.group(0) if area else None}


def nhs_number_valid(digits: str) -> bool:
    """The Modulus 11 check of an NHS number (ten digits)."""
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(digits[:9]))
    return (11 - total % 11) % 11 == int(digits[9])


def standard_nhs_number(text: str | None) -> str | None:
    """`prepare._digits_sql(..., 10)`: ten digits, not all the same, passing the check."""
    if text is None:
        return None
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) != 10 or not digits.replace(digits[0], ""):
        return None
    return digits if nhs_number_valid(digits) else None


def standard_upn(text: str | None) -> str | None:
    """`prepare._upn_sql`: thirteen letters and digits, upper case."""
    if text is None:
        return None
    compact = _NOT_ALNUM.sub("", text).upper()
    return compact if len(compact) == 13 else None


def standard_names(first_name: str | None, surname: str | None, middle_names: str | None,
                   full_name: str | None) -> dict[str, Any]:
    """`prepare._name_lookup` for one set of name fields (lists as tuples)."""
    name = standardise_name(first_name, surname, middle_names=middle_names, full_name=full_name)
    table = forename_table()
    forename = name.forename
    return {
        "first_name": forename,
        "first_name_variants": tuple(table.variants(forename)) if forename else None,
        "forename_key": table.canonical(forename) if forename else None,
        "surname": name.surname,
        "surname_tokens": tuple(name.surname_tokens) or None,
        "surname_key": soundex(name.surname),
        "name_tokens": tuple(name.tokens) or None,
        "given_names": tuple(name.given) or None,
        "forename_surname": forename_surname(forename, name.surname),
    }


def standard_record(first_name: str | None = None, surname: str | None = None,
                    middle_names: str | None = None, full_name: str | None = None,
                    dob: str | None = None, sex: str | None = None,
                    postcode: str | None = None, nhs_number: str | None = None,
                    upn: str | None = None, address_from: str | None = None,
                    address_to: str | None = None) -> dict[str, Any]:
    """One record's prepared columns (those of `prepare.PREPARED_COLUMNS`), from its own
    fields; values must already be `trimmed`. Address, UPRN and person number are not searched on
    and stay empty, and so do the `TABLE_COLUMNS`."""
    standard_date = standard_dob(dob)
    return {
        **standard_names(first_name, surname, middle_names, full_name),
        "dob": standard_date,
        "sex": standard_sex(sex),
        **standard_postcode(postcode),
        "address": None,
        "uprn": None,
        "nhs_number": standard_nhs_number(nhs_number),
        "upn": standard_upn(upn),
        "person_number": None,
        "dob_year": standard_date[:4] if standard_date else None,
        "dob_dm": (min(standard_date[5:7], standard_date[8:10])
                   + max(standard_date[5:7], standard_date[8:10])) if standard_date else None,
        "address_from": standard_dob(address_from),
        "address_to": standard_dob(address_to),
        **TABLE_COLUMNS,
    }


def name_readings(query: SearchQuery) -> list[tuple[str | None, str | None, str | None]]:
    """(first name, middle names, surname) readings of the query's names: the fields as
    given, and the free text in both orders (or surname first when it has a comma)."""
    readings: list[tuple[str | None, str | None, str | None]] = []
    first, middle, last = clean(query.first_name), clean(query.middle_names), clean(query.surname)
    if first or middle or last:
        readings.append((first, middle, last))
    text = clean(query.full_name)
    if text:
        if "," in text:
            before, _, after = text.partition(",")
            words = after.split()
            readings.append((words[0] if words else None, " ".join(words[1:]) or None,
                             clean(before)))
        else:
            words = text.split()
            if len(words) == 1:
                readings += [(None, None, words[0]), (words[0], None, None)]
            else:
                readings += [(words[0], " ".join(words[1:-1]) or None, words[-1]),
                             (words[1], " ".join(words[2:]) or None, words[0])]
    return list(dict.fromkeys(readings)) or [(None, None, None)]


def query_records(query: SearchQuery) -> list[dict[str, Any]]:
    """The query as prepared records, one per reading of its names."""
    fields = {name: clean(getattr(query, name))
              for name in ("dob", "sex", "postcode", "nhs_number", "upn")}
    return [standard_record(first_name=first, middle_names=middle, surname=last, **fields)
            for first, middle, last in name_readings(query)]
