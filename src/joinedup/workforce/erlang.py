"""Erlang C: how many practitioners a fast need (duty, front door, out of hours) needs on shift.

Work that must be *started* within a clock (a referral decision within one working day, an
out-of-hours call answered within the hour) behaves like a queue: arrivals at rate λ per hour,
each taking on average ``h`` hours, so the offered load is ``A = λ·h`` Erlangs. With ``N``
practitioners on shift, Erlang C gives the probability that an arrival waits at all,

    C(N, A) = [A^N / N! · N / (N − A)] / [Σ_{k<N} A^k / k! + A^N / N! · N / (N − A)],

and the share started within ``t`` hours (the service level) is

    SL = 1 − C(N, A) · exp(−(N − A) · t / h).

We take the smallest ``N`` that meets the service level *and* keeps occupancy ``A / N`` at or
under a cap, because a duty desk run at 100% occupancy has no slack for the complex call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from joinedup.errors import ConfigError

MAX_AGENTS = 10_000


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that an arrival waits, for ``traffic`` Erlangs and ``agents`` on shift.

    Computed through the Erlang B recursion ``B(k) = A·B(k−1) / (k + A·B(k−1))`` and
    ``C = N·B / (N − A·(1 − B))``, which avoids the factorials overflowing for large N. An
    overloaded queue (``agents <= traffic``) always waits: 1.0.
    """
    if traffic < 0 or agents < 0:
        raise ValueError("traffic and agents must not be negative")
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def service_level(traffic: float, agents: int, handling_hours: float, target_hours: float) -> float:
    """Share of arrivals started within ``target_hours``."""
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(traffic, agents)
    return 1.0 - wait * math.exp(-(agents - traffic) * target_hours / handling_hours)


@dataclass(frozen=True, slots=True)
class FastSizing:
    """Practitioners needed on shift for one fast need, and the FTE that staffs the rota."""

    need: str
    arrivals_per_hour: float
    traffic: float
    agents: int
    service_level: float
    occupancy: float
    fte: float
    binding: str  # "service level" or "occupancy cap": which constraint set the number


def agents_needed(arrivals_per_hour: float, handling_hours: float, target_hours: float,
                  target_level: float, occupancy_cap: float) -> tuple[int, str]:
    """Smallest number on shift meeting the service level and the occupancy cap, and which bound.

    Raises ConfigError for impossible parameters (a service level of 1 is never reached).
    """
    _check(arrivals_per_hour >= 0, "arrivals per hour must not be negative")
    _check(handling_hours > 0, "handling time must be more than 0 hours")
    _check(target_hours >= 0, "the target wait must not be negative")
    _check(0 < target_level < 1, "the service level must be between 0 and 1 (e.g. 0.95)")
    _check(0 < occupancy_cap <= 1, "the occupancy cap must be more than 0 and at most 1")
    traffic = arrivals_per_hour * handling_hours
    if traffic == 0:
        return 0, "no demand"
    by_occupancy = max(1, math.ceil(traffic / occupancy_cap - 1e-9))
    agents = max(1, math.floor(traffic) + 1)
    while service_level(traffic, agents, handling_hours, target_hours) < target_level:
        agents += 1
        if agents > MAX_AGENTS:
            raise ConfigError(f"more than {MAX_AGENTS} practitioners on shift would be needed; "
                              "check the arrival rate and handling time")
    if by_occupancy > agents:
        return by_occupancy, "occupancy cap"
    return agents, "service level"


def size_fast_need(need: str, arrivals_per_week: float, *, handling_hours: float,
                   target_hours: float, target_level: float, occupancy_cap: float,
                   open_hours_per_week: float, productive_hours_per_fte: float) -> FastSizing:
    """Erlang C sizing of a rota open ``open_hours_per_week``, converted to FTE.

    Arrivals are assumed spread evenly over the open hours; a rota with ``N`` on shift for
    ``open_hours_per_week`` needs ``N × open hours ÷ productive hours per FTE`` FTE.
    """
    _check(open_hours_per_week > 0, "open hours per week must be more than 0")
    _check(productive_hours_per_fte > 0, "productive hours per FTE must be more than 0")
    rate = arrivals_per_week / open_hours_per_week
    agents, binding = agents_needed(rate, handling_hours, target_hours, target_level,
                                    occupancy_cap)
    traffic = rate * handling_hours
    level = service_level(traffic, agents, handling_hours, target_hours) if agents else 1.0
    return FastSizing(
        need=need, arrivals_per_hour=rate, traffic=traffic, agents=agents, service_level=level,
        occupancy=traffic / agents if agents else 0.0,
        fte=agents * open_hours_per_week / productive_hours_per_fte, binding=binding)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(f"Erlang C: {message}.")
