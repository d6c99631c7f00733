"""Small helpers the single views share (the Family Context ones where they fit)."""

from __future__ import annotations

from typing import Any

from joinedup.context.common import AsDict, age_on, full_name, to_jsonable
from joinedup.model.checks import normalise_postcode


def name_of(first: Any, surname: Any) -> str:
    return full_name(first if isinstance(first, str) else None,
                     surname if isinstance(surname, str) else None) or "(no name)"


def norm_postcode(value: Any) -> str | None:
    return normalise_postcode(value) if isinstance(value, str) and value.strip() else None


__all__ = ["AsDict", "age_on", "name_of", "norm_postcode", "to_jsonable"]
