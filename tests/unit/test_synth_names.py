from __future__ import annotations

import numpy as np

from joinedup.synth.names import NameBank, Vocab, cohort_of, nickname_table, variant_table
from joinedup.synth.noise import ascii_upper, cp1252_safe, nickname, variant


def test_nicknames_and_variants() -> None:
    table = nickname_table()
    assert "Bill" in table["William"]
    assert "Peggy" in table["Margaret"]
    assert "Muhammad" in variant_table()["Mohammed"]
    rng = np.random.default_rng(1)
    assert nickname("William", rng) in table["William"]
    assert nickname("Zebedee", rng) is None
    assert variant("Stephen", rng) == "Steven"


def test_names_follow_cohort_and_origin() -> None:
    bank = NameBank(Vocab(), Vocab())
    rng = np.random.default_rng(2)
    old = {bank.forenames.words[i] for i in bank.forename("british", "F", "old", 400, rng)}
    young = {bank.forenames.words[i] for i in bank.forename("british", "F", "young", 400, rng)}
    assert "Margaret" in old and "Margaret" not in young
    assert "Olivia" in young
    surnames = [bank.surnames.words[i] for i in bank.surname("british", 5000, rng)]
    smith = surnames.count("Smith") / len(surnames)
    assert 0.01 < smith < 0.06  # the commonest, but a long tail behind it
    assert len(set(surnames)) > 500
    assert cohort_of(1950) == "old" and cohort_of(2012) == "young"


def test_polish_surnames_take_the_feminine_form() -> None:
    bank = NameBank(Vocab(), Vocab())
    index = bank.surnames.add("Kowalski")
    assert bank.surnames.words[bank.feminine(index)] == "Kowalska"
    other = bank.surnames.add("Nowak")
    assert bank.feminine(other) == other


def test_text_for_older_systems() -> None:
    assert cp1252_safe("Łukasz Zoë £5") == "Lukasz Zoë £5"
    assert ascii_upper("Chloé Łukasz") == "CHLOE LUKASZ"
