"""The council's address reference files, as a real council holds them beside its extracts:
a postcode lookup in the shape of the ONS Postcode Directory (postcode to LSOA and ward) and a
schools list in the shape of Get Information about Schools (name, phase, location).

They are not person data and are not mapped in sources.yaml: the marts read them to place
people in wards and LSOAs (`joinedup.marts`). Synthetic geography stays labelled as such: its
codes start with X and its names end "(synthetic)".
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np

from joinedup.synth.addresses import Addresses
from joinedup.synth.education import Schools
from joinedup.synth.geography import Geography

FOLDER = "gazetteer"
POSTCODES = "postcodes.csv"
SCHOOLS = "schools.csv"


def write_postcodes(out: Path, addresses: Addresses, geo: Geography) -> int:
    """One row per postcode inside the borough: its LSOA, its most common ward, a centroid."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    inside = np.flatnonzero((addresses.lsoa >= 0) & ~addresses.external)
    by_postcode: dict[str, list[int]] = {}
    for i in inside:
        by_postcode.setdefault(str(addresses.postcode[i]), []).append(int(i))
    with (folder / POSTCODES).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["pcds", "lsoa21cd", "lsoa21nm", "wd23cd", "wd23nm", "lat", "long"])
        for postcode in sorted(by_postcode):
            rows = by_postcode[postcode]
            lsoa = Counter(int(addresses.lsoa[i]) for i in rows).most_common(1)[0][0]
            ward = Counter(int(addresses.ward[i]) for i in rows).most_common(1)[0][0]
            writer.writerow([postcode, geo.lsoa_code[lsoa], geo.lsoa_name[lsoa],
                             geo.ward_code[ward], geo.ward_name[ward],
                             f"{float(np.mean(addresses.lat[rows])):.6f}",
                             f"{float(np.mean(addresses.lon[rows])):.6f}"])
    return len(by_postcode)


def write_schools(out: Path, schools: Schools) -> int:
    """Every school the borough's pupils attend, with where it is."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / SCHOOLS).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["URN", "EstablishmentName", "PhaseOfEducation",
                         "TypeOfEstablishment", "Latitude", "Longitude"])
        for k, name in enumerate(schools.name):
            writer.writerow([schools.urn[k], name, schools.phase[k], schools.kind[k],
                             f"{schools.lat[k]:.6f}", f"{schools.lon[k]:.6f}"])
    return len(schools.name)
