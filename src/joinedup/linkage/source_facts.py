"""What a record's source tells about it, learnt from the data, before records are compared.

Two facts are read off the records themselves, so they hold for any council's sources
without naming them:

- **Shared record ids.** A record id repeated within one source is one record listed several
  times (a child in each year's CIN census). Two sources share an id space when most of the
  smaller one's ids are also in the other and the dates of birth under those ids agree: the
  DfE's CIN census and SSDA903 returns identify a child by the case management system's own
  id (LAchildID), so they share the case system's ids. Records under one shared id are one
  person. A return holds no names, so such a record takes the names (and any other field it
  lacks: postcode, NHS number, UPN, sex, date of birth) from the record of that id that has
  them; then it can be compared with the child's other records at all. Numeric ids of
  unrelated systems collide now and then (council tax party 700123, case 700123), but never
  for most of a source with matching dates of birth.
- **One record a person.** A source whose records mostly carry an NHS number, none of them
  twice, lists each person once (a GP register). Two of its records are two people, however
  alike: a father and his son of the same name, with no date of birth elsewhere to tell
  them apart (a guardrail, `guardrails.yaml`).
- **Adults-only sources.** When practically every dated record of a source is an adult's
  (council tax: only people of 18 or over are liable), its records without a date of birth
  are adults too. They get `born_by`, the latest date of birth an adult can have, so that the
  model can tell a council tax payer with no date of birth from a child of the same name at the
  same address (a son named after his father). "Adult" is measured from the newest date of
  birth in the data (the newest baby, close to the extract date), so the rule needs no clock
  and never applies to a file without children to measure from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

SHARED_MIN_IDS = 10
"""Ids two sources must have in common before they can be said to share an id space."""
SHARED_MIN_SHARE = 0.5
"""Share of the smaller source's ids that must also be in the other source."""
SHARED_MIN_DOB_AGREEMENT = 0.9
"""Share of the common ids (with a date of birth on both sides) whose dates must agree."""
ADULT_AGE_YEARS = 18
ADULT_MIN_DATED = 50
"""Dated records a source needs before it can be judged adults-only."""
ADULT_MIN_SHARE = 0.995
"""Share of a source's dated records that must be adults (a few typed-in errors are allowed)."""
UNIQUE_MIN_NUMBERED = 500
"""Records with an NHS number a source needs before it can be judged one record a person."""
UNIQUE_MIN_SHARE = 0.5
"""Share of a source's records that must hold an NHS number for that judgement."""
BORROWED_FIELDS = ("dob", "sex", "postcode", "nhs_number", "upn")
NAME_FIELDS = ("first_name", "middle_names", "surname", "full_name")


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """Facts about the sources of one prepared table."""

    id_groups: Mapping[str, str] = field(default_factory=dict)
    """source -> the id space it uses (the first source, by name, of those sharing ids)."""
    adult_sources: frozenset[str] = frozenset()
    born_by: str | None = None
    """Latest date of birth (YYYY-MM-DD) of someone who is an adult at the newest date of
    birth in the data; None when no source is adults-only."""
    unique_sources: frozenset[str] = frozenset()
    """Sources that hold one record a person (`unique_sources`)."""


def _components(sources: Sequence[str], links: Sequence[tuple[str, str]]) -> dict[str, str]:
    parent = {source: source for source in sources}

    def find(source: str) -> str:
        while parent[source] != source:
            source = parent[source]
        return source

    for left, right in links:
        a, b = sorted((find(left), find(right)))
        parent[b] = a
    return {source: find(source) for source in sources}


def shared_id_groups(con: duckdb.DuckDBPyConnection, records: str) -> dict[str, str]:
    """source -> id space, for `records` (columns src, rid, dob as YYYY-MM-DD text)."""
    links = con.execute(f"""
        WITH r AS (SELECT DISTINCT src, rid, dob FROM {records} WHERE rid IS NOT NULL),
        ids AS (SELECT src, count(DISTINCT rid) AS n FROM r GROUP BY src),
        common AS (
            SELECT a.src AS sa, b.src AS sb, count(DISTINCT a.rid) AS shared,
                   count(DISTINCT a.rid) FILTER (WHERE a.dob IS NOT NULL AND b.dob IS NOT NULL)
                       AS dated,
                   count(DISTINCT a.rid) FILTER (WHERE a.dob = b.dob) AS agree
            FROM r AS a JOIN r AS b ON a.rid = b.rid AND a.src < b.src
            GROUP BY ALL)
        SELECT sa, sb FROM common
        JOIN ids AS ia ON ia.src = common.sa JOIN ids AS ib ON ib.src = common.sb
        WHERE shared >= ? AND shared >= ? * least(ia.n, ib.n)
          AND dated >= ? AND agree >= ? * dated
        ORDER BY sa, sb
    """, [SHARED_MIN_IDS, SHARED_MIN_SHARE, SHARED_MIN_IDS, SHARED_MIN_DOB_AGREEMENT]).fetchall()
    pairs = [(str(a), str(b)) for a, b in links]
    sources = sorted({s for pair in pairs for s in pair})
    return _components(sources, pairs)


def adult_sources(con: duckdb.DuckDBPyConnection, records: str
                  ) -> tuple[frozenset[str], str | None]:
    """Sources whose dated records are (practically) all adults, and the born-by date."""
    # The newest date of birth in the data; dates typed far into the future do not count.
    born_by = con.execute(f"""
        SELECT CAST(max(d) - INTERVAL {ADULT_AGE_YEARS} YEAR AS DATE)
        FROM (SELECT try_cast(dob AS DATE) AS d FROM {records})
        WHERE d <= current_date + INTERVAL 2 YEAR
    """).fetchall()[0][0]
    if born_by is None:
        return frozenset(), None
    rows = con.execute(f"""
        SELECT src FROM {records} WHERE src IS NOT NULL GROUP BY src
        HAVING count(try_cast(dob AS DATE)) >= ?
           AND count(*) FILTER (WHERE try_cast(dob AS DATE) <= ?)
               >= ? * count(try_cast(dob AS DATE))
        ORDER BY src
    """, [ADULT_MIN_DATED, born_by, ADULT_MIN_SHARE]).fetchall()
    adults = frozenset(str(r[0]) for r in rows)
    return adults, (born_by.isoformat() if adults else None)


def unique_sources(con: duckdb.DuckDBPyConnection, records: str) -> frozenset[str]:
    """Sources that hold one record a person: at least `UNIQUE_MIN_NUMBERED` records, and
    `UNIQUE_MIN_SHARE` of them, carry a valid NHS number, and no two records of the source
    (under different ids) carry the same one. A source that listed a person twice would show
    it in its numbers; a GP register does not. Two of its records are then two people."""
    rows = con.execute(f"""
        WITH r AS (SELECT DISTINCT src, rid, nhs FROM {records} WHERE src IS NOT NULL)
        SELECT src FROM r GROUP BY src
        HAVING count(nhs) >= ? AND count(nhs) >= ? * count(*)
           AND count(DISTINCT nhs) = count(nhs)
        ORDER BY src""", [UNIQUE_MIN_NUMBERED, UNIQUE_MIN_SHARE]).fetchall()
    return frozenset(str(r[0]) for r in rows)


def learn_source_facts(con: duckdb.DuckDBPyConnection, records: str) -> SourceFacts:
    """The facts for `records`, a table or view of (src, rid, dob, nhs): dob as YYYY-MM-DD
    text, nhs a valid NHS number or NULL."""
    adults, born_by = adult_sources(con, records)
    return SourceFacts(shared_id_groups(con, records), adults, born_by,
                       unique_sources(con, records))
