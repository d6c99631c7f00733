"""The address reference the marts place people with: a postcode lookup (ONS Postcode
Directory columns: pcds, lsoa21cd, lsoa21nm, wd23cd, wd23nm) and a schools list (Get
Information about Schools columns: URN, EstablishmentName, PhaseOfEducation,
TypeOfEstablishment, Latitude, Longitude) and the family hubs (Name, AddressLine1, Postcode,
Latitude, Longitude), read from a folder beside the extracts
(``<sources>/gazetteer/``; `joinedup synth` writes one for the synthetic borough).

Without the folder the tables are created empty and every person is in the area 'unknown':
marts still build and say so (`geography` in mart_info).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from joinedup.errors import MartError

POSTCODES = "postcodes.csv"
SCHOOLS = "schools.csv"
FAMILY_HUBS = "family_hubs.csv"
GAZETTEER_FOLDER = "gazetteer"

_POSTCODE_COLUMNS = ("pcds", "lsoa21cd", "lsoa21nm", "wd23cd", "wd23nm")
_SCHOOL_COLUMNS = ("URN", "EstablishmentName", "PhaseOfEducation", "TypeOfEstablishment",
                   "Latitude", "Longitude")
_HUB_COLUMNS = ("Name", "AddressLine1", "Postcode", "Latitude", "Longitude")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()}


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, columns: tuple[str, ...],
              view: str) -> None:
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{view}" AS SELECT * FROM '
                    "read_csv(?, all_varchar = true, header = true)", [str(path)])
        found = {row[0] for row in con.execute(f'DESCRIBE "{view}"').fetchall()}
    except duckdb.Error as exc:
        raise MartError(f"{path}: cannot read it ({exc}). Replace it with a CSV file with "
                        f"the columns {', '.join(columns)}.") from exc
    missing = [c for c in columns if c not in found]
    if missing:
        raise MartError(f"{path} lacks the columns {', '.join(missing)}; it needs "
                        f"{', '.join(columns)} (ONS Postcode Directory / GIAS names).")


def load_gazetteer(con: duckdb.DuckDBPyConnection, folder: Path | None) -> str:
    """Create mart_postcode, mart_school and mart_area; return how areas are known.

    With no folder (or none on disk) the tables of an earlier build are kept if there are
    any (`joinedup marts build` on a snapshot), else created empty.
    """
    postcodes = folder / POSTCODES if folder is not None else None
    schools = folder / SCHOOLS if folder is not None else None
    if postcodes is not None and postcodes.is_file():
        _read_csv(con, postcodes, _POSTCODE_COLUMNS, "_gazetteer_postcodes")
        # Postcodes are matched as the loader stores them: upper case with one space.
        con.execute("""
            CREATE OR REPLACE TABLE mart_postcode AS
            SELECT DISTINCT ON (postcode) * FROM (
                SELECT upper(regexp_replace(trim(pcds), '\\s+', ' ', 'g')) AS postcode,
                       lsoa21cd AS lsoa_code, lsoa21nm AS lsoa_name,
                       wd23cd AS ward_code, wd23nm AS ward_name
                FROM _gazetteer_postcodes WHERE pcds IS NOT NULL AND lsoa21cd IS NOT NULL)
            ORDER BY postcode""")
        con.execute("DROP TABLE _gazetteer_postcodes")
    elif "mart_postcode" not in _tables(con):
        con.execute("CREATE TABLE mart_postcode (postcode VARCHAR, lsoa_code VARCHAR, "
                    "lsoa_name VARCHAR, ward_code VARCHAR, ward_name VARCHAR)")
    if schools is not None and schools.is_file():
        _read_csv(con, schools, _SCHOOL_COLUMNS, "_gazetteer_schools")
        con.execute("""
            CREATE OR REPLACE TABLE mart_school AS
            SELECT EstablishmentName AS school, URN AS urn, PhaseOfEducation AS phase,
                   TypeOfEstablishment AS kind, try_cast(Latitude AS DOUBLE) AS lat,
                   try_cast(Longitude AS DOUBLE) AS lon
            FROM _gazetteer_schools WHERE EstablishmentName IS NOT NULL ORDER BY school""")
        con.execute("DROP TABLE _gazetteer_schools")
    elif "mart_school" not in _tables(con):
        con.execute("CREATE TABLE mart_school (school VARCHAR, urn VARCHAR, phase VARCHAR, "
                    "kind VARCHAR, lat DOUBLE, lon DOUBLE)")
    _load_family_hubs(con, folder / FAMILY_HUBS if folder is not None else None)
    # Areas by level with their parent: what the map drills through (LA -> ward -> LSOA).
    con.execute("""
        CREATE OR REPLACE TABLE mart_area AS
        SELECT 'ward' AS level, ward_code AS code, any_value(ward_name) AS name,
               NULL::VARCHAR AS parent_code
        FROM mart_postcode GROUP BY ward_code
        UNION ALL
        SELECT 'lsoa', lsoa_code, any_value(lsoa_name), mode(ward_code)
        FROM mart_postcode GROUP BY lsoa_code
        UNION ALL
        SELECT 'unknown', 'unknown', 'Area not known (no postcode match)', NULL
        ORDER BY level, code""")
    return geography_label(con)


def _load_family_hubs(con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
    """mart_family_hub from the council's family hubs list (name, address, postcode, where);
    empty without one."""
    if path is not None and path.is_file():
        _read_csv(con, path, _HUB_COLUMNS, "_gazetteer_hubs")
        con.execute("""
            CREATE OR REPLACE TABLE mart_family_hub AS
            SELECT Name AS name, AddressLine1 AS address, Postcode AS postcode,
                   try_cast(Latitude AS DOUBLE) AS lat, try_cast(Longitude AS DOUBLE) AS lon
            FROM _gazetteer_hubs WHERE Name IS NOT NULL ORDER BY name""")
        con.execute("DROP TABLE _gazetteer_hubs")
    elif "mart_family_hub" not in _tables(con):
        con.execute("CREATE TABLE mart_family_hub (name VARCHAR, address VARCHAR, "
                    "postcode VARCHAR, lat DOUBLE, lon DOUBLE)")


def geography_label(con: duckdb.DuckDBPyConnection) -> str:
    """'none', 'synthetic' (codes starting X, as synth labels them) or 'ONS'."""
    row = con.execute("SELECT count(*), count(*) FILTER (WHERE lsoa_code LIKE 'X%') "
                      "FROM mart_postcode").fetchone()
    total, synthetic = (row[0], row[1]) if row else (0, 0)
    if not total:
        return "none"
    return "synthetic" if synthetic * 2 > total else "ONS"
