"""What every page about one person starts with: the check that the user may see them (404
otherwise, exactly as for an id that does not exist) and the header the pages share."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
from django.http import HttpRequest

from joinedup.context import PersonBrief, person_briefs
from joinedup.context.cards import Freshness, freshness_rows
from joinedup.web.accounts.reason import person_or_404
from joinedup.web.familycontext import people

LAST_SEARCH = "joinedup_last_search"
TABS = (("person", "Services and records"), ("family", "Family and household"),
        ("timeline", "Timeline"))


def brief_or_404(request: HttpRequest, con: duckdb.DuckDBPyConnection,
                 person_id: str) -> tuple[PersonBrief, str]:
    """The person's name, date of birth and age, and the user's role, or Http404."""
    brief = person_briefs(con, [person_id], today=people.today()).get(person_id)
    role = person_or_404(request, brief.age if brief else None, exists=brief is not None)
    assert brief is not None
    return brief, role


def sources(con: duckdb.DuckDBPyConnection) -> dict[str, Freshness]:
    """Every source of the snapshot: its service, its system's description, its data date."""
    return {f.source: f for f in freshness_rows(con)}


def source_labels(found: dict[str, Freshness], codes: Iterable[str],
                  services: Iterable[str]) -> tuple[str, ...]:
    """The systems of those sources whose service is among ``services`` (others unnamed)."""
    allowed = set(services)
    return tuple(sorted({found[c].system or c for c in codes
                         if c in found and found[c].service in allowed}))


def header(request: HttpRequest, brief: PersonBrief, tab: str) -> dict[str, object]:
    """The template context of the person header and the links between the person's pages."""
    return {
        "person": brief,
        "tab": tab,
        "tabs": TABS,
        "has_results": isinstance(request.session.get(LAST_SEARCH), dict),
    }
