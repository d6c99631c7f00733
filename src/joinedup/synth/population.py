"""The people of the borough and their lives: a columnar store the simulation writes into.

Dates are ints: days since 1970-01-01. ``NEVER`` marks "not happened" (no death, no departure).
Arrays grow by doubling so the simulation can add people one at a time cheaply, while the
monthly hazards and the source writers work on whole columns at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.names import NameBank, Vocab

NEVER = np.int32(2**31 - 1)
NONE = -1

# Person flags (bit mask): needs that drive services and the factors social workers record.
DA_VICTIM = 1
DA_PERPETRATOR = 2
MENTAL_HEALTH = 4
SUBSTANCE = 8
LEARNING_DISABILITY = 16
PHYSICAL_DISABILITY = 32
CHILD_DISABILITY = 64
CHILD_BEHAVIOUR = 128
ALCOHOL = 256

# CIN/SSDA903 ethnicity codes, the name origin each draws names from, and Stockport-like
# shares (2021 census, rounded).
ETHNICITIES: tuple[tuple[str, str, float], ...] = (
    ("WBRI", "british", 84.5), ("WIRI", "british", 0.9), ("WOTH", "eastern_european", 3.6),
    ("MWBC", "british", 0.6), ("MWBA", "british", 0.3), ("MWAS", "british", 0.8),
    ("MOTH", "british", 0.6), ("AIND", "south_asian", 1.6), ("APKN", "south_asian", 2.6),
    ("ABAN", "south_asian", 0.4), ("AOTH", "south_asian", 0.9),
    ("BAFR", "african_caribbean", 0.9), ("BCRB", "african_caribbean", 0.3),
    ("BOTH", "african_caribbean", 0.2), ("CHNE", "east_asian", 0.7), ("OOTH", "british", 1.1),
)
ETHNIC_CODES = tuple(code for code, _, _ in ETHNICITIES)


def to_days(year: int, month: int, day: int) -> int:
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


def from_days(days: int) -> str:
    return str(np.datetime64(int(days), "D"))


class _Columns:
    """Named numpy columns that grow together."""

    def __init__(self, spec: dict[str, tuple[Any, Any]], capacity: int = 1024) -> None:
        self._spec = spec
        self.n = 0
        self._cap = capacity
        for name, (dtype, fill) in spec.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))

    def _grow(self) -> None:
        new_cap = self._cap * 2
        for name, (dtype, fill) in self._spec.items():
            old = getattr(self, name)
            new = np.full(new_cap, fill, dtype=dtype)
            new[: self._cap] = old
            setattr(self, name, new)
        self._cap = new_cap

    def append(self) -> int:
        if self.n == self._cap:
            self._grow()
        self.n += 1
        return self.n - 1

    def trimmed(self, name: str) -> Any:
        return getattr(self, name)[: self.n]


_PERSON_SPEC: dict[str, tuple[Any, Any]] = {
    "sex": (np.int8, 0),  # 0 male, 1 female
    "dob": (np.int32, 0),
    "ethnic": (np.int8, 0),
    "forename": (np.int32, NONE),
    "middle": (np.int32, NONE),
    "middle2": (np.int32, NONE),
    "surname": (np.int32, NONE),  # current surname
    "birth_surname": (np.int32, NONE),
    "mother": (np.int32, NONE),
    "father": (np.int32, NONE),
    "hh": (np.int32, NONE),  # current household, NONE when not resident
    "partner": (np.int32, NONE),  # current partner (co-resident or not)
    "family": (np.int32, NONE),
    "in_date": (np.int32, 0),  # joined the borough (birth, arrival, or before the window)
    "out_date": (np.int32, NEVER),  # left the borough
    "death": (np.int32, NEVER),
    "external": (np.bool_, False),  # never lived in the borough (e.g. a non-resident father)
    "risk": (np.float32, 1.0),
    "flags": (np.int32, 0),
    "last_birth": (np.int32, -(2**30)),
}


class People(_Columns):
    """Everyone who lived in the borough during the window, plus linked non-residents."""

    sex: NDArray[np.int8]
    dob: NDArray[np.int32]
    ethnic: NDArray[np.int8]
    forename: NDArray[np.int32]
    middle: NDArray[np.int32]
    middle2: NDArray[np.int32]
    surname: NDArray[np.int32]
    birth_surname: NDArray[np.int32]
    mother: NDArray[np.int32]
    father: NDArray[np.int32]
    hh: NDArray[np.int32]
    partner: NDArray[np.int32]
    family: NDArray[np.int32]
    in_date: NDArray[np.int32]
    out_date: NDArray[np.int32]
    death: NDArray[np.int32]
    external: NDArray[np.bool_]
    risk: NDArray[np.float32]
    flags: NDArray[np.int32]
    last_birth: NDArray[np.int32]

    def __init__(self) -> None:
        super().__init__(_PERSON_SPEC, capacity=4096)


@dataclass
class Spells:
    """Residence spells: person lived in household at address from start to end."""

    person: list[int] = field(default_factory=list)
    household: list[int] = field(default_factory=list)
    address: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    open_spell: dict[int, int] = field(default_factory=dict)

    def current_start(self, person: int) -> int:
        idx = self.open_spell.get(person)
        return -(2**31) if idx is None else self.start[idx]

    def begin(self, person: int, household: int, address: int, start: int) -> None:
        # Events within a month are drawn on random days but applied in a fixed order; a
        # later event never starts before the spell it ends, so spells never overlap.
        start = max(start, self.current_start(person))
        self.close(person, start)
        self.open_spell[person] = len(self.person)
        self.person.append(person)
        self.household.append(household)
        self.address.append(address)
        self.start.append(start)
        self.end.append(int(NEVER))

    def close(self, person: int, end: int) -> None:
        idx = self.open_spell.pop(person, None)
        if idx is not None:
            self.end[idx] = max(end, self.start[idx])


@dataclass
class Partnerships:
    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    married: list[bool] = field(default_factory=list)
    current: dict[int, int] = field(default_factory=dict)  # person -> partnership index

    def begin(self, a: int, b: int, start: int, married: bool) -> int:
        idx = len(self.a)
        self.a.append(a)
        self.b.append(b)
        self.start.append(start)
        self.end.append(int(NEVER))
        self.married.append(married)
        self.current[a] = idx
        self.current[b] = idx
        return idx

    def finish(self, person: int, end: int) -> None:
        idx = self.current.pop(person, None)
        if idx is None:
            return
        self.end[idx] = end
        other = self.b[idx] if self.a[idx] == person else self.a[idx]
        self.current.pop(other, None)


@dataclass
class SurnameChanges:
    person: list[int] = field(default_factory=list)
    date: list[int] = field(default_factory=list)
    old: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)


@dataclass
class Households:
    address: list[int] = field(default_factory=list)
    members: list[list[int]] = field(default_factory=list)
    formed: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)

    def new(self, address: int, formed: int) -> int:
        self.address.append(address)
        self.members.append([])
        self.formed.append(formed)
        self.ended.append(int(NEVER))
        return len(self.address) - 1


@dataclass
class Borough:
    """Everything the simulation produced: the truth the extracts are drawn from."""

    people: People
    households: Households
    spells: Spells
    partnerships: Partnerships
    surname_changes: SurnameChanges
    forenames: Vocab
    surnames: Vocab
    names: NameBank
    window_start: int
    as_of: int
    families: int = 0

    def surname_at(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                   ) -> NDArray[np.int32]:
        """Each person's surname index on a date (birth surname, then any changes)."""
        result = self.people.birth_surname[persons].copy()
        ch = self.surname_changes
        if not ch.person:
            return result
        cp = np.array(ch.person, dtype=np.int64)
        cd = np.array(ch.date, dtype=np.int64)
        cn = np.array(ch.new, dtype=np.int32)
        order = np.lexsort((cd, cp))
        cp, cd, cn = cp[order], cd[order], cn[order]
        key = cp * 100_000 + (cd + 30_000)
        query = persons.astype(np.int64) * 100_000 + (dates.astype(np.int64) + 30_000)
        pos = np.searchsorted(key, query, side="right") - 1
        valid = (pos >= 0) & (cp[np.maximum(pos, 0)] == persons)
        result[valid] = cn[pos[valid]]
        return result
