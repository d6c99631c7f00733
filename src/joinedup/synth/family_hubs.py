"""The council's family hubs: a small reference list beside the extracts, as a council keeps
one for its directory (`gazetteer/family_hubs.csv`: name, address, postcode, ward, latitude
and longitude). Not person data; the dashboards' map shows the hubs as a point layer.

About one hub for every three wards (Stockport runs eight or so), each at an address inside
a different ward of the borough, so within the ONS ward boundaries when the reference data
is there, or in the generator's own synthetic wards without it. Its own random stream: every
other file stays byte-identical.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from joinedup.synth.addresses import Addresses
from joinedup.synth.geography import Geography

FOLDER = "gazetteer"
FAMILY_HUBS = "family_hubs.csv"
WARDS_PER_HUB = 3
COLUMNS = ("Name", "AddressLine1", "Locality", "Town", "Postcode", "WardCode", "Latitude",
           "Longitude")


def write_family_hubs(out: Path, addresses: Addresses, geo: Geography,
                      rng: np.random.Generator) -> int:
    """Write the family hubs list; returns how many hubs."""
    inside = np.flatnonzero((addresses.lsoa >= 0) & ~addresses.external)
    wards = np.unique(addresses.ward[inside])
    count = max(1, round(len(wards) / WARDS_PER_HUB))
    chosen = np.sort(rng.choice(wards, size=min(count, len(wards)), replace=False))
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with (folder / FAMILY_HUBS).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for ward in chosen:
            pool = inside[addresses.ward[inside] == ward]
            houses = pool[[not str(line).startswith("Flat") for line in addresses.line1[pool]]]
            pool = houses if len(houses) else pool  # a hub is a building, not a flat
            home = int(pool[int(rng.integers(len(pool)))])
            place = str(addresses.locality[home])
            name = f"{place} Family Hub"
            if name in used:
                name = f"{place} Family Hub ({geo.ward_name[int(ward)]})"
            used.add(name)
            writer.writerow([name, addresses.line1[home], place, addresses.town[home],
                             addresses.postcode[home], geo.ward_code[int(ward)],
                             f"{float(addresses.lat[home]):.6f}",
                             f"{float(addresses.lon[home]):.6f}"])
    return len(chosen)
