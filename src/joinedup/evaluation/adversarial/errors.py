"""The error model: what keying, forms and time do to a field on its way into a system."""

from __future__ import annotations

import random
from datetime import date, timedelta

# Neighbouring keys on a UK QWERTY keyboard.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _ch in enumerate(_row):
        near = [_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                near += [_ROWS[_other][j] for j in (_i - 1, _i) if 0 <= j < len(_ROWS[_other])]
        _NEIGHBOURS[_ch] = "".join(near)
_LOOKALIKE = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
              "2": "Z", "Z": "2", "6": "G", "G": "6"}
_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Drive": "Dr",
                  "Lane": "Ln", "Crescent": "Cres", "Gardens": "Gdns", "Terrace": "Terr",
                  "Place": "Pl", "Grove": "Gr"}


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: a neighbouring key, a dropped, doubled or swapped letter."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])  # first letters are rarely wrong
    kind = rng.random()
    if kind < 0.35:
        near = _NEIGHBOURS.get(text[i].lower(), "")
        if not near:
            return text
        ch = rng.choice(near)
        return text[:i] + (ch.upper() if text[i].isupper() else ch) + text[i + 1:]
    if kind < 0.6:
        return text[:i] + text[i + 1:]
    if kind < 0.8:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def wrong_dob(rng: random.Random, born: date, latest: date) -> date:
    """A plausible wrong birthday, not after `latest`: day and month swapped, a digit
    mistyped, the last two digits of the year transposed, or a day out."""
    for _ in range(20):
        wrong = _wrong_dob(rng, born)
        if wrong != born and wrong <= latest:
            return wrong
    return born - timedelta(days=1)


def _wrong_dob(rng: random.Random, born: date) -> date:
    for _ in range(10):
        kind = rng.random()
        try:
            if kind < 0.35 and born.day <= 12 and born.day != born.month:
                return date(born.year, born.day, born.month)
            if kind < 0.6:
                part = rng.choice(("day", "month", "year"))
                if part == "day":
                    return born.replace(day=_one_digit(rng, born.day, 1, 31))
                if part == "month":
                    return born.replace(month=_one_digit(rng, born.month, 1, 12))
                return born.replace(year=born.year + rng.choice((-1, 1, -10, 10)))
            if kind < 0.8:
                tens, units = divmod(born.year % 100, 10)
                if tens != units:
                    return born.replace(year=born.year - born.year % 100 + units * 10 + tens)
                continue
            return born + timedelta(days=rng.choice((-1, 1)))
        except ValueError:
            continue
    return born + timedelta(days=1)


def _one_digit(rng: random.Random, value: int, low: int, high: int) -> int:
    text = f"{value:02d}"
    i = rng.randrange(2)
    for _ in range(10):
        new = int(text[:i] + rng.choice("0123456789") + text[i + 1:])
        if low <= new <= high and new != value:
            return new
    return value + 1 if value < high else value - 1


def format_dob(born: date, style: str) -> str:
    return born.isoformat() if style == "iso" else born.strftime("%d/%m/%Y")


def wrong_postcode(rng: random.Random, postcode: str) -> str:
    """A keyed-in postcode gone wrong: look-alike characters, a swapped unit, a wrong
    sector digit, or the space lost."""
    outward, inward = postcode.split(" ")
    kind = rng.random()
    if kind < 0.3:
        i = rng.randrange(len(inward))
        ch = _LOOKALIKE.get(inward[i]) or rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        inward = inward[:i] + ch + inward[i + 1:]
    elif kind < 0.55:
        inward = inward[0] + inward[2] + inward[1]
    elif kind < 0.8:
        inward = str((int(inward[0]) + rng.choice((1, 9))) % 10) + inward[1:]
    else:
        return outward + inward
    return f"{outward} {inward}"


def address_style(rng: random.Random, line: str, abbreviate: float, town: str | None) -> str:
    """How a system writes an address: abbreviations, flats written '2/40', the town."""
    if rng.random() < abbreviate:
        words = line.split(" ")
        line = " ".join(_ABBREVIATIONS.get(w.rstrip(","), w) for w in words)
    if line.startswith("Flat ") and rng.random() < 0.3:
        flat, _, rest = line.partition(", ")
        line = f"{flat.removeprefix('Flat ')}/{rest}" if rest[:1].isdigit() else line
    if town and rng.random() < 0.5:
        line = f"{line}, {town}"
    return line


def case_style(rng: random.Random, text: str | None, style: str, slip: float) -> str | None:
    """UPPER, lower or as written; `slip` is the chance of someone typing in lower case."""
    if text is None:
        return None
    if style == "upper":
        return text.upper()
    if rng.random() < slip:
        return text.lower() if rng.random() < 0.7 else text.upper()
    return text
