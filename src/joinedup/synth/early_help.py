"""Early help: whole-family episodes with a lead practitioner from the council or a partner
(school, VCSE, health visiting), stepping down from and up to children's social care."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.csc_truth import CscTruth
from joinedup.synth.population import (
    CHILD_BEHAVIOUR,
    DA_PERPETRATOR,
    DA_VICTIM,
    MENTAL_HEALTH,
    NEVER,
    SUBSTANCE,
)
from joinedup.synth.records import World
from joinedup.synth.sampling import group_by, top_k
from joinedup.synth.timeline import YEAR

NEVER_INT = int(NEVER)
EH_PER_10K = 230.0  # child episode starts per 10,000 children a year, besides CSC routes
OUTCOMES = (("Closed - outcomes achieved", 0.55), ("Step-down to universal services", 0.2),
            ("Closed - family disengaged", 0.15), ("Closed - moved out of area", 0.1))
OTHER_REASONS = ("School attendance", "Parenting support", "Financial hardship", "Housing",
                 "Child emotional wellbeing", "Child development")
PARTNERS = ("Hope Trust", "Tame Valley Young People's Project", "Bridges Mentoring CIC",
            "Signpost Carers Network")


@dataclass
class EhTruth:
    child: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)
    household: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    route: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # eh, youth, school, vcse, health
    organisation: list[str] = field(default_factory=list)
    worker: list[int] = field(default_factory=list)


class EarlyHelp:
    def __init__(self, world: World, csc: CscTruth, rng: np.random.Generator,
                 start: int) -> None:
        self.w = world
        self.csc = csc
        self.rng = rng
        self.begin = start
        self.t = EhTruth()
        self.open_until = np.full(world.borough.people.n, -(2**40), dtype=np.int64)
        self.groups = 0

    def run(self) -> EhTruth:
        csc = self.csc
        as_of = self.w.as_of
        by_group: dict[int, list[int]] = {}
        for e, g in enumerate(csc.ep_group):
            by_group.setdefault(g, []).append(e)
        for eps in by_group.values():
            e = eps[0]
            kids = [csc.ep_child[i] for i in eps]
            if csc.ep_reason[e] == "RC9" and self.begin <= csc.ep_close[e] <= as_of:
                day = csc.ep_close[e] + int(self.rng.integers(3, 22))
                self._episode(kids, csc.ep_household[e], day, "Step-down from social care")
            if csc.ep_source[e] == "5D" and self.begin < csc.ep_referral[e] <= as_of:
                end = csc.ep_referral[e]
                day = max(end - int(self.rng.lognormal(np.log(120), 0.5)), self.begin)
                self._episode(kids, csc.ep_household[e], day, "Professional referral", end=end,
                              outcome="Step-up to social care")
        for child, day, outcome in zip(csc.ct_child, csc.ct_date, csc.ct_outcome, strict=True):
            if outcome == "Early help" and self.begin <= day <= as_of and \
                    self.rng.random() < 0.6:
                hh = int(self.w.timeline.household_at(np.array([child]), np.array([day]))[0])
                self._episode([child], hh, day + int(self.rng.integers(7, 31)),
                              "Front door (MASH)")
        self._independent()
        return self.t

    def _independent(self) -> None:
        tl, rng = self.w.timeline, self.rng
        p = self.w.borough.people
        month = np.datetime64(self.begin, "D").astype("datetime64[M]")
        risk = p.risk[: p.n].astype(np.float64)
        weight = (risk / np.median(risk)) ** 0.8
        while True:
            t = int(month.astype("datetime64[D]").astype(np.int64))
            if t > self.w.as_of:
                break
            live = tl.active(t)
            kids = tl.person[live]
            age = (t - p.dob[kids]) / YEAR
            ok = (age >= 0) & (age < 18) & (self.open_until[kids] < t)
            kids, households = kids[ok], tl.household[live][ok]
            wanted = int(rng.poisson(EH_PER_10K / 10_000 * ok.sum() / 12))
            if wanted and len(kids):
                order = np.argsort(households, kind="stable")
                uniq, bounds = group_by(households)
                members_of = kids[order]
                w = np.zeros(len(uniq))
                np.maximum.at(w, np.repeat(np.arange(len(uniq)), np.diff(bounds)),
                              weight[members_of])
                done = 0
                for k in top_k(w, wanted, rng):
                    if done >= wanted:
                        break
                    members = members_of[bounds[k]:bounds[k + 1]]
                    route = ("School", "Health visitor", "Self-referral", "Police", "Housing",
                             "GP")[int(rng.integers(6))]
                    self._episode(list(members), int(uniq[k]), t + int(rng.integers(0, 28)),
                                  route)
                    done += len(members)
            month = month + 1

    def _episode(self, kids: list[int], household: int, day: int, route: str,
                 end: int | None = None, outcome: str | None = None) -> None:
        rng, p = self.rng, self.w.borough.people
        as_of = self.w.as_of
        if day > as_of:
            return
        kids = [k for k in kids if self.open_until[k] < day and
                day - p.dob[k] < 18 * YEAR and p.death[k] > day and p.out_date[k] > day]
        if not kids:
            return
        if end is None:
            end = day + int(np.clip(rng.lognormal(np.log(150), 0.5), 30, 800))
            roll, outcome = rng.random(), OUTCOMES[-1][0]
            for name, prob in OUTCOMES:
                if roll < prob:
                    outcome = name
                    break
                roll -= prob
        leaves = min(int(p.out_date[k]) for k in kids)
        if leaves < end:
            end, outcome = leaves, "Closed - moved out of area"
        if end > as_of:
            end, outcome = NEVER_INT, ""
        reason, lead = self._reason_and_lead(kids, day)
        self.groups += 1
        org = {"eh": "Stockport Council", "youth": "Stockport Council",
               "health": "Stockport NHS Foundation Trust"}.get(lead, "")
        if lead == "vcse":
            org = PARTNERS[int(rng.integers(len(PARTNERS)))]
        for child in kids:
            t = self.t
            t.child.append(int(child))
            t.group.append(self.groups)
            t.household.append(household)
            t.start.append(day)
            t.end.append(end)
            t.route.append(route)
            t.reason.append(reason)
            t.outcome.append(outcome or "")
            t.lead.append(lead)
            t.organisation.append(org)
            t.worker.append(-1)
            self.open_until[child] = end if end != NEVER_INT else 2**40

    def _reason_and_lead(self, kids: list[int], day: int) -> tuple[str, str]:
        rng, p = self.rng, self.w.borough.people
        flags = 0
        for k in kids:
            for parent in (int(p.mother[k]), int(p.father[k])):
                if parent >= 0:
                    flags |= int(p.flags[parent])
        child_flags = int(np.bitwise_or.reduce(p.flags[np.array(kids)]))
        ages = (day - p.dob[np.array(kids)]) / YEAR
        teen = bool(ages.min() >= 11)
        if flags & (DA_VICTIM | DA_PERPETRATOR) and rng.random() < 0.5:
            reason = "Domestic abuse"
        elif flags & MENTAL_HEALTH and rng.random() < 0.4:
            reason = "Parental mental health"
        elif flags & SUBSTANCE and rng.random() < 0.5:
            reason = "Parental substance misuse"
        elif child_flags & CHILD_BEHAVIOUR and rng.random() < 0.6:
            reason = "Youth support" if teen else "Child behaviour"
        else:
            reason = OTHER_REASONS[int(rng.integers(len(OTHER_REASONS)))]
        roll = rng.random()
        if reason == "Youth support" and roll < 0.7:
            return reason, "youth"
        if ages.max() < 5 and roll < 0.15:
            return reason, "health"
        if roll < 0.6:
            return reason, "eh"
        if roll < 0.78:
            return reason, "school"
        return reason, "vcse"


def open_children(eh: EhTruth, day: int) -> dict[str, float]:
    start = np.asarray(eh.start, dtype=np.int64)
    end = np.asarray(eh.end, dtype=np.int64)
    lead = np.asarray(eh.lead, dtype=object)
    live = (start <= day) & (end > day)
    return {"eh": float((live & (lead == "eh")).sum()),
            "youth": float((live & (lead == "youth")).sum())}


def household_members(world: World, households: NDArray[np.int64], days: NDArray[np.int64],
                      ) -> list[NDArray[np.int64]]:
    return [world.timeline.members(int(h), int(d)) if h >= 0 else np.empty(0, np.int64)
            for h, d in zip(households, days, strict=True)]


def eh_start(window_start: int) -> int:
    """The early help system went live in the first April of the window."""
    d = dt.date(1970, 1, 1) + dt.timedelta(days=window_start)
    year = d.year if d.month < 4 else d.year + 1
    return (dt.date(year, 4, 1) - dt.date(1970, 1, 1)).days
