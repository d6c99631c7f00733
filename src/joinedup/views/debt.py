"""One view of debt: every debt a person and their household owe, across creditors, with the
vulnerability flags that should change how it is recovered, and a queue of households that
owe more than one creditor, for one affordable arrangement instead of several.

A debt belongs to the person its debtor record is linked to (the person index) and, through
them, to the household they live in on the view date (households). A household's creditors
are the distinct creditors of its debts: the council's recovery teams count separately,
because each runs its own recovery and its own arrangements today.

Vulnerability flags are facts of the form "someone here is known to ...": an open
involvement with adult or children's social care or early help, or a care leaver (looked after
until 16 or later and now 18 to 25, Children Act 1989 section 23C). They are worked out from
the person index by queries that return the flag and nothing else, so no detail of any
involvement ever reaches this module, let alone a page.

Who sees what (`DebtScope`): revenues officers see every debt and the flags by kind; a
partner (a housing association) sees only the households that owe it, only its own debts,
how many other creditors there are (not who), and one combined flag that says "take care"
without saying why. The web app and the CLI apply the scope; this module defines it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import duckdb

from joinedup.errors import JoinedUpError
from joinedup.model.codes import (
    ARRANGEMENT_STATUSES,
    DEBT_TYPES,
    PAYMENT_FREQUENCIES,
    RECOVERY_STAGES,
)
from joinedup.views import queries
from joinedup.views.common import AsDict, age_on, name_of

Row = Mapping[str, Any]
Flag = Literal["adult_social_care", "childrens_social_care", "early_help", "care_leaver",
               "vulnerability"]
FLAG_LABELS: dict[str, str] = {
    "adult_social_care": "Known to adult social care",
    "childrens_social_care": "Known to children's social care",
    "early_help": "Receiving early help",
    "care_leaver": "Care leaver",
    # The one flag a partner sees: that recovery needs care, not why.
    "vulnerability": "Vulnerability known to the council: check before taking recovery action",
}
FlagDetail = Literal["by_kind", "combined", "none"]


class UnknownHousehold(JoinedUpError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no household {key!r} owes anything in the current snapshot (or it "
                         "is outside what you may see): check the key with `joinedup views "
                         "debt list --all`.")
        self.key = key


@dataclass(frozen=True, slots=True)
class DebtSettings:
    """Which services give which flag, and what counts as a care leaver."""

    flag_services: tuple[str, ...] = ("adult_social_care", "childrens_social_care",
                                      "early_help")
    # Year-end statutory returns list episodes "open" at the year end that may have closed
    # since; only the live systems say who is known now.
    snapshot_sources: tuple[str, ...] = ("cin_census", "ssda903")
    looked_after_event: str = "cla_episode"
    care_leaver_ages: tuple[int, int] = (18, 25)
    looked_after_from_age: int = 16


@dataclass(frozen=True, slots=True)
class DebtScope:
    """What one user may see. `creditor_source`: only households owing this source, and only
    its debts (a partner); None: every debt (the council's revenues officers)."""

    creditor_source: str | None = None
    flags: FlagDetail = "by_kind"

    @property
    def partner(self) -> bool:
        return self.creditor_source is not None


REVENUES = DebtScope()


def partner_scope(source: str) -> DebtScope:
    return DebtScope(creditor_source=source, flags="combined")


@dataclass(frozen=True, slots=True)
class DebtLine(AsDict):
    source: str
    debt_id: str
    debt_type: str
    debt_type_label: str
    creditor: str
    person_id: str | None
    balance: float
    raised_date: dt.date
    age_days: int
    recovery_stage: str | None
    stage_label: str | None
    arrangement: str | None  # "£25.00 monthly since 1 May 2026"
    match_confidence: float | None
    arrangement_amount: float | None = None
    arrangement_frequency: str | None = None  # a PAYMENT_FREQUENCIES code
    arrangement_start: dt.date | None = None
    arrangement_status: str | None = None  # an ARRANGEMENT_STATUSES code, None: not recorded
    arrangement_status_label: str | None = None

    @property
    def arrangement_in_place(self) -> bool:
        """An arrangement that has not been broken (kept, behind, or of unknown status)."""
        return self.arrangement is not None and self.arrangement_status != "broken"


@dataclass(frozen=True, slots=True)
class PersonDebts(AsDict):
    person_id: str
    name: str
    age: int | None
    flags: tuple[str, ...]
    debts: tuple[DebtLine, ...]
    total: float


@dataclass(frozen=True, slots=True)
class HouseholdDebts(AsDict):
    key: str  # the household id, or "P-<person id>" for a debtor in no known household
    household_id: str | None
    address: str | None
    postcode: str | None
    people: tuple[PersonDebts, ...]
    flags: tuple[str, ...]  # anyone living there, debtor or not (a child known to care)
    creditors: tuple[str, ...]  # the creditors shown
    creditor_count: int  # all of the household's creditors, shown or not
    total: float
    oldest_days: int
    arrangements: int  # in place: made and not broken
    enforcement: bool  # a debt is with enforcement agents
    rank: int = 0  # in the queue of households owing more than one creditor

    @property
    def other_creditors(self) -> int:
        return self.creditor_count - len(self.creditors)

    @property
    def debts(self) -> tuple[DebtLine, ...]:
        return tuple(d for p in self.people for d in p.debts)


def debt_view(con: duckdb.DuckDBPyConnection, *, on: dt.date | None = None,
              settings: DebtSettings | None = None) -> list[HouseholdDebts]:
    """Every household (or unplaced debtor) owing something on `on`, most creditors and then
    most owed first; the unscoped view, for `scoped` to cut down per user."""
    settings = settings or DebtSettings()
    queries.require_linked(con)
    on = on or queries.reference_date(con)
    debts = queries.debts_owed(con, on)
    debtors = sorted({str(d["person_id"]) for d in debts if d["person_id"]})
    stays = queries.stays_of(con, debtors, on)
    households = sorted({str(s["household_id"]) for s in stays if not s["communal"]})
    residents = queries.residents_of(con, households, on)
    everyone = sorted({str(r["person_id"]) for r in residents} | set(debtors))
    flags = queries.open_service_flags(con, everyone, list(settings.flag_services),
                                       list(settings.snapshot_sources), on)
    looked_after = queries.last_looked_after(con, everyone, settings.looked_after_event, on)
    names = queries.people(con, debtors)
    return assemble(debts, stays, residents, flags, looked_after, names, on=on,
                    settings=settings)


def assemble(debts: Sequence[Row], stays: Sequence[Row], residents: Sequence[Row],
             flags: Sequence[Row], looked_after: Sequence[Row], names: Sequence[Row], *,
             on: dt.date, settings: DebtSettings) -> list[HouseholdDebts]:
    """Pure: the households from the query rows, ranked."""
    flags_of = person_flags(flags, looked_after, on, settings)
    stay_of = _stay_by_person(stays, {str(d["source"]) for d in debts})
    name_by = {str(n["person_id"]): n for n in names}
    at_home: dict[str, set[str]] = defaultdict(set)
    for r in residents:
        at_home[str(r["household_id"])].add(str(r["person_id"]))
    grouped: dict[str, dict[str, list[DebtLine]]] = defaultdict(lambda: defaultdict(list))
    homes: dict[str, Row | None] = {}
    for row in debts:
        line = _line(row, on)
        who = line.person_id or f"{line.source}:{row['source_record_id']}"
        stay = stay_of.get(who)
        key = str(stay["household_id"]) if stay else f"P-{who}"
        homes.setdefault(key, stay)
        grouped[key][who].append(line)
    out = []
    for key, by_person in grouped.items():
        stay = homes[key]
        people = tuple(sorted(
            (_person(who, lines, name_by.get(who, {}), flags_of.get(who, ()), on)
             for who, lines in by_person.items()), key=lambda p: (-p.total, p.person_id)))
        members = at_home.get(key, set()) | set(by_person)
        house_flags = _ordered({f for m in members for f in flags_of.get(m, ())})
        out.append(household_debts(key, stay, people, house_flags))
    return rank(out)


def person_flags(flags: Iterable[Row], looked_after: Iterable[Row], on: dt.date,
                 settings: DebtSettings) -> dict[str, tuple[str, ...]]:
    """Each person's flags: the services they are known to now, and care leaver."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in flags:
        if row["service"] in settings.flag_services:
            found[str(row["person_id"])].add(str(row["service"]))
    low, high = settings.care_leaver_ages
    for row in looked_after:
        dob, last = row.get("dob"), row.get("last_day")
        age = age_on(dob, on)
        if age is None or not low <= age <= high or not isinstance(last, dt.date):
            continue
        if age_on(dob, last) is not None and (age_on(dob, last) or 0) >= \
                settings.looked_after_from_age:
            found[str(row["person_id"])].add("care_leaver")
    return {p: _ordered(f) for p, f in found.items()}


def _ordered(flags: Iterable[str]) -> tuple[str, ...]:
    return tuple(f for f in FLAG_LABELS if f in set(flags))


def _stay_by_person(stays: Sequence[Row], debt_sources: set[str]) -> dict[str, Row]:
    """The household each debtor lives in: of several, one a debt's source places them in."""
    by: dict[str, list[Row]] = defaultdict(list)
    for s in stays:
        if not s["communal"]:
            by[str(s["person_id"])].append(s)
    chosen = {}
    for person, mine in by.items():
        placed = [s for s in mine if debt_sources & set(s["sources"] or ())]
        chosen[person] = (placed or mine)[0]
    return chosen


def _money(value: Any) -> float:
    return round(float(value), 2) if isinstance(value, (int, float, Decimal)) else 0.0


def _line(row: Row, on: dt.date) -> DebtLine:
    raised = row["raised_date"]
    stage = row.get("recovery_stage") or None
    amount, freq, since = (row.get("arrangement_amount"), row.get("arrangement_frequency"),
                           row.get("arrangement_start"))
    arrangement = None
    status = str(row.get("arrangement_status") or "") or None
    if amount is not None:
        arrangement = f"£{_money(amount):,.2f} {PAYMENT_FREQUENCIES.get(str(freq), '').lower()}"
        arrangement = arrangement.strip() + (f" since {since:%-d %B %Y}"
                                             if isinstance(since, dt.date) else "")
    prob = row.get("match_probability")
    return DebtLine(
        source=str(row["source"]), debt_id=str(row["debt_id"]),
        debt_type=str(row["debt_type"]),
        debt_type_label=DEBT_TYPES.get(str(row["debt_type"]), str(row["debt_type"])),
        creditor=str(row["creditor"]),
        person_id=str(row["person_id"]) if row.get("person_id") else None,
        balance=_money(row["balance"]), raised_date=raised, age_days=(on - raised).days,
        recovery_stage=stage, stage_label=RECOVERY_STAGES.get(stage) if stage else None,
        arrangement=arrangement,
        match_confidence=round(float(prob), 4) if prob is not None else None,
        arrangement_amount=_money(amount) if amount is not None else None,
        arrangement_frequency=str(freq) if amount is not None and freq else None,
        arrangement_start=since if amount is not None and isinstance(since, dt.date) else None,
        arrangement_status=status if amount is not None else None,
        arrangement_status_label=(ARRANGEMENT_STATUSES.get(status) if amount is not None
                                  and status else None))


def _person(who: str, lines: list[DebtLine], name: Row, flags: tuple[str, ...],
            on: dt.date) -> PersonDebts:
    lines = sorted(lines, key=lambda d: (-d.balance, d.source, d.debt_id))
    return PersonDebts(
        person_id=who, name=name_of(name.get("first_name"), name.get("surname")),
        age=age_on(name.get("dob"), on), flags=flags, debts=tuple(lines),
        total=round(sum(d.balance for d in lines), 2))


def household_debts(key: str, stay: Row | None, people: tuple[PersonDebts, ...],
                    flags: tuple[str, ...], creditor_count: int | None = None
                    ) -> HouseholdDebts:
    """One entry of the view: `people`'s debts summed up (creditors, total, oldest, arrangements,
    enforcement), at the address of `stay` if any."""
    lines = [d for p in people for d in p.debts]
    creditors = tuple(sorted({d.creditor for d in lines}))
    return HouseholdDebts(
        key=key, household_id=str(stay["household_id"]) if stay else None,
        address=stay["address"] if stay else None, postcode=stay["postcode"] if stay else None,
        people=people, flags=flags, creditors=creditors,
        creditor_count=len(creditors) if creditor_count is None else creditor_count,
        total=round(sum(d.balance for d in lines), 2),
        oldest_days=max((d.age_days for d in lines), default=0),
        arrangements=sum(1 for d in lines if d.arrangement_in_place),
        enforcement=any(d.recovery_stage == "enforcement_agent" for d in lines))


def rank(households: Iterable[HouseholdDebts]) -> list[HouseholdDebts]:
    """Most creditors first (the most to gain from one arrangement), then most owed; the
    rank is the place in the queue, 0 for a household owing one creditor."""
    ordered = sorted(households, key=lambda h: (-h.creditor_count, -h.total, h.key))
    out, place = [], 0
    for h in ordered:
        if h.creditor_count > 1:
            place += 1
        out.append(dataclasses.replace(h, rank=place if h.creditor_count > 1 else 0))
    return out


def queue(households: Iterable[HouseholdDebts]) -> list[HouseholdDebts]:
    """The households owing more than one creditor, in queue order."""
    return [h for h in households if h.creditor_count > 1]


def scoped(households: Iterable[HouseholdDebts], scope: DebtScope) -> list[HouseholdDebts]:
    """What a user with this scope may see of the view (see the module docstring)."""
    out = []
    for h in households:
        shown = h if scope.creditor_source is None else _partner_cut(h, scope.creditor_source)
        if shown is not None:
            out.append(_with_flags(shown, scope.flags))
    # A partner's queue is ranked on what it may see (creditor count, its own balances): the
    # council's order would hint at what the household owes others.
    return rank(out) if scope.partner else out


def _partner_cut(h: HouseholdDebts, source: str) -> HouseholdDebts | None:
    people = []
    for p in h.people:
        mine = tuple(d for d in p.debts if d.source == source)
        if mine:
            people.append(dataclasses.replace(p, debts=mine,
                                              total=round(sum(d.balance for d in mine), 2)))
    if not people:
        return None
    stay = {"household_id": h.household_id, "address": h.address, "postcode": h.postcode}
    return household_debts(h.key, stay if h.household_id else None, tuple(people), h.flags,
                      creditor_count=h.creditor_count)


def _with_flags(h: HouseholdDebts, detail: FlagDetail) -> HouseholdDebts:
    if detail == "by_kind":
        return h
    combined: tuple[str, ...] = ("vulnerability",) if detail == "combined" and h.flags else ()
    people = tuple(dataclasses.replace(p, flags=()) for p in h.people)
    return dataclasses.replace(h, people=people, flags=combined)


def find_household(households: Sequence[HouseholdDebts], key: str) -> HouseholdDebts:
    found = next((h for h in households if h.key == key), None)
    if found is None:
        raise UnknownHousehold(key)
    return found


CSV_COLUMNS = ("rank", "household", "address", "postcode", "creditors", "creditor_count",
               "total", "oldest_days", "arrangements", "enforcement", "flags", "debts")


def csv_rows(households: Sequence[HouseholdDebts]) -> list[dict[str, str]]:
    """One row per household, as text: flag labels, and each debt as "name: creditor
    £balance (stage, arrangement ..., its status)" joined by semicolons."""
    rows = []
    for h in households:
        rows.append({
            "rank": str(h.rank or ""), "household": h.key, "address": h.address or "",
            "postcode": h.postcode or "", "creditors": "; ".join(h.creditors),
            "creditor_count": str(h.creditor_count), "total": f"{h.total:.2f}",
            "oldest_days": str(h.oldest_days), "arrangements": str(h.arrangements),
            "enforcement": "yes" if h.enforcement else "no",
            "flags": "; ".join(FLAG_LABELS[f] for f in h.flags),
            "debts": "; ".join(
                f"{p.name}: {d.creditor} £{d.balance:.2f} ({d.stage_label or 'no stage'}"
                f"{_arrangement_text(d)})"
                for p in h.people for d in p.debts)})
    return rows


def _arrangement_text(d: DebtLine) -> str:
    if not d.arrangement:
        return ""
    status = f", {d.arrangement_status_label.lower()}" if d.arrangement_status_label else ""
    return f", arrangement {d.arrangement}{status}"
