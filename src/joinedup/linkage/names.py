"""Standardising UK person names before they are compared.

Everything here is pure: strings in, strings out. Normalisation folds case, accents and
punctuation; placeholder names that registration systems put in before a child is named
("Baby of", "Unknown", "Twin 1") become empty, because two babies called "Baby" are not the
same person; titles and peerage words are dropped; a forename keeps its first word and the rest
join the name tokens, which let a forename found among the other record's middle names or
surname still count as evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Honorifics and peerage words: they describe a role, not the person's name.
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "master", "dr", "doctor", "prof", "professor",
        "sir", "dame", "lady", "lord", "rev", "revd", "reverend", "fr", "father", "sister",
        "brother", "capt", "captain", "col", "colonel", "major", "sgt", "cllr", "hon",
        "baron", "baroness", "earl", "count", "countess", "duke", "duchess", "viscount",
        "marquess", "marquis", "baronet", "bt", "esq", "jr", "jnr", "snr", "sr",
        # Ranks and offices written into forename fields ("Rt Hon", "The Very Rev", "Maj Gen",
        # "Lt Col", "Canon") by registers that have no title field.
        "the", "rt", "rh", "right", "honourable", "very", "ven", "venerable", "gen", "general",
        "maj", "lt", "lieut", "lieutenant", "brig", "brigadier", "adm", "admiral", "cdr",
        "commander", "cpl", "corporal", "canon", "bishop", "archbishop", "cardinal", "rabbi",
        "pastor", "madam", "mme", "mlle",
    }
)

# Words written after a name, never a surname themselves.
_SUFFIXES = frozenset({"esq", "jr", "jnr", "snr", "sr", "bt"})

# Whole-field values that mean "no name recorded yet". Compared after normalisation.
_PLACEHOLDER_RE = re.compile(
    r"^(?:"
    r"baby(?: (?:of|boy|girl|male|female))?(?: .*)?"  # "Baby", "Baby of Smith", "Baby Boy"
    r"|unborn(?: .*)?"
    r"|(?:twin|triplet)(?: (?:[1-9]|one|two|three|a|b|c|i|ii|iii))?"
    r"|unknown|not known|not recorded|not given|unnamed|no name|none|infant|newborn"
    r"|nk|n k|nkn|tba|tbc|na|n a"
    r"|x+|z+|\?+|-+"
    r")$"
)
_SURNAME_PLACEHOLDER_RE = re.compile(
    r"^(?:unknown|not known|not recorded|not given|none|nk|n k|nkn|tba|tbc|na|n a|x+|z+)$"
)
_BABY_OF_RE = re.compile(r"^baby of ")
_ORDINAL_RE = re.compile(r"^(?:\d+(?:st|nd|rd|th)?|[ivx]+)$")
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
# Anything but a letter or digit of any script separates words: Cyrillic, Arabic, Chinese...
# names are kept as they are written (and compared as written), not dropped.
_NON_ALNUM_RE = re.compile(r"[\W_]+")
# Letters NFKD cannot split, folded by hand so that "Große" meets "Grosse", "Đorđević"
# "Dordevic" and "Łukasz" "Lukasz".
_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                        "þ": "th", "ı": "i", "œ": "oe", "ħ": "h"})


# A million records hold a few hundred thousand distinct names, each normalised several
# times (tokens, forename, surname, Soundex): remembering the results halves standardising.
_CACHE_SIZE = 1 << 18


@lru_cache(maxsize=_CACHE_SIZE)
def normalise_text(value: str | None) -> str | None:
    """Lower case, no accents, apostrophes removed, other punctuation as single spaces.

    "Siân O'Brien-Smith" becomes "sian obrien smith"; letters of other scripts stay ("Иван"
    becomes "иван"). Empty results are None.
    """
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    folded = folded.translate(_FOLDS).translate(_APOSTROPHES)
    cleaned = _NON_ALNUM_RE.sub(" ", folded).strip()
    return cleaned or None


def is_placeholder_name(value: str | None) -> bool:
    """True for forenames that stand in for a name not yet given ("Baby of", "Twin 2", "NK")."""
    text = normalise_text(value)
    return text is None or bool(_PLACEHOLDER_RE.match(text))


def _is_noise_token(token: str) -> bool:
    return token in TITLES or bool(_ORDINAL_RE.match(token)) or len(token) == 0


def name_tokens(value: str | None) -> list[str]:
    """The words of a name, without titles, numbers and ordinals ("5th baron" goes)."""
    text = normalise_text(value)
    if text is None:
        return []
    return [token for token in text.split() if not _is_noise_token(token)]


def clean_forename(value: str | None) -> list[str]:
    """The words of a forename field, or nothing when it is a placeholder.

    A forename field that starts with I, V or X holds an initial, not a regnal number ("I
    PERRY" on a council tax account is Isobel or Ian)."""
    text = normalise_text(value)
    if text is None or _PLACEHOLDER_RE.match(text):
        return []
    first, *rest = text.split()
    if first in ("i", "v", "x"):
        return [first, *name_tokens(" ".join(rest))]
    return name_tokens(text)


def clean_surname(value: str | None) -> list[str]:
    """The words of a surname field: hyphenated and double-barrelled names split into tokens.

    "Baby of Smith" in a surname field keeps "smith" (the family name is real even when the
    forename is not); "Unknown" and "NK" are dropped.
    """
    text = normalise_text(value)
    if text is None or _SURNAME_PLACEHOLDER_RE.match(text):
        return []
    text = _BABY_OF_RE.sub("", text)
    words = name_tokens(text)
    # A surname that is only a title word is a surname (Major, Bishop, Earl, Lord): the words
    # are dropped only beside another ("Smith Esq", "Major Jnr").
    return words or [word for word in text.split()
                     if word not in _SUFFIXES and not _ORDINAL_RE.match(word)]


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6",
}


@lru_cache(maxsize=_CACHE_SIZE)
def soundex(value: str | None) -> str | None:
    """The American Soundex code of the first word (R163 for Robert and Rupert).

    Used only as a blocking key, so that surnames with a typed-in error still meet.
    """
    text = normalise_text(value)
    if text is None:
        return None
    word = re.sub(r"[^a-z]", "", text.split()[0])
    if not word:
        return None
    codes = _SOUNDEX_CODES
    result = word[0].upper()
    previous = codes.get(word[0], "")
    for char in word[1:]:
        code = codes.get(char, "")
        if code and code != previous:
            result += code
        # h and w do not separate equal codes; vowels do.
        if char not in "hw":
            previous = code
    return (result + "000")[:4]


@dataclass(frozen=True, slots=True)
class StandardName:
    """A person's name ready for comparison."""

    forename: str | None
    """First word of the forename (titles and placeholders removed)."""
    surname: str | None
    """Whole surname, words separated by single spaces ("smith jones")."""
    surname_tokens: tuple[str, ...]
    """Words of the surname: double-barrelled and hyphenated names split."""
    tokens: tuple[str, ...]
    """Every word of every name field (forename, middle names, surname, full name), deduplicated."""
    given: tuple[str, ...] = ()
    """Given names after the forename (middle names): two brothers both called John at one
    address, John Freddie and John Noah, are told apart by them."""


def _placeholder_given(value: str | None) -> bool:
    text = normalise_text(value)
    return text is not None and bool(_PLACEHOLDER_RE.match(text))


def _surname_last(full_name: str) -> str:
    """A full name written surname first, as case systems list people, turned round:
    "SMITH, John Paul" and "SMITH John Paul" (the surname alone in capitals) are
    "John Paul SMITH". Anything else is returned as it is."""
    head, comma, rest = full_name.partition(",")
    surname = head.strip()
    if (comma and len(surname.split()) == 1 and rest.strip()
            and not any(ch.isdigit() for ch in rest)
            and not _is_noise_token(surname.casefold().rstrip("."))):
        return f"{rest.strip()} {surname}"
    words = full_name.split()
    capitals = [w for w in words if len(w) > 1 and w.isalpha() and w.isupper()]
    if len(words) > 1 and len(capitals) == 1 and words[0] == capitals[0] and all(
            not w.isupper() for w in words[1:]):
        return " ".join([*words[1:], words[0]])
    return full_name


def _full_name_words(full_name: str | None) -> tuple[list[str], bool]:
    """Words of a full name, and whether the name is a placeholder such as "Baby of Smith".

    A placeholder keeps only the family name after "Baby of"/"Baby", so it still helps.
    """
    text = normalise_text(_surname_last(full_name) if full_name else full_name)
    if text is None:
        return [], False
    if _PLACEHOLDER_RE.match(text):
        rest = re.sub(r"^baby(?: (?:of|boy|girl|male|female))?", "", text)
        words = name_tokens(rest) if rest != text else []
        return words[-1:], True
    return name_tokens(text), False


def standardise_name(
    first_name: str | None = None,
    surname: str | None = None,
    *,
    middle_names: str | None = None,
    full_name: str | None = None,
) -> StandardName:
    """Standardise the name fields a source recorded into one comparable name.

    With only a full name, its first word is the forename and its last the surname. A forename
    that is only a title ("Sir Bramwell") falls back to the full name's first word that is not
    the surname. A placeholder forename stays empty whatever the full name says.
    """
    forename_words = clean_forename(first_name)
    surname_words = clean_surname(surname)
    middle_words = clean_forename(middle_names)
    full_words, full_is_placeholder = _full_name_words(full_name)
    if not surname_words and (len(full_words) >= 2 or (full_is_placeholder and full_words)):
        surname_words = full_words[-1:]
    if not forename_words and not full_is_placeholder and not _placeholder_given(first_name):
        forename_words = [word for word in full_words if word not in surname_words][:1]
    seen: dict[str, None] = {}
    for word in (*forename_words, *middle_words, *surname_words, *full_words):
        seen.setdefault(word, None)
    given_fields = first_name is not None or middle_names is not None
    middle = [*forename_words[1:], *middle_words] if given_fields else full_words[1:-1]
    given = dict.fromkeys(word for word in middle
                          if word not in surname_words and word not in forename_words[:1])
    return StandardName(
        forename=forename_words[0] if forename_words else None,
        surname=" ".join(surname_words) if surname_words else None,
        surname_tokens=tuple(surname_words),
        tokens=tuple(seen),
        given=tuple(given),
    )


def forename_surname(forename: str | None, surname: str | None) -> str | None:
    """A standardised forename and surname as one value: the full name whose frequency the
    model weighs when both agree (`comparisons.surname_comparison`). None when the forename is
    an initial: "L Smith" is any of the Smiths whose name starts with L, not a full name."""
    return f"{forename} {surname}" if forename and len(forename) > 1 and surname else None
