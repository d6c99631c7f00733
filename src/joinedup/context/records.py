"""Why are these records one person: each source record of the person and how strongly it links.

Each record comes with its match probability (its strongest link inside the person, from
`person_link`) and the record it links to most strongly (from the scored pairs), so the page
can ask `joinedup.linkage.explain.explain_pair` for that pair's match-weight waterfall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from joinedup.context.common import AsDict, full_name, require_person, service_order
from joinedup.context.tables import Row, rows


@dataclass(frozen=True, slots=True)
class RecordLink(AsDict):
    source: str
    source_record_id: str
    record_ref: str
    """SOURCE:SOURCE_RECORD_ID, as `joinedup explain-match` takes it."""
    service: str | None
    system: str | None
    name: str
    first_name: str | None
    middle_names: str | None
    surname: str | None
    dob: dt.date | None
    sex: str | None
    address: str | None
    postcode: str | None
    nhs_number: str | None
    upn: str | None
    recorded_date: dt.date | None
    match_probability: float | None
    """The record's strongest link inside the person (empty for a person of one record)."""
    cluster_size: int | None
    flagged: bool
    """The person's cluster reached the size cap: a reviewer should look at it."""
    linked_to: str | None
    """SOURCE:SOURCE_RECORD_ID of the record it links to most strongly."""
    linked_probability: float | None
    file: str | None
    """Where the record came from: extract file and row."""
    row: int | None


def _ref(source: str, record: str) -> str:
    return f"{source}:{record}"


def _strongest(pairs: list[Row]) -> dict[str, tuple[str, float]]:
    best: dict[str, tuple[str, float]] = {}
    for pair in pairs:
        left = _ref(pair["source_l"], pair["source_record_id_l"])
        right = _ref(pair["source_r"], pair["source_record_id_r"])
        probability = float(pair["match_probability"])
        for mine, theirs in ((left, right), (right, left)):
            known = best.get(mine)
            if known is None or (probability, theirs) > (known[1], known[0]):
                best[mine] = (theirs, probability)
    return best


def person_records(con: duckdb.DuckDBPyConnection, person_id: str) -> list[RecordLink]:
    """The person's source records, in service order, with their strongest links."""
    require_person(con, person_id)
    records = rows(con, "SELECT * FROM context_record WHERE person_id = ?", [person_id])
    strongest = _strongest(rows(con, "SELECT * FROM context_pair WHERE person_id = ?",
                                [person_id]))
    order = {s: i for i, s in enumerate(service_order(r["service"] or "" for r in records))}
    records.sort(key=lambda r: (order[r["service"] or ""], r["source"], r["source_record_id"]))
    links = []
    for r in records:
        ref = _ref(r["source"], r["source_record_id"])
        partner = strongest.get(ref)
        probability = r["match_probability"]
        links.append(RecordLink(
            source=r["source"], source_record_id=r["source_record_id"], record_ref=ref,
            service=r["service"], system=r["system"],
            name=full_name(r["first_name"], r["middle_names"], r["surname"]),
            first_name=r["first_name"], middle_names=r["middle_names"], surname=r["surname"],
            dob=r["dob"], sex=r["sex"], address=r["address"], postcode=r["postcode"],
            nhs_number=r["nhs_number"], upn=r["upn"], recorded_date=r["recorded_date"],
            match_probability=float(probability) if probability is not None else None,
            cluster_size=r["cluster_size"], flagged=bool(r["flagged"]),
            linked_to=partner[0] if partner else None,
            linked_probability=partner[1] if partner else None,
            file=r["_file"], row=r["_row"]))
    return links
