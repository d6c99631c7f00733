"""Exceptions to the 20-week time limit for EHC needs assessments and plans, as a council's
SEN system records them for the SEN2 return: `education/ehcp_exceptions.csv`, one row per
request an exception applies to, with the reason.

The reasons are those of the SEND Code of Practice 2015, paragraph 9.42 (and regulation 13
of the SEND Regulations 2014): the local authority asked a school or college for advice in
the week before, or during, a closure of four weeks or more (the summer holiday);
exceptional personal circumstances of the child, the parent or the young person; the child,
the parent or the young person away from the area for a continuous four weeks or more.
Exceptions are few, and recorded more often where a plan ran late (that is when the delay
is looked into); SEN2 leaves them out of the share issued within 20 weeks.

The file draws from its own random stream: every other file stays byte-identical.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.education import Pupils
from joinedup.synth.output import Output, fmt_dates
from joinedup.synth.records import PersonTable

SOURCE = "education"
REL = "education/ehcp_exceptions.csv"
DATE = "%Y-%m-%d"
HOLIDAY = "LA_REQUEST_DURING_HOLIDAY"
CIRCUMSTANCES = "EXCEPTIONAL_PERSONAL_CIRCUMSTANCES"
ABSENT = "ABSENT_FROM_AREA_4_WEEKS"
REASONS = {HOLIDAY: "LA requested advice from a school or college during its closure of 4 "
                    "weeks or more (or the week before)",
           CIRCUMSTANCES: "Exceptional personal circumstances of the child, parent or young "
                          "person",
           ABSENT: "Child, parent or young person absent from the area for 4 weeks or more"}
LATE_SHARE = 0.12
"""Share of plans issued after 20 weeks with an exception recorded."""
ON_TIME_SHARE = 0.02
"""Share of plans issued within 20 weeks with one (recorded all the same)."""


def write_exceptions(out: Output, pupils: Pupils, table: PersonTable, ex: int,
                     rng: np.random.Generator) -> my.Mapping:
    """Write the exceptions of the plans issued by day ``ex`` and return the file mapping.

    Request ids are those `education_export` gives `ehcp_requests.csv` (EHC000001, ... in
    the order of the requests made by ``ex``)."""
    child = np.asarray(pupils.ehcp_child, dtype=np.int64)
    request = np.asarray(pupils.ehcp_request, dtype=np.int64)
    issued = np.asarray(pupils.ehcp_issue, dtype=np.int64)
    keep = np.flatnonzero(request <= ex)
    request_ids = np.array([f"EHC{k + 1:06d}" for k in range(len(keep))], dtype=object)
    plans = np.flatnonzero(issued[keep] <= ex)
    late = issued[keep][plans] - request[keep][plans] > 140
    chosen = plans[rng.random(len(plans)) < np.where(late, LATE_SHARE, ON_TIME_SHARE)]
    req = request[keep][chosen]
    months = np.array([(dt.date(1970, 1, 1) + dt.timedelta(days=int(d))).month for d in req],
                      dtype=np.int64)
    summer = (months >= 6) & (months <= 8)
    roll = rng.random(len(chosen))
    reason = np.where(summer & (roll < 0.6), HOLIDAY,
                      np.where(roll < 0.75, CIRCUMSTANCES, ABSENT)).astype(object)
    # Recorded some weeks into the assessment, when the delay is known.
    recorded = np.minimum(req + rng.integers(28, 100, len(chosen)), issued[keep][chosen])
    persons = child[keep][chosen]
    ids = table.record_for(persons, req)
    out.csv(SOURCE, REL, {
        "ExceptionID": [f"EXC{k + 1:05d}" for k in range(len(chosen))], "PupilID": ids,
        "RequestID": request_ids[chosen].tolist(), "RecordedDate": fmt_dates(recorded, DATE),
        "ExceptionReason": reason.tolist(),
        "Description": [REASONS[str(r)] for r in reason],
    }, persons=persons, record_ids=ids)
    return my.file(REL, [my.target(
        "event", event_id="ExceptionID", source_record_id="PupilID", service=my.value(SOURCE),
        event_type=my.value("ehcp_exception"), event_date="RecordedDate",
        category="ExceptionReason", detail="RequestID")])
