"""Opaque tokens for review pairs in URLs.

A pair's id (`RV` + 10 hex digits) is a hash of its two source record ids; whoever knows one
record id could recover the other by trying candidates. So URLs carry a keyed token instead,
and only tokens this session was shown on its queue page resolve: a token copied from another
session, guessed, or for a pair outside the user's rights is "not found".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

SESSION_KEY = "joinedup_review_pairs"
KEEP = 500  # tokens remembered per session (a few queue pages' worth)
_SALT = "joinedup.review.pair-token"
TOKEN_RE = r"[0-9a-f]{20}"  # noqa: S105 - a pattern, not a secret


def token_for(pair_id: str) -> str:
    return salted_hmac(_SALT, pair_id, algorithm="sha256").hexdigest()[:20]


def remember(request: HttpRequest, pair_ids: Iterable[str]) -> dict[str, str]:
    """Tokens for these pairs, kept in the session; returns pair id -> token."""
    known: dict[str, str] = dict(request.session.get(SESSION_KEY) or {})
    issued = {pair_id: token_for(pair_id) for pair_id in pair_ids}
    fresh = {token: pair_id for pair_id, token in issued.items() if token not in known}
    if fresh:
        known.update(fresh)
        request.session[SESSION_KEY] = dict(list(known.items())[-KEEP:])
    return issued


def resolve(request: HttpRequest, token: str) -> str | None:
    """The pair id behind a token this session was given, else None."""
    known = request.session.get(SESSION_KEY) or {}
    found = known.get(token)
    return found if isinstance(found, str) else None


def forget(request: HttpRequest, token: str) -> None:
    known: dict[str, str] = dict(request.session.get(SESSION_KEY) or {})
    if known.pop(token, None) is not None:
        request.session[SESSION_KEY] = known
