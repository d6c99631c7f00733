"""One person's debts: the person view of the one view of debt. Every debt the person owes,
with its creditor, balance, age, recovery stage and arrangement, their total, their flags
and the household they live in (whose flags matter to recovery too).

A person is found in the households a user's scope leaves (`joinedup.views.debt.scoped`),
so a partner finds only a tenant who owes it something, and sees only those debts and the
one combined flag, exactly as on the household page. Each debtor belongs to one household
entry of the view (or stands alone), so a person has one place to be found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from joinedup.errors import JoinedUpError
from joinedup.views.common import AsDict
from joinedup.views.debt import DebtLine, HouseholdDebts, PersonDebts, household_debts
from joinedup.views.debt_export import debt_csv_rows


class UnknownDebtor(JoinedUpError):
    def __init__(self, person_id: str) -> None:
        super().__init__(f"no debtor {person_id!r} owes anything in the current snapshot (or "
                         "they are outside what you may see): check the id with `joinedup "
                         "views debt list --all --per-debt --csv -`.")
        self.person_id = person_id


@dataclass(frozen=True, slots=True)
class DebtorDebts(AsDict):
    """A person's debts, and the household entry they belong to (as the scope shows it)."""

    person: PersonDebts
    household: HouseholdDebts

    @property
    def debts(self) -> tuple[DebtLine, ...]:
        return self.person.debts

    @property
    def own(self) -> HouseholdDebts:
        """The person's debts summed up as the view sums up a household's."""
        return household_debts(self.household.key, None, (self.person,), ())

    @property
    def creditors(self) -> tuple[str, ...]:
        return self.own.creditors

    @property
    def arrangements(self) -> int:
        """Arrangements in place (made and not broken)."""
        return self.own.arrangements

    @property
    def oldest_days(self) -> int:
        return self.own.oldest_days

    @property
    def enforcement(self) -> bool:
        return self.own.enforcement

    @property
    def others(self) -> tuple[PersonDebts, ...]:
        """The other people of the household who owe something (as the scope shows it)."""
        return tuple(p for p in self.household.people
                     if p.person_id != self.person.person_id)


def find_debtor(households: Sequence[HouseholdDebts], person_id: str) -> DebtorDebts:
    for h in households:
        for p in h.people:
            if p.person_id == person_id:
                return DebtorDebts(person=p, household=h)
    raise UnknownDebtor(person_id)


def debtor_csv_rows(debtor: DebtorDebts) -> list[dict[str, str]]:
    """The person's debts as the per-debt CSV (`debt_export.DEBT_CSV_COLUMNS`): one row per
    debt, with their household's key, address, total and flags."""
    return debt_csv_rows([dataclasses.replace(debtor.household, people=(debtor.person,))])
