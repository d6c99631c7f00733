"""The dates of birth `joinedup match` reads from a file (`prepare._dob_sql`), in the formats
councils' systems write them. What it cannot read is left out of the comparison (NULL), not
guessed; ingest, by contrast, quarantines such a value (tests/unit/test_validation_rules.py)."""

from __future__ import annotations

import duckdb
import pytest

from joinedup.linkage.prepare import _dob_sql
from joinedup.linkage.search_query import standard_dob


@pytest.mark.parametrize(("written", "read"), [
    ("2010-02-28", "2010-02-28"),
    ("2010-02-28 00:00:00.000", "2010-02-28"),  # SQL Server
    ("2010-02-28T13:45:00", "2010-02-28"),  # ISO 8601
    ("28/02/2010", "2010-02-28"),
    ("28/02/2010 00:00:00", "2010-02-28"),  # Excel's CSV of a date with a time
    ("28/02/2010 00:00", "2010-02-28"),
    ("28.02.2010", "2010-02-28"),
    ("28-02-2010", "2010-02-28"),
    ("8/2/2010", "2010-02-08"),  # UK order, single digits
    ("20100228", "2010-02-28"),
    ("1847-72-18", "1847-72-18"),  # an impossible date is kept: its digits are evidence
    ("28/02/10", None),  # a two-digit year is not guessed
    ("28-Feb-2010", "2010-02-28"),
    ("28 February 2010", "2010-02-28"),
    ("5 Sept 2010", "2010-09-05"),
    ("2010/02/28", "2010-02-28"),
    ("28 Foo 2010", None),  # not a month
    ("40237", None),  # an Excel serial number
    ("", None),
])
def test_dates_of_birth_match_reads(written: str, read: str | None) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT ? AS dob", [written])
    assert con.execute(f"SELECT {_dob_sql('dob')} FROM t").fetchall() == [(read,)]
    # A referral typed into search is read the same way as the records it is matched to.
    assert standard_dob(written or None) == read
