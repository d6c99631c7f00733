"""Looked-after children: periods of care split into SSDA903 episodes (legal status and
placement changes), reviews and missing episodes, in the DfE's own codes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from joinedup.synth.addresses import Addresses
from joinedup.synth.population import CHILD_BEHAVIOUR, CHILD_DISABILITY, NEVER, Borough
from joinedup.synth.timeline import YEAR, Timeline

NEVER_INT = int(NEVER)
_CHANGE_REASONS = ("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHRON",
                   "LAREQ", "PLACE", "OTHER")
_CHANGE_P = np.array([30, 5, 3, 6, 8, 5, 3, 4, 20, 12, 4], dtype=float)
# Placement mix by age band (under 5, 5-12, 13 and over).
_PLACES: dict[int, tuple[tuple[str, float], ...]] = {
    0: (("U6", 50), ("U3", 20), ("U4", 10), ("U1", 10), ("P1", 10)),
    1: (("U4", 30), ("U6", 30), ("U1", 10), ("U3", 10), ("K2", 10), ("P1", 5), ("R1", 5)),
    2: (("U4", 20), ("U6", 20), ("K2", 30), ("P2", 10), ("R1", 5), ("P1", 5), ("U1", 10)),
}
_PROVIDERS: dict[str, tuple[tuple[str, float], ...]] = {
    "U1": (("PR1", 1),), "U3": (("PR1", 1),), "U4": (("PR1", 0.6), ("PR4", 0.4)),
    "U6": (("PR1", 0.6), ("PR4", 0.4)), "K2": (("PR4", 0.7), ("PR1", 0.3)),
    "P1": (("PR0", 1),), "P2": (("PR4", 1),), "R1": (("PR3", 1),),
    "A5": (("PR1", 0.7), ("PR5", 0.3)), "A6": (("PR1", 0.7), ("PR5", 0.3)),
}
_REVIEW_CODES = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
_REVIEW_P = np.array([40, 15, 15, 10, 8, 7, 5], dtype=float)


# SSDA903 records seven Xs in URN when the placement has no Ofsted unique reference number.
URN_NOT_APPLICABLE = "X" * 7

def partial_postcode(postcode: str) -> str:
    """SSDA903's HOME_POST/PL_POST: outward code and sector digit ("SK5 7")."""
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}"


@dataclass
class ClaPlanner:
    borough: Borough
    timeline: Timeline
    rng: np.random.Generator
    addresses: Addresses | None = None
    # SSDA903 episodes.
    child: list[int] = field(default_factory=list)
    cin_ep: list[int] = field(default_factory=list)
    decom: list[int] = field(default_factory=list)
    rne: list[str] = field(default_factory=list)
    ls: list[str] = field(default_factory=list)
    need: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    provider: list[str] = field(default_factory=list)
    dec: list[int] = field(default_factory=list)
    rec: list[str] = field(default_factory=list)
    change_reason: list[str] = field(default_factory=list)
    home_address: list[int] = field(default_factory=list)
    pl_post: list[str] = field(default_factory=list)
    urn: list[str] = field(default_factory=list)
    # Periods of care, reviews and missing episodes.
    period_child: list[int] = field(default_factory=list)
    period_start: list[int] = field(default_factory=list)
    period_end: list[int] = field(default_factory=list)
    rv_child: list[int] = field(default_factory=list)
    rv_date: list[int] = field(default_factory=list)
    rv_code: list[str] = field(default_factory=list)
    ms_child: list[int] = field(default_factory=list)
    ms_start: list[int] = field(default_factory=list)
    ms_end: list[int] = field(default_factory=list)
    ms_kind: list[str] = field(default_factory=list)
    homes: list[str] = field(default_factory=list)

    def plan(self, child: int, ep: int, start: int, household: int, route: str | None = None,
             ) -> tuple[int, str]:
        """Plan one period of care from ``start``; returns (end or NEVER, CIN closure reason)."""
        rng = self.rng
        p = self.borough.people
        start = max(start, int(p.dob[child]) + 1)  # a pre-birth plan starts at birth
        age = (start - p.dob[child]) / YEAR
        eighteen = int(p.dob[child] + 18 * YEAR)
        if eighteen - start < 30:
            # Turned 18 before care could start: the episode simply ends.
            return (eighteen if eighteen <= self.borough.as_of else NEVER_INT), "RC7"
        route = route or self._route(age)
        if route == "home":
            length = rng.lognormal(np.log(0.4), 0.6)
        elif route == "adoption":
            length = rng.lognormal(np.log(1.9), 0.3)
        elif route == "sgo":
            length = rng.lognormal(np.log(1.6), 0.35)
        else:
            length = 30.0
        end = min(start + int(length * YEAR), eighteen)
        if route == "long" or end == eighteen:
            route = "age18"
        final_rec = self._final_rec(route)
        changes = self._changes(start, end, route, age)
        band = 0 if age < 5 else 1 if age < 13 else 2
        legal = "V2" if rng.random() < 0.3 else "C1" if rng.random() < 0.75 else \
            str(rng.choice(["L1", "L2", "C2"]))
        place = self._place(band, age)
        need = "N1" if rng.random() < 0.7 else str(rng.choice(["N2", "N4", "N5", "N6", "N8"]))
        home = int(self.timeline.address_at(np.array([child]), np.array([start]))[0])
        as_of = self.borough.as_of
        decom, rne = start, "S"
        for when, kind in changes:
            new_legal, new_place = legal, place
            if kind in ("L", "T"):
                new_legal = "E1" if route == "adoption" and legal in ("C2", "C1") and \
                    when - start > 250 else "C2"
            if kind in ("P", "T"):
                new_place = ("A5" if rng.random() < 0.5 else "A6") if new_legal == "E1" \
                    else self._place(band, (when - p.dob[child]) / YEAR)
            self._episode(child, ep, decom, rne, legal, need, place, when, "X1",
                          kind in ("P", "T"), home)
            decom, rne, legal, place = when, kind, new_legal, new_place
        open_now = end > as_of
        self._episode(child, ep, decom, rne, legal, need, place,
                      NEVER_INT if open_now else end, "" if open_now else final_rec, False,
                      home)
        self.period_child.append(child)
        self.period_start.append(start)
        self.period_end.append(NEVER_INT if open_now else end)
        self._reviews(child, start, min(end, as_of + 1), age)
        self._missing(child, start, min(end, as_of + 1), age)
        if open_now:
            return NEVER_INT, ""
        reason = {"E11": "RC1", "E12": "RC1", "E41": "RC3", "E45": "RC4", "E46": "RC4",
                  "E47": "RC4", "E48": "RC4"}.get(final_rec, "RC7")
        if route == "age18" and p.flags[child] & CHILD_DISABILITY:
            reason = "RC6"
        return end, reason

    def _route(self, age: float) -> str:
        roll = self.rng.random()
        table: tuple[tuple[str, float], ...]
        if age < 5:
            table = (("adoption", 0.35), ("sgo", 0.2), ("home", 0.30))
        elif age < 13:
            table = (("sgo", 0.25), ("home", 0.5))
        else:
            table = (("home", 0.47),)
        for name, prob in table:
            if roll < prob:
                return name
            roll -= prob
        return "long"

    def _final_rec(self, route: str) -> str:
        rng = self.rng
        if route == "home":
            return "E4A" if rng.random() < 0.88 else "E4B"
        if route == "adoption":
            return "E11" if rng.random() < 0.6 else "E12"
        if route == "sgo":
            return str(rng.choice(["E41", "E45", "E46", "E47", "E48"], p=[.2, .3, .2, .2, .1]))
        return str(rng.choice(["E17", "E7", "E8"], p=[0.25, 0.15, 0.6]))

    def _changes(self, start: int, end: int, route: str, age: float) -> list[tuple[int, str]]:
        """Dates where a new episode starts: L legal status, P placement, T both."""
        rng = self.rng
        points: dict[int, str] = {}
        if route != "home" and end - start > 200:
            points[start + int(rng.integers(120, 300))] = "L"
        day = start
        while True:
            day += int(rng.exponential(365 / (1.0 if age > 12 else 0.7)))
            if day >= end - 7:
                break
            points[day] = "T" if day in points else "P"
        horizon = min(end, self.borough.as_of)
        return sorted((d, k) for d, k in points.items() if start < d < horizon)

    def _place(self, band: int, age: float) -> str:
        rng = self.rng
        table = _PLACES[band]
        codes = [c for c, _ in table]
        if age < 16:
            codes = [c for c in codes if c != "P2"] or codes
        weights = np.array([w for c, w in table if c in codes], dtype=float)
        return str(rng.choice(codes, p=weights / weights.sum()))

    def _episode(self, child: int, ep: int, decom: int, rne: str, legal: str, need: str,
                 place: str, dec: int, rec: str, placement_changes: bool, home: int) -> None:
        rng = self.rng
        options = _PROVIDERS.get(place, (("PR1", 1),))
        probs = np.array([w for _, w in options])
        provider = options[int(rng.choice(len(options), p=probs / probs.sum()))][0]
        self.child.append(child)
        self.cin_ep.append(ep)
        self.decom.append(decom)
        self.rne.append(rne)
        self.ls.append(legal)
        self.need.append(need)
        self.place.append(place)
        self.provider.append(provider)
        self.dec.append(dec)
        self.rec.append(rec)
        self.change_reason.append(
            str(rng.choice(_CHANGE_REASONS, p=_CHANGE_P / _CHANGE_P.sum()))
            if placement_changes else "")
        self.home_address.append(home)
        self.pl_post.append(self._placement_postcode(place, home))
        if place in ("K2", "R1", "P2"):
            if not self.homes or rng.random() < 0.3:
                self.homes.append(f"SC{int(rng.integers(100000, 999999)):06d}")
            self.urn.append(self.homes[int(rng.integers(len(self.homes)))])
        else:
            self.urn.append(URN_NOT_APPLICABLE)

    def _placement_postcode(self, place: str, home: int) -> str:
        a = self.addresses
        if a is None:
            return ""
        rng = self.rng
        if place == "P1" and home >= 0:
            return partial_postcode(str(a.postcode[home]))
        pick = int(rng.integers(len(a.postcode)))
        return partial_postcode(str(a.postcode[pick]))

    def _reviews(self, child: int, start: int, end: int, age: float) -> None:
        rng = self.rng
        day = start + int(rng.integers(10, 20))
        gap = 90
        p = self.borough.people
        while day < end:
            child_age = (day - p.dob[child]) / YEAR
            code = "PN0" if child_age < 4 else str(
                rng.choice(_REVIEW_CODES, p=_REVIEW_P / _REVIEW_P.sum()))
            self.rv_child.append(child)
            self.rv_date.append(day)
            self.rv_code.append(code)
            day += gap + int(rng.integers(-10, 1))
            gap = 182

    def _missing(self, child: int, start: int, end: int, age: float) -> None:
        if age < 10:
            return
        rng = self.rng
        rate = 2.5 if self.borough.people.flags[child] & CHILD_BEHAVIOUR else 0.3
        day = start
        seen: set[int] = set()
        while True:
            day += int(rng.exponential(365 / rate)) + 1
            if day >= end:
                break
            if day in seen:
                continue
            seen.add(day)
            self.ms_child.append(child)
            self.ms_start.append(day)
            self.ms_end.append(min(day + int(rng.integers(0, 4)), end))
            self.ms_kind.append("M" if rng.random() < 0.85 else "A")
