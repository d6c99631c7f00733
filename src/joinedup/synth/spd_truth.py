"""Ground truth for the council tax single person discount review: for every live account
with the discount on the extract date, how many adults really live at the property.

The council tax writer plants the wrong discounts the way they happen: an account opened
with one adult keeps its discount when a partner (or another adult) moves in and, a third of
the time, nobody tells the council (`council_tax.py`); and a child who turns 18 at home never
ends it. Those accounts are `incorrect` here. Written to `ground_truth/spd_review.parquet`,
never listed in sources.yaml and never read by the product.

Council tax disregards (students, carers, 18 and 19 year olds still at school...) are not
modelled: every adult counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from joinedup.synth.records import World
from joinedup.synth.timeline import YEAR

FILE = "ground_truth/spd_review.parquet"


def write_spd_truth(world: World, out_dir: Path, extract: dt.date,
                    accounts: list[tuple[Any, ...]]) -> int:
    """One row per live discounted account; returns the row count."""
    tl, p = world.timeline, world.borough.people
    ex = (extract - dt.date(1970, 1, 1)).days
    live = tl.active(ex)
    by_address: dict[int, list[int]] = {}
    for s in live:
        by_address.setdefault(int(tl.address[s]), []).append(int(s))
    cols: dict[str, list[Any]] = {k: [] for k in (
        "account_no", "uprn", "band", "lead_person_id", "adults", "other_adults",
        "incorrect", "kind")}
    for acc, address, lead, band, start, end, spd in accounts:
        if not spd or end <= ex:
            continue
        adults = [s for s in by_address.get(int(address), [])
                  if (ex - p.dob[tl.person[s]]) / YEAR >= 18]
        others = [s for s in adults if int(tl.person[s]) != lead]
        kinds = sorted({_kind(world, s, int(start)) for s in others})
        cols["account_no"].append(acc)
        cols["uprn"].append(str(int(world.addresses.uprn[address])))
        cols["band"].append(band)
        cols["lead_person_id"].append(f"P{lead:07d}")
        cols["adults"].append(len({int(tl.person[s]) for s in adults}))
        cols["other_adults"].append(",".join(f"P{int(tl.person[s]):07d}" for s in others))
        cols["incorrect"].append(len(adults) >= 2)
        cols["kind"].append(",".join(kinds) if len(adults) >= 2 else "")
    path = out_dir / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols), path, compression="zstd")
    return len(cols["account_no"])


def _kind(world: World, spell: int, account_start: int) -> str:
    """Why another adult is there: moved in after the account began, or grew up there."""
    tl, p = world.timeline, world.borough.people
    if int(tl.start[spell]) > account_start + 30:
        return "adult_moved_in"
    if (account_start - p.dob[tl.person[spell]]) / YEAR < 18:
        return "child_turned_18"
    return "adult_from_start"


__all__ = ["FILE", "write_spd_truth"]
