"""Name frequency lists, nicknames and spelling variants (package data, written for joinedup).

The lists are common UK forenames and surnames with rough relative frequencies by birth
cohort and name origin; no real person's data. A generated tail of place-style surnames
(Ashworth, Holroyd...) gives the long tail real surname distributions have.
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

ORIGINS = ("british", "south_asian", "eastern_european", "african_caribbean", "east_asian")
COHORTS = ("old", "mid", "young")

_TAIL_STEMS = (
    "Ash", "Brad", "Brom", "Clay", "Cros", "Ed", "Grims", "Hal", "Hart", "Hay", "Hol", "Kirk",
    "Lang", "Marl", "Mos", "Ox", "Pen", "Rams", "Rad", "Sal", "Stan", "Thorn", "Wal", "Whit",
    "Wind", "Wool", "Birch", "Black", "Bright", "Brook", "Cald", "Chad", "Dun", "Fern", "Gold",
    "Haw", "Heath", "Lin", "Mid", "Nor", "Old", "Red", "Rush", "Sand", "Stock", "Sut", "West",
    "Bar", "Cal", "Hep", "Tod", "Ack", "Rix"
)
_TAIL_ENDS = (
    "worth", "ley", "ton", "shaw", "field", "wood", "den", "royd", "croft", "by", "well", "ham",
    "hurst", "more", "dale", "wick", "ford", "cliffe"
)


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("joinedup.synth").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def cohort_of(birth_year: int) -> str:
    """Which forename list a person born in ``birth_year`` draws from."""
    if birth_year < 1960:
        return "old"
    if birth_year < 1990:
        return "mid"
    return "young"


@dataclass
class Vocab:
    """Strings stored once; people hold int indices into it."""

    words: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def add(self, word: str) -> int:
        got = self.index.get(word)
        if got is None:
            got = len(self.words)
            self.words.append(word)
            self.index[word] = got
        return got

    def array(self) -> NDArray[np.object_]:
        return np.array(self.words, dtype=object)


@dataclass(frozen=True)
class _Table:
    ids: NDArray[np.int32]
    cum: NDArray[np.float64]
    id_list: list[int]
    cum_list: list[float]

    def one(self, rng: np.random.Generator) -> int:
        pick = bisect.bisect_right(self.cum_list, rng.random() * self.cum_list[-1])
        return self.id_list[min(pick, len(self.id_list) - 1)]

    def draw(self, n: int, rng: np.random.Generator) -> NDArray[np.int32]:
        picks = np.searchsorted(self.cum, rng.random(n) * self.cum[-1], side="right")
        return np.asarray(self.ids[np.minimum(picks, len(self.ids) - 1)], dtype=np.int32)


class NameBank:
    """Samples forenames and surnames (as Vocab indices) by sex, cohort and origin."""

    def __init__(self, forenames: Vocab, surnames: Vocab) -> None:
        self.forenames = forenames
        self.surnames = surnames
        self._fore: dict[tuple[str, str, str], _Table] = {}
        self._sur: dict[str, _Table] = {}
        grouped: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
        for row in _read("forenames.csv"):
            idx = forenames.add(row["name"])
            cohorts = COHORTS if row["cohort"] == "any" else (row["cohort"],)
            for cohort in cohorts:
                grouped.setdefault((row["origin"], row["sex"], cohort), []).append(
                    (idx, float(row["weight"])))
        for key, items in grouped.items():
            self._fore[key] = _table(items)
        sur_grouped: dict[str, list[tuple[int, float]]] = {}
        for row in _read("surnames.csv"):
            sur_grouped.setdefault(row["origin"], []).append(
                (surnames.add(row["name"]), float(row["weight"])))
        known = {w.lower() for w in surnames.words}
        for stem in _TAIL_STEMS:
            for end in _TAIL_ENDS:
                word = stem + end
                if word.lower() not in known:
                    sur_grouped["british"].append((surnames.add(word), 0.8))
        for origin, items in sur_grouped.items():
            self._sur[origin] = _table(items)
        self.nicknames = nickname_table()
        self.variants = variant_table()

    def forename(self, origin: str, sex: str, cohort: str, n: int,
                 rng: np.random.Generator) -> NDArray[np.int32]:
        table = self._fore.get((origin, sex, cohort)) or self._fore[("british", sex, cohort)]
        return table.draw(n, rng)

    def forename_one(self, origin: str, sex: str, cohort: str, rng: np.random.Generator,
                     ) -> int:
        table = self._fore.get((origin, sex, cohort)) or self._fore[("british", sex, cohort)]
        return table.one(rng)

    def surname_one(self, origin: str, rng: np.random.Generator) -> int:
        return self._sur[origin].one(rng)

    def surname(self, origin: str, n: int, rng: np.random.Generator) -> NDArray[np.int32]:
        return self._sur[origin].draw(n, rng)

    def feminine(self, surname_idx: int) -> int:
        """Polish-style surnames change ending for women (Kowalski -> Kowalska)."""
        word = self.surnames.words[surname_idx]
        if word.endswith(("ski", "cki", "dzki")):
            return self.surnames.add(word[:-1] + "a")
        return surname_idx


def _table(items: list[tuple[int, float]]) -> _Table:
    ids = np.array([i for i, _ in items], dtype=np.int32)
    weights = np.array([w for _, w in items], dtype=np.float64)
    cum = np.cumsum(weights)
    return _Table(ids=ids, cum=cum, id_list=[int(i) for i in ids],
                  cum_list=[float(c) for c in cum])


@lru_cache(maxsize=1)
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Formal forename -> informal forms (William -> Bill, Will, Billy, Liam)."""
    table: dict[str, list[str]] = {}
    for row in _read("nicknames.csv"):
        table.setdefault(row["name"], []).append(row["nickname"])
    return {name: tuple(values) for name, values in table.items()}


@lru_cache(maxsize=1)
def variant_table() -> dict[str, tuple[str, ...]]:
    """Name -> other accepted spellings (Mohammed -> Muhammad, Mohamed...)."""
    groups: dict[str, list[str]] = {}
    for row in _read("variants.csv"):
        groups.setdefault(row["group"], []).append(row["name"])
    table: dict[str, tuple[str, ...]] = {}
    for names in groups.values():
        for name in names:
            table[name] = tuple(n for n in names if n != name)
    return table
