"""The served warehouse snapshot for one request, and the day ages are counted on.

The connection comes from the Family Context pages' per-process holder
(`joinedup.web.familycontext.served.SERVED`), so these pages read the same snapshot as the
person page beside them, without opening the file again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from django.utils import timezone

from joinedup.config import Settings, get_settings
from joinedup.web.familycontext.served import SERVED


@contextmanager
def served() -> Iterator[tuple[duckdb.DuckDBPyConnection, Settings]]:
    """A read-only cursor of the current snapshot and the settings it came from.

    Raises a JoinedUpError (DataUnavailable) when there is no snapshot; views turn that into
    "not found" (a person page) or a "no data yet" page (the review queue).
    """
    with SERVED.cursor() as (_, con):
        yield con, get_settings()


def today() -> dt.date:
    """Today in the app's time zone (Europe/London): ages change at local midnight."""
    return timezone.localdate()
