"""The address stock: properties with UPRNs, streets, synthetic postcode units inside real (or
synthetic) LSOAs, tenure, and a few out-of-borough addresses for people who live elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from joinedup.errors import JoinedUpError
from joinedup.synth.geography import Geography
from joinedup.synth.identifiers import uprns

OWNER, PRIVATE_RENT, SOCIAL_RENT = 0, 1, 2
TENURES = ("owner occupied", "private rented", "social rented")

_STEMS = (
    "Church", "Mill", "Station", "Park", "Hall", "Manor", "Chapel", "Green", "Moss", "Brook",
    "Heath", "Lea", "Oak", "Ash", "Beech", "Elm", "Birch", "Willow", "Holly", "Hawthorn", "Cedar",
    "Maple", "Rowan", "Laurel", "Lime", "Poplar", "Larch", "Chestnut", "Sycamore", "Albert",
    "Victoria", "Wellington", "Nelson", "Buxton", "Bridge", "Market", "Castle", "School", "Spring",
    "Meadow", "Orchard", "Kings", "Queens", "Princes", "Windsor", "Grosvenor", "Derby",
    "Lancaster", "York", "Chester", "Carlton", "Clifton", "Grange", "Priory", "Abbey", "Rectory",
    "Vicarage", "Highfield", "Fairfield", "Broad", "Cross", "Bank", "Dale", "Hill", "Wood",
    "Field", "Cliff", "Moor", "Ridge", "Vale", "Acre", "Croft", "Lodge", "Farm", "Garden", "River",
    "Canal", "Lark", "Swallow", "Kingfisher", "Heron", "Thrush", "Primrose", "Bluebell",
    "Foxglove", "Heather", "Clover", "Daisy"
)
_SUFFIXES = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Crescent", "Terrace",
    "Place", "Gardens", "Walk", "Rise", "View", "Mews"
)
_SUFFIX_WEIGHTS = np.array([20, 18, 12, 10, 8, 7, 6, 4, 4, 3, 2, 2, 2, 1, 1, 1], dtype=float)
_BLOCKS = ["Court", "House", "Heights", "Point", "Towers", "Lodge"]
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters Royal Mail uses (no C I K M O V)
_EXTERNAL = (
    ("M19", "Levenshulme", "Manchester"), ("M20", "Didsbury", "Manchester"),
    ("M14", "Fallowfield", "Manchester"), ("SK9", "Wilmslow", "Cheshire"),
    ("SK10", "Macclesfield", "Cheshire"), ("SK14", "Hyde", "Cheshire"),
    ("OL6", "Ashton-under-Lyne", "Lancashire"), ("WA15", "Altrincham", "Cheshire"),
    ("M22", "Wythenshawe", "Manchester"), ("SK13", "Glossop", "Derbyshire"),
)


@dataclass
class Addresses:
    uprn: NDArray[np.int64]
    line1: NDArray[np.object_]  # "12 Brook Lane" or "Flat 3, Heron Court, 4 Mill Street"
    locality: NDArray[np.object_]
    town: NDArray[np.object_]
    postcode: NDArray[np.object_]
    lsoa: NDArray[np.int64]  # -1 outside the borough
    ward: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    tenure: NDArray[np.int8]
    deprivation: NDArray[np.float64]  # of the LSOA, 0 (least) to 1 (most deprived)
    external: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.uprn)

    def one_line(self, idx: NDArray[np.int64]) -> NDArray[np.object_]:
        return np.array([f"{a}, {b}, {c}" for a, b, c in
                         zip(self.line1[idx], self.locality[idx], self.town[idx], strict=True)],
                        dtype=object)


def build_addresses(geo: Geography, n_addresses: int, rng: np.random.Generator,
                    n_external: int = 400) -> Addresses:
    """``n_addresses`` properties spread over the LSOAs, plus ``n_external`` elsewhere."""
    n_lsoa = len(geo.lsoa_code)
    deprivation = rng.beta(1.3, 2.6, n_lsoa)
    weights = rng.gamma(8.0, 1.0, n_lsoa)
    counts = rng.multinomial(n_addresses, weights / weights.sum())
    used_units: set[str] = set()
    sector_of: dict[tuple[str, int], int] = {}
    next_unit: dict[tuple[str, int], int] = {}
    localities = [geo.locality(w) for w in range(len(geo.ward_name))]
    cols: dict[str, list[object]] = {k: [] for k in (
        "line1", "locality", "postcode", "lsoa", "ward", "lon", "lat", "tenure", "dep")}
    for lsoa in range(n_lsoa):
        count = int(counts[lsoa])
        if count == 0:
            continue
        xy = geo.points(lsoa, count, rng)
        wards = geo.wards_of(xy, np.full(count, lsoa, dtype=np.int64))
        dep = float(deprivation[lsoa])
        social = 0.02 + 0.5 * dep**1.6
        private = 0.08 + 0.2 * dep
        tenure = rng.choice(3, count, p=[1 - social - private, private, social])
        ward_main = int(geo.lsoa_ward[lsoa])
        districts = geo.ward_districts[ward_main]
        district = districts[lsoa % len(districts)]
        sector = sector_of.setdefault((district, lsoa), 1 + (lsoa * 7 + len(sector_of)) % 9)
        # Properties come in postcode units of ~8-25 along one street, sorted west to east
        # so a unit is a compact group.
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        pos = 0
        while pos < count:
            size = min(count - pos, int(rng.integers(8, 26)))
            members = order[pos:pos + size]
            pos += size
            unit = _next_postcode(district, sector, next_unit, used_units)
            street = f"{_STEMS[rng.integers(len(_STEMS))]} " \
                     f"{rng.choice(_SUFFIXES, p=_SUFFIX_WEIGHTS / _SUFFIX_WEIGHTS.sum())}"
            flats = rng.random() < 0.05 + 0.25 * dep
            first = int(rng.integers(1, 120))
            block = f"{_STEMS[rng.integers(len(_STEMS))]} {_BLOCKS[rng.integers(len(_BLOCKS))]}"
            for k, m in enumerate(members):
                if flats:
                    line = f"Flat {k + 1}, {block}, {first} {street}"
                else:
                    line = f"{first + 2 * k} {street}"
                cols["line1"].append(line)
                cols["locality"].append(localities[int(wards[m])])
                cols["postcode"].append(unit)
                cols["lsoa"].append(lsoa)
                cols["ward"].append(int(wards[m]))
                cols["lon"].append(float(xy[m, 0]))
                cols["lat"].append(float(xy[m, 1]))
                cols["tenure"].append(int(tenure[m]) if not flats else
                                      int(max(tenure[m], PRIVATE_RENT)))
                cols["dep"].append(dep)
    for k in range(n_external):
        district, locality, _ = _EXTERNAL[k % len(_EXTERNAL)]
        unit = _next_postcode(district, 1 + k % 9, next_unit, used_units)
        cols["line1"].append(f"{int(rng.integers(1, 200))} {_STEMS[rng.integers(len(_STEMS))]} "
                             f"{_SUFFIXES[int(rng.integers(len(_SUFFIXES)))]}")
        cols["locality"].append(locality)
        cols["postcode"].append(unit)
        cols["lsoa"].append(-1)
        cols["ward"].append(-1)
        cols["lon"].append(float("nan"))
        cols["lat"].append(float("nan"))
        cols["tenure"].append(PRIVATE_RENT)
        cols["dep"].append(0.5)
    total = len(cols["line1"])
    towns = ["Stockport"] * (total - n_external) + [
        _EXTERNAL[k % len(_EXTERNAL)][2] for k in range(n_external)]
    return Addresses(
        uprn=uprns(total, rng),
        line1=np.array(cols["line1"], dtype=object),
        locality=np.array(cols["locality"], dtype=object),
        town=np.array(towns, dtype=object),
        postcode=np.array(cols["postcode"], dtype=object),
        lsoa=np.array(cols["lsoa"], dtype=np.int64),
        ward=np.array(cols["ward"], dtype=np.int64),
        lon=np.array(cols["lon"], dtype=np.float64),
        lat=np.array(cols["lat"], dtype=np.float64),
        tenure=np.array(cols["tenure"], dtype=np.int8),
        deprivation=np.array(cols["dep"], dtype=np.float64),
        external=np.array(cols["lsoa"], dtype=np.int64) < 0,
    )


def _next_postcode(district: str, sector: int, next_unit: dict[tuple[str, int], int],
                   used: set[str]) -> str:
    """The next unused unit in a sector, moving to the next sector when one is full."""
    for _ in range(10):
        key = (district, sector)
        k = next_unit.get(key, 0)
        while k < len(_UNIT_LETTERS) ** 2:
            # Step through units in a scrambled but fixed order (7 is coprime with 400).
            j = (k * 7 + sector) % (len(_UNIT_LETTERS) ** 2)
            k += 1
            code = f"{district} {sector}{_UNIT_LETTERS[j // 20]}{_UNIT_LETTERS[j % 20]}"
            if code not in used:
                next_unit[key] = k
                used.add(code)
                return code
        next_unit[key] = k
        sector = sector % 9 + 1
    raise JoinedUpError(
        f"postcode district {district} has no free units: generate a smaller borough "
        "(fewer --people) or add districts in joinedup.synth.geography")
