"""The adversarial families set: generate it, write it."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pyarrow as pa

from joinedup.evaluation.adversarial.households import build_population
from joinedup.evaluation.adversarial.people import Person, Population
from joinedup.evaluation.adversarial.records import COLUMNS, render
from joinedup.evaluation.adversarial.sources import SOURCES, requests

RELATION_KINDS = ("twin", "parent_junior", "parent_child", "sibling", "grandparent",
                  "partner", "same_name_stranger", "cohabitant_unrelated")
_TITLES = ("Kaur", "Singh", "Begum", "Bibi", "Khatun")


@dataclass(frozen=True)
class AdversarialSet:
    """Records (all string columns, None when missing), their truth, and the relations
    between the people behind them that a matcher must not merge."""

    records: pa.Table    # COLUMNS
    truth: pa.Table      # record_id, person_id, household_id
    relations: pa.Table  # person_a, person_b, kind (one of RELATION_KINDS)


def _name_keys(person: Person) -> list[tuple[str, str]]:
    keys = [(person.first, person.surname)]
    if person.calling:
        keys.append((person.calling, person.surname))
    if person.alt_surname in _TITLES:
        keys.append((person.first, person.alt_surname))
    return [(a.lower(), b.lower()) for a, b in keys]


def same_name_strangers(population: Population, recorded: set[str],
                        ) -> list[tuple[str, str]]:
    """A sample of unrelated pairs, among people with records, who share a first name and
    surname: every pair born in the same year (up to 12 a name) and each person with the
    next-oldest namesake (up to 20 a name)."""
    groups: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in population.people:
        if person.person_id not in recorded:
            continue
        for key in _name_keys(person):
            groups[key].append(person)
    related = set(population.relations)
    chosen: dict[tuple[str, str], None] = {}

    def unrelated(a: Person, b: Person) -> bool:
        return (a.household_id != b.household_id and (a.person_id, b.person_id) not in related
                and (b.person_id, a.person_id) not in related and a.person_id != b.person_id)

    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda p: (p.dob, p.person_id))
        same_year = 0
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if b.dob.year != a.dob.year or same_year >= 12:
                    break
                if unrelated(a, b):
                    chosen.setdefault((a.person_id, b.person_id))
                    same_year += 1
        for a, b in list(pairwise(members))[:20]:
            if unrelated(a, b):
                chosen.setdefault((a.person_id, b.person_id))
    return list(chosen)


def generate(people: int = 20_000, seed: int = 1) -> AdversarialSet:
    """About `people` people in households, and the records several council, health,
    police and voluntary systems hold about them (2-3 a person on average; a few people
    have none). Relations are between people who have records. Deterministic for a seed.
    Synthetic: names come from common-name lists, addresses from an invented borough with
    fictitious "JX" postcodes."""
    rng = random.Random(seed)
    population = build_population(rng, people)
    rows: dict[str, list[str | None]] = {c: [] for c in COLUMNS}
    truth: dict[str, list[str]] = {"record_id": [], "person_id": [], "household_id": []}
    counters = {name: 0 for name in SOURCES}
    starts = {name: rng.randrange(1, 10_000) for name in SOURCES}
    wanted = requests(rng, population)
    rng.shuffle(wanted)  # record ids must not give households away
    for request in wanted:
        counters[request.source] += 1
        spec = SOURCES[request.source]
        record_id = f"{spec.name}:{counters[request.source]:06d}"
        source_record_id = spec.id_format.format(starts[spec.name] + counters[spec.name] * 7)
        row = render(rng, request, record_id, source_record_id)
        for column in COLUMNS:
            rows[column].append(row[column])
        truth["record_id"].append(record_id)
        truth["person_id"].append(request.person.person_id)
        truth["household_id"].append(request.person.household_id)
    recorded = set(truth["person_id"])
    pairs = [(a, b, kind) for (a, b), kind in population.relations.items()
             if a in recorded and b in recorded]
    pairs += [(a, b, "same_name_stranger")
              for a, b in same_name_strangers(population, recorded)]
    relations = {"person_a": [p[0] for p in pairs], "person_b": [p[1] for p in pairs],
                 "kind": [p[2] for p in pairs]}
    string = pa.string()
    return AdversarialSet(
        records=pa.table({c: pa.array(rows[c], string) for c in COLUMNS}),
        truth=pa.table({c: pa.array(v, string) for c, v in truth.items()}),
        relations=pa.table({c: pa.array(v, string) for c, v in relations.items()}),
    )


def write(dataset: AdversarialSet, directory: Path) -> None:
    """records.csv, truth.csv and relations.csv (empty cells for missing values)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in (("records", dataset.records), ("truth", dataset.truth),
                        ("relations", dataset.relations)):
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.column_names)
            columns = [table.column(c).to_pylist() for c in table.column_names]
            for values in zip(*columns, strict=True):
                writer.writerow(["" if v is None else v for v in values])
