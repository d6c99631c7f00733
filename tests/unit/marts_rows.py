"""Hand-written warehouse rows for the marts' arithmetic tests: a tiny snapshot in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from joinedup.marts import build_marts
from joinedup.sources.schema import create_model_tables

AS_AT = dt.date(2024, 10, 30)
SOURCES = (("education", "education"), ("csc", "childrens_social_care"),
           ("eh", "early_help"), ("chis", "health"))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Snapshot:
    """Model tables with the rows a test adds; `build()` makes the marts."""

    def __init__(self, tmp: Path) -> None:
        self.con = duckdb.connect()
        self.tmp = tmp
        create_model_tables(self.con)
        for source, service in SOURCES:
            self.con.execute("INSERT INTO source_freshness (source, service, data_current_as_of)"
                             " VALUES (?, ?, ?)", [source, service, AS_AT])
        self._n = 0
        self.postcodes: list[tuple[str, str, str]] = []

    def person(self, source: str, rid: str, postcode: str | None = "SK1 1AA",
               sex: str = "F", dob: str | None = None) -> None:
        self.con.execute("INSERT INTO person_record (source, source_record_id, postcode, sex, "
                         "dob) VALUES (?, ?, ?, ?, ?)",
                         [source, rid, postcode, sex, d(dob) if dob else None])

    def event(self, source: str, rid: str, event_type: str, on: str, *,
              end: str | None = None, category: str | None = None,
              value: float | None = None, detail: str | None = None) -> str:
        """Add an event; returns its event id."""
        self._n += 1
        service = dict(SOURCES).get(source, "childrens_social_care")
        self.con.execute(
            "INSERT INTO event (source, event_id, source_record_id, service, event_type, "
            "event_date, end_date, category, value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source, f"E{self._n}", rid, service, event_type, d(on),
             d(end) if end else None, category, value, detail])
        return f"E{self._n}"

    def week(self, rid: str, monday: str, possible: int, attended: int, *,
             school: str = "100001", authorised: int | None = None,
             unauthorised: int = 0) -> None:
        """A pupil's school week in sessions (the education source's attendance_week)."""
        auth = possible - attended - unauthorised if authorised is None else authorised
        self.con.execute(
            "INSERT INTO attendance_week (source, source_record_id, school, week_start, "
            "sessions_possible, sessions_attended, authorised_absence, unauthorised_absence) "
            "VALUES ('education', ?, ?, ?, ?, ?, ?, ?)",
            [rid, school, d(monday), possible, attended, auth, unauthorised])

    def postcode(self, postcode: str, lsoa: str, ward: str) -> None:
        self.postcodes.append((postcode, lsoa, ward))

    def build(self) -> duckdb.DuckDBPyConnection:
        folder = None
        if self.postcodes:
            folder = self.tmp / "gazetteer"
            folder.mkdir(exist_ok=True)
            lines = ["pcds,lsoa21cd,lsoa21nm,wd23cd,wd23nm"]
            lines += [f"{p},{lsoa},{lsoa} name,{ward},{ward} name"
                      for p, lsoa, ward in self.postcodes]
            (folder / "postcodes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        build_marts(self.con, folder)
        return self.con

    def one(self, sql: str, params: list[object] | None = None) -> object:
        row = self.con.execute(sql, params or []).fetchone()
        assert row is not None
        return row[0]
