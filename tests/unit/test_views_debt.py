"""The one view of debt's logic on hand-made rows: totals per person and household, the queue
of households owing more than one creditor, vulnerability flags (and that they carry no
details), care leavers, what a partner may see, and the CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from joinedup.errors import JoinedUpError
from joinedup.views.debt import (
    CSV_COLUMNS,
    FLAG_LABELS,
    REVENUES,
    DebtSettings,
    HouseholdDebts,
    assemble,
    csv_rows,
    find_household,
    partner_scope,
    person_flags,
    queue,
    scoped,
)

ON = dt.date(2026, 10, 30)
SETTINGS = DebtSettings()
HA = "ha_pennine_vale"
CREDITOR = {"ctax_recovery": "Council tax recovery team", "sundry_debts": "Sundry debts",
            HA: "Pennine Vale Housing Association"}


def _debt(source: str, debt_id: str, person: str | None, balance: str, *,
          days: int = 100, stage: str | None = "reminder",
          arrangement: tuple[str, str] | None = None,
          status: str | None = "kept") -> dict[str, Any]:
    return {"source": source, "debt_id": debt_id, "source_record_id": f"R-{debt_id}",
            "debt_type": "rent_arrears" if source == HA else "council_tax_arrears",
            "creditor": CREDITOR[source], "raised_date": ON - dt.timedelta(days=days),
            "balance": Decimal(balance), "recovery_stage": stage,
            "arrangement_amount": Decimal(arrangement[0]) if arrangement else None,
            "arrangement_frequency": arrangement[1] if arrangement else None,
            "arrangement_start": dt.date(2026, 5, 1) if arrangement else None,
            "arrangement_status": status if arrangement else None,
            "person_id": person, "match_probability": 0.99 if person else None}


def _stay(person: str, hh: str) -> dict[str, Any]:
    return {"person_id": person, "household_id": hh, "sources": ["ctax_recovery"],
            "address": f"{hh} Mill Lane", "postcode": "SK1 1AA", "uprn": None,
            "communal": False}


def _resident(hh: str, person: str) -> dict[str, Any]:
    return {"household_id": hh, "person_id": person}


def _name(person: str, first: str, dob: dt.date | None = dt.date(1980, 1, 1)) -> dict[str, Any]:
    return {"person_id": person, "first_name": first, "surname": "Shaw", "dob": dob}


def _world(flags: list[dict[str, Any]] | None = None,
           looked_after: list[dict[str, Any]] | None = None) -> list[HouseholdDebts]:
    debts = [
        # H1: two adults, three debts to three creditors, one with an arrangement.
        _debt("ctax_recovery", "C1", "P1", "700.50", days=400, stage="liability_order"),
        _debt("sundry_debts", "S1", "P2", "99.50"),
        _debt(HA, "H1", "P1", "1200.00", arrangement=("7.00", "weekly")),
        # H2: two debts, one creditor: not in the queue however much is owed.
        _debt("ctax_recovery", "C2", "P3", "5000.00", stage="enforcement_agent"),
        _debt("ctax_recovery", "C3", "P3", "10.00"),
        # H3: two creditors, less owed than H1.
        _debt("ctax_recovery", "C4", "P4", "50.00"),
        _debt(HA, "H2", "P4", "60.00"),
        # A debtor the data places in no household, and an unlinked record.
        _debt("sundry_debts", "S2", "P9", "20.00"),
        _debt("sundry_debts", "S3", None, "30.00"),
    ]
    stays = [_stay("P1", "H1"), _stay("P2", "H1"), _stay("P3", "H2"), _stay("P4", "H3")]
    residents = [_resident("H1", p) for p in ("P1", "P2", "K1")] + [
        _resident("H2", "P3"), _resident("H3", "P4")]
    names = [_name("P1", "Ann"), _name("P2", "Bob"), _name("P3", "Cy"), _name("P4", "Di"),
             _name("P9", "Ed")]
    return assemble(debts, stays, residents, flags or [], looked_after or [], names, on=ON,
                    settings=SETTINGS)


def test_totals_per_person_and_household() -> None:
    h1 = find_household(_world(), "H1")
    assert h1.total == 2000.00
    by = {p.person_id: p for p in h1.people}
    assert by["P1"].total == 1900.50 and by["P2"].total == 99.50
    assert [d.debt_id for d in by["P1"].debts] == ["H1", "C1"]  # largest first
    assert h1.arrangements == 1 and h1.oldest_days == 400 and not h1.enforcement
    line = next(d for d in h1.debts if d.debt_id == "H1")
    assert line.arrangement == "£7.00 weekly since 1 May 2026"
    assert next(d for d in h1.debts if d.debt_id == "C1").stage_label == (
        "Liability order or county court judgment")
    assert find_household(_world(), "H2").enforcement


def test_the_queue_is_households_owing_more_than_one_creditor_most_first() -> None:
    households = _world()
    waiting = queue(households)
    assert [h.key for h in waiting] == ["H1", "H3"]
    assert [h.rank for h in waiting] == [1, 2]
    assert find_household(households, "H1").creditor_count == 3
    assert find_household(households, "H2").rank == 0  # one creditor, however much
    assert households[0].key == "H1"


def test_debtors_outside_any_household_stand_alone() -> None:
    keys = {h.key for h in _world()}
    assert "P-P9" in keys and "P-sundry_debts:R-S3" in keys
    alone = find_household(_world(), "P-P9")
    assert alone.household_id is None and alone.address is None and alone.total == 20.0
    with pytest.raises(JoinedUpError, match="views debt list"):
        find_household(_world(), "H404")


def test_flags_reach_the_household_from_anyone_living_there() -> None:
    flags = [{"person_id": "K1", "service": "childrens_social_care"},
             {"person_id": "P2", "service": "adult_social_care"},
             {"person_id": "P2", "service": "early_help"},
             {"person_id": "P3", "service": "police"}]  # not a flag service: ignored
    households = _world(flags)
    h1 = find_household(households, "H1")
    assert h1.flags == ("adult_social_care", "childrens_social_care", "early_help")
    by = {p.person_id: p for p in h1.people}
    assert by["P2"].flags == ("adult_social_care", "early_help") and by["P1"].flags == ()
    assert find_household(households, "H2").flags == ()


def test_flags_carry_no_details() -> None:
    flags = [{"person_id": "P1", "service": "childrens_social_care", "worker_name": "Jo Bloggs",
              "team": "CIN team", "detail": "section 47"}]
    h1 = find_household(_world(flags), "H1")
    text = repr(h1.as_dict())
    for secret in ("Jo Bloggs", "CIN team", "section 47"):
        assert secret not in text
    assert set(h1.flags) <= set(FLAG_LABELS)


@pytest.mark.parametrize(("dob", "last_day", "expected"), [
    (dt.date(2006, 3, 1), dt.date(2023, 6, 1), True),  # 20 now, in care at 17
    (dt.date(2006, 3, 1), dt.date(2018, 6, 1), False),  # left care at 12
    (dt.date(1996, 3, 1), dt.date(2013, 6, 1), False),  # 30 now: past care leaver age
    (dt.date(2010, 3, 1), dt.date(2026, 6, 1), False),  # 16 now: still a child
    (None, dt.date(2023, 6, 1), False),  # age unknown
])
def test_care_leavers(dob: dt.date | None, last_day: dt.date, expected: bool) -> None:
    found = person_flags([], [{"person_id": "P1", "dob": dob, "last_day": last_day}], ON,
                         SETTINGS)
    assert ("care_leaver" in found.get("P1", ())) is expected


def test_revenues_officers_see_everything_with_flags_by_kind() -> None:
    households = _world([{"person_id": "P1", "service": "adult_social_care"}])
    assert scoped(households, REVENUES) == households


def test_a_partner_sees_only_households_owing_it_and_only_its_own_debts() -> None:
    households = _world([{"person_id": "P2", "service": "adult_social_care"}])
    mine = scoped(households, partner_scope(HA))
    assert [h.key for h in mine] == ["H1", "H3"]
    assert [h.rank for h in mine] == [1, 2]
    h1 = find_household(mine, "H1")
    assert [d.debt_id for d in h1.debts] == ["H1"]
    assert {d.source for h in mine for d in h.debts} == {HA}
    assert [p.person_id for p in h1.people] == ["P1"]  # Bob owes the association nothing
    assert h1.total == 1200.0 and h1.creditor_count == 3 and h1.other_creditors == 2
    assert h1.creditors == ("Pennine Vale Housing Association",)
    # One combined flag, never which service, and none per person.
    assert h1.flags == ("vulnerability",)
    assert all(p.flags == () for h in mine for p in h.people)
    assert find_household(mine, "H3").flags == ()
    with pytest.raises(JoinedUpError):
        find_household(mine, "H2")


def test_a_partners_queue_is_ordered_on_what_it_may_see() -> None:
    # H3 owes the partner more than H1 does, but far less to everyone: the partner's order
    # follows its own balances among households with the same number of creditors.
    debts_h1 = [_debt("ctax_recovery", "C1", "P1", "9000.00"), _debt(HA, "H1", "P1", "10.00")]
    debts_h3 = [_debt("ctax_recovery", "C4", "P4", "1.00"), _debt(HA, "H2", "P4", "500.00")]
    households = assemble(debts_h1 + debts_h3, [_stay("P1", "H1"), _stay("P4", "H3")], [], [],
                          [], [_name("P1", "Ann"), _name("P4", "Di")], on=ON, settings=SETTINGS)
    assert [h.key for h in queue(households)] == ["H1", "H3"]
    mine = scoped(households, partner_scope(HA))
    assert [(h.key, h.rank) for h in mine] == [("H3", 1), ("H1", 2)]


def test_csv_rows_are_the_listed_households() -> None:
    households = queue(_world([{"person_id": "P2", "service": "early_help"}]))
    rows = csv_rows(households)
    assert [r["household"] for r in rows] == ["H1", "H3"]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["total"] == "2000.00" and rows[0]["creditor_count"] == "3"
    assert rows[0]["flags"] == "Receiving early help"
    assert "Ann Shaw: Pennine Vale Housing Association £1200.00" in rows[0]["debts"]
    partner = csv_rows(scoped(households, partner_scope(HA)))
    assert "Council tax" not in repr(partner) and "Bob" not in repr(partner)


def test_a_zero_or_credit_balance_is_not_a_debt_of_the_view() -> None:
    # The query keeps only balances above zero; the view must not invent a total from none.
    empty = assemble([], [], [], [], [], [], on=ON, settings=SETTINGS)
    assert empty == [] and queue(empty) == []
    one = dataclasses.replace(_world()[0], people=())
    assert one.debts == ()


def test_the_cli_csv_never_runs_as_a_formula(tmp_path: Any) -> None:
    from joinedup.commands.debt_views import _write_csv

    hostile = _world()
    h1 = find_household(hostile, "H1")
    person = dataclasses.replace(h1.people[0], name="=HYPERLINK(\"http://x\")")
    h1 = dataclasses.replace(h1, people=(person, *h1.people[1:]), address="@SUM(A1)")
    path = tmp_path / "q.csv"
    _write_csv([h1], path)
    text = path.read_text(encoding="utf-8")
    assert "'@SUM(A1)" in text and ",@SUM" not in text


def test_each_debt_shows_its_arrangement_and_whether_it_is_kept() -> None:
    debts = [_debt("ctax_recovery", "C1", "P1", "300.00", arrangement=("25.00", "monthly"),
                   status="missed"),
             _debt(HA, "H1", "P1", "600.00", arrangement=("7.50", "weekly"), status="broken"),
             _debt("sundry_debts", "S1", "P1", "40.00", arrangement=("5.00", "fortnightly"),
                   status=None),
             _debt("sundry_debts", "S2", "P1", "10.00")]
    [h] = assemble(debts, [_stay("P1", "H1")], [], [], [], [_name("P1", "Ann")], on=ON,
                   settings=SETTINGS)
    by = {d.debt_id: d for d in h.debts}
    missed, broken, unknown, none = by["C1"], by["H1"], by["S1"], by["S2"]
    assert missed.arrangement == "£25.00 monthly since 1 May 2026"
    assert (missed.arrangement_amount, missed.arrangement_frequency,
            missed.arrangement_start) == (25.0, "monthly", dt.date(2026, 5, 1))
    assert (missed.arrangement_status, missed.arrangement_status_label) == (
        "missed", "Payments missed")
    assert broken.arrangement_status_label == "Broken: recovery resumed"
    assert unknown.arrangement_status is None and unknown.arrangement_in_place
    assert none.arrangement is None and none.arrangement_status is None
    assert none.arrangement_amount is None and not none.arrangement_in_place
    # In place: made and not broken.
    assert h.arrangements == 2
    [row] = csv_rows([h])
    assert ("Pennine Vale Housing Association £600.00 (Reminder sent, arrangement £7.50 "
            "weekly since 1 May 2026, broken: recovery resumed)") in row["debts"]


def test_one_csv_row_per_debt_with_its_arrangement() -> None:
    from joinedup.views.debt_export import DEBT_CSV_COLUMNS, debt_csv_rows

    households = queue(_world([{"person_id": "P2", "service": "early_help"}]))
    rows = debt_csv_rows(households)
    assert [(r["household"], r["debt_id"]) for r in rows] == [
        ("H1", "H1"), ("H1", "C1"), ("H1", "S1"), ("H3", "H2"), ("H3", "C4")]
    assert all(tuple(r) == DEBT_CSV_COLUMNS for r in rows)
    arranged = rows[0]
    assert (arranged["arrangement_amount"], arranged["arrangement_frequency"],
            arranged["arrangement_start"], arranged["arrangement_status"]) == (
        "7.00", "weekly", "2026-05-01", "kept")
    assert rows[1]["arrangement_amount"] == "" and rows[1]["arrangement_status"] == ""
    assert arranged["household_flags"] == "Receiving early help"
    assert arranged["balance"] == "1200.00" and arranged["household_total"] == "2000.00"
    partner = debt_csv_rows(scoped(households, partner_scope(HA)))
    assert {r["creditor"] for r in partner} == {"Pennine Vale Housing Association"}
    assert {r["household_flags"] for r in partner} <= {
        "", FLAG_LABELS["vulnerability"]}


def test_a_persons_debts_are_their_own_with_their_household() -> None:
    from joinedup.views.debt_person import UnknownDebtor, find_debtor

    households = _world([{"person_id": "K1", "service": "childrens_social_care"},
                         {"person_id": "P1", "service": "early_help"}])
    ann = find_debtor(households, "P1")
    assert ann.person.name == "Ann Shaw" and ann.person.age == 46
    assert [d.debt_id for d in ann.debts] == ["H1", "C1"]  # largest first; not Bob's S1
    assert ann.person.total == 1900.50 and ann.household.total == 2000.00
    assert ann.creditors == ("Council tax recovery team", "Pennine Vale Housing Association")
    assert ann.arrangements == 1 and ann.oldest_days == 400 and not ann.enforcement
    assert ann.person.flags == ("early_help",)
    # The household's flags come from anyone living there (K1, a child, owes nothing).
    assert ann.household.flags == ("childrens_social_care", "early_help")
    assert [p.person_id for p in ann.others] == ["P2"]
    assert find_debtor(households, "P3").enforcement
    alone = find_debtor(households, "P9")
    assert alone.household.key == "P-P9" and alone.others == ()
    assert find_debtor(households, "sundry_debts:R-S3").person.total == 30.0
    with pytest.raises(UnknownDebtor, match="views debt list"):
        find_debtor(households, "K1")  # lives there, owes nothing: no debt page


def test_a_partner_finds_only_its_debtors_and_only_its_debts() -> None:
    from joinedup.views.debt_person import find_debtor

    households = _world([{"person_id": "P1", "service": "adult_social_care"}])
    mine = scoped(households, partner_scope(HA))
    ann = find_debtor(mine, "P1")
    assert [d.debt_id for d in ann.debts] == ["H1"] and ann.person.total == 1200.0
    assert ann.person.flags == () and ann.household.flags == ("vulnerability",)
    assert ann.others == ()  # Bob owes the association nothing: not shown to it
    for outside in ("P2", "P3", "P9"):  # Bob, a household owing it nothing, a non-tenant
        with pytest.raises(JoinedUpError):
            find_debtor(mine, outside)


def test_a_persons_csv_is_their_rows_of_the_per_debt_csv() -> None:
    from joinedup.views.debt_export import DEBT_CSV_COLUMNS, debt_csv_rows
    from joinedup.views.debt_person import debtor_csv_rows, find_debtor

    households = _world([{"person_id": "P2", "service": "early_help"}])
    rows = debtor_csv_rows(find_debtor(households, "P1"))
    everyone = [r for r in debt_csv_rows(households) if r["person_id"] == "P1"]
    assert rows == everyone and [r["debt_id"] for r in rows] == ["H1", "C1"]
    assert all(tuple(r) == DEBT_CSV_COLUMNS for r in rows)
    assert rows[0]["household_total"] == "2000.00"
    assert rows[0]["household_flags"] == "Receiving early help"
    partner = debtor_csv_rows(find_debtor(scoped(households, partner_scope(HA)), "P1"))
    assert [r["debt_id"] for r in partner] == ["H1"]
