"""Each guardrail, on hand-written records: however high the model scores a pair (here every
pair is scored a near-certain match), records that break a rule never end in one person,
directly or through a chain of others."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from joinedup.linkage import guardrails, source_facts
from joinedup.linkage.clustering import Clusters, ambiguous_records
from joinedup.linkage.fields import resolve_mapping
from joinedup.linkage.model import LinkageError
from joinedup.linkage.prepare import prepare_records
from joinedup.linkage.resolve import ClusterRules, _with_reasons, cluster_predictions

COLUMNS = ["id", "first_name", "surname", "dob", "postcode", "nhs_number", "uprn"]


def _cluster(records: list[dict[str, Any]], *, scored: list[tuple[str, str]] | None = None,
             must_link: tuple[tuple[str, str], ...] = (),
             separate_twins: bool = True) -> Any:
    """Cluster `records` as if the model scored every pair in `scored` (default: every pair)
    at 0.999."""
    columns = COLUMNS + [c for c in ("source", "source_record_id", "address_from", "address_to",
                                     "sex")
                         if any(c in record for record in records)]
    rows = [{column: record.get(column) for column in columns} for record in records]
    con = duckdb.connect()
    con.register("incoming", pa.Table.from_pylist(
        rows, schema=pa.schema([(column, pa.string()) for column in columns])))
    con.execute("CREATE TABLE raw AS SELECT * FROM incoming")
    prepared = prepare_records(con, "raw", resolve_mapping(columns, {}), "p")
    pairs = scored if scored is not None else list(
        itertools.combinations([row["id"] for row in rows], 2))
    con.register("scored", pa.table({
        "unique_id_l": [a for a, _ in pairs], "unique_id_r": [b for _, b in pairs],
        "match_probability": [0.999] * len(pairs), "match_weight": [10.0] * len(pairs)}))
    rules = ClusterRules(threshold=0.9, max_cluster_size=50, min_average_weight=-3.0,
                         separate_twins=separate_twins, must_link=must_link)
    _, clusters = cluster_predictions(con, "scored", [prepared], False, rules)
    con.close()
    return clusters


def _same(clusters: Any, a: str, b: str) -> bool:
    return bool(clusters.cluster_of[a] == clusters.cluster_of[b])


def test_twins_at_one_address_are_two_people() -> None:
    clusters = _cluster([
        {"id": "hassan", "first_name": "Hassan", "surname": "Ahmed", "dob": "2016-04-02",
         "postcode": "M13 9PL"},
        {"id": "aisha", "first_name": "Aisha", "surname": "Ahmed", "dob": "2016-04-02",
         "postcode": "M13 9PL"},
        {"id": "hassan2", "first_name": "Hasan", "surname": "Ahmed", "dob": "2016-04-02",
         "postcode": "M13 9PL"},
    ])
    assert not _same(clusters, "hassan", "aisha")
    assert _same(clusters, "hassan", "hassan2")  # a spelling is not a twin
    assert ("hassan", "aisha", "twins") in clusters.guarded


def test_a_forename_that_is_only_the_others_surname_is_another_name() -> None:
    # "Ali Ali" is not Ahmed Ali with his surname typed as forename: born the same day at one
    # address, they are twins. Middle names still count: "Ahmed" is Mohammed Ahmed Ali.
    clusters = _cluster([
        {"id": "ahmed", "first_name": "Ahmed", "surname": "Ali", "dob": "2004-08-07",
         "postcode": "B11 1AA"},
        {"id": "ali", "first_name": "Ali", "surname": "Ali", "dob": "2004-08-07",
         "postcode": "B11 1AA"},
        {"id": "mohammed", "first_name": "Mohammed Ahmed", "surname": "Ali",
         "dob": "2004-08-07", "postcode": "B11 1AA"},
    ], scored=[("ahmed", "ali"), ("ahmed", "mohammed")])
    assert not _same(clusters, "ahmed", "ali")
    assert ("ahmed", "ali", "twins") in clusters.guarded
    assert _same(clusters, "ahmed", "mohammed")


def test_twins_of_one_forename_are_told_apart_by_their_middle_names() -> None:
    clusters = _cluster([
        {"id": "imran", "first_name": "Mohammed Imran", "surname": "Mahmood",
         "dob": "1996-04-27", "postcode": "B8 1AA"},
        {"id": "ahmed", "first_name": "Mohamed Ahmed", "surname": "Mahmud",
         "dob": "1996-04-27", "postcode": "B8 1AA"},
        {"id": "initial", "first_name": "Mohammed I", "surname": "Mahmood",
         "dob": "1996-04-27", "postcode": "B8 1AA"},
        {"id": "plain", "first_name": "Mohammed", "surname": "Mahmood",
         "dob": "1996-04-27", "postcode": "B8 1AA"},
    ], scored=[("imran", "ahmed"), ("imran", "initial"), ("ahmed", "plain")])
    assert ("imran", "ahmed", "twins") in clusters.guarded
    assert not _same(clusters, "imran", "ahmed")
    assert _same(clusters, "imran", "initial")  # an initial for the middle name agrees
    assert _same(clusters, "ahmed", "plain")  # a middle name left out is no difference


def test_two_nicknames_of_one_name_are_two_names() -> None:
    # Maisie and Daisy are both diminutives of Margaret: twins, not one girl.
    clusters = _cluster([
        {"id": "maisie", "first_name": "Maisie", "surname": "Greenwood", "dob": "2019-03-08",
         "postcode": "SK4 1AA"},
        {"id": "daisy", "first_name": "Daisy", "surname": "Greenwood", "dob": "2019-03-08",
         "postcode": "SK4 1AA"},
        {"id": "margaret", "first_name": "Margaret", "surname": "Greenwood",
         "dob": "2019-03-08", "postcode": "SK4 1AA"},
    ], scored=[("maisie", "margaret")])
    assert not _same(clusters, "maisie", "daisy")
    assert _same(clusters, "maisie", "margaret")  # a nickname of the other is the same name


@pytest.mark.parametrize(("left", "right"), [
    ("Mohammed", "Mohd"), ("Muhammad", "Mohamud"),  # spellings of one name
    ("Katarzyna", "Kasia"), ("Wojciech", "Wojtek")])  # Polish diminutives
def test_spellings_and_diminutives_of_one_name_are_one_name(left: str, right: str) -> None:
    """The same person recorded under two forms of one forename, born the same day at one
    address: not twins. Mohd is three letters of Mohammed's eight, too unlike for a typing
    error, and both forms are in use, so only the name tables can say they are one name."""
    records = [
        {"id": "left", "first_name": left, "surname": "Karim", "dob": "2007-03-17",
         "postcode": "BD8 7QT"},
        {"id": "right", "first_name": right, "surname": "Karim", "dob": "2007-03-17",
         "postcode": "BD8 7QT"},
        *_families(left, 4), *_families(right, 4, 100)]
    clusters = _cluster(records, scored=[("left", "right")])
    assert _same(clusters, "left", "right")
    assert not clusters.guarded


@pytest.mark.parametrize(("left", "right"), [
    ("Arjun", "Arun"), ("Isla", "Isabella"), ("Hassan", "Hussein"), ("Harman", "Harleen"),
    ("Harry", "Henry")])  # a nickname too: a school registers a child under one name
def test_one_systems_two_records_born_the_same_day_are_two_people(left: str,
                                                                   right: str) -> None:
    # Alike names that the family rules let through are twins when one school holds both,
    # even with a typing error in one surname.
    clusters = _cluster([
        {"id": "a", "first_name": left, "surname": "Mohamed", "dob": "2009-10-16",
         "source": "school", "source_record_id": "S1"},
        {"id": "b", "first_name": right, "surname": "Moamed", "dob": "2009-10-16",
         "source": "school", "source_record_id": "S2"},
    ])
    assert not _same(clusters, "a", "b")
    # Names that differ outright (Hassan, Hussein) are twins by the first rule already.
    rule = "twins" if (left, right) == ("Hassan", "Hussein") else "two people in one system"
    assert ("a", "b", rule) in clusters.guarded


@pytest.mark.parametrize(("source_b", "record_b", "name_b", "dob_b"), [
    ("gp", "G1", "Arun", "2009-10-16"),         # another system: the model decides
    ("school", "S1", "Arun", "2009-10-16"),     # the same record id: one pupil
    ("school", "S2", "Arjun", "2009-10-16"),    # the same name: a duplicate registration
    ("school", "S2", "A", "2009-10-16"),        # an initial
])
def test_one_system_rule_needs_two_records_of_it_with_other_names(
        source_b: str, record_b: str, name_b: str, dob_b: str) -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Arjun", "surname": "Singh", "dob": "2009-10-16",
         "source": "school", "source_record_id": "S1"},
        {"id": "b", "first_name": name_b, "surname": "Singh", "dob": dob_b,
         "source": source_b, "source_record_id": record_b},
    ])
    assert _same(clusters, "a", "b")


@pytest.mark.parametrize(("left", "right", "numbers", "same"), [
    ("Richard", "Dick", ("9434765919", "9434765919"), True),  # one NHS number: one person
    ("Yusuf", "Yousaf", ("9434765919", "9434765919"), True),
    ("Richard", "Dick", ("9434765919", ""), False),  # a nickname, born the same day: twins
    ("Aisha", "Ayesha", ("", ""), False),    # a spelling too: twins can be named so
    ("Hassan", "Hussain", ("", ""), False),  # two names (brothers' names), however alike
])
def test_one_systems_duplicate_registrations(left: str, right: str,
                                             numbers: tuple[str, str], same: bool) -> None:
    """Two records of one system born the same day: one person registered twice when the
    records share an NHS number, which twins never do; otherwise twins, even when one
    forename is another spelling of the other."""
    clusters = _cluster([
        {"id": "a", "first_name": left, "surname": "Qureshi", "dob": "2005-12-29",
         "source": "housing", "source_record_id": "H1", "nhs_number": numbers[0] or None},
        {"id": "b", "first_name": right, "surname": "Qureshi", "dob": "2005-12-29",
         "source": "housing", "source_record_id": "H2", "nhs_number": numbers[1] or None},
    ])
    assert _same(clusters, "a", "b") is same
    if not same:
        assert {rule for *_, rule in clusters.guarded} & {"twins", "two people in one system"}


def test_one_systems_two_undated_records_at_one_postcode_are_two_people() -> None:
    # Two adults liable for council tax at one home, names alike, no dates of birth.
    clusters = _cluster([
        {"id": "a", "first_name": "Arjun", "surname": "Bhatt", "postcode": "SK1 3XE",
         "source": "council_tax", "source_record_id": "C1"},
        {"id": "b", "first_name": "Arun", "surname": "Bhatt", "postcode": "SK1 3XE",
         "source": "council_tax", "source_record_id": "C2"},
    ])
    assert not _same(clusters, "a", "b")


@pytest.mark.parametrize(("son_from", "father_to", "apart"), [
    (None, None, True),                       # no dates: a father and a son named alike
    ("2020-04-01", None, True),               # both liable at once
    ("2020-04-01", "2019-03-31", False),      # one account closed before the other opened
])
def test_one_systems_two_undated_namesakes_at_one_postcode(son_from: str | None,
                                                           father_to: str | None,
                                                           apart: bool) -> None:
    clusters = _cluster([
        {"id": "father", "first_name": "David", "surname": "Bello", "postcode": "SK2 5UB",
         "source": "council_tax", "source_record_id": "C1", "address_from": "2001-05-01",
         "address_to": father_to},
        {"id": "son", "first_name": "David", "surname": "Bello", "postcode": "SK2 5UB",
         "source": "council_tax", "source_record_id": "C2", "address_from": son_from},
    ])
    assert _same(clusters, "father", "son") is not apart


def test_without_separate_twins_the_model_decides() -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Oliver", "surname": "Smith", "dob": "2015-05-01"},
        {"id": "b", "first_name": "Amelia", "surname": "Smith", "dob": "2015-05-01"},
    ], separate_twins=False)
    assert _same(clusters, "a", "b")


def test_a_junior_is_not_his_father() -> None:
    clusters = _cluster([
        {"id": "father", "first_name": "Mohammed", "surname": "Khan", "dob": "1975-06-11",
         "postcode": "BD8 7AB"},
        {"id": "son", "first_name": "Muhammad", "surname": "Khan", "dob": "2004-02-19",
         "postcode": "BD8 7AB"},
    ])
    assert not _same(clusters, "father", "son")
    assert clusters.guarded[0][2] in {"parent and child named alike",
                                      "different dates of birth"}


@pytest.mark.parametrize("surname", ["Matyhews", "Thompson-Matthews"])
def test_relatives_whose_surname_one_record_spells_otherwise_are_relatives(surname: str
                                                                         ) -> None:
    clusters = _cluster([
        {"id": "oliver", "first_name": "Oliver", "surname": "Matthews", "dob": "2005-06-17",
         "postcode": "JX12 1JA"},
        {"id": "jasmine", "first_name": "Jasmine", "surname": surname, "postcode": "JX12 1JA"},
    ])
    assert not _same(clusters, "oliver", "jasmine")
    assert {rule for _, _, rule in clusters.guarded} == {"relatives at one address"}


def test_one_forename_with_other_middle_names_at_one_address_is_a_relative() -> None:
    """Mohammed Zahid and Mohammed Sajid Qureshi at one address, one record undated: a
    father and son or two brothers, told apart by the middle names."""
    clusters = _cluster([
        {"id": "zahid", "first_name": "Mohammed Zahid", "surname": "Qureshi",
         "dob": "1966-01-01", "postcode": "JX13 1TS"},
        {"id": "sajid", "first_name": "Mohammed Sajid", "surname": "Qureshi",
         "postcode": "JX13 1TS"},
        {"id": "plain", "first_name": "Mohammed", "surname": "Qureshi",
         "dob": "1966-01-01", "postcode": "JX13 1TS"},
    ], scored=[("zahid", "sajid"), ("zahid", "plain")])
    assert not _same(clusters, "zahid", "sajid")
    assert ("zahid", "sajid", "relatives at one address") in clusters.guarded
    assert _same(clusters, "zahid", "plain")  # a middle name left out is no difference


def test_an_initial_i_is_not_jack() -> None:
    """Two council tax accounts at one address, "JACK PERRY" and "I PERRY": the initial of
    another forename, so a relative (the I was once read as a Roman numeral and dropped)."""
    clusters = _cluster([
        {"id": "jack", "first_name": "JACK", "surname": "PERRY", "postcode": "JX14 6EH"},
        {"id": "i", "first_name": "I", "surname": "PERRY", "postcode": "JX14 6EH"},
    ])
    assert not _same(clusters, "jack", "i")


def _families(forename: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    """`count` people of different surnames called `forename`, far from the test's address."""
    return [{"id": f"{forename}-{n}", "first_name": forename, "surname": f"Family{n:03d}",
             "dob": f"19{50 + n % 40}-0{1 + n % 9}-1{n % 9}", "postcode": f"ZZ{n} 1ZZ"}
            for n in range(start, start + count)]


@pytest.mark.parametrize(("other", "in_use", "apart"), [
    ("Rajesh", 4, True),    # two names in use that sound different
    ("Rajesh", 1, False),   # a spelling given once could be a typing error
    ("Rameesh", 4, False),  # sounds the same: a spelling of one name
])
def test_two_names_in_use_that_sound_different_are_two_people(other: str, in_use: int,
                                                              apart: bool) -> None:
    """Ramesh and Rajesh Parmar at one address, one record without a date of birth: alike
    enough to pass for one name typed wrong, but both are names several families give."""
    clusters = _cluster([
        {"id": "ramesh", "first_name": "Ramesh", "surname": "Parmar", "dob": "1942-04-04",
         "postcode": "LE4 6AB"},
        {"id": "other", "first_name": other, "surname": "Parmar", "postcode": "LE4 6AB"},
        *_families("Ramesh", 5), *_families(other, in_use, 100),
    ], scored=[("ramesh", "other")])
    assert _same(clusters, "ramesh", "other") is not apart
    if apart:
        assert ("other", "ramesh", "relatives at one address") in clusters.guarded or (
            "ramesh", "other", "relatives at one address") in clusters.guarded


@pytest.mark.parametrize(("left", "right", "alike"), [
    ("ramesh", "rajesh", False), ("anita", "amit", False), ("michelle", "millie", False),
    ("zainab", "zaynab", True), ("hassan", "hasan", True), ("mohammed", "mohamed", True),
    ("gurpreet", "gurprit", True)])
def test_names_sound_alike_when_only_their_spelling_differs(left: str, right: str,
                                                           alike: bool) -> None:
    con = duckdb.connect()
    guardrails.define_macros(con)
    row = con.execute("SELECT jdu_sound(?) = jdu_sound(?)", [left, right]).fetchone()
    assert row is not None and row[0] is alike


def test_a_typing_error_against_a_name_hundreds_give_is_no_name_in_use() -> None:
    """Jojn three times against John forty times: the rarer is under a tenth, a typing error."""
    clusters = _cluster([
        {"id": "john", "first_name": "John", "surname": "Hulme", "dob": "1962-06-30",
         "postcode": "DE11 9EX"},
        {"id": "jojn", "first_name": "Jojn", "surname": "Hulme", "dob": "1962-06-30",
         "postcode": "DE11 9EX"},
        *_families("John", 40), *_families("Jojn", 3, 100),
    ], scored=[("john", "jojn")])
    assert _same(clusters, "john", "jojn")


def test_two_valid_nhs_numbers_are_two_people_but_a_mistyped_one_is_no_evidence() -> None:
    # 9434765919 and 4010232137 pass the Modulus 11 check; 9434765918 does not.
    clusters = _cluster([
        {"id": "a", "first_name": "Jane", "surname": "Doe", "nhs_number": "9434765919"},
        {"id": "b", "first_name": "Jane", "surname": "Doe", "nhs_number": "401 023 2137"},
        {"id": "c", "first_name": "Jane", "surname": "Doe", "nhs_number": "9434765918"},
    ], scored=[("a", "b"), ("a", "c")])
    assert not _same(clusters, "a", "b")
    assert _same(clusters, "a", "c")
    assert ("a", "b", "different NHS numbers") in clusters.guarded


def test_a_chain_through_a_shared_postcode_is_split() -> None:
    """Grandmother, mother and daughter share a surname and a postcode. Sparse records (no
    date of birth) link to two of them each; the model scores only the neighbours in the
    chain, never grandmother against daughter, yet they never become one person."""
    records = [
        {"id": "gran", "first_name": "Fatima", "surname": "Begum", "dob": "1950-03-01",
         "postcode": "OL9 6HT"},
        {"id": "sparse1", "first_name": "Fatima", "surname": "Begum", "postcode": "OL9 6HT"},
        {"id": "mum", "first_name": "Farida", "surname": "Begum", "dob": "1978-11-23",
         "postcode": "OL9 6HT"},
        {"id": "sparse2", "first_name": "Farida", "surname": "Begum", "postcode": "OL9 6HT"},
        {"id": "girl", "first_name": "Farida", "surname": "Begum", "dob": "2009-07-14",
         "postcode": "OL9 6HT"},
    ]
    chain = [("gran", "sparse1"), ("mum", "sparse1"), ("mum", "sparse2"),
             ("girl", "sparse2")]
    clusters = _cluster(records, scored=chain)
    people = {clusters.cluster_of[n] for n in ("gran", "mum", "girl")}
    assert len(people) == 3
    assert clusters.held_apart  # the refused links are kept for review, with a reason
    assert all(reason != "kept apart" for _, _, reason in clusters.held_apart)


@pytest.mark.parametrize("pair", [
    # relatives at one address
    [{"id": "a", "first_name": "Gurpreet", "surname": "Kaur", "dob": "1980-01-12",
      "postcode": "B21 9QS"},
     {"id": "b", "first_name": "Harpreet", "surname": "Kaur", "dob": "1984-08-30",
      "postcode": "B21 9QS"}],
    # different property and date of birth
    [{"id": "a", "first_name": "John", "surname": "Smith", "dob": "1962-02-03",
      "uprn": "100012345678"},
     {"id": "b", "first_name": "John", "surname": "Smith", "dob": "1970-09-28",
      "uprn": "100012345999"}],
], ids=["relatives at one address", "different property and date of birth"])
def test_two_records_a_rule_holds_apart_are_not_merged(pair: list[dict[str, Any]]) -> None:
    assert not _same(_cluster(pair), "a", "b")


@pytest.mark.parametrize(("left", "right"), [
    ("1987-03-04", "1987-04-03"),  # day and month swapped
    ("1987-03-04", "1978-03-04"),  # the year's last two digits swapped
    ("1987-03-04", "1987-03-14"),  # one digit
    ("1987-01-01", "1987-09-22"),  # 1 January: day and month not known
])
def test_typing_errors_in_a_date_of_birth_do_not_split_a_person(left: str, right: str) -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Zofia", "surname": "Nowak", "dob": left},
        {"id": "b", "first_name": "Zofia", "surname": "Nowak", "dob": right},
    ])
    assert _same(clusters, "a", "b")


def test_a_reviewers_same_person_outranks_a_rule() -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Sam", "surname": "Lee", "dob": "1990-01-05"},
        {"id": "b", "first_name": "Sam", "surname": "Lee", "dob": "2001-10-29"},
    ], must_link=(("a", "b"),))
    assert _same(clusters, "a", "b")


def test_the_rules_read_well_and_name_their_columns() -> None:
    rules = guardrails.builtin()
    assert {"twins", "different NHS numbers", "parent and child named alike",
            "relatives at one address", "different dates of birth"} <= {r.name for r in rules}
    for rule in rules:
        assert rule.title and len(rule.why) > 80 and rule.needs
    assert [r.name for r in guardrails.applicable(rules, {"dob"})] == ["different dates of birth"]


def test_a_broken_rules_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: x\n    sql: l.a = r.a\n", encoding="utf-8")
    with pytest.raises(LinkageError, match=r"rules\.yaml: rule 1 lacks title, why, needs"):
        guardrails.load(path)


def test_a_record_that_fits_two_people_kept_apart_joins_neither() -> None:
    """A council tax record with no date of birth fits a father and his son of the same name
    equally well; the two are kept apart, so it joins neither and waits for review."""
    clusters = _cluster([
        {"id": "father", "first_name": "Rajesh", "surname": "Patel", "dob": "1961-04-02",
         "postcode": "LE4 6AB"},
        {"id": "son", "first_name": "Rajesh", "surname": "Patel", "dob": "1990-11-17",
         "postcode": "LE4 6AB"},
        {"id": "undated", "first_name": "Rajesh", "surname": "Patel", "postcode": "LE4 6AB"},
    ])
    assert len({clusters.cluster_of[n] for n in ("father", "son", "undated")}) == 3
    assert {("father", "undated"), ("son", "undated")} <= {
        (a, b) for a, b, reason in clusters.held_apart if reason == "fits two people held apart"}


@pytest.mark.parametrize(("dob", "together"), [("2019-03-08", True), (None, False)])
def test_copies_of_one_record_that_fits_two_people_stay_one_person(dob: str | None,
                                                                  together: bool) -> None:
    """Two records of "Margaret Greenwood" fit both twins Maisie and Daisy (each a diminutive
    of Margaret), so neither joins a twin; but giving the same name, date of birth and
    postcode they are one person whichever twin she is, and stay together for review. Without
    a date of birth they could as well be the twins' mother, and stay apart."""
    twins = [
        {"id": "maisie", "first_name": "Maisie", "surname": "Greenwood", "dob": "2019-03-08",
         "postcode": "SK4 1AA"},
        {"id": "daisy", "first_name": "Daisy", "surname": "Greenwood", "dob": "2019-03-08",
         "postcode": "SK4 1AA"}]
    copies = [{"id": f"margaret{n}", "first_name": "Margaret", "surname": "Greenwood",
               "dob": dob, "postcode": "SK4 1AA"} for n in (1, 2)]
    clusters = _cluster(twins + copies, scored=[
        ("maisie", "margaret1"), ("daisy", "margaret1"), ("maisie", "margaret2"),
        ("daisy", "margaret2"), ("margaret1", "margaret2")])
    assert not _same(clusters, "maisie", "daisy")
    for twin in ("maisie", "daisy"):
        assert not _same(clusters, twin, "margaret1")
        assert not _same(clusters, twin, "margaret2")
    assert _same(clusters, "margaret1", "margaret2") is together


def test_ambiguity_needs_evidence_99_times_stronger_for_one_person() -> None:
    cluster_of = {"a": "a", "x": "a", "b": "b"}
    close = [("a", "x", 20.0), ("x", "b", 15.0)]
    clear = [("a", "x", 25.0), ("x", "b", 15.0)]
    apart = {frozenset(("a", "b"))}
    assert ambiguous_records(cluster_of, close, apart) == {"x"}
    assert ambiguous_records(cluster_of, clear, apart) == set()
    assert ambiguous_records(cluster_of, [("a", "x", 20.0)], apart) == set()
    assert ambiguous_records(cluster_of, close, set()) == set()  # not held apart


def test_a_record_barred_from_the_other_person_is_not_in_doubt() -> None:
    """x links to both a's person and b's, but x itself breaks a guardrail with b (say b is
    held apart as x's twin): x could never join b's person, so it stays with a."""
    cluster_of = {"a": "a", "x": "a", "b": "b"}
    close = [("a", "x", 20.0), ("x", "b", 15.0)]
    apart = {frozenset(("a", "b"))}
    assert ambiguous_records(cluster_of, close, apart, [("x", "b")]) == set()
    assert ambiguous_records(cluster_of, close, apart, [("b", "x")]) == set()
    # A guardrail between other records does not settle x's doubt.
    assert ambiguous_records(cluster_of, close, apart, [("a", "b")]) == {"x"}


@pytest.mark.parametrize(("dob", "same"), [(None, False), ("1965-02-14", True),
                                           ("1965-14-02", True)])
def test_an_initial_links_only_with_a_date_of_birth_or_identifier(dob: str | None,
                                                                  same: bool) -> None:
    clusters = _cluster([
        {"id": "aisha", "first_name": "Aisha", "surname": "Mahmood", "dob": "1965-02-14",
         "postcode": "BD3 9AA"},
        {"id": "initial", "first_name": "A", "surname": "Mahmood", "dob": dob,
         "postcode": "BD3 9AA"},
    ])
    assert _same(clusters, "aisha", "initial") is same


def test_a_source_with_each_person_once_is_learnt_from_its_nhs_numbers() -> None:
    con = duckdb.connect()
    rows = ([("gp", f"G{n}", None, f"{n:010d}") for n in range(600)]
            + [("csc", f"C{n}", None, f"{n % 550:010d}") for n in range(600)]
            + [("school", f"S{n}", None, None) for n in range(600)])
    con.register("records", pa.table({name: [r[i] for r in rows] for i, name
                                      in enumerate(("src", "rid", "dob", "nhs"))}))
    assert source_facts.unique_sources(con, "records") == {"gp"}


def test_a_shared_nhs_number_outweighs_a_forename_recorded_wrong() -> None:
    # One girl whose forename one system got wrong: twins never share an NHS number.
    clusters = _cluster([
        {"id": "a", "first_name": "Amelia", "surname": "Okafor", "dob": "2015-06-01",
         "postcode": "M14 5TT", "nhs_number": "9434765919"},
        {"id": "b", "first_name": "Grace", "surname": "Okafor", "dob": "2015-06-01",
         "postcode": "M14 5TT", "nhs_number": "943 476 5919"},
        {"id": "c", "first_name": "Grace", "surname": "Okafor", "dob": "2015-06-01",
         "postcode": "M14 5TT", "nhs_number": "4010232137"},
    ])
    assert _same(clusters, "a", "b")
    assert not _same(clusters, "b", "c")  # two valid numbers: two people
    assert not _same(clusters, "a", "c")  # and the twin with her own number stays apart


def test_a_shared_nhs_number_does_not_join_a_mother_and_her_baby() -> None:
    # A baby's record carrying the mother's number: other forename and another date of birth.
    clusters = _cluster([
        {"id": "mother", "first_name": "Chloe", "surname": "Barker", "dob": "1994-02-11",
         "postcode": "SK1 3XE", "nhs_number": "9434765919"},
        {"id": "baby", "first_name": "Ruby", "surname": "Barker", "dob": "2024-09-30",
         "postcode": "SK1 3XE", "nhs_number": "9434765919"},
    ])
    assert not _same(clusters, "mother", "baby")


def test_a_shared_number_outweighs_a_date_of_birth_typed_wrong_only_with_the_same_forename(
        ) -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Ewan", "surname": "Reid", "dob": "1988-03-14",
         "postcode": "SK2 6PL", "nhs_number": "9434765919"},
        {"id": "b", "first_name": "Ewan", "surname": "Reid", "dob": "1991-07-02",
         "postcode": "SK2 6PL", "nhs_number": "9434765919"},
        {"id": "c", "first_name": "Ewan", "surname": "Reid", "dob": "1991-07-02",
         "postcode": "SK2 6PL"},
    ], scored=[("a", "b")])
    assert _same(clusters, "a", "b")


def test_a_son_traced_to_his_fathers_number_stays_apart_when_his_date_is_his_own() -> None:
    # The son's mistraced record gives his own date of birth, which another of his records
    # gives too: a second person born then.
    clusters = _cluster([
        {"id": "father", "first_name": "Rajesh", "surname": "Patel", "dob": "1961-05-20",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
        {"id": "father2", "first_name": "Rajesh", "surname": "Patel", "dob": "1961-05-20",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
        {"id": "son", "first_name": "Rajesh", "surname": "Patel", "dob": "1990-11-02",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
        {"id": "son_school", "first_name": "Rajesh", "surname": "Patel", "dob": "1990-11-02",
         "postcode": "LE4 6AB"},
    ], scored=[("father", "father2"), ("father", "son"), ("son", "son_school")])
    assert not _same(clusters, "father", "son")
    assert _same(clusters, "son", "son_school")


def test_a_date_only_one_record_gives_is_a_typing_error_when_the_number_agrees() -> None:
    # Two records with the number agree on 1961; the third gives 1916-like nonsense once.
    clusters = _cluster([
        {"id": "a", "first_name": "Rajesh", "surname": "Patel", "dob": "1961-05-20",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
        {"id": "b", "first_name": "Rajesh", "surname": "Patel", "dob": "1961-05-20",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
        {"id": "c", "first_name": "Rajesh", "surname": "Patel", "dob": "1990-11-02",
         "postcode": "LE4 6AB", "nhs_number": "9434765919"},
    ])
    assert _same(clusters, "a", "c")


def test_a_shared_number_outweighs_a_date_typed_wrong_on_a_record_with_names_swapped() -> None:
    clusters = _cluster([
        {"id": "a", "first_name": "Kyra", "surname": "Wilde", "dob": "1922-06-01",
         "postcode": "SK2 6PL", "nhs_number": "9434765919"},
        {"id": "b", "first_name": "Wilde", "surname": "Kyra", "dob": "1909-08-15",
         "postcode": "SK2 6PL", "nhs_number": "9434765919"},
    ])
    assert _same(clusters, "a", "b")
    apart = _cluster([
        {"id": "a", "first_name": "Kyra", "surname": "Wilde", "dob": "1922-06-01",
         "postcode": "SK2 6PL"},
        {"id": "b", "first_name": "Wilde", "surname": "Kyra", "dob": "1909-08-15",
         "postcode": "SK2 6PL"},
    ])
    assert not _same(apart, "a", "b")


@pytest.mark.parametrize(("liable_from", "apart"), [
    ("1998-04-01", True),    # liable when the son born in 1994 was four: his father
    ("2012-04-01", False),   # liable at eighteen: it may be the son
    ("2009-06-01", True),    # liable at fifteen
    ("2010-06-01", False),   # at sixteen: two years' grace, for a date typed wrong
    (None, False),           # no date: nothing to tell them apart
])
def test_an_adults_only_record_is_not_someone_who_was_a_child_when_it_began(
        liable_from: str | None, apart: bool) -> None:
    # Council tax holds adults only (learnt from its dated records); the father's record has
    # no date of birth, only when his liability began.
    records: list[dict[str, Any]] = [
        {"id": f"filler{n}", "first_name": f"Adult{n}", "surname": "Filler",
         "dob": f"{1950 + n % 40}-03-0{1 + n % 9}", "source": "tax",
         "source_record_id": f"T{n}"} for n in range(60)]
    records += [
        {"id": "baby", "first_name": "New", "surname": "Baby", "dob": "2026-10-01",
         "source": "health", "source_record_id": "H0"},
        {"id": "father", "first_name": "David", "surname": "Bello", "postcode": "SK1 1AA",
         "source": "tax", "source_record_id": "T999", "address_from": liable_from},
        {"id": "son", "first_name": "David", "surname": "Bello", "dob": "1994-02-23",
         "postcode": "SK1 1AA", "source": "gp", "source_record_id": "G1"},
    ]
    clusters = _cluster(records, scored=[("father", "son")])
    assert _same(clusters, "father", "son") is not apart
    assert (("father", "son", "adult record and a child") in clusters.guarded) is apart


def test_half_a_name_swap_is_two_people_and_a_whole_swap_one() -> None:
    clusters = _cluster([
        {"id": "husband", "first_name": "Hassan", "surname": "Ahmed", "dob": "1978-07-01",
         "postcode": "M14 4AA"},
        {"id": "wife", "first_name": "Sana", "surname": "Hassan", "postcode": "M14 4AA"},
        {"id": "swapped", "first_name": "Ahmad", "surname": "Hassan", "postcode": "M14 4AA"},
    ], scored=[("husband", "wife"), ("husband", "swapped")])
    assert ("husband", "wife", "half a name swap") in clusters.guarded
    assert not _same(clusters, "husband", "wife")
    assert _same(clusters, "husband", "swapped")  # both names swapped, one misspelt


def test_a_guardrail_with_a_record_in_doubt_bars_nothing() -> None:
    """Father f and son s of one name, each with an undated account (u, v) that links to both
    equally; u and v are two people (one system), but that does not say which is whose."""
    cluster_of = {"f": "f", "f2": "f", "v": "f", "s": "s", "s2": "s", "u": "s"}
    links = [("f", "f2", 20.0), ("s", "s2", 20.0),
             ("f", "v", 6.0), ("s", "v", 6.0), ("f", "u", 7.0), ("s", "u", 7.0)]
    apart = {frozenset(("f", "s"))}
    assert ambiguous_records(cluster_of, links, apart, [("u", "v")]) == {"u", "v"}


@pytest.mark.parametrize(("thomases", "one_person"), [
    (60, True),   # Rhomas once beside sixty Thomases: a typing error of Thomas
    (10, False),  # too few Thomases to tell a typing error from a name: twins, kept apart
])
def test_a_forename_mistyped_once_is_read_as_the_name_it_misspells(thomases: int,
                                                                   one_person: bool) -> None:
    """Tom and "Rhomas" Chudleigh born the same day at one address: "Rhomas" is one typing
    error from Thomas, of which Tom is a nickname. Read as written, the names start with other
    letters and the twins rule holds the two records apart."""
    clusters = _cluster([
        {"id": "tom", "first_name": "Tom", "surname": "Chudleigh", "dob": "1930-08-01",
         "postcode": "TQ13 8DF"},
        {"id": "rhomas", "first_name": "Rhomas", "surname": "Chudleigh", "dob": "1930-08-01",
         "postcode": "TQ13 8DF"},
        *_families("Thomas", thomases),
    ], scored=[("tom", "rhomas")])
    assert _same(clusters, "tom", "rhomas") is one_person
    if not one_person:
        assert ("tom", "rhomas", "twins") in clusters.guarded


def test_twins_whose_names_differ_by_a_letter_stay_twins_when_both_names_are_given() -> None:
    """Ella and Bella Okafor, twins: one letter apart, but Bella is on more than a fiftieth
    as many records as Ella, so she is a name, not Ella mistyped."""
    clusters = _cluster([
        {"id": "ella", "first_name": "Ella", "surname": "Okafor", "dob": "2015-02-11",
         "postcode": "N17 6RA"},
        {"id": "bella", "first_name": "Bella", "surname": "Okafor", "dob": "2015-02-11",
         "postcode": "N17 6RA"},
        *_families("Ella", 150), *_families("Bella", 3, 200),
    ], scored=[("ella", "bella")])
    assert not _same(clusters, "ella", "bella")
    assert ("ella", "bella", "twins") in clusters.guarded


def test_a_brother_and_sister_at_one_address_are_two_people() -> None:
    clusters = _cluster([
        {"id": "zain", "first_name": "Zain", "surname": "Hussain", "sex": "M",
         "postcode": "BD8 7AA"},
        {"id": "zainab", "first_name": "Zainab", "surname": "Hussain", "sex": "F",
         "postcode": "BD8 7AA"},
    ])
    assert not _same(clusters, "zain", "zainab")
    assert ("zain", "zainab", "different sexes") in clusters.guarded


def test_a_surname_keyed_as_forename_is_no_other_forename() -> None:
    """"Wigram" with no surname, its sex recorded otherwise, beside "Joe Wigram" born the
    same day: the forename field holds his surname, not a sister's name."""
    clusters = _cluster([
        {"id": "joe", "first_name": "Joe", "surname": "Wigram", "sex": "M",
         "dob": "1998-12-26", "postcode": "E17 5EY"},
        {"id": "keyed", "first_name": "Wigram", "sex": "F", "dob": "1998-12-26",
         "postcode": "E17 5EY"},
    ])
    assert _same(clusters, "joe", "keyed")
    assert not clusters.guarded


def test_a_rule_whose_condition_is_null_does_not_hold_and_the_next_is_read() -> None:
    # rule_case names the first rule a pair breaks; a rule over a missing field (NULL) is
    # passed over, not taken and not the end of the search.
    rules = [guardrails.Guardrail("a", "A", "why", ("x",), "l.x = r.x"),
             guardrails.Guardrail("b", "B", "why", ("y",), "l.y <> r.y")]
    sql = (f"SELECT {guardrails.rule_case(rules)} FROM (SELECT ? AS x, ? AS y) AS l, "
           "(SELECT ? AS x, ? AS y) AS r")
    con = duckdb.connect()
    assert con.execute(sql, [None, "1", "5", "2"]).fetchall() == [("b",)]
    assert con.execute(sql, ["5", "1", "5", "2"]).fetchall() == [("a",)]
    assert con.execute(sql, [None, None, "5", "2"]).fetchall() == [(None,)]
    assert con.execute(sql, ["4", "2", "5", "2"]).fetchall() == [(None,)]


def test_a_refused_link_is_named_by_the_same_rule_whatever_order_the_pairs_come_in() -> None:
    # Two people, a father (a, b) and his son (c), held apart by two rules between their
    # records; which pair is met first follows the run's numbering of records, which an
    # incremental run and a full run do differently.
    clusters = Clusters(cluster_of={"a": "a", "b": "a", "c": "c"}, best_probability={},
                        flagged=frozenset(), conflicts=(("b", "c"),))
    guarded = [("a", "c", "twins"), ("b", "c", "parent and child named alike")]
    reasons = {_with_reasons(clusters, order).held_apart
               for order in (guarded, list(reversed(guarded)))}
    assert reasons == {(("b", "c", "parent and child named alike"),)}
