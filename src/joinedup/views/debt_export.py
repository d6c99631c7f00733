"""The one view of debt as one CSV row per debt: every debt with its creditor, balance, age,
recovery stage and arrangement (instalment, frequency, start and whether it is being kept),
for a recovery team's own system or a spreadsheet. Flags are the household's, as labels:
flags only, never details.

Rows come from the households a user's scope leaves (`joinedup.views.debt.scoped`), so a
partner's file holds only its own debts, like its page.
"""

from __future__ import annotations

from collections.abc import Sequence

from joinedup.views.debt import FLAG_LABELS, HouseholdDebts

DEBT_CSV_COLUMNS = (
    "rank", "household", "address", "postcode", "person_id", "name", "creditor", "debt_id",
    "debt_type", "balance", "raised_date", "age_days", "recovery_stage",
    "arrangement_amount", "arrangement_frequency", "arrangement_start",
    "arrangement_status", "household_total", "household_flags")


def debt_csv_rows(households: Sequence[HouseholdDebts]) -> list[dict[str, str]]:
    """One row per debt, in the households' order and each person's debts largest first."""
    rows = []
    for h in households:
        flags = "; ".join(FLAG_LABELS[f] for f in h.flags)
        for p in h.people:
            for d in p.debts:
                rows.append({
                    "rank": str(h.rank or ""), "household": h.key, "address": h.address or "",
                    "postcode": h.postcode or "", "person_id": p.person_id, "name": p.name,
                    "creditor": d.creditor, "debt_id": d.debt_id,
                    "debt_type": d.debt_type_label, "balance": f"{d.balance:.2f}",
                    "raised_date": d.raised_date.isoformat(), "age_days": str(d.age_days),
                    "recovery_stage": d.stage_label or "",
                    "arrangement_amount": (f"{d.arrangement_amount:.2f}"
                                           if d.arrangement_amount is not None else ""),
                    "arrangement_frequency": d.arrangement_frequency or "",
                    "arrangement_start": (d.arrangement_start.isoformat()
                                          if d.arrangement_start else ""),
                    "arrangement_status": d.arrangement_status or "",
                    "household_total": f"{h.total:.2f}", "household_flags": flags,
                })
    return rows
