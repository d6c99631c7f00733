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


def test_a_where_condition_needs_the_columns_it_names() -> None:
    swap = ("where l.first_name = r.surname AND l.surname = r.first_name",)
    assert blocking.keys_available([swap], {"first_name", "surname"}) == [swap]
    assert blocking.keys_available([swap], {"first_name"}) == []


def test_swapped_names_and_moves_have_rules_of_their_own() -> None:
    sql = [rule.get_blocking_rule("duckdb").blocking_rule_sql
           for rule in blocking.rules(blocking.BLOCKING_KEYS)]
    assert any("l.first_name = r.surname AND l.surname = r.first_name" in s for s in sql)
    # A move in each direction, with the surname or the forename: four equality joins.
    moves = [s for s in sql if "address_to = " in s]
    assert len(moves) == 4
    assert any("l.address_to = r.address_from" in s for s in moves)
    assert any("r.address_to = l.address_from" in s for s in moves)
    # No rule pairs an initial with every namesake of the same initial.
    assert not any("length(l.first_name) = 1" in s for s in sql)


def test_every_rule_leaves_out_copies_of_a_much_repeated_record() -> None:
    for rule in blocking.rules(blocking.BLOCKING_KEYS):
        assert blocking.NOT_A_COPY in rule.get_blocking_rule("duckdb").blocking_rule_sql


def test_keys_that_make_huge_blocks_in_council_data_are_used_only_where_rare() -> None:
    # A postcode unit holds a street's households; a date of birth, dozens of people in a
    # region: neither is a rule on its own, both are rare keys.
    assert ("postcode",) not in blocking.BLOCKING_KEYS
    assert ("dob",) not in blocking.BLOCKING_KEYS
    assert ("rare_keys",) in blocking.BLOCKING_KEYS
    assert ("forename_key", "surname") not in blocking.BLOCKING_KEYS
    sql = blocking.rare_keys_sql('"p"')
    assert f"ELSE {blocking.RARE_KEY_MAX_RECORDS} END" in sql
    assert f"THEN {blocking.NAME_KEY_MAX_RECORDS}" in sql
    assert "unnest(name_tokens)" in sql


def test_a_name_is_a_blocking_key_only_while_it_is_rare() -> None:
    import duckdb

    con = duckdb.connect()
    rows = [(f"common{i}", "oliver", "OLIVER", "smith", "S530") for i in range(61)]
    rows += [(f"rare{i}", "zebedee", "ZEBEDEE", "quill", "Q400") for i in range(2)]
    con.execute("CREATE TABLE p (unique_id VARCHAR, first_name VARCHAR, forename_key VARCHAR, "
                "surname VARCHAR, surname_key VARCHAR, postcode VARCHAR, dob VARCHAR, "
                "postcode_district VARCHAR, dob_year VARCHAR, name_tokens VARCHAR[])")
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL)", rows)
    keys = dict(con.execute(blocking.rare_keys_sql('"p"')).fetchall())
    # 61 Oliver Smiths are over the cap of 60: no name key; the two Zebedee Quills share three.
    assert "common0" not in keys
    assert len(keys["rare0"]) == 3 and keys["rare0"] == keys["rare1"]


def test_a_word_twice_in_one_name_counts_that_record_once() -> None:
    """"Ali Ali" gives the key of the word "ali" in his district twice; he is still one of
    the 20 records that hold it, so the key is rare and pairs them."""
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE p (unique_id VARCHAR, first_name VARCHAR, forename_key VARCHAR, "
                "surname VARCHAR, surname_key VARCHAR, postcode VARCHAR, dob VARCHAR, "
                "postcode_district VARCHAR, dob_year VARCHAR, name_tokens VARCHAR[])")
    rows = [("aliali", ["ali", "ali"])]
    rows += [(f"other{i:02d}", ["ali", f"word{i}"]) for i in range(blocking.RARE_KEY_MAX_RECORDS
                                                                   - 1)]
    con.executemany("INSERT INTO p VALUES (?, NULL, NULL, NULL, NULL, NULL, NULL, 'B11', NULL, ?)",
                    rows)
    keys = dict(con.execute(blocking.rare_keys_sql('"p"')).fetchall())
    word = "nd" + chr(31) + "ali" + chr(31) + "B11"
    assert keys["aliali"] == [word]  # once in his list, and rare: 20 records
    assert word in keys["other00"]


def test_records_a_rare_key_no_longer_pairs_are_found() -> None:
    import duckdb

    con = duckdb.connect()
    # Two known records (ids below N) share a postcode: rare, so blocking paired them. The
    # day's records bring the postcode to more than the cap: it pairs no one now.
    rows = [(f"0{n}", "SK1 1AA") for n in range(2)]
    rows += [(f"N{n:03d}", "SK1 1AA") for n in range(blocking.RARE_KEY_MAX_RECORDS)]
    rows += [(f"0{n}", "M1 1AE") for n in range(2, 4)]  # stays rare: no one new joins it
    con.execute("""CREATE TABLE t (unique_id VARCHAR, postcode VARCHAR, dob DATE,
        postcode_district VARCHAR, name_tokens VARCHAR[], dob_year VARCHAR,
        forename_key VARCHAR, surname VARCHAR, surname_key VARCHAR, first_name VARCHAR)""")
    con.executemany("INSERT INTO t (unique_id, postcode) VALUES (?, ?)", rows)
    lost = con.execute(blocking.rare_keys_lost_sql("t"), {"new_from": "N"}).fetchall()
    assert sorted(key for (key,) in lost) == ["00", "01"]
    # With fewer new records the postcode is still rare: nothing was lost.
    con.execute("DELETE FROM t WHERE unique_id >= 'N005'")
    assert con.execute(blocking.rare_keys_lost_sql("t"), {"new_from": "N"}).fetchall() == []
