"""A few hundred synthetic person records for comparing matching engines, made from a seed.

Families at shared postcodes, each person with one to four records in the styles of different
systems: nicknames (Bill/William), typos, day and month swapped, a surname-first full name,
initials, a moved postcode with address dates, missing fields. On purpose it also holds the
people matching must keep apart: twins (one surname, one date of birth, one address), a
father and his son of the same name ("junior") at one address, and namesakes born a year
apart. Every value is invented; no generator of the project is used, so the set stays the same
when the synthetic borough changes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

import pyarrow as pa

COLUMNS = ("id", "first_name", "middle_names", "surname", "full_name", "dob", "sex",
           "postcode", "address", "nhs_number", "address_from", "address_to")
FORENAMES = {
    "M": ["William", "James", "Mohammed", "Oliver", "Thomas", "Daniel", "Robert", "Piotr",
          "Kwame", "Alexander", "Harry", "Joseph", "Adebayo", "Liam", "Samuel", "Rhys"],
    "F": ["Margaret", "Olivia", "Amelia", "Aisha", "Katherine", "Siobhan", "Zainab", "Emily",
          "Sophie", "Katarzyna", "Grace", "Elizabeth", "Chloe", "Priya", "Hannah", "Ellie"],
}
NICKNAMES = {"William": "Bill", "James": "Jim", "Robert": "Bob", "Alexander": "Alex",
             "Margaret": "Peggy", "Katherine": "Kath", "Elizabeth": "Liz", "Thomas": "Tom",
             "Daniel": "Dan", "Samuel": "Sam", "Joseph": "Joe", "Adebayo": "Ade"}
SURNAMES = ["Smith", "Jones", "Khan", "Brown", "Taylor", "Wilson", "Nowak", "O'Brien",
            "Mensah", "Patel", "Evans", "Hughes", "Chen", "Walker", "Roberts", "Ahmed",
            "Smith-Jones", "Kowalski", "Davies", "Okafor"]
STREETS = ["High Street", "Mill Lane", "Oak Road", "Station Road", "Church Street",
           "Park Avenue", "Victoria Road", "Green Lane"]


@dataclass(frozen=True)
class Person:
    first_name: str
    middle_names: str | None
    surname: str
    dob: dt.date
    sex: str
    postcode: str
    address: str
    nhs_number: str | None


def _nhs_number(rng: random.Random) -> str:
    """A ten-digit number with a valid modulus 11 check digit."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _postcode(rng: random.Random) -> str:
    return f"SK{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
           f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    if rng.random() < 0.5:  # two letters swapped
        return text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text[:at] + text[at + 1:]  # one letter dropped


def _people(rng: random.Random, households: int) -> list[Person]:
    people: list[Person] = []
    for number in range(households):
        surname = rng.choice(SURNAMES)
        postcode = _postcode(rng)
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, Stockport"
        def person(sex: str, born: dt.date, first: str | None = None,
                   middle: str | None = None, surname: str = surname,
                   postcode: str = postcode, address: str = address) -> Person:
            return Person(first or rng.choice(FORENAMES[sex]),
                          middle if middle is not None
                          else (rng.choice(FORENAMES[sex]) if rng.random() < 0.4 else None),
                          surname, born, sex, postcode, address,
                          _nhs_number(rng) if rng.random() < 0.6 else None)
        parent_born = dt.date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
        father = person("M", parent_born)
        mother = person("F", parent_born + dt.timedelta(days=rng.randint(-2000, 2000)))
        people += [father, mother]
        kind = number % 4
        child_born = dt.date(parent_born.year + rng.randint(20, 35), rng.randint(1, 12),
                             rng.randint(1, 28))
        if kind == 0:  # twins: one surname, date of birth and address; other forenames
            sex = rng.choice("MF")
            first, second = rng.sample(FORENAMES[sex], 2)
            people += [person(sex, child_born, first), person(sex, child_born, second)]
        elif kind == 1:  # a son named after his father ("junior")
            people.append(person("M", child_born, father.first_name, father.middle_names))
        elif kind == 2:  # two children
            people += [person(rng.choice("MF"), child_born),
                       person(rng.choice("MF"), child_born + dt.timedelta(days=700))]
        else:  # a namesake of the father elsewhere, born a year later
            people.append(replace(
                person("M", parent_born + dt.timedelta(days=365), father.first_name),
                postcode=_postcode(rng), address=f"{rng.randint(1, 120)} Moor Lane, Stockport"))
    return people


def _records(rng: random.Random, who: Person) -> list[dict[str, str | None]]:
    base: dict[str, str | None] = {
        "first_name": who.first_name, "middle_names": who.middle_names,
        "surname": who.surname, "full_name": None, "dob": who.dob.isoformat(),
        "sex": who.sex, "postcode": who.postcode, "address": who.address,
        "nhs_number": who.nhs_number, "address_from": None, "address_to": None}
    records = [dict(base)]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        record = dict(base)
        noise = rng.randrange(9)
        if noise == 0 and who.first_name in NICKNAMES:
            record["first_name"] = NICKNAMES[who.first_name]
        elif noise == 1:
            record["surname"] = _typo(rng, who.surname)
        elif noise == 2:
            record["dob"] = who.dob.strftime("%Y-%d-%m") if who.dob.day <= 12 \
                else who.dob.strftime("%d/%m/%Y")
        elif noise == 3:
            record.update(first_name=None, middle_names=None, surname=None,
                          full_name=f"{who.surname.upper()}, {who.first_name}")
        elif noise == 4:  # council tax style: an initial, no date of birth
            record.update(first_name=who.first_name[0], dob=None, nhs_number=None, sex=None)
        elif noise == 5:  # moved: a new address whose liability began as the old one ended
            moved = dt.date(2020, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
            records[0]["address_from"], records[0]["address_to"] = "2015-04-01", moved
            record.update(postcode=_postcode(rng), address_from=moved, address_to=None,
                          address=f"{rng.randint(1, 90)} New Street, Stockport")
        elif noise == 6:
            record.update(postcode=None, address=None, nhs_number=None)
        elif noise == 7:
            record["dob"] = (who.dob + dt.timedelta(days=1)).isoformat()
        else:
            record["address"] = (record["address"] or "").replace("Road", "Rd") \
                .replace("Street", "St").upper()
        records.append(record)
    return records


def engine_records(seed: int = 17, households: int = 40) -> pa.Table:
    """The records (every column text, as a file is read) with ids R0001, R0002, ..., and
    the person each belongs to in a column `truth` (for the test's own checks only)."""
    rng = random.Random(seed)
    rows: list[dict[str, str | None]] = []
    for number, who in enumerate(_people(rng, households)):
        for record in _records(rng, who):
            rows.append({"id": f"R{len(rows) + 1:04d}", **record, "truth": f"P{number:04d}"})
    rng.shuffle(rows)
    schema = pa.schema([(name, pa.string()) for name in (*COLUMNS, "truth")])
    return pa.Table.from_pylist(rows, schema=schema)
