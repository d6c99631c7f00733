"""What every Family Context query shares: the not-found error, ages, names, JSON output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

import duckdb

from joinedup.context.tables import rows
from joinedup.errors import JoinedUpError
from joinedup.model.codes import SERVICES

CARD_SERVICES = ("childrens_social_care", "early_help", "adult_social_care", "education",
                 "health", "housing", "police", "vcse")
"""The services a person page has a card for, in the order they are shown."""


class PersonNotFound(JoinedUpError):
    """No person with this id in the snapshot (the web layer answers 404)."""

    def __init__(self, person_id: str) -> None:
        super().__init__(
            f"there is no person {person_id!r} in the current snapshot: the id may be mistyped, "
            "or a later link run may have merged this person into another. Search again.")
        self.person_id = person_id


def to_jsonable(value: Any) -> Any:
    """Dates as ISO text, decimals as floats, tuples and sets as lists, dataclasses as dicts."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v) for v in items]
    return value


class AsDict:
    """Mixin for the result dataclasses: `as_dict()` gives plain JSON-serialisable data."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        result = to_jsonable(self)
        assert isinstance(result, dict)
        return result


def age_on(dob: dt.date | None, today: dt.date, died: dt.date | None = None) -> int | None:
    """Whole years from `dob` to `today`, or to the date of death when that is earlier."""
    if dob is None:
        return None
    end = min(today, died) if died is not None else today
    years = end.year - dob.year - ((end.month, end.day) < (dob.month, dob.day))
    return years if years >= 0 else None


def full_name(*parts: str | None) -> str:
    """The parts that are there, joined by single spaces."""
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def service_order(services: Iterable[str]) -> list[str]:
    """Services in the order of the code list (unknown ones last, alphabetically)."""
    rank = {code: i for i, code in enumerate(SERVICES)}
    return sorted(set(services), key=lambda s: (rank.get(s, len(rank)), s))


def require_person(con: duckdb.DuckDBPyConnection, person_id: str) -> dict[str, Any]:
    """The person's `context_person` row; `PersonNotFound` when there is none."""
    found = rows(con, "SELECT * FROM context_person WHERE person_id = ?", [person_id])
    if not found:
        raise PersonNotFound(person_id)
    return found[0]
