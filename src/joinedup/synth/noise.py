"""The small, realistic mistakes people make when they type names, dates and postcodes."""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth.names import nickname_table, variant_table

_NEIGHBOURS = {
    "a": "qsz", "b": "vnh", "c": "xvd", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht",
    "h": "gjy", "i": "uok", "j": "hku", "k": "jli", "l": "ko", "m": "nj", "n": "bmh",
    "o": "ipl", "p": "ol", "q": "wa", "r": "etf", "s": "adw", "t": "ryg", "u": "yij",
    "v": "cbf", "w": "qes", "x": "zcs", "y": "tuh", "z": "xa",
}
_PHONETIC = (("ph", "f"), ("ie", "y"), ("ey", "y"), ("ck", "k"), ("ll", "l"), ("nn", "n"),
             ("tt", "t"), ("ss", "s"), ("ae", "e"), ("ou", "u"), ("th", "t"), ("ee", "ea"))
# Characters Windows-1252 cannot hold, as a keyboard without them would type them.
_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ś": "s", "Ś": "S", "ż": "z", "Ż": "Z",
                           "ź": "z", "ą": "a", "ę": "e", "ć": "c", "ń": "n", "ț": "t",
                           "ș": "s", "ă": "a", "Ș": "S", "Ț": "T"})


def typo(word: str, rng: np.random.Generator) -> str:
    """One slip of the keyboard: drop, double, swap, substitute, or a phonetic respelling."""
    if len(word) < 3:
        return word + word[-1] if word else word
    lowered = word.lower()
    kind = int(rng.integers(0, 6))
    if kind == 5:
        for a, b in _PHONETIC:
            if a in lowered[1:]:
                pos = lowered.index(a, 1)
                return word[:pos] + b + word[pos + len(a):]
        kind = int(rng.integers(0, 5))
    pos = int(rng.integers(1, len(word)))
    if kind == 0:
        return word[:pos] + word[pos + 1:]
    if kind == 1:
        return word[:pos] + word[pos] + word[pos:]
    if kind == 2 and pos < len(word) - 1:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    near = _NEIGHBOURS.get(word[pos].lower())
    if not near:
        return word[:pos] + word[pos + 1:]
    sub = near[int(rng.integers(len(near)))]
    return word[:pos] + (sub.upper() if word[pos].isupper() else sub) + word[pos + 1:]


def nickname(name: str, rng: np.random.Generator) -> str | None:
    options = nickname_table().get(name)
    return options[int(rng.integers(len(options)))] if options else None


def variant(name: str, rng: np.random.Generator) -> str | None:
    options = variant_table().get(name)
    return options[int(rng.integers(len(options)))] if options else None


def to_date(days: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(days))


def to_days(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def swap_day_month(days: int) -> int | None:
    """The date with day and month exchanged, when that is a different real date."""
    d = to_date(days)
    if d.day > 12 or d.day == d.month:
        return None
    return to_days(dt.date(d.year, d.day, d.month))


def other_dob_error(days: int, rng: np.random.Generator) -> int:
    """A day out, a year out, or the day's digits transposed (12th -> 21st)."""
    d = to_date(days)
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return days + (1 if rng.random() < 0.5 else -1)
    if kind == 1:
        year = d.year + (1 if rng.random() < 0.5 else -1)
        return to_days(d.replace(year=year, day=min(d.day, 28)))
    if kind == 2 and d.day >= 10 and d.day % 10 != 0:
        flipped = int(str(d.day)[::-1])
        if 1 <= flipped <= 28:
            return to_days(d.replace(day=flipped))
    return to_days(d.replace(year=d.year + (10 if d.year < 2010 and rng.random() < 0.5 else -10)
                             if d.year > 1930 else d.year, day=min(d.day, 28)))


def postcode_variant(postcode: str, rng: np.random.Generator) -> str:
    """The same postcode typed differently: no space, lower case, or spaces around it."""
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return postcode.replace(" ", "")
    if kind == 1:
        return postcode.lower()
    if kind == 2:
        return postcode.replace(" ", "  ")
    return " " + postcode.lower().replace(" ", "") + " "


def cp1252_safe(text: str) -> str:
    """Text as it survives a Windows-1252 system: letters it lacks typed without accents."""
    cleaned = text.translate(_TRANSLIT)
    return cleaned.encode("cp1252", errors="replace").decode("cp1252")


def ascii_upper(text: str) -> str:
    """Upper case without accents, as older systems hold names."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()
