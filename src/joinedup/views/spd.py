"""The council tax single person discount (SPD) review.

For every account open on the review date with the 25% discount, the people the joined data
places at the property on that date (through the person index and households), who of them
are adults (18 or over on the date), and on what evidence; then a list of reviews ranked by
how likely it is that someone besides the account holder lives there, with the discount's
value. Nothing is decided here: an officer reviews each account and records the outcome
(`joinedup.views.outcomes`).

How likely (`score`), per other person at the property: how strongly the sources place them
there (each source that does adds evidence, the electoral register and the council tax
system itself most: those are declarations about who lives at the address), times how sure
the matching is that their records are one person (the weakest record's match probability),
times how sure we are that they are an adult. An account's score is the chance that at least
one of them is an adult living there: 1 - prod(1 - p). The weights are documented defaults
(`SpdWeights`), measured against the synthetic borough in `bench/spd_review.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from joinedup.linkage.forenames import forename_table
from joinedup.views import queries
from joinedup.views.charges import annual_charge
from joinedup.views.common import AsDict, age_on, name_of, norm_postcode

AdultBasis = Literal["date_of_birth", "electoral_register", "unknown"]
Placement = Literal["postcode", "council_tax", "only_household", "not_placed"]
Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SpdSettings:
    """Which source and codes hold the discount, and which sources are electoral registers."""

    source: str = "council_tax"
    event_type: str = "council_tax_account"
    category: str = "SPD"
    electoral_sources: tuple[str, ...] = ("electoral_register",)
    adult_age: int = 18
    discount: float = 0.25


@dataclass(frozen=True, slots=True)
class SpdWeights:
    """Evidence weights (defaults; see the module docstring and docs/single-views.md)."""

    per_source: float = 0.45
    declared: Mapping[str, float] = field(default_factory=lambda: {
        "electoral_register": 0.7, "council_tax": 0.7})
    dated_bonus: float = 0.1
    adult_unknown_dob_on_register: float = 0.85
    adult_unknown: float = 0.25
    maybe_account_holder: float = 0.15


@dataclass(frozen=True, slots=True)
class Resident(AsDict):
    """Someone the joined data places at the property on the review date."""

    person_id: str
    name: str
    dob: dt.date | None
    age: int | None
    adult: bool | None  # None: age not known
    adult_basis: AdultBasis
    sources: tuple[str, ...]  # the sources that place them at this address
    start_date: dt.date | None
    end_date: dt.date | None
    dated: bool
    evidence_rows: int
    match_confidence: float  # the weakest of their records' match probabilities
    record_sources: tuple[str, ...]  # every source that knows them
    evidence_record: tuple[str, str] | None  # (source, record id) placing them there
    maybe_account_holder: bool  # same surname and a compatible forename and birth date
    likelihood: float  # that they are an adult who lives there
    same_as: str | None = None  # another resident shown who is probably the same person


@dataclass(frozen=True, slots=True)
class SpdReview(AsDict):
    """One discounted account, the people at its property and the case for reviewing it."""

    rank: int
    account_no: str
    source: str
    lead_record_id: str
    lead_person_id: str
    lead_name: str
    lead_confidence: float
    band: str | None
    account_start: dt.date | None
    annual_charge: float | None
    discount_value: float | None  # a year of the discount: what is at stake
    household_id: str | None
    address: str | None
    postcode: str | None
    placement: Placement
    others: tuple[Resident, ...]
    adults: int  # adults placed there, the account holder included (their own records
    # left apart by matching and one person's two records counted once)
    unknown_age: int
    score: float


def spd_reviews(con: duckdb.DuckDBPyConnection, *, on: dt.date | None = None,
                settings: SpdSettings | None = None, weights: SpdWeights | None = None,
                band_d: float | None = None) -> list[SpdReview]:
    """The ranked review list for the snapshot on `con` (read only)."""
    settings = settings or SpdSettings()
    queries.require_linked(con)
    on = on or queries.reference_date(con)
    accounts = queries.discounted_accounts(con, settings.source, settings.event_type,
                                           settings.category, on)
    leads = sorted({str(a["lead_person_id"]) for a in accounts})
    stays = queries.stays_of(con, leads, on)
    households = sorted({str(s["household_id"]) for s in stays if not s["communal"]})
    residents = queries.residents_of(con, households, on)
    people = sorted({str(r["person_id"]) for r in residents} | set(leads))
    links = queries.record_links(con, people)
    names = queries.lead_names(con, leads)
    return assemble(accounts, stays, residents, links, names, on=on, settings=settings,
                    weights=weights or SpdWeights(), band_d=band_d)


def assemble(accounts: Sequence[Row], stays: Sequence[Row], residents: Sequence[Row],
             links: Sequence[Row], names: Sequence[Row], *, on: dt.date,
             settings: SpdSettings, weights: SpdWeights, band_d: float | None = None,
             ) -> list[SpdReview]:
    """Pure: the reviews from the query rows, ranked (highest score, then value, first)."""
    stays_by: dict[str, list[Row]] = defaultdict(list)
    for s in stays:
        stays_by[str(s["person_id"])].append(s)
    at_home: dict[str, list[Row]] = defaultdict(list)
    for r in residents:
        at_home[str(r["household_id"])].append(r)
    records: dict[str, list[Row]] = defaultdict(list)
    for link in links:
        records[str(link["person_id"])].append(link)
    name_by = {str(n["person_id"]): n for n in names}
    unranked: list[SpdReview] = []
    for account in accounts:
        lead = str(account["lead_person_id"])
        stay, placement = _place(stays_by.get(lead, []), account, settings.source)
        lead_row = name_by.get(lead, {})
        others = _one_per_person(
            [r for r in (at_home.get(str(stay["household_id"]), []) if stay else [])
             if str(r["person_id"]) != lead], records, on, settings, weights, lead_row)
        score = 1.0
        for other in others:
            if other.same_as is None:
                score *= 1.0 - other.likelihood
        band = account.get("band")
        charge = annual_charge(str(band), band_d) if band else None
        unranked.append(SpdReview(
            rank=0, account_no=str(account["account_no"]), source=str(account["source"]),
            lead_record_id=str(account["lead_record_id"]), lead_person_id=lead,
            lead_name=name_of(lead_row.get("first_name"), lead_row.get("surname")),
            lead_confidence=float(account.get("lead_confidence") or 0.0),
            band=str(band) if band else None, account_start=account.get("account_start"),
            annual_charge=charge,
            discount_value=round(charge * settings.discount, 2) if charge else None,
            household_id=str(stay["household_id"]) if stay else None,
            address=stay["address"] if stay else None,
            postcode=stay["postcode"] if stay else account.get("postcode"),
            placement=placement, others=others,
            adults=1 + sum(1 for o in others if o.adult and o.same_as is None
                           and not o.maybe_account_holder),
            unknown_age=sum(1 for o in others if o.adult is None and o.same_as is None),
            score=round(1.0 - score, 4)))
    unranked.sort(key=lambda r: (-r.score, -(r.discount_value or 0.0), r.account_no))
    return [_with_rank(r, i + 1) for i, r in enumerate(unranked)]


def _with_rank(review: SpdReview, rank: int) -> SpdReview:
    return dataclasses.replace(review, rank=rank)


def _one_per_person(rows: list[Row], records: Mapping[str, list[Row]], on: dt.date,
                    settings: SpdSettings, weights: SpdWeights, lead: Row,
                    ) -> tuple[Resident, ...]:
    """The other residents, most likely first. Matching sometimes leaves one person as two
    (an electoral register entry has no date of birth to join it by): a resident with the
    same surname, a compatible forename and no conflicting birth date as one listed before
    is shown `same_as` that one and counted once. The one with a date of birth and the
    most sources is kept."""
    rows = sorted(rows, key=lambda r: (r.get("dob") is None,
                                       -len({k["source"] for k in records.get(
                                           str(r["person_id"]), [])}),
                                       str(r["person_id"])))
    kept: list[Row] = []
    out: list[Resident] = []
    for row in rows:
        resident = _resident(row, records.get(str(row["person_id"]), []), on, settings,
                             weights, lead)
        twin = next((k for k in kept if maybe_same_person(row, k)), None)
        if twin is None:
            kept.append(row)
        else:
            resident = dataclasses.replace(resident, same_as=str(twin["person_id"]))
        out.append(resident)
    return tuple(sorted(out, key=lambda o: (o.same_as is not None, -o.likelihood,
                                            o.person_id)))


def _place(stays: list[Row], account: Row, source: str) -> tuple[Row | None, Placement]:
    """The household that is the account's property: the lead's stay at the account's
    postcode; else one the council tax system itself places them in; else their only one."""
    usable = [s for s in stays if not s["communal"]]
    postcode = norm_postcode(account.get("postcode"))
    for s in usable:
        if postcode and norm_postcode(s["postcode"]) == postcode:
            return s, "postcode"
    for s in usable:
        if source in (s["sources"] or ()):
            return s, "council_tax"
    if len(usable) == 1:
        return usable[0], "only_household"
    return None, "not_placed"


def _resident(row: Row, links: list[Row], on: dt.date, settings: SpdSettings,
              weights: SpdWeights, lead: Row) -> Resident:
    sources = tuple(sorted(str(s) for s in (row["sources"] or ())))
    record_sources = tuple(sorted({str(k["source"]) for k in links}))
    dob = row.get("dob")
    age = age_on(dob, on)
    basis: AdultBasis
    if age is not None:
        adult: bool | None = age >= settings.adult_age
        basis, sure = "date_of_birth", 1.0 if adult else 0.0
    elif any(s in settings.electoral_sources for s in record_sources):
        # On the register with no date of birth anywhere: an elector, almost always an adult
        # (attainers, 16 and 17, are a small share and usually known to a dated source).
        adult, basis, sure = True, "electoral_register", weights.adult_unknown_dob_on_register
    else:
        adult, basis, sure = None, "unknown", weights.adult_unknown
    miss = 1.0
    for s in sources:
        miss *= 1.0 - weights.declared.get(s, weights.per_source)
    lives_there = min(1.0, 1.0 - miss + (weights.dated_bonus if row.get("dated") else 0.0))
    # A person with one record has no match to doubt; with several, the weakest link counts.
    confidence = 1.0 if len(links) < 2 else min(
        float(k["match_probability"] or 0.0) for k in links)
    # The account holder's own records kept apart by matching look like a second adult.
    holder = maybe_same_person(row, lead)
    return Resident(
        person_id=str(row["person_id"]), name=name_of(row.get("first_name"), row.get("surname")),
        dob=dob, age=age, adult=adult, adult_basis=basis, sources=sources,
        start_date=row.get("start_date"), end_date=row.get("end_date"),
        dated=bool(row.get("dated")), evidence_rows=int(row.get("evidence") or 0),
        match_confidence=round(confidence, 4), record_sources=record_sources,
        evidence_record=_evidence_record(links, sources, settings.electoral_sources),
        maybe_account_holder=holder,
        likelihood=round(lives_there * confidence * sure
                         * (weights.maybe_account_holder if holder else 1.0), 4))


def _evidence_record(links: list[Row], sources: tuple[str, ...],
                     preferred: tuple[str, ...]) -> tuple[str, str] | None:
    """The record a clerical label about this person is made on: one from a source that
    places them at the address, an electoral register entry first."""
    placing = [k for k in links if k["source"] in sources] or links
    placing = sorted(placing, key=lambda k: (k["source"] not in preferred, k["source"],
                                             str(k["source_record_id"])))
    return (str(placing[0]["source"]), str(placing[0]["source_record_id"])) if placing else None


def maybe_same_person(a: Row, b: Row) -> bool:
    """Same surname, forenames alike (equal, or one an initial of the other) and dates of
    birth that do not differ (either may be missing)."""
    sa, sb = _low(a.get("surname")), _low(b.get("surname"))
    fa, fb = _low(a.get("first_name")), _low(b.get("first_name"))
    if not sa or sa != sb or not fa or not fb:
        return False
    alike = fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (
        len(fb) == 1 and fa.startswith(fb)) or forename_table().equivalent(fa, fb)
    da, db = a.get("dob"), b.get("dob")
    return alike and (da is None or db is None or da == db)


def _low(value: Any) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def find_review(reviews: Sequence[SpdReview], account_no: str) -> SpdReview | None:
    return next((r for r in reviews if r.account_no == account_no), None)
