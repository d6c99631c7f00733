"""Format checks in plain Python: the reference the SQL validation is tested against,
and what the synthetic generator uses to make valid identifiers."""

from __future__ import annotations

import re

_NHS_WEIGHTS = tuple(range(10, 1, -1))
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits; None when no valid digit exists (10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = nhs_check_digit(digits[:9])
    return check is not None and check == int(digits[9])


def normalise_postcode(value: str) -> str | None:
    """Upper case, one space before the inward code; None when not a UK postcode shape."""
    compact = re.sub(r"\s+", "", value.upper())
    match = POSTCODE_RE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"
