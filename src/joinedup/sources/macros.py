"""DuckDB macros for cleaning and checking values in SQL, so validation stays set-based.

Each mirrors a reference in ``joinedup.model.checks`` (tested against it with hypothesis).
They are TEMP macros: they live with the connection, never in a warehouse snapshot.
"""

from __future__ import annotations

import duckdb

# Whitespace trimmed from every value: space, tab, CR, LF and the no-break space that
# spreadsheets love to leave behind.
_TRIM = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"

_NHS_TERMS = " + ".join(
    f"(ascii(d[{i}]) - 48) * {weight}" for i, weight in zip(range(1, 10), range(10, 1, -1),
                                                            strict=True)
)

MACROS: tuple[str, ...] = (
    f"ju_clean(s) AS nullif(trim(s, {_TRIM}), '')",
    # A value shown in the quarantine: long values are cut, saying how long they were.
    "ju_shorten(s, n) AS CASE WHEN length(s) > n "
    "THEN left(s, n) || '… (' || length(s) || ' characters)' ELSE s END",
    "ju_nhs_digits(s) AS replace(replace(s, ' ', ''), '-', '')",
    # Modulus 11: (11 - total % 11) % 11 is the check digit; 10 means no valid number,
    # and 10 never equals a digit, so one comparison covers both rules.
    f"ju_nhs_ok(d) AS regexp_full_match(d, '[0-9]{{10}}') "
    f"AND (11 - ({_NHS_TERMS}) % 11) % 11 = ascii(d[10]) - 48",
    "ju_nhs(s) AS CASE WHEN ju_nhs_ok(ju_nhs_digits(s)) THEN ju_nhs_digits(s) END",
    "ju_compact_upper(s) AS upper(regexp_replace(s, '\\s+', '', 'g'))",
    "ju_postcode(s) AS CASE WHEN regexp_full_match(ju_compact_upper(s), "
    "'[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}') "
    "THEN left(ju_compact_upper(s), -3) || ' ' || right(ju_compact_upper(s), 3) END",
    "ju_partial_postcode(s) AS CASE WHEN regexp_full_match(ju_compact_upper(s), "
    "'[A-Z]{1,2}[0-9][A-Z0-9]?[0-9]') "
    "THEN left(ju_compact_upper(s), -1) || ' ' || right(ju_compact_upper(s), 1) END",
    "ju_uprn(s) AS CASE WHEN regexp_full_match(s, '[0-9]{1,12}') THEN s END",
    "ju_upn(s) AS CASE WHEN regexp_full_match(upper(s), '[A-Z][0-9]{11}[0-9A-Z]') "
    "THEN upper(s) END",
    "ju_email(s) AS CASE WHEN regexp_full_match(s, '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+') THEN s END",
    "ju_phone(s) AS CASE WHEN regexp_full_match(regexp_replace(regexp_replace(s, "
    "'[\\s()\\-]', '', 'g'), '^\\+44', '0'), '[0-9]{10,11}') THEN s END",
    "ju_integer(s) AS CASE WHEN regexp_full_match(s, '[+-]?[0-9]+(\\.0*)?') "
    "THEN try_cast(s AS BIGINT) END",
    # Money and amounts: a leading pound sign and thousands separators are accepted.
    "ju_decimal(s) AS try_cast(CASE WHEN regexp_full_match(s, "
    "'[+-]?£?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?') "
    "THEN replace(replace(s, '£', ''), ',', '') ELSE replace(s, '£', '') END AS DECIMAL(18,4))",
    "ju_date(s, fmt) AS try_cast(try_strptime(s, fmt) AS DATE)",
    # Spreadsheets and Parquet hold real dates, written as ISO text by the readers.
    "ju_date_typed(s, fmt) AS try_cast(coalesce(try_strptime(s, fmt), "
    "try_strptime(s, '%Y-%m-%d'), try_strptime(s, '%Y-%m-%d %H:%M:%S')) AS DATE)",
)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the ju_* macros on this connection (idempotent)."""
    for body in MACROS:
        con.execute(f"CREATE OR REPLACE TEMP MACRO {body}")
