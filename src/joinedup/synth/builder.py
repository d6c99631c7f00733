"""Primitive operations on the borough being simulated: add a person, give a household an
address, move people in and out, start and end partnerships, change a surname."""

from __future__ import annotations

import bisect

import numpy as np

from joinedup.errors import JoinedUpError
from joinedup.synth.addresses import OWNER, PRIVATE_RENT, SOCIAL_RENT, Addresses
from joinedup.synth.names import NameBank, Vocab, cohort_of
from joinedup.synth.population import (
    ETHNICITIES,
    NEVER,
    NONE,
    Borough,
    Households,
    Partnerships,
    People,
    Spells,
    SurnameChanges,
)

_ORIGIN_OF = [origin for _, origin, _ in ETHNICITIES]
_ETHNIC_CUM = list(np.cumsum([share for _, _, share in ETHNICITIES])
                   / sum(s for _, _, s in ETHNICITIES))
MIXED = {"african_caribbean": 4, "south_asian": 5}  # MWBA, MWAS indices in ETHNICITIES


class Builder:
    """Holds the simulation state and the rules for changing it consistently."""

    def __init__(self, rng: np.random.Generator, addresses: Addresses, window_start: int,
                 as_of: int) -> None:
        self.rng = rng
        self.addresses = addresses
        self.window_start = window_start
        self.as_of = as_of
        self.forenames = Vocab()
        self.surnames = Vocab()
        self.names = NameBank(self.forenames, self.surnames)
        self.people = People()
        self.households = Households()
        self.spells = Spells()
        self.partnerships = Partnerships()
        self.surname_changes = SurnameChanges()
        self.next_family = 0
        self.address_hh = np.full(len(addresses), NONE, dtype=np.int64)
        self.vacant: dict[tuple[int, int], list[int]] = {}
        self.external_addresses = [int(i) for i in np.flatnonzero(addresses.external)]
        for idx in np.flatnonzero(~addresses.external):
            key = (int(addresses.ward[idx]), int(addresses.tenure[idx]))
            self.vacant.setdefault(key, []).append(int(idx))
        self.n_wards = int(addresses.ward.max()) + 1 if len(addresses) else 0
        self.resident_count = 0

    # -- people ---------------------------------------------------------------------------
    def ethnic(self) -> int:
        return min(bisect.bisect_right(_ETHNIC_CUM, self.rng.random()), len(_ETHNIC_CUM) - 1)

    def origin(self, ethnic: int) -> str:
        return _ORIGIN_OF[ethnic]

    def family(self) -> int:
        self.next_family += 1
        return self.next_family - 1

    def person(self, sex: int, dob: int, ethnic: int, surname: int, *, family: int,
               in_date: int, mother: int = NONE, father: int = NONE,
               forename: int | None = None, external: bool = False) -> int:
        p = self.people
        i = p.append()
        origin = self.origin(ethnic)
        cohort = cohort_of(1970 + int(dob // 365.25))
        sx = "M" if sex == 0 else "F"
        rng = self.rng
        if forename is None:
            forename = self.names.forename_one(origin, sx, cohort, rng)
        p.sex[i] = sex
        p.dob[i] = dob
        p.ethnic[i] = ethnic
        p.forename[i] = forename
        roll = rng.random()
        if roll < 0.62:
            middle = self.names.forename_one(origin, sx, cohort, rng)
            p.middle[i] = middle if middle != forename else NONE
            if roll < 0.07:
                p.middle2[i] = self.names.forename_one(origin, sx, "old", rng)
        if sex == 1 and origin == "eastern_european":
            surname = self.names.feminine(surname)
        p.surname[i] = surname
        p.birth_surname[i] = surname
        p.mother[i] = mother
        p.father[i] = father
        p.family[i] = family
        p.in_date[i] = in_date
        p.external[i] = external
        if external:
            p.out_date[i] = in_date
        return i

    def new_surname(self, origin: str) -> int:
        return self.names.surname_one(origin, self.rng)

    def double_barrel(self, first: int, second: int) -> int:
        a, b = self.surnames.words[first], self.surnames.words[second]
        if a == b or "-" in a or "-" in b:
            return first
        return self.surnames.add(f"{a}-{b}")

    def change_surname(self, person: int, date: int, new: int, reason: str) -> None:
        p = self.people
        old = int(p.surname[person])
        if old == new:
            return
        if p.sex[person] == 1 and self.origin(int(p.ethnic[person])) == "eastern_european":
            new = self.names.feminine(new)
        ch = self.surname_changes
        ch.person.append(person)
        ch.date.append(date)
        ch.old.append(old)
        ch.new.append(new)
        ch.reason.append(reason)
        if date <= self.as_of:
            p.surname[person] = new

    # -- addresses and households -------------------------------------------------------
    def take_address(self, tenure: int, ward: int | None = None) -> int:
        """A vacant address of this tenure (in this ward if possible), now occupied."""
        rng = self.rng
        first = int(rng.integers(self.n_wards))
        wards = [ward] if ward is not None else []
        wards += [(first + k) % self.n_wards for k in range(self.n_wards)]
        for t in (tenure, PRIVATE_RENT, OWNER, SOCIAL_RENT):
            for w in wards:
                pool = self.vacant.get((w, t))
                if pool:
                    k = int(rng.integers(len(pool)))
                    pool[k], pool[-1] = pool[-1], pool[k]
                    return pool.pop()
        raise JoinedUpError(
            "the synthetic address stock ran out of vacant properties; this is a bug in the "
            "generator's sizing: report it with the --people and --seed used")

    def release_address(self, address: int) -> None:
        if address < 0 or self.addresses.external[address]:
            return
        self.address_hh[address] = NONE
        key = (int(self.addresses.ward[address]), int(self.addresses.tenure[address]))
        self.vacant.setdefault(key, []).append(address)

    def new_household(self, date: int, tenure: int, ward: int | None = None) -> int:
        address = self.take_address(tenure, ward)
        h = self.households.new(address, date)
        self.address_hh[address] = h
        return h

    def join(self, person: int, household: int, date: int, since: int | None = None) -> None:
        """Person lives in household from ``date`` (``since``: the spell's true start)."""
        p = self.people
        old = int(p.hh[person])
        if old == household:
            return
        if old != NONE:
            self._remove_member(person, old, date)
        else:
            self.resident_count += 1
        self.households.members[household].append(person)
        p.hh[person] = household
        self.spells.begin(person, household, self.households.address[household],
                          date if since is None else since)

    def leave(self, person: int, date: int) -> None:
        """Person no longer lives in the borough (death or departure)."""
        p = self.people
        old = int(p.hh[person])
        if old == NONE:
            return
        self._remove_member(person, old, date)
        self.spells.close(person, date)
        p.hh[person] = NONE
        self.resident_count -= 1

    def _remove_member(self, person: int, household: int, date: int) -> None:
        members = self.households.members[household]
        members.remove(person)
        if not members:
            self.households.ended[household] = date
            self.release_address(self.households.address[household])
            self.households.address[household] = NONE

    def move_household(self, household: int, date: int, tenure: int, ward: int | None) -> None:
        old = self.households.address[household]
        new = self.take_address(tenure, ward)
        self.households.address[household] = new
        self.address_hh[new] = household
        self.release_address(old)
        for person in self.households.members[household]:
            self.spells.begin(person, household, new, date)

    def start_partnership(self, a: int, b: int, start: int, married: bool) -> None:
        self.partnerships.begin(a, b, start, married)
        self.people.partner[a] = b
        self.people.partner[b] = a

    def end_partnership(self, person: int, date: int) -> None:
        p = self.people
        other = int(p.partner[person])
        self.partnerships.finish(person, date)
        p.partner[person] = NONE
        if other != NONE:
            p.partner[other] = NONE

    def freeze(self) -> Borough:
        for person in list(self.spells.open_spell):
            idx = self.spells.open_spell[person]
            self.spells.end[idx] = int(NEVER)
        return Borough(
            people=self.people, households=self.households, spells=self.spells,
            partnerships=self.partnerships, surname_changes=self.surname_changes,
            forenames=self.forenames, surnames=self.surnames, names=self.names,
            window_start=self.window_start, as_of=self.as_of, families=self.next_family,
        )
