"""Standardising person records into the columns the model compares.

Dates, sex, postcodes and identifiers are standardised in SQL inside DuckDB; names go through
Python (`names`, `forenames`) once per distinct name, and join back. The prepared table has a
fixed set of columns (see `PREPARED_COLUMNS`), so a model trained on one file applies to any
other file mapped the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from joinedup.errors import SourceError
from joinedup.linkage import forenames as forenames_module
from joinedup.linkage import names as names_module
from joinedup.linkage.addresses import street_line_sql
from joinedup.linkage.blocking import rare_keys_sql
from joinedup.linkage.fields import EXTRA_PREFIX, ColumnMapping
from joinedup.linkage.forenames import forename_table
from joinedup.linkage.names import forename_surname, soundex, standardise_name
from joinedup.linkage.source_facts import (
    BORROWED_FIELDS,
    SourceFacts,
    learn_source_facts,
)

# Prepared columns (besides unique_id and source_dataset) and the field each comes from
# ("source": what the record's source shows, `source_facts`; "blocking": keys for blocking;
# "origin": the record's system and its id there, for guardrails, never compared).
PREPARED_COLUMNS: dict[str, str] = {
    "first_name": "name", "first_name_variants": "name", "forename_key": "name",
    "surname": "name", "surname_tokens": "name", "surname_key": "name",
    "name_tokens": "name", "given_names": "name", "forename_surname": "name",
    "dob": "dob", "dob_year": "dob", "dob_dm": "dob",
    "sex": "sex",
    "postcode": "postcode", "postcode_sector": "postcode", "postcode_district": "postcode",
    "postcode_area": "postcode",
    "address": "address", "uprn": "uprn", "nhs_number": "nhs_number", "upn": "upn",
    "person_number": "person_number",
    "born_by": "source", "unique_source": "source",
    "address_from": "address_from", "address_to": "address_to",
    "rare_keys": "blocking", "copy_of": "blocking", "copy_unpaired": "blocking",
    "record_source": "origin", "record_key": "origin",
}
COPIES_MIN_GROUP = 20
"""More records than this, identical in every prepared column, are matched as one."""
NAME_FIELDS = ("first_name", "middle_names", "surname", "full_name")


def quote(identifier: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def one_row(con: duckdb.DuckDBPyConnection, sql: str,
            params: list[object] | None = None) -> tuple[object, ...]:
    """The single row of a query, fetched to the end: DuckDB 2.0 refuses new work on a
    connection while a result is only partly fetched."""
    rows = con.execute(sql, params or []).fetchall()
    if len(rows) != 1:
        raise ValueError(f"expected one row, got {len(rows)}")
    return tuple(rows[0])


def _text(column: str | None, alias: str = "") -> str:
    if column is None:
        return "NULL::VARCHAR"
    prefix = f"{alias}." if alias else ""
    return f"nullif(trim(CAST({prefix}{quote(column)} AS VARCHAR)), '')"


_MONTHS = "['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']"


def _dob_sql(column: str | None) -> str:
    """Dates as YYYY-MM-DD text; impossible dates ("1847-72-18") are kept: the digits are
    still evidence. UK order for slashed dates; also 1983/07/15, 15-Jul-1983, 15 July 1983
    and 19830715. A two-digit year (15/07/83) is left empty: its century is a guess."""
    if column is None:
        return "NULL::VARCHAR"
    d = _text(column)
    # A time after the date (an export of a date-time column) is dropped.
    time = "(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2})?)?"
    slashed = "(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})" + time
    parts = f"regexp_extract({d}, '^{slashed}$', ['d', 'm', 'y'])"
    year_first = "(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})"
    ymd = f"regexp_extract({d}, '^{year_first}$', ['y', 'm', 'd'])"
    named = "(\\d{1,2})[ ./-]*([A-Za-z]{3,9})\\.?[ ./-]*(\\d{4})"
    dmy = f"regexp_extract({d}, '^{named}$', ['d', 'm', 'y'])"
    month = f"list_position({_MONTHS}, lower(substr({dmy}.m, 1, 3)))"
    return f"""CASE
        WHEN regexp_full_match({d}, '\\d{{4}}-\\d{{2}}-\\d{{2}}.*') THEN substr({d}, 1, 10)
        WHEN regexp_full_match({d}, '{slashed}') THEN
            {parts}.y || '-' || lpad({parts}.m, 2, '0') || '-' || lpad({parts}.d, 2, '0')
        WHEN regexp_full_match({d}, '\\d{{8}}') THEN
            substr({d}, 1, 4) || '-' || substr({d}, 5, 2) || '-' || substr({d}, 7, 2)
        WHEN regexp_full_match({d}, '{year_first}') THEN
            {ymd}.y || '-' || lpad({ymd}.m, 2, '0') || '-' || lpad({ymd}.d, 2, '0')
        WHEN regexp_full_match({d}, '{named}') AND {month} > 0 THEN
            {dmy}.y || '-' || lpad(CAST({month} AS VARCHAR), 2, '0') || '-' || lpad({dmy}.d, 2, '0')
        END"""


def _postcode_sql(column: str | None) -> dict[str, str]:
    """Unit, sector, district and area from any spacing or case. Malformed codes of postcode
    length are kept (a typed-in error still shares its district)."""
    compact = (f"upper(regexp_replace({_text(column)}, '[^A-Za-z0-9]', '', 'g'))"
               if column else "NULL::VARCHAR")
    code = f"CASE WHEN length({compact}) BETWEEN 5 AND 7 THEN {compact} END"
    outward = f"substr({code}, 1, length({code}) - 3)"
    return {
        "postcode": f"{outward} || ' ' || right({code}, 3)",
        "postcode_sector": f"{outward} || ' ' || substr(right({code}, 3), 1, 1)",
        "postcode_district": outward,
        "postcode_area": f"nullif(regexp_extract({outward}, '^[A-Z]+'), '')",
    }


def _upn_sql(column: str | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    compact = f"upper(regexp_replace({_text(column)}, '[^A-Za-z0-9]', '', 'g'))"
    return f"CASE WHEN length({compact}) = 13 THEN {compact} END"


def _person_number_sql(column: str | None) -> str:
    """Letters and digits, upper case. A value that is one character repeated (nine
    zeros, or a row of the letter X) or shorter than four is a placeholder: no number."""
    if column is None:
        return "NULL::VARCHAR"
    compact = f"upper(regexp_replace({_text(column)}, '[^A-Za-z0-9]', '', 'g'))"
    return (f"CASE WHEN length({compact}) >= 4 "
            f"AND length(replace({compact}, substr({compact}, 1, 1), '')) > 0 "
            f"THEN {compact} END")


def _sex_sql(column: str | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    s = f"lower({_text(column)})"
    return f"""CASE WHEN {s} IN ('m', 'male', '1', 'man', 'boy') THEN 'M'
        WHEN {s} IN ('f', 'female', '2', 'woman', 'girl') THEN 'F' END"""


def _digits_sql(column: str | None, length: int | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    digits = f"regexp_replace({_text(column)}, '[^0-9]', '', 'g')"
    if length is None:
        # UPRNs: leading zeros are padding, not part of the number.
        return f"nullif(ltrim({digits}, '0'), '')"
    # Ten equal digits (0000000000, 9999999999) are placeholders, not NHS numbers; a number
    # that fails the Modulus 11 check (NHS Data Dictionary: weights 10 to 2 on the first nine
    # digits, 11 less the remainder is the check digit, 11 reads 0, 10 is never issued) was
    # mistyped, and which digit is wrong cannot be told: it is no evidence either way.
    weighted = " + ".join(f"CAST(substr({digits}, {i}, 1) AS INTEGER) * {11 - i}"
                          for i in range(1, 10))
    return f"""CASE WHEN length({digits}) = {length}
        AND length(replace({digits}, substr({digits}, 1, 1), '')) > 0
        AND (11 - (({weighted}) % 11)) % 11 = CAST(substr({digits}, 10, 1) AS INTEGER)
        THEN {digits} END"""


def _clean_text_sql(column: str | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    cleaned = f"trim(regexp_replace(lower(strip_accents({_text(column)})), '[^a-z0-9]+', ' ', 'g'))"
    return f"nullif({cleaned}, '')"


def _address_sql(column: str | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    return street_line_sql(_text(column))


_LIST = pa.list_(pa.string())
NAME_SCHEMA = pa.schema(
    [(f"k_{name}", pa.string()) for name in NAME_FIELDS]
    + [(column, _LIST if column.endswith(("_variants", "_tokens", "_names")) else pa.string())
       for column, group in PREPARED_COLUMNS.items() if group == "name"])
"""A name lookup: the raw name fields (k_*) and the prepared name columns they give."""


@cache
def names_version() -> str:
    """A fingerprint of the code and tables that standardise names (names.py, forenames.py,
    this module, the nicknames package's version): a lookup kept from an earlier run
    (`prepare_records`' `known_names`) is only reused by the same version, so a change to
    the name rules, the lookup's columns or the nickname tables standardises every name
    again."""
    digest = hashlib.sha256()
    # This module too: it turns a standardised name into the lookup's columns.
    for file in (names_module.__file__, forenames_module.__file__, __file__):
        digest.update(Path(str(file)).read_bytes())
    digest.update(version("nicknames").encode())
    digest.update(str(NAME_SCHEMA).encode())
    return digest.hexdigest()[:16]


def _name_lookup(con: duckdb.DuckDBPyConnection, source: str,
                 fields: Mapping[str, str], known: pa.Table | None = None) -> pa.Table:
    """Standardise each distinct combination of name fields once; combinations `known`
    holds (a lookup of `NAME_SCHEMA` from an earlier run) are taken from it, not redone.
    Standardising is a pure function of the four fields, so the result is the same."""
    selects = ", ".join(f"{_text(fields.get(name))} AS k_{name}" for name in NAME_FIELDS)
    wanted = f"{source}__wanted_names"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {quote(wanted)} AS "
                f"SELECT DISTINCT {selects} FROM {quote(source)}")
    reused = NAME_SCHEMA.empty_table()
    try:
        if known is not None and known.num_rows:
            held = f"{source}__known_names"
            con.register(held, known.select(NAME_SCHEMA.names).cast(NAME_SCHEMA))
            on = " AND ".join(f"k.k_{n} IS NOT DISTINCT FROM w.k_{n}" for n in NAME_FIELDS)
            try:
                reused = con.sql(f"SELECT k.* FROM {quote(held)} AS k "
                                 f"SEMI JOIN {quote(wanted)} AS w ON {on}").to_arrow_table()
                rows = con.execute(f"SELECT w.* FROM {quote(wanted)} AS w "
                                   f"ANTI JOIN {quote(held)} AS k ON {on}").fetchall()
            finally:
                con.unregister(held)
        else:
            rows = con.execute(f"SELECT * FROM {quote(wanted)}").fetchall()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {quote(wanted)}")
    table = forename_table()
    out: dict[str, list[object]] = {name: [] for name in NAME_SCHEMA.names}
    for first, middle, surname, full in rows:
        name = standardise_name(first, surname, middle_names=middle, full_name=full)
        for key, value in zip(NAME_FIELDS, (first, middle, surname, full), strict=True):
            out[f"k_{key}"].append(value)
        forename = name.forename
        out["first_name"].append(forename)
        out["first_name_variants"].append(list(table.variants(forename)) if forename else None)
        out["forename_key"].append(table.canonical(forename) if forename else None)
        out["surname"].append(name.surname)
        out["surname_tokens"].append(list(name.surname_tokens) or None)
        out["surname_key"].append(soundex(name.surname))
        out["name_tokens"].append(list(name.tokens) or None)
        out["given_names"].append(list(name.given) or None)
        out["forename_surname"].append(forename_surname(forename, name.surname))
    return pa.concat_tables([reused.cast(NAME_SCHEMA), pa.table(out, schema=NAME_SCHEMA)])


def _names_sql(source: str, lookup: str, fields: Mapping[str, str],
               has_names: bool) -> tuple[str, str]:
    """The name columns' select list and the FROM clause that joins the name lookup."""
    name_columns = [c for c, group in PREPARED_COLUMNS.items() if group == "name"]
    if not has_names:
        nulls = ", ".join(
            f"NULL::{'VARCHAR[]' if c.endswith(('_variants', '_tokens', '_names')) else 'VARCHAR'}"
            f" AS {c}"
            for c in name_columns
        )
        return nulls, f"{quote(source)} AS s"
    join = " AND ".join(
        f"n.k_{name} IS NOT DISTINCT FROM {_text(fields.get(name), 's')}" for name in NAME_FIELDS
    )
    return (", ".join(f"n.{c}" for c in name_columns),
            f"{quote(source)} AS s LEFT JOIN {quote(lookup)} AS n ON {join}")


def _source_facts(con: duckdb.DuckDBPyConnection, source: str, fields: Mapping[str, str],
                  out: str) -> SourceFacts:
    if "source" not in fields and "source_record_id" not in fields:
        return SourceFacts()
    view = quote(f"{out}__facts")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {view} AS
        SELECT {_text(fields.get("source"))} AS src, {_text(fields.get("source_record_id"))} AS rid,
               {_dob_sql(fields.get("dob"))} AS dob,
               {_digits_sql(fields.get("nhs_number"), 10)} AS nhs
        FROM {quote(source)}""")
    try:
        return learn_source_facts(con, view)
    finally:
        con.execute(f"DROP VIEW {view}")


def _borrow_shared(con: duckdb.DuckDBPyConnection, source: str, fields: Mapping[str, str],
                   facts: SourceFacts, out: str) -> str:
    """A copy of `source` in which records of sources that share ids fill the fields they
    lack from the record of the same id that has a name (see `source_facts`)."""
    groups = f"{out}__groups"
    con.register(groups, pa.table({"src": list(facts.id_groups),
                                   "grp": list(facts.id_groups.values())}))
    names = list(dict.fromkeys(fields[n] for n in NAME_FIELDS if n in fields))
    others = [c for c in dict.fromkeys(fields[n] for n in BORROWED_FIELDS if n in fields)
              if c not in names]
    named = " + ".join(f"CAST({_text(c)} IS NOT NULL AS INTEGER)" for c in names) or "0"
    picks = [f"CASE WHEN k.__named = 0 THEN d.{quote(c)} ELSE k.{quote(c)} END AS {quote(c)}"
             for c in names]
    picks += [f"CASE WHEN {_text(c, 'k')} IS NULL THEN d.{quote(c)} ELSE k.{quote(c)} END "
              f"AS {quote(c)}" for c in others]
    replaced = ", ".join(quote(c) for c in [*names, *others, "__key", "__named"])
    table = f"{out}__filled"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {quote(table)} AS
        WITH keyed AS (
            SELECT s.*, g.grp || chr(31) || {_text(fields["source_record_id"], "s")} AS __key,
                   {named} AS __named
            FROM {quote(source)} AS s
            LEFT JOIN {quote(groups)} AS g ON g.src = {_text(fields["source"], "s")}),
        donors AS (
            SELECT * FROM keyed WHERE __key IS NOT NULL AND __named > 0
            QUALIFY row_number() OVER (PARTITION BY __key
                                       ORDER BY __named DESC, {_text(fields["id"])}) = 1)
        SELECT k.* EXCLUDE ({replaced}){"".join(", " + p for p in picks)}
        FROM keyed AS k LEFT JOIN donors AS d ON d.__key = k.__key
    """)
    con.unregister(groups)
    return table


@dataclass(frozen=True, slots=True)
class PreparedTable:
    """A standardised table and how many records have each prepared column filled."""

    table: str
    rows: int
    filled: Mapping[str, int]
    names: pa.Table | None = field(default=None, compare=False, repr=False)
    """The name lookup the records were standardised with (`NAME_SCHEMA`), to keep for the
    next run (`prepare_records`' `known_names`); None when no name was mapped."""

    def share(self, column: str) -> float:
        """Fraction of records with `column` filled."""
        return self.filled.get(column, 0) / self.rows if self.rows else 0.0


def prepare_records(
    con: duckdb.DuckDBPyConnection,
    source: str,
    mapping: ColumnMapping,
    out: str,
    *,
    source_name: str | None = None,
    file: str | None = None,
    known_names: pa.Table | None = None,
) -> PreparedTable:
    """Standardise `source` into table `out` (unique_id, [source_dataset], prepared columns,
    extra_* columns). Raises SourceError for missing or repeated ids.

    `known_names`: a name lookup an earlier run kept (`PreparedTable.names`, made by the
    same `names_version()`); the names it holds are not standardised again (a nightly link
    of a million records meets a few thousand new names)."""
    raw_source = source
    fields = mapping.fields
    facts = _source_facts(con, source, fields, out)
    if facts.id_groups and "source" in fields and "source_record_id" in fields:
        source = _borrow_shared(con, source, fields, facts, out)
    has_names = any(name in fields for name in NAME_FIELDS)
    lookup_name = f"{out}__names"
    lookup = _name_lookup(con, source, fields, known_names) if has_names else None
    if lookup is not None:
        con.register(lookup_name, lookup)
    name_select, from_sql = _names_sql(source, lookup_name, fields, has_names)
    computed = {
        "dob": _dob_sql(fields.get("dob")),
        "sex": _sex_sql(fields.get("sex")),
        **_postcode_sql(fields.get("postcode")),
        "address": _address_sql(fields.get("address")),
        "uprn": _digits_sql(fields.get("uprn"), None),
        "nhs_number": _digits_sql(fields.get("nhs_number"), 10),
        "upn": _upn_sql(fields.get("upn")),
        "person_number": _person_number_sql(fields.get("person_number")),
        "address_from": _dob_sql(fields.get("address_from")),
        "address_to": _dob_sql(fields.get("address_to")),
        **{EXTRA_PREFIX + column: _clean_text_sql(column) for column in mapping.extras},
    }
    selects = ",\n".join(f"{sql} AS {quote(name)}" for name, sql in computed.items())
    source_sql = "" if source_name is None else "?::VARCHAR AS source_dataset, "
    sql = f"""
        CREATE OR REPLACE TABLE {quote(out)} AS
        WITH base AS (
            SELECT {_text(fields['id'])} AS unique_id, {name_select}, {selects},
                {_text(fields.get("source"))} AS __source,
                {_text(fields.get("source_record_id"))} AS __record_key
            FROM {from_sql}
        )
        SELECT {source_sql}* EXCLUDE (__source, __record_key), substr(dob, 1, 4) AS dob_year,
           least(substr(dob, 6, 2), substr(dob, 9, 2))
               || greatest(substr(dob, 6, 2), substr(dob, 9, 2)) AS dob_dm,
           -- An adults-only source's record without a date of birth: born by this date.
           CASE WHEN dob IS NULL AND list_contains(?::VARCHAR[], __source)
                THEN ?::VARCHAR END AS born_by,
           -- A source that lists each person once (`source_facts`): its name.
           CASE WHEN list_contains(?::VARCHAR[], __source) THEN __source END AS unique_source,
           __source AS record_source, __record_key AS record_key
        FROM base
    """
    params: list[object] = [] if source_name is None else [source_name]
    con.execute(sql, [*params, sorted(facts.adult_sources), facts.born_by,
                      sorted(facts.unique_sources)])
    if has_names:
        con.unregister(lookup_name)
    if source != raw_source:
        con.execute(f"DROP TABLE {quote(source)}")
    _check_ids(con, out, file)
    compared = [c for c in (*PREPARED_COLUMNS, *(EXTRA_PREFIX + c for c in mapping.extras))
                if PREPARED_COLUMNS.get(c) not in ("blocking", "origin")]
    con.execute(f"""CREATE OR REPLACE TABLE {quote(out)} AS
        SELECT t.*, r.rare_keys, c.copy_of, coalesce(c.copy_unpaired, false) AS copy_unpaired
        FROM {quote(out)} AS t
        LEFT JOIN ({rare_keys_sql(quote(out))}) AS r USING (unique_id)
        LEFT JOIN ({_copies_sql(quote(out), compared)}) AS c USING (unique_id)""")
    columns = [*PREPARED_COLUMNS, *(EXTRA_PREFIX + c for c in mapping.extras)]
    counted = ", ".join(f"count({quote(c)})" for c in columns)
    counts = one_row(con, f"SELECT count(*), {counted} FROM {quote(out)}")
    filled = {c: int(str(n)) for c, n in zip(columns, counts[1:], strict=True)}
    return PreparedTable(table=out, rows=int(str(counts[0])), filled=filled, names=lookup)


def _copies_sql(table: str, columns: list[str]) -> str:
    """SELECT unique_id, copy_of, copy_unpaired for the records of `table` (a quoted name) in
    a group of more than `COPIES_MIN_GROUP` records identical in `columns`: copy_of is the
    first record's id on every other record; copy_unpaired is true from the third on.

    Ten thousand copies of one record (a test load, a placeholder person) would be ten
    thousand squared over two pairs in every blocking rule. Blocking pairs only the first
    two (`blocking.NOT_A_COPY`); clustering gives every other copy the score of that pair.

    A window over every column sorts all the records by all of them (1.3 s at a million);
    so a hash of the columns first picks the few records that can be in such a group, and
    only those are compared column by column. Records in one group share the hash, so none
    is missed; records that share a hash without being identical fall into groups of their
    own in the exact window.
    """
    listed = ", ".join(f"t.{quote(c)}" for c in columns)
    window = f"PARTITION BY {listed}"
    big = f"count(*) OVER ({window}) > {COPIES_MIN_GROUP}"
    rank = f"row_number() OVER ({window} ORDER BY t.unique_id)"
    return f"""
        WITH hashed AS (SELECT t.unique_id, hash({listed}) AS h FROM {table} AS t),
        big AS (SELECT h FROM hashed GROUP BY h HAVING count(*) > {COPIES_MIN_GROUP}),
        candidates AS (SELECT t.* FROM {table} AS t JOIN hashed USING (unique_id)
                       SEMI JOIN big USING (h))
        SELECT t.unique_id,
            CASE WHEN {big} AND {rank} > 1 THEN min(t.unique_id) OVER ({window}) END
                AS copy_of,
            CASE WHEN {big} THEN {rank} > 2 ELSE false END AS copy_unpaired
        FROM candidates AS t"""


def _check_ids(con: duckdb.DuckDBPyConnection, table: str, file: str | None) -> None:
    missing, repeated = one_row(
        con,
        f"SELECT count(*) - count(unique_id), count(unique_id) - count(DISTINCT unique_id) "
        f"FROM {quote(table)}",
    )
    if missing:
        raise SourceError(f"{missing} records have no id: every record needs one.",
                          file=file, field="id")
    if repeated:
        example = one_row(
            con, f"SELECT unique_id FROM {quote(table)} GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
        )[0]
        raise SourceError(
            f"{repeated} ids are repeated (e.g. '{example}'): ids must "
            "be unique within a file. Map a unique column with --columns id=COLUMN.",
            file=file, field="id",
        )

