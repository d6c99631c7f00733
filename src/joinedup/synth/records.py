"""One source's person records: who it holds, under which ids, and what it wrote down.

A source registers a person when it first meets them (``first_seen``) and may update the
record later (``last_seen``). What it holds is the truth on those dates, passed through the
source's quality profile: nicknames, typos, stale surnames and addresses, DOB slips, postcode
variants, placeholder names for babies, and sometimes a second record for the same person.
Every error is logged so tests can measure the rates and the ground truth can explain them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import noise
from joinedup.synth.addresses import Addresses
from joinedup.synth.population import NEVER, Borough
from joinedup.synth.quality import QualityProfile
from joinedup.synth.timeline import YEAR, Timeline

NEVER_INT = int(NEVER)


@dataclass
class World:
    """Everything a source writer needs to know about the simulated borough."""

    borough: Borough
    timeline: Timeline
    addresses: Addresses
    rng: np.random.Generator
    nhs: NDArray[np.object_]  # every person's NHS number
    external_home: NDArray[np.int64]  # an out-of-borough address for people never resident
    upn: NDArray[np.object_]  # unique pupil numbers, once schools have allocated them

    @property
    def as_of(self) -> int:
        return self.borough.as_of

    def address_at(self, persons: NDArray[np.int64], dates: NDArray[np.int64],
                   ) -> NDArray[np.int64]:
        found = self.timeline.address_at(persons, dates)
        return np.where(found >= 0, found, self.external_home[persons])

    def age(self, persons: NDArray[np.int64], dates: NDArray[np.int64] | int,
            ) -> NDArray[np.float64]:
        return (np.asarray(dates) - self.borough.people.dob[persons]) / YEAR


@dataclass
class PersonTable:
    source: str
    record_id: NDArray[np.object_]
    person: NDArray[np.int64]
    first_seen: NDArray[np.int64]
    last_seen: NDArray[np.int64]
    duplicate_of: NDArray[np.int64]
    first: NDArray[np.object_]
    middle: NDArray[np.object_]
    surname: NDArray[np.object_]
    dob: NDArray[np.int64]
    sex: NDArray[np.object_]
    address: NDArray[np.int64]
    postcode: NDArray[np.object_]
    nhs: NDArray[np.object_]
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    _lookup: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.object_]] | None = None

    def __len__(self) -> int:
        return len(self.record_id)

    def record_for(self, persons: NDArray[np.int64] | list[int],
                   dates: NDArray[np.int64] | list[int]) -> NDArray[np.object_]:
        """The record an event about ``person`` on ``date`` is filed under: the newest
        registration made by then (a duplicate once it exists), else the first one."""
        if self._lookup is None:
            order = np.lexsort((self.first_seen, self.person))
            key = self.person[order] * 200_000 + self.first_seen[order] + 40_000
            self._lookup = (key, self.person[order], self.record_id[order])
        key, sorted_person, sorted_id = self._lookup
        persons = np.asarray(persons, dtype=np.int64)
        dates = np.asarray(dates, dtype=np.int64)
        if not len(persons):
            return np.empty(0, dtype=object)
        pos = np.searchsorted(key, persons * 200_000 + dates + 40_000, side="right") - 1
        ok = (pos >= 0) & (sorted_person[np.maximum(pos, 0)] == persons)
        first = np.searchsorted(key, persons * 200_000, side="left")
        pick = np.where(ok, pos, np.minimum(first, len(key) - 1))
        found = sorted_person[pick] == persons
        if not found.all():
            missing = np.unique(persons[~found])[:5]
            raise KeyError(f"{self.source}: no record for people {missing.tolist()}")
        return sorted_id[pick]

    def index_of(self) -> dict[str, int]:
        return {str(r): i for i, r in enumerate(self.record_id)}


def build_people(world: World, source: str, persons: NDArray[np.int64],
                 first_seen: NDArray[np.int64], last_seen: NDArray[np.int64],
                 make_ids: Callable[[int], NDArray[np.object_]], quality: QualityProfile,
                 extract_date: int) -> PersonTable:
    """Register each person once (plus the profile's share of duplicates) and render what the
    source holds about them."""
    rng = world.rng
    persons = np.asarray(persons, dtype=np.int64)
    first_seen = np.minimum(np.asarray(first_seen, dtype=np.int64), extract_date)
    last_seen = np.clip(np.asarray(last_seen, dtype=np.int64), first_seen, extract_date)
    n = len(persons)
    dup = np.flatnonzero(rng.random(n) < quality.duplicate)
    span = np.maximum(last_seen[dup] - first_seen[dup], 0)
    dup_seen = first_seen[dup] + (rng.random(len(dup)) * span).astype(np.int64)
    dup_seen = np.where(span > 30, dup_seen,
                        np.minimum(first_seen[dup] + rng.integers(30, 700, len(dup)),
                                   extract_date))
    all_persons = np.concatenate([persons, persons[dup]])
    all_first = np.concatenate([first_seen, dup_seen])
    all_last = np.concatenate([last_seen, np.maximum(dup_seen, last_seen[dup])])
    duplicate_of = np.concatenate([np.full(n, -1, dtype=np.int64), dup])
    # Interleave duplicates so ids reveal nothing: order records by registration date.
    order = np.lexsort((all_persons, all_first))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    all_persons, all_first, all_last = all_persons[order], all_first[order], all_last[order]
    duplicate_of = duplicate_of[order]
    duplicate_of = np.where(duplicate_of >= 0, inverse[np.maximum(duplicate_of, 0)], -1)
    table = render(world, source, all_persons, all_first, all_last, quality)
    table.record_id = make_ids(len(all_persons))
    table.duplicate_of = duplicate_of
    for i in np.flatnonzero(duplicate_of >= 0):
        table.errors.append((int(i), "source_record_id", "duplicate"))
    return table


def render(world: World, source: str, persons: NDArray[np.int64], first_seen: NDArray[np.int64],
            last_seen: NDArray[np.int64], q: QualityProfile) -> PersonTable:
    b, rng = world.borough, world.rng
    p = b.people
    n = len(persons)
    fore_words = b.forenames.array()
    sur_words = b.surnames.array()
    first = fore_words[p.forename[persons]].copy()
    middle_idx = p.middle[persons]
    middle = fore_words[np.maximum(middle_idx, 0)].copy()
    middle[middle_idx < 0] = None
    middle2 = p.middle2[persons]
    both = (middle2 >= 0) & (middle_idx >= 0)
    if both.any():
        middle[both] = [f"{a} {c}" for a, c in zip(middle[both], fore_words[middle2[both]],
                                                   strict=True)]
    current = b.surname_at(persons, last_seen)
    earlier = b.surname_at(persons, first_seen)
    surname = sur_words[current].copy()
    dob = p.dob[persons].astype(np.int64).copy()
    sex = np.where(p.sex[persons] == 0, "M", "F").astype(object)
    address = world.address_at(persons, last_seen)
    stale_address = world.address_at(persons, first_seen)
    errors: list[tuple[int, str, str]] = []

    def pick(rate: float, where: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
        mask = rng.random(n) < rate
        if where is not None:
            mask &= np.asarray(where, dtype=bool)
        return np.flatnonzero(mask)

    for i in pick(q.stale_surname, current != earlier):
        surname[i] = sur_words[earlier[i]]
        errors.append((int(i), "surname", "stale_surname"))
    for i in pick(q.stale_address, address != stale_address):
        address[i] = stale_address[i]
        errors.append((int(i), "address", "stale_address"))
    hyphen = np.array(["-" in str(s) for s in surname], dtype=bool)
    for i in pick(q.double_barrel_partial, hyphen):
        parts = str(surname[i]).split("-")
        surname[i] = parts[int(rng.integers(len(parts)))]
        errors.append((int(i), "surname", "double_barrel_partial"))
    for i in pick(q.nickname):
        nick = noise.nickname(str(first[i]), rng)
        if nick:
            first[i] = nick
            errors.append((int(i), "first_name", "nickname"))
    for i in pick(q.spelling_variant):
        for col, name in ((first, "first_name"), (surname, "surname")):
            alt = noise.variant(str(col[i]), rng)
            if alt:
                col[i] = alt
                errors.append((int(i), name, "spelling_variant"))
                break
    for i in pick(q.forename_typo):
        first[i] = noise.typo(str(first[i]), rng)
        errors.append((int(i), "first_name", "typo"))
    for i in pick(q.surname_typo):
        surname[i] = noise.typo(str(surname[i]), rng)
        errors.append((int(i), "surname", "typo"))
    for i in pick(q.initial_only):
        first[i] = str(first[i])[0]
        errors.append((int(i), "first_name", "initial_only"))
    for i in pick(q.name_swap):
        first[i], surname[i] = surname[i], first[i]
        errors.append((int(i), "first_name", "name_swap"))
    newborn = (first_seen - dob) < 42
    # Records are usually renamed once the baby is a year old and services still involved.
    kept = np.where(last_seen - dob < 365, 1.0, 0.3)
    for i in np.flatnonzero(newborn & (rng.random(n) < q.placeholder_name * kept)):
        first[i] = "Unborn" if first_seen[i] < dob[i] else "Baby"
        middle[i] = None
        errors.append((int(i), "first_name", "placeholder_name"))
    adult_men = ((first_seen - dob) > 18 * YEAR) & (p.sex[persons] == 0)
    for i in pick(q.placeholder_name * 0.03, adult_men):
        first[i] = "Unknown"
        middle[i] = None
        errors.append((int(i), "first_name", "placeholder_name"))
    for i in pick(q.dob_day_month_swap):
        swapped = noise.swap_day_month(int(dob[i]))
        if swapped is not None:
            dob[i] = swapped
            errors.append((int(i), "dob", "day_month_swap"))
    for i in pick(q.dob_other_error):
        wrong = noise.other_dob_error(int(dob[i]), rng)
        if wrong > first_seen[i]:  # a slip never makes someone born after we met them
            wrong = 2 * int(dob[i]) - wrong
        dob[i] = wrong
        errors.append((int(i), "dob", "dob_error"))
    unborn = last_seen < p.dob[persons]
    for i in np.flatnonzero(unborn):
        dob[i] = NEVER_INT  # still unborn on the extract date: no date of birth on file
    for i in pick(q.dob_missing, ~unborn):
        dob[i] = NEVER_INT
        errors.append((int(i), "dob", "missing"))
    for i in pick(q.sex_missing):
        sex[i] = None
        errors.append((int(i), "sex", "missing"))
    postcode = world.addresses.postcode[address].copy()
    for i in pick(q.postcode_variant):
        postcode[i] = noise.postcode_variant(str(postcode[i]), rng)
        errors.append((int(i), "postcode", "format_variant"))
    for i in pick(q.postcode_missing):
        postcode[i] = None
        errors.append((int(i), "postcode", "missing"))
    nhs = world.nhs[persons].copy()
    for i in pick(q.nhs_missing):
        nhs[i] = None
    return PersonTable(
        source=source, record_id=np.empty(n, dtype=object), person=persons,
        first_seen=first_seen, last_seen=last_seen, duplicate_of=np.full(n, -1),
        first=first, middle=middle, surname=surname, dob=dob, sex=sex, address=address,
        postcode=postcode, nhs=nhs, errors=errors,
    )


def first_last(persons: NDArray[np.int64], dates: NDArray[np.int64],
               ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Unique persons with the first and last date each appears on."""
    persons = np.asarray(persons, dtype=np.int64)
    dates = np.asarray(dates, dtype=np.int64)
    uniq, inverse = np.unique(persons, return_inverse=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    last = np.full(len(uniq), np.iinfo(np.int64).min)
    np.minimum.at(first, inverse, dates)
    np.maximum.at(last, inverse, dates)
    return uniq, first, last
