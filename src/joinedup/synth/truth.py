"""Ground truth: who every record really is, every person's household and family, and the
true relationships. Written to out/ground_truth/, never referenced from sources.yaml."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from joinedup.synth.geography import Geography
from joinedup.synth.population import ETHNIC_CODES, NEVER
from joinedup.synth.records import World

NEVER_INT = int(NEVER)


def _dates(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    mask = values >= NEVER_INT
    return pa.array(np.where(mask, 0, values).astype("datetime64[D]"), type=pa.date32(),
                    mask=mask)


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def write_truth(world: World, geo: Geography, out_dir: Path, records: dict[str, list[object]],
                errors: dict[str, list[object]]) -> dict[str, int]:
    b, tl, a = world.borough, world.timeline, world.addresses
    p = b.people
    n = p.n
    folder = out_dir / "ground_truth"
    ids = np.array([f"P{i:07d}" for i in range(n)], dtype=object)
    last = tl.last_spell_before(np.arange(n), np.full(n, b.as_of))
    household = np.where(last >= 0, tl.household[np.maximum(last, 0)], -1)
    fore, sur = b.forenames.array(), b.surnames.array()
    in_date = p.in_date[:n].astype(np.int64)
    arrived = np.where((in_date > b.window_start) & (in_date != p.dob[:n]), in_date, NEVER_INT)
    people = pa.table({
        "person_id": ids,
        "household_id": [f"H{h:07d}" if h >= 0 else None for h in household],
        "family_id": [f"F{f:07d}" for f in p.family[:n]],
        "sex": np.where(p.sex[:n] == 0, "M", "F"),
        "dob": _dates(p.dob[:n]),
        "first_name": fore[p.forename[:n]],
        "middle_names": [fore[m] if m >= 0 else None for m in p.middle[:n]],
        "surname": sur[p.surname[:n]],
        "birth_surname": sur[p.birth_surname[:n]],
        "ethnicity": [ETHNIC_CODES[e] for e in p.ethnic[:n]],
        "nhs_number": world.nhs[:n],
        "upn": world.upn[:n],
        "date_of_death": _dates(p.death[:n]),
        "arrival_date": _dates(arrived),
        "departure_date": _dates(np.where(p.external[:n], NEVER_INT, p.out_date[:n])),
        "resident_at_as_of": p.hh[:n] >= 0,
        "lives_outside_borough": p.external[:n],
        "mother_id": [ids[m] if m >= 0 else None for m in p.mother[:n]],
        "father_id": [ids[f] if f >= 0 else None for f in p.father[:n]],
        "flags": p.flags[:n],
    })
    _write(people, folder / "people.parquet")
    _write(pa.table({k: pa.array(v) for k, v in records.items()}), folder / "records.parquet")
    _write(pa.table({k: pa.array(v) for k, v in errors.items()}), folder / "errors.parquet")
    rel = relationships(world)
    _write(pa.table({
        "person_id": ids[rel[0]], "related_person_id": ids[rel[1]], "relationship": rel[2],
        "start_date": _dates(rel[3]), "end_date": _dates(rel[4]),
    }), folder / "relationships.parquet")
    _write(pa.table({
        "person_id": ids[tl.person], "household_id": [f"H{h:07d}" for h in tl.household],
        "uprn": a.uprn[tl.address].astype(str), "start_date": _dates(tl.start),
        "end_date": _dates(tl.end),
    }), folder / "residence.parquet")
    lsoa_codes = np.array([*geo.lsoa_code, None], dtype=object)
    ward_codes = np.array([*geo.ward_code, None], dtype=object)
    ward_names = np.array([*geo.ward_name, None], dtype=object)
    _write(pa.table({
        "uprn": a.uprn.astype(str), "address": a.one_line(np.arange(len(a))),
        "postcode": a.postcode, "lsoa_code": lsoa_codes[a.lsoa], "ward_code": ward_codes[a.ward],
        "ward_name": ward_names[a.ward],
        "longitude": a.lon, "latitude": a.lat,
        "tenure": np.array(["owner occupied", "private rented", "social rented"])[a.tenure],
        "outside_borough": a.external,
    }), folder / "addresses.parquet")
    return {"people": n, "records": len(records["person_id"]), "errors": len(errors["row"]),
            "relationships": len(rel[0]), "residence": len(tl.person)}


def relationships(world: World) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray,
                                         np.ndarray]:
    """True relationships: parent, sibling / half_sibling, partner, step_parent."""
    b, tl = world.borough, world.timeline
    p = b.people
    n = p.n
    src: list[int] = []
    dst: list[int] = []
    kind: list[str] = []
    start: list[int] = []
    end: list[int] = []

    def add(x: int, y: int, k: str, s: int, e: int) -> None:
        src.append(x)
        dst.append(y)
        kind.append(k)
        start.append(s)
        end.append(e)

    by_parent: dict[int, list[int]] = defaultdict(list)
    for child in range(n):
        for parent in (int(p.mother[child]), int(p.father[child])):
            if parent >= 0:
                add(parent, child, "parent", int(p.dob[child]), NEVER_INT)
                by_parent[parent].append(child)
    pairs: set[tuple[int, int]] = set()
    for kids in by_parent.values():
        for i, x in enumerate(kids):
            for y in kids[i + 1:]:
                pairs.add((min(x, y), max(x, y)))
    for x, y in sorted(pairs):
        full = p.mother[x] == p.mother[y] and p.father[x] == p.father[y] and p.father[x] >= 0
        later = int(max(p.dob[x], p.dob[y]))
        add(x, y, "sibling" if full else "half_sibling", later, NEVER_INT)
    pt = b.partnerships
    for a_, b_, s, e in zip(pt.a, pt.b, pt.start, pt.end, strict=True):
        add(a_, b_, "partner", s, e)
        for parent, partner in ((a_, b_), (b_, a_)):
            for child in by_parent.get(parent, []):
                if child in by_parent.get(partner, []) or p.external[partner]:
                    continue
                when = max(s, int(p.dob[child])) + 1
                if when - p.dob[child] > 18 * 365.25 or when >= min(e, b.as_of):
                    continue
                hh = tl.household_at(np.array([child, partner]), np.array([when, when]))
                if hh[0] >= 0 and hh[0] == hh[1]:
                    add(partner, child, "step_parent", when, e)
    return (np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), kind,
            np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64))
