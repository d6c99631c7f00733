"""Homes in an invented borough, Hollinbrook.

Postcodes use the area letters "JX", which no UK postcode area uses, in the real format
(outward "JX1".."JX14", inward digit + two letters from the Royal Mail unit alphabet), so
they look and parse like real postcodes without pointing at anyone's home. Streets are
"12 Acacia Road" style; about a quarter of homes are flats sharing a building number and
postcode with their neighbours ("Flat 2, 40 Station Road").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TOWN = "Hollinbrook"
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STEMS = (
    "Acacia", "Albert", "Alexandra", "Ash", "Beech", "Birch", "Bridge", "Brook", "Cedar",
    "Chapel", "Church", "Clarence", "Cromwell", "Derby", "Elm", "Fern", "Garden", "George",
    "Gladstone", "Grange", "Green", "Grove", "Hawthorn", "Hazel", "Heath", "High", "Hill",
    "Holly", "King", "Laburnum", "Lark", "Lime", "Linden", "Manor", "Maple", "Market", "Marsh",
    "Meadow", "Mill", "Moss", "Nelson", "New", "North", "Oak", "Orchard", "Park", "Poplar",
    "Princess", "Queen", "Railway", "Rose", "Rowan", "School", "Spring", "Stanley", "Station",
    "Victoria", "Wellington", "Willow", "Windsor", "York",
)
_SUFFIXES = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Terrace",
             "Crescent", "Place", "Gardens")
_CARE_HOMES = ("Beechwood", "Oakridge", "Meadowbank", "Larkfield", "Rosemount", "Elmhurst",
               "Willowbrook", "Ashdene", "Hollybank", "The Laurels")


@dataclass(frozen=True)
class Address:
    """One home. `building` names a care home, hall of residence or block."""

    number: int
    street: str
    postcode: str
    flat: str | None = None
    building: str | None = None

    def line(self) -> str:
        parts = [p for p in (self.flat, self.building) if p]
        parts.append(f"{self.number} {self.street}")
        return ", ".join(parts)


class Borough:
    """Hands out distinct homes, each used by one household (communal homes by many)."""

    def __init__(self, rng: random.Random, households: int) -> None:
        self._rng = rng
        self._postcodes: set[str] = set()
        self._homes: list[Address] = []
        self._streets: list[str] = []
        self._care_home_names = list(_CARE_HOMES)
        rng.shuffle(self._care_home_names)
        while len(self._homes) < int(households * 1.7) + 50:
            self._add_street()
        rng.shuffle(self._homes)

    def _postcode(self) -> str:
        while True:
            district = self._rng.randint(1, 14)
            unit = "".join(self._rng.choice(_UNIT_LETTERS) for _ in range(2))
            code = f"JX{district} {self._rng.randint(0, 9)}{unit}"
            if code not in self._postcodes:
                self._postcodes.add(code)
                return code

    def _street_name(self) -> str:
        while True:
            name = f"{self._rng.choice(_STEMS)} {self._rng.choice(_SUFFIXES)}"
            if name not in self._streets:
                self._streets.append(name)
                return name

    def _add_street(self) -> None:
        rng = self._rng
        street = self._street_name()
        postcode = self._postcode()
        in_postcode = 0
        for number in range(1, rng.randint(12, 90)):
            if in_postcode >= rng.randint(8, 18):
                postcode, in_postcode = self._postcode(), 0
            if rng.random() < 0.08:
                for flat in range(1, rng.randint(3, 7)):
                    self._homes.append(Address(number, street, postcode, flat=f"Flat {flat}"))
                    in_postcode += 1
            else:
                self._homes.append(Address(number, street, postcode))
                in_postcode += 1

    def home(self) -> Address:
        """A home nobody else has been given."""
        if not self._homes:
            self._add_street()
            self._rng.shuffle(self._homes)
        return self._homes.pop()

    def care_home(self) -> Address:
        """A care home with its own postcode (residents share address and postcode)."""
        name = self._care_home_names.pop() if self._care_home_names else "Sunnyside"
        number = self._rng.randint(1, 200)
        return Address(number, self._street_name(), self._postcode(),
                       building=f"{name} Care Home")

    def hall(self, index: int) -> Address:
        """A block of student flats; all its flats share the building and postcode."""
        number = self._rng.randint(1, 120)
        return Address(number, self._street_name(), self._postcode(),
                       building=f"Block {'ABCDEFGH'[index % 8]}, University Court")
