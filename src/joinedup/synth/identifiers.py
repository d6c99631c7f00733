"""Identifiers in their real formats: NHS numbers (modulus 11), UPNs (DfE check letter),
UPRN-like 12-digit property references, and ids in each system's own style."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_NHS_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE: 23 letters, no I, O or S
STOCKPORT_LA = "356"  # the DfE local authority number used in UPNs and LAESTAB codes


def _digits(values: NDArray[np.int64], width: int) -> NDArray[np.int64]:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % 10


def nhs_numbers(n: int, rng: np.random.Generator) -> NDArray[np.object_]:
    """``n`` distinct NHS numbers with valid modulus 11 check digits, as 10-digit strings.

    Bases come from the ranges England issues (400 000 000-499 999 999, 600 000 000-
    799 999 999); bases whose check digit would be 10 are skipped, as the NHS does.
    """
    chosen: NDArray[np.int64] = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        need = int((n - len(chosen)) * 1.25) + 16
        block = rng.integers(0, 3, need)
        base = np.where(block == 0, 400_000_000, np.where(block == 1, 600_000_000, 700_000_000))
        base = base + rng.integers(0, 100_000_000, need)
        total = (_digits(base, 9) * _NHS_WEIGHTS).sum(axis=1)
        check = 11 - total % 11
        check = np.where(check == 11, 0, check)
        ok = check != 10
        full = base[ok] * 10 + check[ok]
        chosen = np.concatenate([chosen, full])
        _, first = np.unique(chosen, return_index=True)
        chosen = chosen[np.sort(first)]
    return np.array([f"{v:010d}" for v in chosen[:n]], dtype=object)


def break_nhs_check_digit(number: str) -> str:
    """The same number with a wrong check digit (any other digit is wrong: it is unique)."""
    return number[:9] + str((int(number[9]) + 1 + int(number[0]) % 3) % 10)


def upn_check_letter(twelve: str) -> str:
    """The DfE check letter for the 12 characters after it (LA, school, year, serial)."""
    total = 0
    for weight, char in enumerate(twelve, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * weight
    return UPN_LETTERS[total % 23]


def make_upn(la: str, estab: str, year: int, serial: int) -> str:
    """A UPN: check letter + LA (3) + establishment (4) + allocation year (2) + serial (3)."""
    body = f"{la}{estab}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


def is_valid_upn(upn: str) -> bool:
    return (len(upn) == 13 and upn[0] in UPN_LETTERS and upn[1:12].isdigit()
            and (upn[12].isdigit() or upn[12] in UPN_LETTERS)
            and upn_check_letter(upn[1:]) == upn[0])


def uprns(n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``n`` distinct 12-digit UPRN-like numbers (synthetic, in a 10001xxxxxxx range)."""
    chosen: NDArray[np.int64] = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        extra = rng.integers(100_010_000_000, 100_099_999_999, n - len(chosen) + 64)
        chosen = np.concatenate([chosen, extra])
        _, first = np.unique(chosen, return_index=True)
        chosen = chosen[np.sort(first)]
    return chosen[:n]


def sequential_ids(prefix: str, start: int, n: int, width: int) -> NDArray[np.object_]:
    """prefix + zero-padded numbers: how most case systems number records."""
    return np.array([f"{prefix}{i:0{width}d}" for i in range(start, start + n)], dtype=object)


def scattered_ids(n: int, rng: np.random.Generator, low: int, high: int,
                  prefix: str = "") -> NDArray[np.object_]:
    """Distinct random numbers in [low, high), as text: ids that reveal no order."""
    chosen: NDArray[np.int64] = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        chosen = np.concatenate([chosen, rng.integers(low, high, n - len(chosen) + 16)])
        _, first = np.unique(chosen, return_index=True)
        chosen = chosen[np.sort(first)]
    return np.array([f"{prefix}{v}" for v in chosen[:n]], dtype=object)
