"""The electoral register: one row per elector at a property on the extract date, as an
electoral management system exports it (polling district and elector number, names, property
with its UPRN, date of registration, date of attainment for 16 and 17 year olds).

The register is incomplete and a little out of date, as real ones are, and both matter to a
single person discount review: an adult missing from the register is invisible to it, and an
elector who moved out months ago but was not yet removed looks like a second adult.

The rates are parameters, set from the Electoral Commission's accuracy and completeness
studies of the registers in Great Britain (December 2018 registers, published 2019): about
83% of eligible people correctly registered overall, about 9 in 10 owner-occupiers but only
about 6 in 10 private renters, and young adults well below older ones. Nationality (who is
eligible at all) is not modelled: the shortfall covers it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from joinedup.synth import mapping_yaml as my
from joinedup.synth.addresses import OWNER, PRIVATE_RENT, SOCIAL_RENT
from joinedup.synth.output import Output, fmt_dates
from joinedup.synth.population import NEVER
from joinedup.synth.quality import _profile
from joinedup.synth.records import World, render
from joinedup.synth.timeline import YEAR

SOURCE = "electoral_register"
REL = "electoral_register/register.csv"
DATE = "%d/%m/%Y"
NEVER_INT = int(NEVER)

COMPLETENESS = {OWNER: 0.90, PRIVATE_RENT: 0.60, SOCIAL_RENT: 0.82}
"""Share of adults registered at their address, by tenure (Electoral Commission 2019)."""
YOUNG_FACTOR = 0.8
"""Young adults (18 to 24) register less: the share above is multiplied by this."""
ATTAINER_SHARE = 0.5
"""Share of 17 year olds on the register as attainers (with their date of attainment)."""
STALE_SHARE = 0.35
"""Share of adults who moved out (not died) in the last year who are still listed at the
old address: the annual canvass has not caught up with them yet."""
STALE_DAYS = 365

# Names are as the elector gave them on the form; the register has no date of birth.
QUALITY = _profile(0.4, dob_missing=1.0, nhs_missing=1.0, placeholder_name=0.0,
                   stale_address=0.0, duplicate=0.0, invalid_value=0.0, initial_only=0.0,
                   nickname=0.0)


def write_electoral_register(world: World, out: Output, extract: dt.date,
                             rng: np.random.Generator) -> my.Mapping:
    """Write `electoral_register/register.csv`; ``rng`` is this extract's own stream, so
    adding the register leaves every other extract byte-identical."""
    world = dataclasses.replace(world, rng=rng)
    tl, a, p = world.timeline, world.addresses, world.borough.people
    ex = (extract - dt.date(1970, 1, 1)).days
    spells = tl.active(ex)
    spells = spells[~a.external[tl.address[spells]]]
    age = (ex - p.dob[tl.person[spells]]) / YEAR
    share = np.array([COMPLETENESS[int(t)] for t in a.tenure[tl.address[spells]]])
    share = np.where(age < 25, share * YOUNG_FACTOR, share)
    share = np.where(age < 18, ATTAINER_SHARE * (age >= 17), share)
    current = spells[rng.random(len(spells)) < share]
    ended = np.flatnonzero((tl.end > ex - STALE_DAYS) & (tl.end <= ex)
                           & ~a.external[tl.address]
                           & ((tl.end - p.dob[tl.person]) / YEAR >= 18)
                           & (p.death[tl.person] > ex))
    stale = ended[rng.random(len(ended)) < STALE_SHARE]
    chosen = np.concatenate([current, stale])
    persons = tl.person[chosen].astype(np.int64)
    last_seen = np.where(np.arange(len(chosen)) < len(current), ex, tl.end[chosen] - 1)
    # People register some weeks after moving in (or at 16, for those who grew up there).
    delay = rng.integers(14, 200, len(chosen))
    registered = np.maximum(tl.start[chosen], p.dob[persons] + int(16 * YEAR)) + delay
    registered = np.minimum(registered, last_seen)
    table = render(world, SOURCE, persons, registered, last_seen, QUALITY)
    address = tl.address[chosen]
    order = np.lexsort((table.surname.astype(str), a.line1[address].astype(str),
                        a.postcode[address].astype(str), a.ward[address]))
    ward = a.ward[address][order]
    district = [f"{_letters(int(w))}" for w in ward]
    numbers: list[str] = []
    counter: dict[str, int] = {}
    for code in district:
        counter[code] = counter.get(code, 0) + 1
        numbers.append(f"{code}-{counter[code]}")
    attain_day = np.array([_birthday(int(d), 18) for d in p.dob[persons]], dtype=np.int64)
    attain = np.where(attain_day > ex, attain_day, NEVER_INT)
    out.csv(SOURCE, REL, {
        "ELECTOR_NO": numbers,
        "POLLING_DISTRICT": district,
        "FORENAME": table.first[order],
        "MIDDLE_NAMES": table.middle[order],
        "SURNAME": table.surname[order],
        "PROPERTY": a.line1[address][order],
        "LOCALITY": a.locality[address][order],
        "POSTCODE": table.postcode[order],
        "UPRN": [str(int(u)) for u in a.uprn[address][order]],
        "ATTAINMENT_DATE": fmt_dates(attain[order], DATE),
        "REGISTERED": fmt_dates(registered[order], DATE),
    }, persons=persons[order], record_ids=numbers)
    rows = np.empty(len(order), dtype=np.int64)
    rows[order] = np.arange(len(order)) + 2
    for k in np.flatnonzero(np.arange(len(chosen)) >= len(current)):
        out.error(SOURCE, REL, int(rows[k]), "address", "stale_address")
    for i, field_name, kind in table.errors:
        out.error(SOURCE, REL, int(rows[i]), f"person.{field_name}", kind)
    t = my.target
    address_cols = my.cols(["PROPERTY", "LOCALITY"])
    files = [my.file(REL, [
        t("person", source_record_id="ELECTOR_NO", first_name="FORENAME",
          middle_names="MIDDLE_NAMES", surname="SURNAME", address=address_cols,
          postcode="POSTCODE", uprn="UPRN", recorded_date="REGISTERED"),
        t("address", source_record_id="ELECTOR_NO", address=address_cols,
          postcode="POSTCODE", uprn="UPRN", start_date="REGISTERED"),
    ], date_format=DATE)]
    return my.source(SOURCE, "Electoral register (electoral management system export)",
                     "electoral_registration", extract, None, extract, files)


def _letters(ward: int) -> str:
    # Polling district codes look like "BA", "BB": a letter pair per ward.
    return "ABCDEFGHJKLMNPRSTUVWXYZ"[ward // 23 % 23] + "ABCDEFGHJKLMNPRSTUVWXYZ"[ward % 23]


def _birthday(dob: int, years: int) -> int:
    born = dt.date(1970, 1, 1) + dt.timedelta(days=dob)
    try:
        day = born.replace(year=born.year + years)
    except ValueError:  # 29 February: the birthday is 1 March in a common year
        day = dt.date(born.year + years, 3, 1)
    return (day - dt.date(1970, 1, 1)).days
