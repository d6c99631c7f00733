"""The debt extracts behind the one view of debt: council tax arrears, housing benefit
overpayments and sundry debts from the council's revenues and benefits systems, business rates
arrears of sole traders (a company's debt is not a person's, so the extract holds sole
traders only), and a housing association's rent accounts, sent as a partner's extract under
its own data sharing agreement.

Who owes what is drawn per household on the extract date. Debt clusters: a household in
hardship (more likely in a deprived area) is much more likely to owe several creditors at once,
which is what makes a single affordable arrangement worth offering. The rates are
parameters (`RATES`); with them about one household in eight owes something and about one in
five of those owes more than one creditor. That is set to be of the order of the share of UK
adults the Financial Conduct Authority's Financial Lives survey finds behind on domestic bills
or credit commitments (roughly one in ten); check the survey's exact figure before quoting it.

Each source has its own file layout, date format and recovery codes, as real systems do, and
its own random stream, so adding the debts leaves every other extract byte-identical. A few
rows are broken the way real extracts are (an impossible date, a balance of "TBC") and are
quarantined by the ingest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.synth import mapping_yaml as my
from joinedup.synth.addresses import PRIVATE_RENT, SOCIAL_RENT
from joinedup.synth.noise import ascii_upper
from joinedup.synth.output import Output, fmt_dates, invalidate_dates
from joinedup.synth.quality import _profile
from joinedup.synth.records import World, render
from joinedup.synth.timeline import YEAR

HA_SOURCE = "ha_pennine_vale"
HA_NAME = "Pennine Vale Housing Association"
HA_AGREEMENT = {
    "organisation": HA_NAME, "reference": "DSA-2026-014", "signed": "2026-04-01",
    "review_by": "2027-03-31",
    "purpose": "A single affordable arrangement for tenants who owe the council and the "
               "association, and recovery that takes account of vulnerability.",
    "legal_basis": "UK GDPR Article 6(1)(e) for the council and 6(1)(f) for the association; "
                   "Local Government Act 1972 section 111; the agreement's schedule 2 limits "
                   "the association to its own tenants.",
}
# A third of the borough's social rented homes are the association's stock.
HA_STOCK_SHARE = 3

# P(debt) in a household in hardship and in one not; hardship itself is more likely in a
# deprived area: 0.04 + 0.16 * deprivation.
RATES: dict[str, tuple[float, float]] = {
    "council_tax": (0.60, 0.030), "hb": (0.22, 0.006), "sundry": (0.20, 0.012),
    "rates": (0.30, 0.050), "rent": (0.65, 0.180)}
SOLE_TRADER_SHARE = 0.05  # of 25 to 64 year old household leads, with rated premises
INVALID_SHARE = 0.006  # rows broken beyond loading (impossible date, "TBC" balance)


@dataclass(frozen=True)
class DebtSource:
    name: str
    folder: str
    system: str
    service: str
    debt_type: str
    creditor: str
    date_format: str
    median: float  # median balance in pounds
    stages: dict[str, str]  # the system's own stage codes -> the model's
    prefix: str


SOURCES = (
    DebtSource("ctax_recovery", "revenues", "Council tax recovery (revenues system extract)",
               "council_tax", "council_tax_arrears", "Council tax recovery team", "%d-%b-%Y",
               720.0, {"REM1": "reminder", "FIN": "final_notice", "SUMM": "court_action",
                       "LO": "liability_order", "AEO": "deduction", "EA": "enforcement_agent",
                       "HOLD": "on_hold"}, "CTR"),
    DebtSource("hb_overpayments", "revenues", "Housing benefit overpayments (benefits system)",
               "revenues_and_benefits", "housing_benefit_overpayment",
               "Benefits overpayment recovery team", "%d/%m/%Y", 1150.0,
               {"INV": "reminder", "REM": "final_notice", "DEDN": "deduction",
                "CCJ": "liability_order", "SUSP": "on_hold"}, "OP"),
    DebtSource("sundry_debts", "revenues", "Sundry debtors ledger (finance system)",
               "revenues_and_benefits", "sundry_debt", "Sundry debt recovery team", "%Y-%m-%d",
               260.0, {"R1": "reminder", "R2": "final_notice", "LBA": "court_action",
                       "CCJ": "liability_order", "EA": "enforcement_agent",
                       "HOLD": "on_hold"}, "SD"),
    DebtSource("business_rates", "revenues", "Business rates recovery (sole traders)",
               "revenues_and_benefits", "business_rates", "Business rates recovery team",
               "%d-%b-%Y", 2400.0, {"REM1": "reminder", "FIN": "final_notice",
                                    "SUMM": "court_action", "LO": "liability_order",
                                    "EA": "enforcement_agent", "HOLD": "on_hold"}, "NNDR"),
    # Not "housing": a service with no Family Context card, so the association's accounts
    # are used for what its agreement says (debt recovery) and never shown to practitioners.
    DebtSource(HA_SOURCE, "pennine_vale", f"{HA_NAME} rent accounts (partner extract)",
               "partner_debts", "rent_arrears", HA_NAME, "%d/%m/%Y", 610.0,
               {"ARR1": "reminder", "ARR2": "final_notice", "NOSP": "court_action",
                "CCJ": "liability_order", "UC-APA": "deduction", "HOLD": "on_hold"}, "PV"),
)
FOLDERS = ("revenues", "pennine_vale")
QUALITY = _profile(1.2, nhs_missing=1.0, placeholder_name=0.0, dob_missing=0.25,
                   duplicate=0.0, invalid_value=0.0)
FREQ = {"weekly": "W", "fortnightly": "F", "four_weekly": "4W", "monthly": "M"}
# Whether an arrangement is holding, in each system's own words: the council's systems share
# one revenues suite's codes, the association's housing system writes words. Of arrangements
# not on hold (a hold is only for one being kept), the shares being kept, behind and broken.
ARR_STATUS_CODES = {"kept": "LIVE", "missed": "ARRS", "broken": "BRKN"}
HA_ARR_STATUS_CODES = {"kept": "Current", "missed": "In breach", "broken": "Broken"}
ARR_STATUS_SHARES = {"kept": 0.55, "missed": 0.25, "broken": 0.20}


def write_debts(world: World, out: Output, extract: dt.date, rng: np.random.Generator,
                status_rng: np.random.Generator | None = None) -> list[my.Mapping]:
    """Write the five debt extracts; ``rng`` is their own stream. ``status_rng`` draws whether
    each arrangement is being kept: a stream of its own, so adding the status left every other
    column of the debt extracts as it was (default: one spawned from ``rng``, which draws
    nothing from it)."""
    status_rng = status_rng if status_rng is not None else rng.spawn(1)[0]
    world = dataclasses.replace(world, rng=rng)
    ex = (extract - dt.date(1970, 1, 1)).days
    leads, adults, dep, tenure, uprn = _households(world, ex)
    hardship = rng.random(len(leads)) < 0.04 + 0.16 * dep
    renting = (tenure == PRIVATE_RENT) | (tenure == SOCIAL_RENT)
    ha_tenant = (tenure == SOCIAL_RENT) & (uprn % HA_STOCK_SHARE == 0)
    lead_age = world.age(leads, ex)
    trader = (lead_age >= 25) & (lead_age < 65) & (rng.random(len(leads)) < SOLE_TRADER_SHARE)

    def owes(kind: str, eligible: NDArray[np.bool_]) -> NDArray[np.bool_]:
        hard, easy = RATES[kind]
        chosen = eligible & (rng.random(len(leads)) < np.where(hardship, hard, easy))
        if not chosen.any() and eligible.any():
            # A tiny borough may draw no one: an extract is never empty, so the most
            # deprived eligible household owes it.
            chosen[int(np.flatnonzero(eligible)[np.argmax(dep[eligible])])] = True
        return chosen

    everyone = np.ones(len(leads), dtype=bool)
    # The sundry debtor is any adult of the household (a care charge, a trade waste bill).
    other = np.array([a[int(rng.integers(len(a)))] for a in adults], dtype=np.int64)
    chosen = {
        "ctax_recovery": (leads, owes("council_tax", everyone)),
        "hb_overpayments": (leads, owes("hb", renting)),
        "sundry_debts": (other, owes("sundry", everyone)),
        "business_rates": (leads, owes("rates", trader)),
        # The association's extract is every tenancy: arrears or not.
        HA_SOURCE: (leads, ha_tenant),
    }
    in_arrears = owes("rent", ha_tenant)
    entries = []
    for source in SOURCES:
        who, mask = chosen[source.name]
        idx = np.flatnonzero(mask)
        owing = in_arrears[idx] if source.name == HA_SOURCE else np.ones(len(idx), dtype=bool)
        entries.append(_write(world, out, source, who[idx], owing, ex, extract, status_rng))
    return entries


def _households(world: World, ex: int) -> tuple[NDArray[np.int64], list[NDArray[np.int64]],
                                                NDArray[np.float64], NDArray[np.int8],
                                                NDArray[np.int64]]:
    """Each household living in the borough on the extract date with an adult: its lead (the
    adult who moved in first, the one bills are addressed to), its adults and its home."""
    tl, a, p = world.timeline, world.addresses, world.borough.people
    spells = tl.active(ex)
    spells = spells[~a.external[tl.address[spells]] & (p.death[tl.person[spells]] > ex)]
    spells = spells[(ex - p.dob[tl.person[spells]]) / YEAR >= 18]
    order = np.lexsort((p.dob[tl.person[spells]], tl.start[spells], tl.household[spells]))
    spells = spells[order]
    hh = tl.household[spells]
    bounds = np.flatnonzero(np.r_[True, hh[1:] != hh[:-1]])
    groups = np.split(spells, bounds[1:])
    leads = np.array([int(tl.person[g[0]]) for g in groups], dtype=np.int64)
    adults = [tl.person[g].astype(np.int64) for g in groups]
    home = np.array([int(tl.address[g[0]]) for g in groups], dtype=np.int64)
    return (leads, adults, a.deprivation[home].astype(np.float64), a.tenure[home],
            a.uprn[home].astype(np.int64))


def _write(world: World, out: Output, source: DebtSource, persons: NDArray[np.int64],
           owing: NDArray[np.bool_], ex: int, extract: dt.date,
           status_rng: np.random.Generator) -> my.Mapping:
    rng = world.rng
    n = len(persons)
    age = np.minimum(rng.exponential(420.0, n), 6 * 365).astype(np.int64) + 14
    raised = ex - age
    table = render(world, source.name, persons, raised, np.full(n, ex), QUALITY)
    record_ids = np.array([f"{source.prefix}{510_000 + 7 * i}" for i in range(n)], dtype=object)
    balance = np.round(source.median * rng.lognormal(0.0, 0.8, n), 2)
    # Tenants not in arrears are in credit or level (rent paid in advance shows as credit).
    balance = np.where(owing, balance, -np.round(rng.exponential(40.0, n), 2) * (
        rng.random(n) < 0.5))
    hold = next(code for code, stage in source.stages.items() if stage == "on_hold")
    ladder = [code for code in source.stages if code != hold]
    stage = [_stage(ladder, int(d), rng) if o else "" for d, o in zip(age, owing, strict=True)]
    has_arr = owing & (rng.random(n) < 0.35) & (age > 45)
    weekly = source.name == HA_SOURCE
    instal = np.where(weekly, balance / rng.integers(20, 80, n), balance / rng.integers(6, 24, n))
    instal = np.maximum(np.round(instal * 2) / 2, 5.0)
    arr_start = raised + (rng.random(n) * (age - 30)).astype(np.int64) + 30
    freq = np.where(weekly, "W", np.where(rng.random(n) < 0.8, "M", "F")).astype(object)
    # An arrangement usually holds recovery where it had got to.
    stage = [(hold if h and rng.random() < 0.5 else s) for s, h in zip(stage, has_arr,
                                                                          strict=True)]
    arr_status = _arrangement_status(source, stage, has_arr, hold, status_rng)
    fmt = source.date_format
    raised_text = fmt_dates(raised, fmt)
    rel = f"{source.folder}/{source.name}.csv"
    broken = invalidate_dates(raised_text, fmt, INVALID_SHARE, rng)
    for i in broken:
        out.error(source.name, rel, i + 2, "debt.raised_date", "impossible_date", True)
    money = [f"{b:.2f}" for b in balance]
    for k in np.flatnonzero(rng.random(n) < INVALID_SHARE / 2):
        money[int(k)] = "TBC"
        out.error(source.name, rel, int(k) + 2, "debt.balance", "invalid_value", True)
    dob = fmt_dates(table.dob, fmt)
    upper = source.name != HA_SOURCE  # the council's systems shout; the partner's does not

    def name(x: object) -> str | None:
        return (ascii_upper(str(x)) if upper else str(x)) if x else None

    a = world.addresses
    out.csv(source.name, rel, {
        "DEBTOR_REF": record_ids, "DEBT_REF": [f"{r}/1" for r in record_ids],
        "FORENAME": [name(x) for x in table.first], "SURNAME": [name(x) for x in table.surname],
        "DOB": dob, "ADDRESS": [str(a.line1[x]) for x in table.address],
        "LOCALITY": [str(a.locality[x]) for x in table.address], "POSTCODE": table.postcode,
        "RAISED": raised_text, "BALANCE": money, "STAGE": stage,
        "ARR_AMOUNT": [f"{v:.2f}" if h else "" for v, h in zip(instal, has_arr, strict=True)],
        "ARR_FREQ": [f if h else "" for f, h in zip(freq, has_arr, strict=True)],
        "ARR_START": [d if h else "" for d, h in zip(fmt_dates(arr_start, fmt), has_arr,
                                                     strict=True)],
        "ARR_STATUS": arr_status,
    }, persons=persons, record_ids=record_ids)
    for i, field_name, kind in table.errors:
        if field_name != "address":
            out.error(source.name, rel, i + 2, f"person.{field_name}", kind)
    t, v, c = my.target, my.value, my.col
    address = my.cols(["ADDRESS", "LOCALITY"])
    files = [my.file(rel, [
        t("person", source_record_id="DEBTOR_REF", first_name="FORENAME", surname="SURNAME",
          dob="DOB", address=address, postcode="POSTCODE"),
        t("address", source_record_id="DEBTOR_REF", address=address, postcode="POSTCODE"),
        t("debt", debt_id="DEBT_REF", source_record_id="DEBTOR_REF",
          debt_type=v(source.debt_type), creditor=v(source.creditor), raised_date="RAISED",
          balance="BALANCE", recovery_stage=c("STAGE", codes={**source.stages, "": ""}),
          arrangement_amount="ARR_AMOUNT",
          arrangement_frequency=c("ARR_FREQ", codes={
              **{code: k for k, code in FREQ.items()}, "": ""}),
          arrangement_start="ARR_START",
          arrangement_status=c("ARR_STATUS", codes={
              **{code: k for k, code in _status_codes(source).items()}, "": ""})),
    ], date_format=fmt)]
    entry = my.source(source.name, source.system, source.service, extract, None, extract,
                      files)
    if source.name == HA_SOURCE:
        entry["agreement"] = dict(HA_AGREEMENT)
    return entry


def _status_codes(source: DebtSource) -> dict[str, str]:
    return HA_ARR_STATUS_CODES if source.name == HA_SOURCE else ARR_STATUS_CODES


def _arrangement_status(source: DebtSource, stage: list[str], has_arr: NDArray[np.bool_],
                        hold: str, rng: np.random.Generator) -> list[str]:
    """Each arrangement's status in the source's own codes ("" for a debt without one): one
    on hold is being kept; the others are kept, behind or broken (`ARR_STATUS_SHARES`). One
    draw per debt, arrangement or not, so the statuses do not depend on which debts have
    one."""
    codes = _status_codes(source)
    kinds = list(ARR_STATUS_SHARES)
    drawn = rng.choice(len(kinds), size=len(stage), p=list(ARR_STATUS_SHARES.values()))
    return [("" if not h else codes["kept"] if s == hold else codes[kinds[int(k)]])
            for s, h, k in zip(stage, has_arr, drawn, strict=True)]


def _stage(ladder: list[str], age: int, rng: np.random.Generator) -> str:
    """The stage a debt of this age has usually reached: the older, the further on (a hold
    comes only with an arrangement, never from age)."""
    step = min(len(ladder) - 1, int(age / 75 + rng.integers(-1, 2)))
    return ladder[max(step, 0)]
