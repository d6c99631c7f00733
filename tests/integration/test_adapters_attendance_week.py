"""Weekly attendance in sessions: typed, checked (counts 0 to 14 that add up), quarantined."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from joinedup.sources.load import load_source
from joinedup.sources.mapping import SourceConfig

FIELDS = {"source_record_id": "PupilID", "school": "SchoolURN", "week_start": "WeekStart",
          "sessions_possible": "Possible", "sessions_attended": "Attended",
          "authorised_absence": "Authorised", "unauthorised_absence": "Unauthorised"}
HEADER = "PupilID,SchoolURN,WeekStart,Possible,Attended,Authorised,Unauthorised\n"


def load(folder: Path, body: str) -> duckdb.DuckDBPyConnection:
    (folder / "weeks.csv").write_text(HEADER + body, encoding="utf-8")
    config = SourceConfig.model_validate({
        "name": "mis", "system": "School MIS", "service": "education",
        "data_current_as_of": "2026-10-23",
        "files": [{"path": "weeks.csv", "targets": [
            {"entity": "attendance_week", "fields": FIELDS}]}]})
    con = duckdb.connect()
    result = load_source(con, config, folder)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    return con


def test_weeks_load_and_bad_counts_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    con = load(tmp_path, "\n".join([
        "P1,100001,2026-10-19,10,9,1,0",      # fine
        "P2,100001,2026-10-19,8,8,0,0",       # fine: a four-day week
        "P3,100001,2026-10-19,10,9,0,0",      # parts add to 9, not 10
        "P4,100001,2026-10-19,16,16,0,0",     # more than 14 sessions
        "P5,100001,2026-10-19,10,-1,11,0",    # a negative count
        "P6,100001,2026-10-19,ten,9,1,0",     # not a number
        "P1,100001,2026-10-19,10,9,1,0",      # the same pupil, school and week again
    ]) + "\n")
    assert con.execute("SELECT source_record_id, week_start, sessions_possible, "
                       "sessions_attended FROM attendance_week ORDER BY 1").fetchall() == [
        ("P1", dt.date(2026, 10, 19), 10, 9), ("P2", dt.date(2026, 10, 19), 8, 8)]
    reasons = dict(con.execute("SELECT row, reason FROM quarantine ORDER BY row").fetchall())
    assert "is not the sessions possible (10)" in reasons[4]
    assert "is not 0 to 14 sessions in a week" in reasons[5]
    assert "sessions_attended -1 is not 0 to 14" in reasons[6]
    assert "not a whole number" in reasons[7]
    assert 8 in reasons
