"""NHS numbers: ten digits whose last is a Modulus 11 check digit over the first nine."""

from __future__ import annotations

import random

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder makes them unusable."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid(number: str) -> bool:
    """True for ten digits (spaces ignored) with a correct check digit."""
    digits = number.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])


def new_number(rng: random.Random, used: set[str]) -> str:
    """A valid NHS number not in `used` (added to it). Starts 4 or 6 like England's."""
    while True:
        first_nine = rng.choice("46") + "".join(rng.choice("0123456789") for _ in range(8))
        check = check_digit(first_nine)
        if check is None:
            continue
        number = f"{first_nine}{check}"
        if number not in used:
            used.add(number)
            return number


def mistype(rng: random.Random, number: str) -> str:
    """One digit keyed wrong. Modulus 11 catches every single-digit substitution, so the
    result always fails the check."""
    position = rng.randrange(10)
    wrong = rng.choice([d for d in "0123456789" if d != number[position]])
    return number[:position] + wrong + number[position + 1 :]


def spaced(number: str) -> str:
    """The 3-3-4 layout printed on NHS letters: '485 777 3456'."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"
