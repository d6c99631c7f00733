from __future__ import annotations

from joinedup.linkage import blocking
from joinedup.linkage.model import present_columns


def test_rules_need_every_column_they_read() -> None:
    keys = [("forename_key", "surname"), ("substr(first_name, 1, 3)", "substr(surname, 1, 3)"),
            ("nhs_number",)]
    assert blocking.keys_available(keys, {"forename_key", "surname"}) == [keys[0]]
    assert blocking.keys_available(keys, {"first_name", "surname", "nhs_number"}) == keys[1:]


def test_day_month_swaps_share_a_blocking_key() -> None:
    assert ("dob_year", "dob_dm", "surname_key") in blocking.BLOCKING_KEYS


def test_no_rule_blocks_on_a_name_alone() -> None:
    names = {"first_name", "forename_key", "surname", "surname_key", "name_tokens"}
    # One name alone makes huge blocks (every Smith against every Smith).
    assert all(len(rule) > 1 or rule[0] not in names for rule in blocking.BLOCKING_KEYS)


def test_array_columns_are_exploded() -> None:
    rule = blocking.rules([("name_tokens", "dob_year")])[0]
    assert rule._arrays_to_explode == ["name_tokens"]
    assert not getattr(blocking.rules([("dob",)])[0], "_arrays_to_explode", None)


def test_extra_columns_block_with_the_names() -> None:
    assert blocking.extra_keys(["birth_place"], "extra_") == [
        ("extra_birth_place", "surname_key"), ("extra_birth_place", "forename_key")]


def test_fields_need_enough_data_to_be_used() -> None:
    filled = {"surname": 990, "nhs_number": 5, "upn": 0, "dob": 1}
    assert present_columns(filled, 1000, 0.01) == {"surname"}
    assert present_columns({"dob": 2}, 10, 0.01) == {"dob"}
