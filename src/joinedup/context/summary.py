"""The top of the person page: the golden record and everything the sources say about identity.

Every name, date of birth, identifier and address any linked record holds is listed once,
with the records (source, record id, recorded date) that state it, so a practitioner sees
where each comes from and how old it is. Names differing only in case or spacing are one
name; addresses at the same postcode and first line (house number and street) are one address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from joinedup.context.common import AsDict, age_on, full_name, require_person, service_order
from joinedup.context.tables import Row, rows


@dataclass(frozen=True, slots=True)
class Sighting(AsDict):
    """One source record stating a value, and when that record was last updated."""

    source: str
    source_record_id: str
    service: str | None
    recorded_date: dt.date | None


@dataclass(frozen=True, slots=True)
class NameVariant(AsDict):
    name: str
    first_name: str | None
    middle_names: str | None
    surname: str | None
    sources: tuple[str, ...]
    sightings: tuple[Sighting, ...]


@dataclass(frozen=True, slots=True)
class ValueVariant(AsDict):
    """A date of birth or an identifier, with the records stating it."""

    value: Any
    sources: tuple[str, ...]
    sightings: tuple[Sighting, ...]


@dataclass(frozen=True, slots=True)
class AddressSighting(AsDict):
    """An address as one record holds it: a dated stay (``history``, from the address
    history) or the address on the person record (``record``, as of its recorded date)."""

    source: str
    source_record_id: str
    service: str | None
    kind: str
    start_date: dt.date | None
    end_date: dt.date | None
    recorded_date: dt.date | None


@dataclass(frozen=True, slots=True)
class AddressEntry(AsDict):
    address: str | None
    postcode: str | None
    uprn: str | None
    current: bool
    """The golden record's address (the most recently recorded one)."""
    from_date: dt.date | None
    """Earliest move-in or recorded date."""
    to_date: dt.date | None
    """Latest move-out; empty while any source has it without an end."""
    sources: tuple[str, ...]
    sightings: tuple[AddressSighting, ...]


@dataclass(frozen=True, slots=True)
class SourceRef(AsDict):
    source: str
    service: str | None
    system: str | None
    records: int
    data_current_as_of: dt.date | None


@dataclass(frozen=True, slots=True)
class PersonSummary(AsDict):
    person_id: str
    name: str
    first_name: str | None
    surname: str | None
    dob: dt.date | None
    age: int | None
    """On `today`, or at death."""
    sex: str | None
    date_of_death: dt.date | None
    address: str | None
    postcode: str | None
    uprn: str | None
    nhs_number: str | None
    upn: str | None
    services: tuple[str, ...]
    """Services holding any record, involvement or event of the person."""
    names: tuple[NameVariant, ...]
    dates_of_birth: tuple[ValueVariant, ...]
    nhs_numbers: tuple[ValueVariant, ...]
    upns: tuple[ValueVariant, ...]
    addresses: tuple[AddressEntry, ...]
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class PersonBrief(AsDict):
    """One search result row."""

    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    sex: str | None
    date_of_death: dt.date | None
    address: str | None
    postcode: str | None
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CurrentAddress(AsDict):
    address: str | None
    postcode: str | None
    uprn: str | None


_STREET = re.compile(r"^(.*?[0-9]+[a-z]?\s+[^,]+)")
# Whole-word street abbreviations read as the words (as linkage/households.py keys addresses).
_ABBREVIATIONS = {"rd": "road", "st": "street", "ave": "avenue", "ln": "lane", "dr": "drive",
                  "cl": "close", "ct": "court", "cres": "crescent", "gdns": "gardens",
                  "gr": "grove", "pl": "place", "sq": "square", "terr": "terrace", "apt": "flat"}


def address_key(address: str | None, postcode: str | None,
                uprn: str | None) -> tuple[str, str] | None:
    """Postcode and first line (up to the house number and street), normalised; the UPRN
    when there is neither; None for no address at all."""
    code = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())
    text = (address or "").lower()
    found = _STREET.match(text)
    line = found.group(1) if found else text.split(",")[0]
    line = " ".join(_ABBREVIATIONS.get(w, w) for w in re.sub(r"[^a-z0-9]+", " ", line).split())
    if code or line:
        return code, line
    number = (uprn or "").strip().lstrip("0")
    return ("UPRN", number) if number else None


def _sighting(row: Row) -> Sighting:
    return Sighting(row["source"], row["source_record_id"], row["service"], row["recorded_date"])


def _recency(day: dt.date | None) -> int:
    return day.toordinal() if day else 0


def _sources(sightings: Sequence[Any]) -> tuple[str, ...]:
    return tuple(sorted({s.source for s in sightings}))


def _grouped(records: Sequence[Row], key: Callable[[Row], Hashable | None]
             ) -> dict[Hashable, list[Row]]:
    groups: dict[Hashable, list[Row]] = defaultdict(list)
    for row in records:
        value = key(row)
        if value is not None:
            groups[value].append(row)
    return groups


def _names(records: Sequence[Row], golden: Row) -> tuple[NameVariant, ...]:
    def key(row: Row) -> str | None:
        name = full_name(row["first_name"], row["middle_names"], row["surname"]).casefold()
        return name or None

    golden_key = full_name(golden["first_name"], golden["surname"]).casefold()
    variants = []
    for group in _grouped(records, key).values():
        # Shown as most records write it; mixed case reads better than a system's capitals.
        forms = defaultdict(list)
        for row in group:
            forms[full_name(row["first_name"], row["middle_names"], row["surname"])].append(row)
        shown = max(forms, key=lambda f: (len(forms[f]), not f.isupper(),
                                          max(_recency(r["recorded_date"]) for r in forms[f]), f))
        first = forms[shown][0]
        sightings = tuple(sorted((_sighting(r) for r in group),
                                 key=lambda s: (-_recency(s.recorded_date), s.source,
                                                s.source_record_id)))
        variants.append(NameVariant(shown, first["first_name"], first["middle_names"],
                                    first["surname"], _sources(sightings), sightings))
    return tuple(sorted(variants, key=lambda v: (
        full_name(v.first_name, v.surname).casefold() != golden_key, -len(v.sightings),
        -max(_recency(s.recorded_date) for s in v.sightings), v.name)))


def _values(records: Sequence[Row], column: str, golden: object) -> tuple[ValueVariant, ...]:
    def key(row: Row) -> Hashable | None:
        value = row[column]
        if isinstance(value, str):
            value = value.replace(" ", "").upper() or None
        return value  # type: ignore[no-any-return]

    variants = []
    for value, group in _grouped(records, key).items():
        sightings = tuple(sorted((_sighting(r) for r in group),
                                 key=lambda s: (-_recency(s.recorded_date), s.source,
                                                s.source_record_id)))
        variants.append(ValueVariant(value, _sources(sightings), sightings))
    golden_key = golden.replace(" ", "").upper() if isinstance(golden, str) else golden
    return tuple(sorted(variants, key=lambda v: (v.value != golden_key, -len(v.sightings),
                                                 str(v.value))))


def _addresses(records: Sequence[Row], history: Sequence[Row],
               golden: Row) -> tuple[AddressEntry, ...]:
    seen: list[tuple[Row, AddressSighting]] = []
    for row in history:
        seen.append((row, AddressSighting(row["source"], row["source_record_id"], row["service"],
                                          "history", row["start_date"], row["end_date"], None)))
    for row in records:
        seen.append((row, AddressSighting(row["source"], row["source_record_id"], row["service"],
                                          "record", None, None, row["recorded_date"])))
    groups: dict[tuple[str, str], list[tuple[Row, AddressSighting]]] = defaultdict(list)
    for row, sighting in seen:
        key = address_key(row["address"], row["postcode"], row["uprn"])
        if key is not None:
            groups[key].append((row, sighting))
    current = address_key(golden["address"], golden["postcode"], golden["uprn"])
    entries = []
    for key, group in groups.items():
        def latest(item: tuple[Row, AddressSighting]) -> tuple[int, bool, int]:
            s = item[1]
            text = item[0]["address"] or ""
            return (_recency(s.recorded_date or s.end_date or s.start_date), not text.isupper(),
                    len(text))
        # The current address reads as the golden record has it; others as last recorded.
        shown = golden if key == current else max(group, key=latest)[0]
        sightings = tuple(sorted((s for _, s in group), key=lambda s: (
            -_recency(s.end_date or s.start_date or s.recorded_date), s.source,
            s.source_record_id)))
        starts = [s.start_date or s.recorded_date for s in sightings]
        known = [d for d in starts if d is not None]
        dated = [s for s in sightings if s.kind == "history"]
        ends = [s.end_date for s in dated]
        to_date = max(e for e in ends if e) if dated and all(ends) else None
        uprn = next((r["uprn"] for r, _ in group if r["uprn"]), None)
        uprn = shown["uprn"] or uprn
        entries.append(AddressEntry(shown["address"], shown["postcode"], uprn, key == current,
                                    min(known) if known else None, to_date, _sources(sightings),
                                    sightings))
    return tuple(sorted(entries, key=lambda e: (
        not e.current, -max(_recency(s.end_date or s.start_date or s.recorded_date)
                            for s in e.sightings), e.address or "")))


def _source_refs(con: duckdb.DuckDBPyConnection,
                 records: Sequence[Row]) -> tuple[SourceRef, ...]:
    as_of = dict(con.execute("SELECT source, max(data_current_as_of) FROM source_freshness "
                             "GROUP BY source").fetchall())
    counts: dict[str, list[Row]] = defaultdict(list)
    for row in records:
        counts[row["source"]].append(row)
    refs = [SourceRef(source, group[0]["service"], group[0]["system"], len(group),
                      as_of.get(source)) for source, group in counts.items()]
    order = {s: i for i, s in enumerate(service_order(r.service or "" for r in refs))}
    return tuple(sorted(refs, key=lambda r: (order[r.service or ""], r.source)))


def person_summary(con: duckdb.DuckDBPyConnection, person_id: str, *,
                   today: dt.date) -> PersonSummary:
    """The golden record with every known name, date of birth, identifier and address."""
    golden = require_person(con, person_id)
    records = rows(con, "SELECT * FROM context_record WHERE person_id = ? "
                        "ORDER BY source, source_record_id", [person_id])
    history = rows(con, """
        SELECT a.*, r.service FROM context_address AS a
        LEFT JOIN (SELECT DISTINCT source, service FROM context_record WHERE person_id = ?) AS r
            USING (source)
        WHERE a.person_id = ?
        ORDER BY a.source, a.source_record_id, a.start_date
    """, [person_id, person_id])
    died = golden["date_of_death"]
    return PersonSummary(
        person_id=person_id,
        name=full_name(golden["first_name"], golden["surname"]),
        first_name=golden["first_name"], surname=golden["surname"], dob=golden["dob"],
        age=age_on(golden["dob"], today, died), sex=golden["sex"], date_of_death=died,
        address=golden["address"], postcode=golden["postcode"], uprn=golden["uprn"],
        nhs_number=golden["nhs_number"], upn=golden["upn"],
        services=tuple(service_order(golden["services"] or [])),
        names=_names(records, golden),
        dates_of_birth=_values(records, "dob", golden["dob"]),
        nhs_numbers=_values(records, "nhs_number", golden["nhs_number"]),
        upns=_values(records, "upn", golden["upn"]),
        addresses=_addresses(records, history, golden),
        sources=_source_refs(con, records),
    )


def _people(con: duckdb.DuckDBPyConnection, person_ids: Sequence[str]) -> list[Row]:
    if not person_ids:
        return []
    return rows(con, "SELECT * FROM context_person WHERE person_id IN (SELECT unnest(?))",
                [list(dict.fromkeys(person_ids))])


def person_briefs(con: duckdb.DuckDBPyConnection, person_ids: Sequence[str], *,
                  today: dt.date) -> dict[str, PersonBrief]:
    """Search result rows for these people, in one query (ids not in the snapshot are left
    out)."""
    return {row["person_id"]: PersonBrief(
        row["person_id"], full_name(row["first_name"], row["surname"]), row["dob"],
        age_on(row["dob"], today, row["date_of_death"]), row["sex"], row["date_of_death"],
        row["address"], row["postcode"], tuple(service_order(row["services"] or [])))
        for row in _people(con, person_ids)}


def services_known(con: duckdb.DuckDBPyConnection,
                   person_ids: Sequence[str]) -> dict[str, list[str]]:
    """The services holding any record, involvement or event of each person (one query)."""
    return {row["person_id"]: service_order(row["services"] or [])
            for row in _people(con, person_ids)}


def current_address(con: duckdb.DuckDBPyConnection,
                    person_ids: Sequence[str]) -> dict[str, CurrentAddress]:
    """Each person's golden address, the most recently recorded one (one query)."""
    return {row["person_id"]: CurrentAddress(row["address"], row["postcode"], row["uprn"])
            for row in _people(con, person_ids)}
