"""Simulate the borough's people: the initial population, then eight years of life."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from joinedup.synth.addresses import Addresses, build_addresses
from joinedup.synth.builder import Builder
from joinedup.synth.geography import Geography
from joinedup.synth.households import INITIAL_MIX, populate
from joinedup.synth.lifecourse import Demography, Lifecourse
from joinedup.synth.population import Borough

HISTORY_YEARS = 8


def window_start_for(as_of: dt.date) -> dt.date:
    """The first day of the month after ``as_of`` minus eight years."""
    year, month = as_of.year - HISTORY_YEARS, as_of.month + 1
    if month == 13:
        year, month = year + 1, 1
    return dt.date(year, month, 1)


def days(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def simulate(people: int, geo: Geography, as_of: dt.date, rng: np.random.Generator,
             demography: Demography | None = None,
             on_month: Callable[[], None] | None = None) -> tuple[Borough, Addresses]:
    """About ``people`` residents on ``as_of``, with eight years of monthly life events."""
    start = days(window_start_for(as_of))
    end = days(as_of) + 1
    # Households split over the years (separations, young people leaving home), so keep
    # spare properties; about 1 in 9 is vacant at the start.
    demography = demography or Demography()
    addresses = build_addresses(geo, int(people / 2.3 * 1.3) + 50, rng)
    b = Builder(rng, addresses, start, end - 1)
    # The borough grows slowly; start smaller so that ``people`` live there on ``as_of``.
    initial = round(people / (1 + demography.growth * (end - start) / 365.25))
    populate(b, initial, start, INITIAL_MIX, arrival=False)
    Lifecourse(b, demography, initial).run(start, end, on_month)
    return b.freeze(), addresses
