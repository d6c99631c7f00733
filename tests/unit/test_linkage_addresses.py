"""The street line: one home written the ways UK systems write it reads as one address."""

from __future__ import annotations

import duckdb
import pytest

from joinedup.linkage.addresses import street_line_sql


def street_line(address: str | None) -> str | None:
    con = duckdb.connect()
    found = con.execute(f"SELECT {street_line_sql('a')} FROM (SELECT ?::VARCHAR AS a)",
                        [address]).fetchone()
    assert found is not None
    return None if found[0] is None else str(found[0])


@pytest.mark.parametrize("written", [
    "Flat 3, 16 Bridge Close, Hollinbrook", "3/16 BRIDGE CL", "FLAT 3 16 BRIDGE CLOSE",
    "Apartment 3, 16 Bridge Cl.", "flat 3 16 bridge close stockport cheshire",
])
def test_one_flat_written_five_ways_is_one_street_line(written: str) -> None:
    assert street_line(written) == "3 16 bridge close"


def test_the_locality_after_the_street_is_dropped_with_or_without_a_comma() -> None:
    assert street_line("25 Spring Way Hollinbrook") == street_line("25 SPRING WAY") \
        == "25 spring way"
    assert street_line("13 Marsh Rd, Hollinbrook") == "13 marsh road"


def test_saint_before_a_street_name_is_not_the_street_type() -> None:
    # "St" right after the number starts the street name: the line runs on to "Road".
    assert street_line("12 St Johns Road, Hollinbrook") == "12 street johns road"
    assert street_line("12 St Johns Road") != street_line("12 St Marys Road")


def test_other_homes_stay_other_addresses() -> None:
    assert street_line("Flat 4, 16 Bridge Close") != street_line("Flat 3, 16 Bridge Close")
    assert street_line("71 Willow Avenue") != street_line("77 Willow Avenue")


@pytest.mark.parametrize("written", [None, "", "  ", "Flat", ", ,"])
def test_nothing_but_punctuation_or_a_flat_word_is_no_address(written: str | None) -> None:
    assert street_line(written) is None


def test_a_house_name_without_a_street_type_is_kept_whole() -> None:
    assert street_line("Rose Cottage, Mill Lane") == "rose cottage mill lane"
