"""DuckDB macros for cleaning and checking values in SQL, so validation stays set-based.

Each mirrors a reference in ``joinedup.model.checks`` (tested against it with hypothesis).
They are TEMP macros: they live with the connection, never in a warehouse snapshot.
"""

from __future__ import annotations

import hashlib

import duckdb

# Whitespace trimmed from every value: space, tab, CR, LF and the no-break space that
# spreadsheets love to leave behind. trim() with a character list is slow, so it only runs
# when the first or last character is a control character, space or no-break space (an empty
# value's "last character" has code 0, so it is caught too).
# The characters themselves, not chr() calls: binding a literal is cheaper, per use of the macro.
_TRIM = "' \t\n\r\u00a0'"

# Digits of an NHS number read arithmetically from its integer value: much faster than
# slicing the string ten times.
_NHS_TERMS = " + ".join(
    f"((n // {10 ** (10 - i)}) % 10) * {11 - i}" for i in range(1, 10)
)
POSTCODE_PATTERN = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
_POSTCODE = f"'{POSTCODE_PATTERN}'"
_PARTIAL = "'[A-Z]{1,2}[0-9][A-Z0-9]?[0-9]'"

MACROS: tuple[str, ...] = (
    f"ju_clean(s) AS CASE WHEN ascii(s) <= 32 OR ascii(s) = 160 OR ascii(s[-1]) <= 32 "
    f"OR ascii(s[-1]) = 160 THEN nullif(trim(s, {_TRIM}), '') ELSE s END",
    # A value shown in the quarantine: long values are cut, saying how long they were.
    "ju_shorten(s, n) AS CASE WHEN length(s) > n "
    "THEN left(s, n) || '… (' || length(s) || ' characters)' ELSE s END",
    "ju_nhs_digits(s) AS replace(replace(s, ' ', ''), '-', '')",
    # Modulus 11: (11 - total % 11) % 11 is the check digit; 10 means no valid number,
    # and 10 never equals a digit, so one comparison covers both rules.
    f"ju_nhs_check(n) AS (11 - ({_NHS_TERMS}) % 11) % 11 = n % 10",
    "ju_nhs_ok(d) AS regexp_full_match(d, '[0-9]{10}') AND ju_nhs_check(TRY_CAST(d AS BIGINT))",
    "ju_nhs(s) AS CASE WHEN ju_nhs_ok(ju_nhs_digits(s)) THEN ju_nhs_digits(s) END",
    # Postcodes: the cheap spaces-only compaction first; other whitespace only if that fails.
    "ju_compact_upper(s) AS upper(regexp_replace(s, '\\s+', '', 'g'))",
    "ju_split_last(s, n) AS left(s, -n) || ' ' || right(s, n)",
    f"ju_postcode(s) AS CASE "
    f"WHEN regexp_full_match(upper(replace(s, ' ', '')), {_POSTCODE}) "
    f"THEN ju_split_last(upper(replace(s, ' ', '')), 3) "
    f"WHEN regexp_full_match(ju_compact_upper(s), {_POSTCODE}) "
    f"THEN ju_split_last(ju_compact_upper(s), 3) END",
    f"ju_partial_postcode(s) AS CASE "
    f"WHEN regexp_full_match(ju_compact_upper(s), {_PARTIAL}) "
    f"THEN ju_split_last(ju_compact_upper(s), 1) END",
    "ju_uprn(s) AS CASE WHEN regexp_full_match(s, '[0-9]{1,12}') THEN s END",
    # DfE returns put UN1..UN10 in the UPN column when the UPN is not known: that is no UPN,
    # not a bad one.
    "ju_upn_known(s) AS CASE WHEN regexp_full_match(upper(s), 'UN(10|[1-9])') THEN NULL "
    "ELSE s END",
    "ju_upn(s) AS CASE WHEN regexp_full_match(upper(s), '[A-Z][0-9]{11}[0-9A-Z]') "
    "THEN upper(s) END",
    "ju_email(s) AS CASE WHEN regexp_full_match(s, '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+') THEN s END",
    "ju_phone(s) AS CASE WHEN regexp_full_match(regexp_replace(regexp_replace(s, "
    "'[\\s()\\-]', '', 'g'), '^\\+44', '0'), '[0-9]{10,11}') THEN s END",
    "ju_integer(s) AS CASE WHEN regexp_full_match(s, '[+-]?[0-9]+(\\.0*)?') "
    "THEN TRY_CAST(s AS BIGINT) END",
    # Money and amounts: a leading pound sign and thousands separators are accepted.
    "ju_decimal(s) AS TRY_CAST(CASE WHEN regexp_full_match(s, "
    "'[+-]?£?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?') "
    "THEN replace(replace(s, '£', ''), ',', '') ELSE replace(s, '£', '') END AS DECIMAL(18,4))",
    "ju_date(s, fmt) AS TRY_CAST(try_strptime(s, fmt) AS DATE)",
    # Spreadsheets and Parquet hold real dates, written as ISO text by the readers.
    "ju_date_typed(s, fmt) AS TRY_CAST(coalesce(try_strptime(s, fmt), "
    "try_strptime(s, '%Y-%m-%d'), try_strptime(s, '%Y-%m-%d %H:%M:%S')) AS DATE)",
)


_VERSION = hashlib.sha256("\n".join(MACROS).encode()).hexdigest()[:16]


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the ju_* macros on this connection, unless this version already is (cheap)."""
    # An empty temp table marks the connection. It lives and dies with the macros (both are in
    # the transactional catalog); probing for a macro instead would raise, and an error aborts
    # the caller's open transaction.
    marker = f"_ju_macros_{_VERSION}"
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND table_name = $m",
        {"m": marker},
    ).fetchall()  # read to the end: DuckDB refuses register() while a result is unfinished
    if found and found[0][0]:
        return
    for body in MACROS:
        con.execute(f"CREATE OR REPLACE TEMP MACRO {body}")
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {marker} (installed BOOLEAN)")
