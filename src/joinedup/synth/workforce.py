"""The practitioner workforce: teams sized from the caseloads they carry, people joining and
leaving at the calibrated turnover, agency cover, and who holds which case.

Children's social work teams are sized so open cases per case-holding FTE match the DfE
caseload figure; permanent staff leave at the DfE turnover rate; agency workers fill posts so
that the agency share of FTE matches the DfE agency rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from joinedup.synth.calibration import WorkforceTargets
from joinedup.synth.population import NEVER
from joinedup.synth.timeline import YEAR

NEVER_INT = int(NEVER)
EMAIL_DOMAIN = "stockport.example"  # a reserved domain: no real mailbox


@dataclass(frozen=True)
class Team:
    name: str
    service: str
    kind: str  # the kind of case it holds ("" for teams that hold none)
    share: float  # share of that kind's cases
    roles: tuple[tuple[str, str, float], ...]  # (role, seniority, share of posts)
    holders: tuple[str, ...]  # roles that hold cases


_CSC_ROLES = (("social worker", "newly qualified", 0.15), ("social worker", "experienced", 0.5),
              ("senior social worker", "senior", 0.23), ("team manager", "manager", 0.12))
_CSC_HOLD = ("social worker", "senior social worker")
_EH_ROLES = (("early help practitioner", "practitioner", 0.55),
             ("family support worker", "practitioner", 0.3), ("team manager", "manager", 0.15))
_EH_HOLD = ("early help practitioner", "family support worker")
_ASC_ROLES = (("adult social worker", "experienced", 0.7),
              ("senior social worker", "senior", 0.15), ("team manager", "manager", 0.15))
_ASC_HOLD = ("adult social worker", "senior social worker")

TEAMS: tuple[Team, ...] = (
    Team("Front Door (MASH)", "childrens_social_care", "front_door", 1.0, _CSC_ROLES, _CSC_HOLD),
    Team("Assessment Team", "childrens_social_care", "assessment", 1.0, _CSC_ROLES, _CSC_HOLD),
    Team("Locality Team North", "childrens_social_care", "cin_cp", 0.34, _CSC_ROLES, _CSC_HOLD),
    Team("Locality Team South", "childrens_social_care", "cin_cp", 0.33, _CSC_ROLES, _CSC_HOLD),
    Team("Locality Team East", "childrens_social_care", "cin_cp", 0.33, _CSC_ROLES, _CSC_HOLD),
    Team("Children Looked After Team", "childrens_social_care", "cla", 1.0, _CSC_ROLES,
         _CSC_HOLD),
    Team("Family Support Service", "childrens_social_care", "", 0.0,
         (("family support worker", "practitioner", 0.85), ("team manager", "manager", 0.15)),
         ()),
    Team("Fostering and Adoption", "childrens_social_care", "", 0.0, _CSC_ROLES, ()),
    Team("Independent Reviewing Service", "childrens_social_care", "", 0.0,
         (("senior social worker", "senior", 0.85), ("team manager", "manager", 0.15)), ()),
    Team("Early Help North", "early_help", "eh", 0.5, _EH_ROLES, _EH_HOLD),
    Team("Early Help South", "early_help", "eh", 0.5, _EH_ROLES, _EH_HOLD),
    Team("Youth Service", "early_help", "youth", 1.0,
         (("youth worker", "practitioner", 0.85), ("team manager", "manager", 0.15)),
         ("youth worker",)),
    Team("Adult Locality North", "adult_social_care", "asc", 0.5, _ASC_ROLES, _ASC_HOLD),
    Team("Adult Locality South", "adult_social_care", "asc", 0.5, _ASC_ROLES, _ASC_HOLD),
)
# Open cases per case-holding FTE outside children's social work (local practice norms).
OTHER_CASELOADS = {"eh": 22.0, "youth": 15.0, "asc": 26.0}


@dataclass
class Roster:
    staff_id: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    seniority: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    holds_cases: list[bool] = field(default_factory=list)
    fte: list[float] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    leave: list[int] = field(default_factory=list)
    agency: list[bool] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    caseload: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.staff_id)

    def name(self, i: int) -> str:
        return f"{self.first[i]} {self.last[i]}"


class RosterBuilder:
    def __init__(self, targets: WorkforceTargets, rng: np.random.Generator, window_start: int,
                 as_of: int, names: tuple[list[str], list[str]]) -> None:
        self.w = targets
        self.rng = rng
        self.start = window_start
        self.as_of = as_of
        self.forenames, self.surnames = names
        self.r = Roster()
        self._emails: set[str] = set()
        self._ids: set[int] = set()

    def build(self, open_cases: dict[str, float]) -> Roster:
        """Posts for every team, from the open cases each kind carries on the extract date."""
        w = self.w
        case_fte = 0.0
        for team in TEAMS:
            if not team.kind:
                continue
            load = w.caseload_per_fte if team.service == "childrens_social_care" else \
                OTHER_CASELOADS[team.kind]
            holders_fte = open_cases.get(team.kind, 0.0) * team.share / load
            self._team(team, max(holders_fte, 0.5))
            if team.service == "childrens_social_care":
                case_fte += holders_fte
        # Social workers who hold no cases (reviewing, fostering, QA) make up the rest of the
        # DfE headcount: case holders are ``case_holder_share`` of all children's SW FTE.
        share = min(max(w.case_holder_share, 0.3), 0.9)
        other = case_fte * (1 / share - 1)
        quiet = [t for t in TEAMS if not t.kind]
        for team in quiet:
            self._team(team, max(other / len(quiet), 1.0))
        return self.r

    def _team(self, team: Team, fte: float) -> None:
        """``fte`` of case holders (or of everyone, in teams that hold no cases), with a team
        manager for every seven practitioners."""
        posts = max(round(fte / 0.93), 1)
        workers = [r for r in team.roles if r[0] != "team manager"]
        managers = [r for r in team.roles if r[0] == "team manager"]
        plan = list(zip(workers, _split(posts, workers), strict=True))
        if managers:
            plan.append((managers[0], max(round(posts / 7), 1 if posts >= 3 else 0)))
        for (role, seniority, _), count in plan:
            for k in range(count):
                growth = self._created(k / max(count, 1))
                self._post(team, role, seniority, role in team.holders, growth)

    def _created(self, rank: float) -> int:
        """When a post was created: later posts appear as the workforce grew (DfE FTE)."""
        index = self.w.fte_index
        if not index:
            return self.start - int(3 * YEAR)
        for year in sorted(index):
            if index[year] >= rank * 0.999 + 0.001:
                return _sept30(year - 1)
        return self.start

    def _post(self, team: Team, role: str, seniority: str, holds: bool, created: int) -> None:
        rng, w = self.rng, self.w
        permanent_years = 100.0 / max(w.turnover_pct, 1.0)
        agency_years = 0.8
        a = w.agency_pct / 100
        p_agency = a * permanent_years / (agency_years * (1 - a) + a * permanent_years)
        fte = 1.0 if rng.random() < 0.78 else float(rng.choice([0.5, 0.6, 0.8, 0.9]))
        day = created - int(rng.exponential(5.0) * YEAR) if created <= self.start else created
        while day <= self.as_of:
            agency = rng.random() < p_agency and role != "team manager"
            tenure = rng.exponential(agency_years if agency else permanent_years)
            leave = day + max(int(tenure * YEAR), 30)
            if leave >= self.start - int(YEAR):
                self._person(team, role, seniority, holds, fte, day,
                             leave if leave <= self.as_of else NEVER_INT, agency)
            day = leave + int(rng.exponential(45)) + 1

    def _person(self, team: Team, role: str, seniority: str, holds: bool, fte: float,
                start: int, leave: int, agency: bool) -> None:
        rng, r = self.rng, self.r
        first = self.forenames[int(rng.integers(len(self.forenames)))]
        last = self.surnames[int(rng.integers(len(self.surnames)))]
        number = int(rng.integers(10000, 99999))
        while number in self._ids:
            number = int(rng.integers(10000, 99999))
        self._ids.add(number)
        email = f"{_ascii(first)}.{_ascii(last)}@{EMAIL_DOMAIN}".lower()
        k = 2
        while email in self._emails:
            email = f"{_ascii(first)}.{_ascii(last)}{k}@{EMAIL_DOMAIN}".lower()
            k += 1
        self._emails.add(email)
        r.staff_id.append(f"E{number}")
        r.first.append(first)
        r.last.append(last)
        r.role.append(role)
        r.seniority.append("agency" if agency and seniority == "experienced" else seniority)
        r.team.append(team.name)
        r.service.append(team.service)
        r.kind.append(team.kind)
        r.holds_cases.append(holds)
        r.fte.append(fte)
        r.start.append(start)
        r.leave.append(leave)
        r.agency.append(agency)
        # Ofcom's drama ranges: numbers that reach no one.
        r.phone.append(f"0161 496 0{len(r.staff_id) % 1000:03d}" if rng.random() < 0.6
                       else f"07700 900{len(r.staff_id) % 1000:03d}")
        r.email.append(email)
        r.caseload.append(0)


def _split(posts: int, roles: list[tuple[str, str, float]]) -> list[int]:
    """Posts per role in proportion to the roles' shares (largest remainder)."""
    shares = [share for _, _, share in roles]
    raw = [posts * share / sum(shares) for share in shares]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: -(raw[i] - counts[i]))
    for i in order[: posts - sum(counts)]:
        counts[i] += 1
    return counts


def _sept30(year: int) -> int:
    import datetime as dt

    return (dt.date(year, 9, 30) - dt.date(1970, 1, 1)).days


def _ascii(text: str) -> str:
    from joinedup.synth.noise import ascii_upper

    return ascii_upper(text).lower().replace(" ", "").replace("'", "")


class Allocator:
    """Gives each case a worker in post on the date that matters (closure, or the extract
    date for open cases), weighted by FTE; siblings share a worker."""

    def __init__(self, roster: Roster, rng: np.random.Generator, as_of: int) -> None:
        self.r = roster
        self.rng = rng
        self.as_of = as_of
        self.kind = np.array(roster.kind, dtype=object)
        self.holds = np.array(roster.holds_cases, dtype=bool)
        self.start = np.array(roster.start, dtype=np.int64)
        self.leave = np.array(roster.leave, dtype=np.int64)
        self.fte = np.array(roster.fte, dtype=np.float64)

    def allocate(self, kind: str, dates: NDArray[np.int64], groups: NDArray[np.int64],
                 open_now: NDArray[np.bool_]) -> NDArray[np.int64]:
        rng = self.rng
        pool = np.flatnonzero((self.kind == kind) & self.holds)
        result = np.full(len(dates), -1, dtype=np.int64)
        if not len(pool):
            return result
        chosen: dict[int, int] = {}
        for i in range(len(dates)):
            g = int(groups[i])
            if g in chosen:
                result[i] = chosen[g]
                continue
            when = min(int(dates[i]), self.as_of)
            live = pool[(self.start[pool] <= when) & (self.leave[pool] > when)]
            if not len(live):
                # Every post vacant that day: the case sits with whoever was nearest in time.
                gap = np.maximum(self.start[pool] - when, 0) + np.maximum(
                    when - self.leave[pool], 0)
                live = pool[np.argsort(gap, kind="stable")[:1]]
            w = self.fte[live]
            pick = int(live[int(rng.choice(len(live), p=w / w.sum()))])
            chosen[g] = pick
            result[i] = pick
        for worker in result[open_now & (result >= 0)]:
            self.r.caseload[int(worker)] += 1
        return result
