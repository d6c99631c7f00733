from __future__ import annotations

import numpy as np
import pytest

from joinedup.model.checks import is_valid_nhs_number, normalise_postcode
from joinedup.synth.identifiers import (
    break_nhs_check_digit,
    is_valid_upn,
    make_upn,
    nhs_numbers,
    upn_check_letter,
    uprns,
)
from joinedup.synth.noise import postcode_variant, swap_day_month, to_days, typo
from joinedup.synth.output import fmt_dates, impossible_date


def test_nhs_numbers_are_valid_and_distinct() -> None:
    numbers = nhs_numbers(5000, np.random.default_rng(3))
    assert len(set(numbers)) == 5000
    assert all(is_valid_nhs_number(n) for n in numbers)
    assert all(n[0] in "467" for n in numbers)


def test_broken_check_digit_is_invalid() -> None:
    for number in nhs_numbers(500, np.random.default_rng(4)):
        assert not is_valid_nhs_number(break_nhs_check_digit(number))


def test_upn_check_letter_follows_dfe_algorithm() -> None:
    # By hand: digits 3,5,6,2,0,0,8,1,8,0,0,9 times weights 2..13 sum to 325;
    # 325 mod 23 = 3, and the fourth letter of ABCDEFGHJKLMNPQRTUVWXYZ is D.
    assert upn_check_letter("356200818009") == "D"
    upn = make_upn("356", "2008", 2018, 9)
    assert upn == "D356200818009"
    assert is_valid_upn(upn)
    assert not is_valid_upn("A" + upn[1:])
    assert all(c not in "IOS" for c in {upn_check_letter(f"{n:012d}") for n in range(0, 500)})


def test_uprns_are_twelve_digits_and_distinct() -> None:
    values = uprns(2000, np.random.default_rng(5))
    assert len(set(values.tolist())) == 2000
    assert all(len(str(v)) == 12 for v in values)


@pytest.mark.parametrize("seed", range(5))
def test_postcode_variants_normalise_back(seed: int) -> None:
    rng = np.random.default_rng(seed)
    variant = postcode_variant("SK4 2AB", rng)
    assert variant != "SK4 2AB"
    assert normalise_postcode(variant.strip()) == "SK4 2AB"


def test_typos_change_the_word_a_little() -> None:
    rng = np.random.default_rng(1)
    for word in ("Margaret", "Smith", "Mohammed", "Ng"):
        changed = typo(word, rng)
        assert changed != word or len(word) < 3
        assert abs(len(changed) - len(word)) <= 1


def test_day_month_swap() -> None:
    import datetime as dt

    swapped = swap_day_month(to_days(dt.date(2015, 7, 3)))
    assert swapped == to_days(dt.date(2015, 3, 7))
    assert swap_day_month(to_days(dt.date(2015, 7, 13))) is None


def test_dates_format_and_impossible_dates() -> None:
    import datetime as dt

    days = [to_days(dt.date(2019, 3, 5)), 2**31 - 1]
    assert fmt_dates(days, "%d/%m/%Y") == ["05/03/2019", None]
    assert fmt_dates(days, "%d-%b-%Y") == ["05-MAR-2019", None]
    bad = impossible_date("05/03/2019", "%d/%m/%Y", np.random.default_rng(1))
    with pytest.raises(ValueError):
        dt.datetime.strptime(bad, "%d/%m/%Y")
