"""GP alerts on hand-made rows: which status, which worker, started and ended, age, and the
confidence rule that keeps uncertain matches away from practices."""

from __future__ import annotations

import datetime as dt

from joinedup.views.gp_alerts import (
    REVIEW_CSV_COLUMNS,
    GpAlertSettings,
    apply_reviews,
    assemble_alerts,
    csv_rows,
    held,
)

ON = dt.date(2026, 10, 30)
S = GpAlertSettings()


def _reg(person: str, practice: str = "P88001", prob: float = 0.99) -> dict:
    return {"practice": practice, "registered_from": dt.date(2020, 1, 1),
            "source": "health", "source_record_id": f"CHR-{person}", "person_id": person,
            "match_probability": prob, "nhs_number": "9434765919"}


def _spell(person: str, kind: str, start: dt.date, end: dt.date | None = None,
           worker: str | None = None, prob: float = 0.99, status: str | None = None) -> dict:
    return {"kind": "involvement", "type": kind, "status": status, "start_date": start,
            "end_date": end, "source": "csc", "source_record_id": f"C-{person}",
            "person_id": person, "match_probability": prob, "worker_name": worker,
            "worker_role": "Social worker" if worker else None, "team": None,
            "worker_phone": "0161 496 0001" if worker else None, "worker_email": None}


def _person(person: str, dob: dt.date) -> dict:
    return {"person_id": person, "first_name": "Kim", "surname": person, "dob": dob}


def test_the_highest_open_status_with_the_allocated_worker() -> None:
    spells = [_spell("A", "Child in need episode", dt.date(2025, 1, 1), worker="Jo Bloggs"),
              _spell("A", "cp_plan", dt.date(2026, 3, 1))]
    (alert,) = assemble_alerts([_reg("A")], spells, [_person("A", dt.date(2015, 5, 5))],
                               on=ON, settings=S)
    assert (alert.kind, alert.status, alert.decision) == ("started", "cp", "send")
    assert alert.worker_name == "Jo Bloggs" and alert.since == dt.date(2025, 1, 1)
    assert alert.practice == "P88001" and alert.nhs_number == "9434765919"


def test_an_ended_status_and_a_closed_one_without_an_end_date() -> None:
    spells = [_spell("B", "Child in need episode", dt.date(2025, 1, 1),
                     end=dt.date(2026, 9, 1), worker="Al"),
              _spell("C", "Looked after child", dt.date(2025, 1, 1), status="closed",
                     end=dt.date(2026, 10, 1))]
    alerts = assemble_alerts([_reg("B"), _reg("C")], spells,
                             [_person("B", dt.date(2012, 1, 1)), _person("C", dt.date(2012, 1, 1))],
                             on=ON, settings=S)
    assert [(a.person_id, a.kind, a.ended) for a in alerts] == [
        ("B", "ended", dt.date(2026, 9, 1)), ("C", "ended", dt.date(2026, 10, 1))]


def test_adults_unregistered_and_unknown_ages_get_no_alert() -> None:
    spells = [_spell(p, "Child in need episode", dt.date(2025, 1, 1)) for p in "DEF"]
    alerts = assemble_alerts([_reg("D"), _reg("F")], spells,
                             [_person("D", dt.date(2008, 10, 29)),
                              _person("E", dt.date(2015, 1, 1)),
                              {"person_id": "F", "first_name": "X", "surname": "Y", "dob": None}],
                             on=ON, settings=S)
    assert alerts == []  # D turned 18 yesterday, E has no GP, F's age is not known


def test_uncertain_matches_go_to_review_not_to_the_practice() -> None:
    spells = [_spell("G", "Child in need episode", dt.date(2025, 1, 1), prob=0.9),
              _spell("H", "Child in need episode", dt.date(2025, 1, 1))]
    alerts = assemble_alerts([_reg("G"), _reg("H", prob=0.949)], spells,
                             [_person("G", dt.date(2015, 1, 1)), _person("H", dt.date(2015, 1, 1))],
                             on=ON, settings=S)
    assert [(a.person_id, a.decision) for a in alerts] == [("G", "review"), ("H", "review")]
    assert csv_rows(alerts) == []
    relaxed = assemble_alerts([_reg("G")], spells[:1], [_person("G", dt.date(2015, 1, 1))],
                              on=ON, settings=GpAlertSettings(threshold=0.9))
    (row,) = csv_rows(relaxed)
    assert row["nhs_number"] == "9434765919" and row["status_label"] == "Child in need"


def test_a_reviewers_decision_sends_or_drops_a_held_alert() -> None:
    spells = [_spell(p, "Child in need episode", dt.date(2025, 1, 1), prob=0.9) for p in "JKL"]
    alerts = assemble_alerts([_reg("J"), _reg("K"), _reg("L", prob=0.99)], spells,
                             [_person(p, dt.date(2015, 1, 1)) for p in "JKL"], on=ON, settings=S)
    assert [a.person_id for a in held(alerts)] == ["J", "K", "L"]
    reviews = [(("csc", "C-J"), ("health", "CHR-J"), "same"),  # either order
               (("health", "CHR-K"), ("csc", "C-K"), "same"),
               (("health", "CHR-K"), ("csc", "C-K"), "different"),  # the later one counts
               (("health", "CHR-X"), ("csc", "C-L"), "same")]  # another pair: no effect
    after = apply_reviews(alerts, reviews)
    assert [(a.person_id, a.decision) for a in after] == [("J", "send"), ("L", "review")]
    assert [r["child_name"] for r in csv_rows(after)] == ["Kim J"]
    # A sent alert a reviewer says joins two different children is dropped too.
    sure = assemble_alerts([_reg("M")], [_spell("M", "cp_plan", dt.date(2026, 1, 1))],
                           [_person("M", dt.date(2015, 1, 1))], on=ON, settings=S)
    assert apply_reviews(sure, [(("health", "CHR-M"), ("csc", "C-M"), "different")]) == []


def test_the_held_alerts_csv_has_the_confidence_and_both_records() -> None:
    spells = [_spell("N", "Child in need episode", dt.date(2025, 1, 1), prob=0.8)]
    alerts = assemble_alerts([_reg("N")], spells, [_person("N", dt.date(2015, 1, 1))],
                             on=ON, settings=S)
    assert csv_rows(alerts) == []
    (row,) = csv_rows(alerts, for_review=True)
    assert list(row) == list(REVIEW_CSV_COLUMNS)
    assert (row["person_id"], row["confidence"]) == ("N", "0.8")
    assert (row["registration_record"], row["social_care_record"]) == ("health:CHR-N", "csc:C-N")
