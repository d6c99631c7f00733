"""Children's social care: contacts, referrals, assessments, child in need and child protection
plans, section 47 enquiries and looked-after children, month by month.

Volumes follow the calibration (referrals per 10,000 children, NFA and not-in-need shares,
stocks of CIN, CP and CLA at 31 March). Families are chosen in proportion to their need, so the
same families are re-referred (re-referrals), and siblings are referred together.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.addresses import Addresses
from joinedup.synth.calibration import Calibration, YearTargets
from joinedup.synth.csc_cla import ClaPlanner
from joinedup.synth.csc_truth import (
    CONTACT_OUTCOMES,
    CP_CATEGORIES,
    NEED_CODES,
    REFERRAL_SOURCES,
    CscTruth,
)
from joinedup.synth.population import (
    ALCOHOL,
    CHILD_BEHAVIOUR,
    DA_PERPETRATOR,
    DA_VICTIM,
    MENTAL_HEALTH,
    NEVER,
    SUBSTANCE,
    Borough,
)
from joinedup.synth.sampling import group_by, picker, top_k
from joinedup.synth.timeline import YEAR, Timeline

BURN_IN_YEARS = 5
CP_MEDIAN_DAYS, CP_SIGMA = 240.0, 0.6
RISK_POWER = 1.6
# Plans cut short by 18th birthdays and moves away: start a few more to keep the stock.
CP_UPLIFT = 1.08
PRE_BIRTH_SHARE = 0.03  # of referrals, for unborn babies
MEAN_CP_DAYS = CP_MEDIAN_DAYS * float(np.exp(CP_SIGMA**2 / 2))

def path_shares(targets: YearTargets) -> tuple[float, float, float, float]:
    """Shares of referrals that end in NFA, not in need, care and a protection plan: the
    year's published percentages, and starts that keep the 31 March stocks at target."""
    ref = max(targets.referrals_per_10k, 1.0)
    p_cp = min(CP_UPLIFT * targets.cpp_at31_per_10k * 365 / (ref * MEAN_CP_DAYS), 0.3)
    p_cla = min(targets.cla_starts_per_10k / ref, 0.2)
    return targets.nfa_pct / 100, targets.not_in_need_pct / 100, p_cla, p_cp


class CscSimulation:
    def __init__(self, borough: Borough, timeline: Timeline, calibration: Calibration,
                 rng: np.random.Generator, addresses: Addresses) -> None:
        self.b = borough
        self.tl = timeline
        self.cal = calibration
        self.rng = rng
        self.t = CscTruth()
        p = borough.people
        n = p.n
        self.n = n
        risk = p.risk[:n].astype(np.float64)
        risk = risk / np.median(risk)
        flags = p.flags[:n]
        mother, father = p.mother[:n], p.father[:n]
        parent_flags = np.where(mother >= 0, flags[np.maximum(mother, 0)], 0) | np.where(
            father >= 0, flags[np.maximum(father, 0)], 0)
        self.parent_flags = parent_flags
        bonus = (1 + 2.0 * ((parent_flags & (DA_VICTIM | DA_PERPETRATOR)) > 0)
                 + 1.5 * ((parent_flags & (SUBSTANCE | ALCOHOL)) > 0)
                 + 0.8 * ((parent_flags & MENTAL_HEALTH) > 0)
                 + 1.0 * ((flags & CHILD_BEHAVIOUR) > 0))
        self.weight = risk**RISK_POWER * bonus
        self.open_until = np.full(n, -(2**31), dtype=np.int64)
        self.cp_count = np.zeros(n, dtype=np.int64)
        self.cla = ClaPlanner(borough, timeline, rng, addresses)
        self.t.cla = self.cla
        # Child spells only: anyone under 18 at some point of the spell.
        tl = timeline
        child_spell = tl.start < (p.dob[tl.person] + int(18 * YEAR))
        self.cs = np.flatnonzero(child_spell)
        self._sources = picker(REFERRAL_SOURCES)
        self._needs = picker(NEED_CODES)
        self._cats = picker(CP_CATEGORIES)
        self._outcomes = picker(CONTACT_OUTCOMES)
        self.groups = 0

    def run(self) -> CscTruth:
        start = self.b.window_start - int(BURN_IN_YEARS * YEAR)
        self._seed_care(start)
        month = np.datetime64(start, "D").astype("datetime64[M]")
        while True:
            t = int(month.astype("datetime64[D]").astype(np.int64))
            if t > self.b.as_of:
                break
            self._month(t, min(int((month + 1).astype("datetime64[D]").astype(np.int64)),
                               self.b.as_of + 1))
            month = month + 1
        return self.t

    def _seed_care(self, t: int) -> None:
        """Children already in long-term care when the simulation starts (backdated)."""
        kids, households = self._children(t)
        if not len(kids):
            return
        targets = self.cal.for_day(t)
        wanted = round(targets.cla_at31_per_10k / 10_000 * len(kids) * 0.6)
        # Children in care at any moment are mostly the long stayers (length-biased).
        ages = (t - self.b.people.dob[kids]) / YEAR
        w = self.weight[kids] * (ages < 13)
        for k in top_k(w, wanted, self.rng):
            child = int(kids[k])
            back = int(self.rng.uniform(0.3, 5.0) * YEAR)
            day = max(t - back, int(self.b.people.dob[child]) + 1)
            self._family_episode(np.array([child]), int(households[k]), day, targets, "cla",
                                 route="long")

    def _children(self, t: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        tl = self.tl
        cs = self.cs
        live = cs[(tl.start[cs] <= t) & (tl.end[cs] > t)]
        kids = tl.person[live]
        ages = (t - self.b.people.dob[kids]) / YEAR
        ok = (ages >= 0) & (ages < 18)
        return kids[ok], tl.household[live][ok]

    def _month(self, t: int, t_next: int) -> None:
        rng = self.rng
        kids, households = self._children(t)
        if not len(kids):
            return
        targets = self.cal.for_day(t)
        days = t_next - t
        expected = targets.referrals_per_10k / 10_000 * len(kids) * days / YEAR
        wanted = int(rng.poisson(expected))
        available = self.open_until[kids] < t
        blocked = np.unique(households[~available])
        free = available & ~np.isin(households, blocked)
        prebirth = int(rng.binomial(wanted, PRE_BIRTH_SHARE)) if wanted else 0
        if wanted - prebirth:
            self._referrals(t, days, kids[free], households[free], wanted - prebirth, targets)
        if prebirth:
            self._unborn(t, days, prebirth, targets)
        # Contacts that go no further (advice, NFA, early help).
        extra = int(rng.poisson(expected * 1.6))
        if extra:
            w = np.sqrt(self.weight[kids])
            chosen = kids[top_k(w, extra, rng)]
            codes, probs = self._outcomes
            outcome = rng.choice(len(codes), len(chosen), p=probs)
            src_codes, src_p = self._sources
            source = rng.choice(len(src_codes), len(chosen), p=src_p)
            for child, o, s in zip(chosen, outcome, source, strict=True):
                self.t.ct_child.append(int(child))
                self.t.ct_date.append(t + int(rng.integers(0, days)))
                self.t.ct_source.append(src_codes[int(s)])
                self.t.ct_outcome.append(codes[int(o)])
                self.t.ct_ep.append(-1)

    def _unborn(self, t: int, days: int, wanted: int, targets: YearTargets) -> None:
        """Pre-birth referrals: babies due in the next months to mothers already of concern."""
        p = self.b.people
        n = self.n
        due = np.flatnonzero((p.dob[:n] > t + 45) & (p.dob[:n] <= t + 150) & (p.mother[:n] >= 0))
        due = due[self.open_until[due] < t]
        if not len(due):
            return
        mothers = p.mother[due].astype(np.int64)
        homes = self.tl.household_at(mothers, np.full(len(due), t))
        due, homes = due[homes >= 0], homes[homes >= 0]
        for k in top_k(self.weight[due], wanted, self.rng):
            day = t + int(self.rng.integers(0, days))
            self._family_episode(np.array([due[k]]), int(homes[k]), day, targets)

    def _referrals(self, t: int, days: int, kids: NDArray[np.int64], households: NDArray[np.int64],
                   wanted: int, targets: YearTargets) -> None:
        rng = self.rng
        if not len(kids):
            return
        hh_ids, groups = group_by(households)
        hh_weight = np.zeros(len(hh_ids))
        np.maximum.at(hh_weight, np.repeat(np.arange(len(hh_ids)), np.diff(groups)),
                      self.weight[kids[np.argsort(households, kind="stable")]])
        members_of = kids[np.argsort(households, kind="stable")]
        order = top_k(hh_weight, min(len(hh_ids), wanted), rng)
        done = 0
        for k in order:
            if done >= wanted:
                break
            members = members_of[groups[k]:groups[k + 1]]
            if len(members) > 1 and rng.random() < 0.3:
                ages = (t - self.b.people.dob[members]) / YEAR
                w = 0.2 + (ages > 10) + 2.0 * ((self.b.people.flags[members] & CHILD_BEHAVIOUR)
                                               > 0)
                members = members[[int(rng.choice(len(members), p=w / w.sum()))]]
            self._family_episode(members, int(hh_ids[k]), t + int(rng.integers(0, days)),
                                 targets)
            done += len(members)

    def _path(self, targets: YearTargets) -> str:
        roll = self.rng.random()
        for name, prob in zip(("nfa", "nin", "cla", "cp"), path_shares(targets), strict=False):
            if roll < prob:
                return name
            roll -= prob
        return "cin"

    def _cin_days(self, targets: YearTargets) -> float:
        """Mean length of a CIN-plan episode that makes the 31 March CIN stock come out right."""
        p_nfa, p_nin, p_cla, p_cp = path_shares(targets)
        p_cin = max(1 - p_nfa - p_nin - p_cp - p_cla, 0.05)
        ref = max(targets.referrals_per_10k, 1.0)
        cla_days = targets.cla_at31_per_10k / max(targets.cla_starts_per_10k, 1.0) * 365
        total = targets.cin_at31_per_10k / ref * 365
        other = p_nin * 35 + p_cp * (MEAN_CP_DAYS + 170) + p_cla * (cla_days * 0.85 + 45)
        # 0.9: children turning 18 or moving away end some episodes early; measured.
        return float(max(0.9 * (total - other) / p_cin, 60.0))

    def _family_episode(self, children: NDArray[np.int64], household: int, day: int,
                        targets: YearTargets, path: str | None = None,
                        route: str | None = None) -> None:
        rng, t = self.rng, self.t
        self.groups += 1
        group = self.groups
        path = path or self._path(targets)
        src_codes, src_p = self._sources
        source = src_codes[int(rng.choice(len(src_codes), p=src_p))]
        if (self.parent_flags[children[0]] & (DA_VICTIM | DA_PERPETRATOR)) and rng.random() < 0.5:
            source = "6"
        need_codes, need_p = self._needs
        need = need_codes[int(rng.choice(len(need_codes), p=need_p))]
        assess_start = day + int(rng.integers(0, 6))
        assess_auth = assess_start + int(np.clip(rng.lognormal(np.log(28), 0.45), 3, 110))
        close = day
        reason = "RC8"
        team = "front_door"
        plans: list[tuple[str, int, int]] = []
        cp_plan: tuple[int, int] | None = None
        s47: tuple[int, int, bool] | None = None
        if path == "nin":
            close = assess_auth + int(rng.integers(0, 4))
            reason = "RC9" if rng.random() < 0.35 else "RC8"
            team = "assessment"
        elif path == "cin":
            cin_start = assess_auth + int(rng.integers(0, 14))
            mean = self._cin_days(targets)
            length = int(np.clip(rng.lognormal(np.log(mean) - 0.245, 0.7), 28, 2500))
            plans.append(("cin", cin_start, cin_start + length))
            close = cin_start + length + int(rng.integers(0, 10))
            reason = _closure(rng)
            team = "cin_cp"
            if rng.random() < 0.2:
                s47 = (day + int(rng.integers(0, 10)), NEVER_INT, rng.random() < 0.6)
        elif path == "cp":
            s47_start = day + int(rng.integers(0, 10))
            icpc = s47_start + int(rng.integers(7, 22))
            s47 = (s47_start, icpc, False)
            length = int(np.clip(rng.lognormal(np.log(CP_MEDIAN_DAYS), CP_SIGMA), 20, 1600))
            cp_plan = (icpc, icpc + length)
            after = int(np.clip(rng.lognormal(np.log(120), 0.5), 14, 600))
            plans.append(("cin", icpc + length, icpc + length + after))
            close = icpc + length + after + int(rng.integers(0, 10))
            reason = _closure(rng)
            team = "cin_cp"
        elif path == "cla":
            team = "cla"
        for child in children:
            child = int(child)
            ep = len(t.ep_child)
            c_close, c_reason = close, reason
            if path == "cla":
                c_close, c_reason = self.cla.plan(child, ep, day + int(rng.integers(5, 90)),
                                                  household, route)
            c_close, c_reason = self._cap(child, day, c_close, c_reason, path != "cla")
            t.ep_child.append(child)
            t.ep_group.append(group)
            t.ep_household.append(household)
            t.ep_referral.append(day)
            t.ep_source.append(source)
            t.ep_need.append("N2" if need == "N1" and rng.random() < 0.02 else need)
            t.ep_nfa.append(path == "nfa")
            t.ep_path.append(path)
            t.ep_close.append(c_close)
            t.ep_reason.append(c_reason)
            t.ep_team.append(team)
            t.ep_worker.append(-1)
            self.open_until[child] = c_close if c_close != NEVER_INT else 2**40
            contact = day - int(rng.integers(0, 4))
            t.ct_child.append(child)
            t.ct_date.append(contact)
            t.ct_source.append(source)
            t.ct_outcome.append("Progress to referral")
            t.ct_ep.append(ep)
            if path != "nfa" and assess_start < c_close:
                t.as_ep.append(ep)
                t.as_start.append(assess_start)
                t.as_auth.append(min(assess_auth, c_close) if c_close != NEVER_INT
                                 else assess_auth)
                t.as_factors.append("")
            for _, p_start, p_end in plans:
                if p_start < c_close:
                    t.cin_ep.append(ep)
                    t.cin_start.append(p_start)
                    t.cin_end.append(min(p_end, c_close))
            if s47 is not None and s47[0] < c_close:
                t.s47_ep.append(ep)
                t.s47_start.append(s47[0])
                t.s47_icpc.append(s47[1] if s47[1] < c_close else NEVER_INT)
                t.s47_not_required.append(s47[2])
            if cp_plan is not None and cp_plan[0] < c_close:
                self._cp(ep, child, cp_plan[0], min(cp_plan[1], c_close))

    def _cp(self, ep: int, child: int, start: int, end: int) -> None:
        rng, t = self.rng, self.t
        codes, probs = self._cats
        initial = codes[int(rng.choice(len(codes), p=probs))]
        if self.parent_flags[child] & (DA_VICTIM | DA_PERPETRATOR) and rng.random() < 0.5:
            initial = "EMO"
        latest = initial if rng.random() < 0.85 else codes[int(rng.choice(len(codes), p=probs))]
        reviews = []
        review = start + 90
        while review < min(end, self.b.as_of + 1):
            reviews.append(review + int(rng.integers(-5, 6)))
            review += 182
        t.cp_ep.append(ep)
        t.cp_start.append(start)
        t.cp_end.append(end if end <= self.b.as_of else NEVER_INT)
        t.cp_initial.append(initial)
        t.cp_latest.append(latest)
        t.cp_previous.append(int(self.cp_count[child]))
        t.cp_reviews.append(reviews)
        self.cp_count[child] += 1

    def _cap(self, child: int, start: int, close: int, reason: str, moves_close: bool,
             ) -> tuple[int, str]:
        """Episodes end when the child turns 18, dies or (unless in care) moves away; ones
        still open on the extract date have no closure."""
        p = self.b.people
        eighteen = int(p.dob[child] + 18 * YEAR)
        if eighteen < close:
            close, reason = eighteen, reason if not moves_close else "RC7"
        if p.death[child] < close:
            close, reason = int(p.death[child]), "RC2"
        if moves_close and p.out_date[child] < close:
            close, reason = int(p.out_date[child]), "RC5"
        if close > self.b.as_of:
            return NEVER_INT, ""
        return max(close, start), reason


NEVER_INT = int(NEVER)


def _closure(rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.6:
        return "RC7"
    if roll < 0.9:
        return "RC9"
    if roll < 0.93:
        return "RC3"
    if roll < 0.95:
        return "RC4"
    return "RC5"
