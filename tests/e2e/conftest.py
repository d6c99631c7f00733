"""Browser tests: `joinedup serve` on a free port in a fresh home, driven by Debian's Chromium
through Playwright (never Playwright's own browser download), with axe-core on every page.

Without Chromium (/usr/bin/chromium, or JOINEDUP_CHROMIUM) or node_modules (npm ci) the tests
skip with the reason; under CI=true they fail instead, so CI can never pass without them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import PageProblems, Server, browser_tab, serve_home

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("JOINEDUP_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"



def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        _unavailable(f"Chromium not found at {CHROMIUM}: `apt-get install chromium`")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        _unavailable(f"axe-core not found at {AXE}: run `npm ci` (make install)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`joinedup serve` (gunicorn, DEBUG off, migrations, collectstatic) in a fresh home."""
    with serve_home(tmp_path_factory.mktemp("web-home")) as server:
        yield server


# Module scope, not session: while Playwright's sync API is up it keeps an asyncio loop
# running in the test thread, and Django then refuses every database call as "async". Under
# pytest-xdist (--dist loadfile) a worker runs other files after a browser file, so the
# browser must be gone by the time the file ends.
@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                              args=args)
        yield launched
        launched.close()


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Any, axe_source: str, web_server: Server,
         problems: PageProblems) -> Iterator[Any]:
    """A fresh browser context (no cookies) with axe-core injected into every page.

    Injected as an init script, which the page's CSP does not apply to; the app's own pages
    must still run without a single CSP violation, which the problems list catches.
    """
    with browser_tab(browser, axe_source, web_server.url, problems) as tab:
        yield tab


@pytest.fixture(scope="session")
def single_views_server(tmp_path_factory: pytest.TempPathFactory,
                        chromium: object) -> Iterator[Server]:
    """One linked borough with the electoral register and the debt extracts, served. The
    single views' browser tests (discount review, GP alerts, debts) share it: each world
    costs a generation, an ingest and a link."""
    from joinedup.config import Settings
    from joinedup.linkage.warehouse_link import link_warehouse
    from joinedup.synth import generate_borough
    from joinedup.warehouse.ingest import run_ingest

    root = tmp_path_factory.mktemp("single-views-web")
    generate_borough(out=root / "borough", people=2_000, seed=11, electoral_register=True,
                     debts=True)
    settings = Settings(home=root / "home")
    run_ingest(root / "borough" / "sources.yaml", settings)
    link_warehouse(settings)
    hold_one_gp_alert(root / "home")
    with serve_home(root / "home") as server:
        yield server


HELD_CONFIDENCE = 0.9  # below the 0.95 at which GP alerts are sent


def hold_one_gp_alert(home: Path) -> None:
    """Every match on the synthetic borough is sure, so no GP alert would wait for review:
    weaken one child's GP registration match in the served snapshot, as a doubtful match
    would be, so the reviewers' pages have one alert to decide. The child is at a practice
    other than the busiest (which the practice's test reads) and the demo's P88600."""
    from collections import Counter

    import duckdb

    from joinedup.views.gp_alerts import gp_alerts
    from joinedup.warehouse.snapshots import SnapshotStore

    store = SnapshotStore(home / "warehouse" / "snapshots")
    current = store.current_id()
    assert current is not None
    with duckdb.connect(str(store.path(current))) as con:
        sent = [a for a in gp_alerts(con) if a.decision == "send"]
        busiest = Counter(a.practice for a in sent).most_common(1)[0][0]
        pick = next(a for a in sent if a.practice not in (busiest, "P88600")
                    and a.kind == "started")
        source, record = pick.registration_record
        con.execute("UPDATE person_link SET match_probability = ? WHERE source = ? AND "
                    "source_record_id = ?", [HELD_CONFIDENCE, source, record])
        held = [a for a in gp_alerts(con) if a.decision == "review"]
    assert [a.person_id for a in held] == [pick.person_id], held

