from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.linkage.forenames import UK_DIMINUTIVES, forename_table
from joinedup.linkage.names import (
    clean_surname,
    is_placeholder_name,
    name_tokens,
    normalise_text,
    soundex,
    standardise_name,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Siân", "sian"),
        ("  ZOË   Smith ", "zoe smith"),
        ("O'Brien", "obrien"),
        ("D’Souza", "dsouza"),
        ("Smith-Jones", "smith jones"),
        ("St. John", "st john"),
        ("Große", "grosse"),
        ("---", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_text_folds_case_accents_and_punctuation(raw: str | None,
                                                           expected: str | None) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    "placeholder",
    ["Baby", "BABY OF", "Baby of Smith", "baby boy", "Unknown", "Unborn", "Twin 1", "twin 2",
     "Twin B", "Not Known", "NK", "N/K", "XXX", "x", "Triplet 3", "unnamed", "?"],
)
def test_placeholder_names_are_recognised(placeholder: str) -> None:
    assert is_placeholder_name(placeholder)


@pytest.mark.parametrize("name", ["Babette", "Nkechi", "Xavier", "Twinkle", "Una", "Kenneth"])
def test_real_names_are_not_placeholders(name: str) -> None:
    assert not is_placeholder_name(name)


def test_placeholder_forename_is_empty_but_surname_kept() -> None:
    name = standardise_name("Baby of", "Smith")
    assert name.forename is None
    assert name.surname == "smith"
    twin = standardise_name("Twin 2", "Jones")
    assert twin.forename is None and twin.surname == "jones"
    assert standardise_name("NK", "XXX") == standardise_name(None, None)


def test_baby_of_in_full_name_keeps_only_the_family_name() -> None:
    name = standardise_name(full_name="Baby of Amira Khan")
    assert name.forename is None
    assert name.surname == "khan"


def test_double_barrelled_surname_splits_into_tokens() -> None:
    assert clean_surname("Smith-Jones") == ["smith", "jones"]
    name = standardise_name("Mary-Jane", "Hughes-Parry")
    assert name.forename == "mary"
    assert name.surname == "hughes parry"
    assert name.surname_tokens == ("hughes", "parry")
    assert set(name.tokens) == {"mary", "jane", "hughes", "parry"}


def test_titles_and_ordinals_are_not_name_words() -> None:
    assert name_tokens("Sir Frederick Lawless, 5th Baron Cloncurry") == [
        "frederick", "lawless", "cloncurry"]
    # A forename that is only a title falls back to the full name's first other word.
    name = standardise_name("Sir", "Bramwell", full_name="Sir Byrom Bramwell")
    assert name.forename == "byrom"
    assert standardise_name("Dr", "Bramwell", full_name="Dr Bramwell").forename is None


@pytest.mark.parametrize("forename", ["Rt Hon", "General", "Maj", "The Very Rev", "Canon"])
def test_a_rank_or_office_in_the_forename_field_is_no_forename(forename: str) -> None:
    assert standardise_name(forename, "Haking").forename is None
    assert standardise_name(f"{forename} Richard", "Haking").forename == "richard"


@pytest.mark.parametrize(("forename", "initial"), [("I", "i"), ("V K", "v"), ("X", None)])
def test_a_forename_starting_i_or_v_is_an_initial_not_a_regnal_number(
        forename: str, initial: str | None) -> None:
    # "X" alone is the placeholder for no name; "John II" still loses its number.
    assert standardise_name(forename, "Perry").forename == initial
    assert name_tokens("John II Perry") == ["john", "perry"]


@pytest.mark.parametrize("surname", ["Major", "Lord", "Bishop", "Earl", "King"])
def test_a_surname_that_is_a_title_word_is_still_the_surname(surname: str) -> None:
    name = standardise_name("John", surname)
    assert name.surname == surname.lower()
    assert standardise_name("John", f"{surname} Esq").surname == surname.lower()


def test_full_name_alone_gives_forename_and_surname() -> None:
    name = standardise_name(full_name="John Paul Smith")
    assert (name.forename, name.surname) == ("john", "smith")
    assert name.tokens == ("john", "smith", "paul")


@pytest.mark.parametrize(
    ("name", "code"),
    [("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"),
     ("Pfister", "P236"), ("Lee", "L000"), ("O'Hara", "O600")],
)
def test_soundex_matches_the_standard_codes(name: str, code: str) -> None:
    assert soundex(name) == code


def test_soundex_of_nothing_is_none() -> None:
    assert soundex(None) is None
    assert soundex("123") is None


@pytest.mark.parametrize(
    ("nickname", "canonical"),
    [("peggy", "margaret"), ("bill", "william"), ("jim", "james"), ("sandy", "alexander"),
     ("jock", "john"), ("harry", "henry"), ("fred", "frederick"), ("alf", "alfred"),
     ("mohammed", "muhammad"), ("hamish", "james"), ("dai", "david"), ("margaret", "margaret")],
)
def test_uk_diminutives_have_a_canonical_forename(nickname: str, canonical: str) -> None:
    assert forename_table().canonical(nickname) == canonical


def test_taff_is_deliberately_not_a_diminutive() -> None:
    table = forename_table()
    assert table.canonical("taff") == "taff"
    assert not table.equivalent("taff", "david")


@pytest.mark.parametrize(
    ("left", "right"),
    [("peggy", "margaret"), ("bill", "william"), ("harry", "henry"), ("harry", "harold"),
     ("mohammed", "mohamed"), ("wally", "walter"), ("mike", "michael"),
     # a diminutive's ending spelt another way; British diminutives; Welsh forms
     ("tommie", "thomas"), ("teddie", "edward"), ("sallie", "sarah"), ("nessie", "agnes"),
     ("tillie", "matilda"), ("gwilym", "william"), ("iorwerth", "edward"), ("huw", "hugh")],
)
def test_nickname_pairs_are_equivalent(left: str, right: str) -> None:
    assert forename_table().equivalent(left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("fred", "bill"), ("bob", "bill"), ("henry", "harold"), ("william", "robert"),
     ("john", "james"), ("alexander", "alexandra"),
     # another ending never crosses to a name of the other sex
     ("harry", "harriet"), ("charlie", "charlotte"), ("bobby", "barbara")],
)
def test_different_names_are_not_equivalent(left: str, right: str) -> None:
    assert not forename_table().equivalent(left, right)


def test_every_uk_canonical_is_its_own_root() -> None:
    table = forename_table()
    for canonical in UK_DIMINUTIVES:
        assert table.canonical(canonical) == canonical


names = st.sampled_from(sorted({n for d in UK_DIMINUTIVES.values() for n in d}
                               | set(UK_DIMINUTIVES) | {"zainab", "oluwaseun", "bob"}))


@given(names, names)
def test_equivalence_is_symmetric_and_reflexive(left: str, right: str) -> None:
    table = forename_table()
    assert table.equivalent(left, left)
    assert table.equivalent(left, right) == table.equivalent(right, left)
    assert table.canonical(left) in table.variants(left)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Иван", "иван"), ("ПЁТР", "петр"), ("محمد", "محمد"), ("王伟", "王伟"),
     ("Đorđević", "dordevic"), ("Þóra", "thora"), ("Nguyễn", "nguyen")],
)
def test_names_in_other_scripts_are_kept_as_written(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
    assert (soundex(raw) is None) == (not expected.isascii())  # no Latin letters, no code


def test_middle_names_are_the_given_names_after_the_forename() -> None:
    assert standardise_name("John Freddie Anthony", "Oxworth").given == ("freddie", "anthony")
    assert standardise_name("John", "Oxworth", middle_names="Noah").given == ("noah",)
    assert standardise_name(full_name="Thomas Clifford Smith").given == ("clifford",)
    assert standardise_name("Baby of", "Smith").given == ()


@pytest.mark.parametrize("written", [
    "SMITH, John Paul", "SMITH John Paul", "John Paul Smith", "Smith, John Paul"])
def test_a_full_name_written_surname_first_is_read_surname_last(written: str) -> None:
    name = standardise_name(full_name=written)
    assert (name.forename, name.surname, name.given) == ("john", "smith", ("paul",))


@pytest.mark.parametrize("written", [
    "JOHN SMITH",            # all capitals: nothing tells which word is the surname
    "Mr John SMITH",         # the capitalised word is already last
    "thomas clifford, 1st baron clifford of chudleigh",  # two words before the comma
])
def test_a_full_name_not_clearly_surname_first_keeps_its_order(written: str) -> None:
    name = standardise_name(full_name=written)
    assert name.forename in ("john", "thomas")
