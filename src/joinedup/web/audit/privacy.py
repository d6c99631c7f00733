"""Keyed hashes for audit details that would otherwise hold personal data (search terms).

The log stores HMAC-SHA256(search terms) under a key derived from the secret key, never the
terms: an auditor who is asked "did anyone search for this name?" computes the same digest
with ``terms_digest`` and looks for it, but nobody reading the log learns what was searched.
Rotating the secret key starts a new key period; older digests then match only with the old key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.utils.crypto import salted_hmac

_SALT = "joinedup.audit.search-terms"


def _normal(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


def terms_digest(terms: Mapping[str, str]) -> str:
    """One digest for a search: field names and normalised values, order-independent."""
    parts = sorted(f"{field}={_normal(value)}" for field, value in terms.items() if value.strip())
    return salted_hmac(_SALT, "\x1f".join(parts), algorithm="sha256").hexdigest()


def terms_used(terms: Mapping[str, str]) -> list[str]:
    """Which search fields were filled in (names only), for the audit detail."""
    return sorted(field for field, value in terms.items() if value.strip())
