"""Council tax band charges, for the value of a discount.

The extract gives each account's band, not its charge. Bands are fixed proportions of Band D
(Local Government Finance Act 1992, section 5: A 6/9, B 7/9, C 8/9, D 9/9, E 11/9, F 13/9,
G 15/9, H 18/9). Band D defaults to the average Band D council tax in England for 2025-26,
£2,280 (MHCLG, "Council Tax levels set by local authorities in England 2025 to 2026"); a
council passes its own Band D (`--band-d`), parish precepts and all.
"""

from __future__ import annotations

from joinedup.errors import JoinedUpError

BAND_D = 2280.0
RATIO_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}


def annual_charge(band: str, band_d: float | None = None) -> float | None:
    """A year's charge for a band (None for a band the table does not know)."""
    ninths = RATIO_NINTHS.get(band.strip().upper())
    if ninths is None:
        return None
    d = BAND_D if band_d is None else band_d
    if d <= 0:
        raise JoinedUpError(f"Band D charge {d} must be above zero: pass the council's Band D "
                            "for the year, e.g. --band-d 2280.")
    return round(d * ninths / 9, 2)
