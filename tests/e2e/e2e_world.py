"""`joinedup serve` on a data home holding the hand-made world of the web tests
(tests/integration/web_world.py): people on the policy's age boundaries, a review queue, and a
matching model, so the matching and auditor pages have something to show."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from e2e_support import Server, serve_home

from joinedup.config import Settings

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


@contextmanager
def world_server(home: Path) -> Iterator[Server]:
    """Build the world in ``home``, make demo accounts, serve; stop the server afterwards."""
    sys.path.insert(0, str(INTEGRATION))
    try:
        from web_world import build_world
    finally:
        sys.path.remove(str(INTEGRATION))
    build_world(Settings(home=home), dt.date.today())
    with serve_home(home) as server:
        yield server
