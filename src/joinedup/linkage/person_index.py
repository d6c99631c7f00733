"""The golden record of each linked person, chosen field by field (survivorship).

A person's records disagree: a typo in one date of birth, an old address in another. The
golden record takes each field from the record most likely to be right about *that* field:

- **identifiers and date of birth** come from the service that owns them: the NHS number
  from health (then social care, which records it from health), the UPN from education
  (then children's social care, which copies it for the CIN census), the date of birth from
  health, then education, then social care. An NHS number must pass its check digit.
- **names and sex**: the trusted services for identity (health, education, children's
  social care) first, then the most recently recorded.
- **address, postcode and UPRN** are taken together from one record, so the golden address
  is one real place: the most recently recorded record with an address or postcode.
- Ties within those rules go to the value most of the person's records agree on, then the
  most complete record (most fields filled), then the most recent `recorded_date`, then
  (source, source_record_id) so the choice never depends on row order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields

from joinedup.model.checks import is_valid_nhs_number

# Service trust per field: earlier in the tuple is more trusted; unlisted services come last.
IDENTITY = ("health", "education", "childrens_social_care")
FIELD_TRUST: dict[str, tuple[str, ...]] = {
    "nhs_number": ("health", "childrens_social_care", "adult_social_care", "early_help"),
    "upn": ("education", "childrens_social_care"),
    "dob": IDENTITY,
    "first_name": IDENTITY,
    "surname": IDENTITY,
    "sex": IDENTITY,
}
ADDRESS_FIELDS = ("address", "postcode", "uprn")
GOLDEN_FIELDS = ("first_name", "surname", "dob", "sex", "postcode", "address", "uprn",
                 "nhs_number", "upn")
_COMPLETENESS_FIELDS = ("first_name", "surname", "dob", "sex", "address", "postcode", "uprn",
                        "nhs_number", "upn")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One person_record row with the service of its source."""

    source: str
    source_record_id: str
    service: str | None = None
    first_name: str | None = None
    surname: str | None = None
    dob: dt.date | None = None
    sex: str | None = None
    address: str | None = None
    postcode: str | None = None
    uprn: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    recorded_date: dt.date | None = None

    @property
    def completeness(self) -> int:
        return sum(_filled(getattr(self, name)) for name in _COMPLETENESS_FIELDS)


@dataclass(frozen=True, slots=True)
class GoldenRecord:
    first_name: str | None = None
    surname: str | None = None
    dob: dt.date | None = None
    sex: str | None = None
    postcode: str | None = None
    address: str | None = None
    uprn: str | None = None
    nhs_number: str | None = None
    upn: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trust(service: str | None, ranking: Sequence[str]) -> int:
    """Higher is more trusted."""
    return len(ranking) - ranking.index(service) if service in ranking else 0


def _trusted(ranking: Sequence[str]) -> Callable[[SourceRecord], int]:
    def trust(record: SourceRecord) -> int:
        return _trust(record.service, ranking)
    return trust


def _recency(record: SourceRecord) -> int:
    return record.recorded_date.toordinal() if record.recorded_date else 0


def _usable(name: str, value: object) -> bool:
    if not _filled(value):
        return False
    if name == "nhs_number":
        return is_valid_nhs_number(str(value).replace(" ", ""))
    return True


def _best(records: Sequence[SourceRecord], name: str,
          primary: Callable[[SourceRecord], int]) -> SourceRecord | None:
    candidates = [r for r in records if _usable(name, getattr(r, name))]
    if not candidates:
        return None
    agreement = Counter(getattr(r, name) for r in candidates)
    # max() keeps the first of equal keys, so after this sort the smallest (source, id) wins.
    ordered = sorted(candidates, key=lambda r: (r.source, r.source_record_id))
    return max(ordered, key=lambda r: (primary(r), agreement[getattr(r, name)],
                                        r.completeness, _recency(r)))


def _place(records: Sequence[SourceRecord]) -> SourceRecord | None:
    located = [r for r in records if _filled(r.address) or _filled(r.postcode)]
    if not located:
        return None
    ordered = sorted(located, key=lambda r: (r.source, r.source_record_id))
    return max(ordered, key=lambda r: (_recency(r), r.completeness))


def golden_record(records: Sequence[SourceRecord]) -> GoldenRecord:
    """The golden record of one person's records (see the module docstring for the rules)."""
    chosen: dict[str, object] = {}
    for name, ranking in FIELD_TRUST.items():
        best = _best(records, name, _trusted(ranking))
        chosen[name] = getattr(best, name) if best else None
    place = _place(records)
    for name in ADDRESS_FIELDS:
        chosen[name] = getattr(place, name) if place else None
    return GoldenRecord(**chosen)  # type: ignore[arg-type]  # values come from same-named fields


def golden_records(members: Mapping[str, Sequence[SourceRecord]]) -> dict[str, GoldenRecord]:
    """person id -> golden record."""
    return {person: golden_record(records) for person, records in members.items()}
