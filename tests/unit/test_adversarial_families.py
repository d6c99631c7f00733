"""The adversarial families set: deterministic, complete, and as hard as it says it is."""

from __future__ import annotations

import ast
import csv
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from joinedup.evaluation.adversarial import RELATION_KINDS, AdversarialSet, generate, write
from joinedup.evaluation.adversarial.nhs import is_valid

PACKAGE = Path(__file__).parents[2] / "src" / "joinedup" / "evaluation" / "adversarial"


@pytest.fixture(scope="module")
def dataset() -> AdversarialSet:
    return generate(people=4000, seed=11)


def test_same_seed_same_set_other_seed_other_set() -> None:
    first, again, other = generate(600, seed=5), generate(600, seed=5), generate(600, seed=6)
    assert first.records.equals(again.records)
    assert first.truth.equals(again.truth)
    assert first.relations.equals(again.relations)
    assert not first.records.equals(other.records)


def test_deterministic_whatever_the_hash_seed() -> None:
    code = ("import hashlib; from joinedup.evaluation.adversarial import generate; "
            "d = generate(400, 3); print(hashlib.sha256(str((d.records.to_pylist(), "
            "d.relations.to_pylist())).encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed,
               "PYTHONPATH": str(PACKAGE.parents[2])}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_columns_are_strings(dataset: AdversarialSet) -> None:
    assert dataset.records.column_names == [
        "record_id", "source", "source_record_id", "first_name", "middle_names", "surname",
        "dob", "sex", "postcode", "address", "nhs_number"]
    assert dataset.truth.column_names == ["record_id", "person_id", "household_id"]
    assert dataset.relations.column_names == ["person_a", "person_b", "kind"]
    for table in (dataset.records, dataset.truth, dataset.relations):
        assert all(str(field.type) == "string" for field in table.schema)


def test_every_record_has_truth_and_relations_name_recorded_people(
        dataset: AdversarialSet) -> None:
    ids = dataset.records.column("record_id").to_pylist()
    assert len(ids) == len(set(ids))
    assert ids == dataset.truth.column("record_id").to_pylist()
    assert all(ids) and all(dataset.truth.column("person_id").to_pylist())
    assert all(dataset.truth.column("household_id").to_pylist())
    people = set(dataset.truth.column("person_id").to_pylist())
    relations = dataset.relations.to_pylist()
    assert all(r["person_a"] in people and r["person_b"] in people for r in relations)
    assert all(r["person_a"] != r["person_b"] for r in relations)
    pairs = [frozenset((r["person_a"], r["person_b"])) for r in relations]
    assert len(pairs) == len(set(pairs))
    assert {r["kind"] for r in relations} == set(RELATION_KINDS)


def test_two_to_three_records_a_person_and_many_with_one(dataset: AdversarialSet) -> None:
    per_person = Counter(dataset.truth.column("person_id").to_pylist())
    assert 2.0 <= dataset.records.num_rows / len(per_person) <= 3.0
    assert sum(1 for n in per_person.values() if n == 1) > 0.1 * len(per_person)
    sources = Counter(dataset.records.column("source").to_pylist())
    assert set(sources) == {"gp", "school", "childrens_social_care", "adult_social_care",
                            "housing", "police", "council_tax", "early_help", "vcse"}
    gp = [t["person_id"] for t, r in zip(dataset.truth.to_pylist(),
                                         dataset.records.to_pylist(), strict=True)
          if r["source"] == "gp"]
    assert len(gp) == len(set(gp))  # one GP record a person


def _people(dataset: AdversarialSet) -> dict[str, list[dict[str, str | None]]]:
    records: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    for truth, record in zip(dataset.truth.to_pylist(), dataset.records.to_pylist(),
                             strict=True):
        records[truth["person_id"]].append(record)
    return records


def test_family_traps_are_there(dataset: AdversarialSet) -> None:
    kinds = Counter(dataset.relations.column("kind").to_pylist())
    assert kinds["twin"] >= 20 and kinds["parent_junior"] >= 20
    assert kinds["same_name_stranger"] >= 100 and kinds["grandparent"] >= 50
    household = dict(zip(dataset.truth.column("person_id").to_pylist(),
                         dataset.truth.column("household_id").to_pylist(), strict=True))
    rel = dataset.relations.to_pylist()
    three_generations = {household[r["person_a"]] for r in rel if r["kind"] == "grandparent"
                         and household[r["person_a"]] == household[r["person_b"]]}
    assert len(three_generations) >= 20
    records = _people(dataset)

    def names(person: str) -> set[tuple[str, str]]:
        return {((r["first_name"] or "").lower(), (r["surname"] or "").lower())
                for r in records[person]}

    juniors = [r for r in rel if r["kind"] == "parent_junior"]
    shared = [r for r in juniors if names(r["person_a"]) & names(r["person_b"])]
    assert len(shared) > 0.5 * len(juniors)
    twins = [r for r in rel if r["kind"] == "twin"]
    dobs = [{rec["dob"] for rec in records[r["person_a"]]}
            & {rec["dob"] for rec in records[r["person_b"]]} for r in twins]
    assert sum(bool(d) for d in dobs) > 0.8 * len(twins)
    strangers = [r for r in rel if r["kind"] == "same_name_stranger"]
    assert sum(bool(names(r["person_a"]) & names(r["person_b"])) for r in strangers) \
        > 0.5 * len(strangers)


def test_care_homes_and_hmos_put_many_unrelated_adults_at_one_postcode(
        dataset: AdversarialSet) -> None:
    members: dict[str, set[str]] = defaultdict(set)
    for row in dataset.truth.to_pylist():
        members[row["household_id"]].add(row["person_id"])
    sizes = sorted((len(m) for m in members.values()), reverse=True)
    assert sizes[0] >= 15  # a care home
    unrelated = {frozenset((r["person_a"], r["person_b"]))
                 for r in dataset.relations.to_pylist() if r["kind"] == "cohabitant_unrelated"}
    shared = [m for m in members.values() if len(m) >= 4
              and all(frozenset((a, b)) in unrelated for a in m for b in m if a < b)]
    assert len(shared) >= 10  # HMOs, student flats and care homes
    care = [r for r in dataset.records.to_pylist() if "Care Home" in (r["address"] or "")]
    assert len(care) >= 20


def test_nhs_numbers_valid_except_planted_typos(dataset: AdversarialSet) -> None:
    records = _people(dataset)
    held = invalid = 0
    for person_records in records.values():
        numbers = [r["nhs_number"].replace(" ", "") for r in person_records if r["nhs_number"]]
        valid = {n for n in numbers if is_valid(n)}
        assert len(valid) <= 1  # one person, one true number
        for number in numbers:
            assert re.fullmatch(r"\d{10}", number)
            held += 1
            if not is_valid(number):
                invalid += 1
                for true in valid:
                    assert sum(a != b for a, b in zip(number, true, strict=True)) == 1
    share = held / dataset.records.num_rows
    assert 0.25 <= share <= 0.35
    assert 0.003 <= invalid / held <= 0.03


def test_field_formats(dataset: AdversarialSet) -> None:
    for record in dataset.records.to_pylist():
        dob = record["dob"]
        assert dob is None or re.fullmatch(r"\d{4}-\d\d-\d\d|\d\d/\d\d/\d{4}", dob)
        assert record["sex"] in (None, "M", "F")
        assert record["postcode"] is None or record["postcode"].upper().startswith("JX")
        assert record["record_id"].startswith(f"{record['source']}:")
    dobs = dataset.records.column("dob").to_pylist()
    assert any(d and "/" in d for d in dobs) and any(d and "-" in d for d in dobs)


def test_write_three_csvs(tmp_path: Path) -> None:
    small = generate(300, seed=2)
    write(small, tmp_path)
    for name, table in (("records", small.records), ("truth", small.truth),
                        ("relations", small.relations)):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == table.column_names
        assert len(rows) == table.num_rows + 1


def test_written_apart_from_the_generator_and_the_matcher() -> None:
    """import-linter enforces it for `make test`; this keeps the unit run honest too."""
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("joinedup.synth", "joinedup.linkage")), module.name
        assert len(module.read_text(encoding="utf-8").splitlines()) < 400, module.name
