"""Regenerate docs/screenshots/ (search, person, family, timeline) from a demo home.

    .venv/bin/python bench/screenshots.py [--home PATH] [--out docs/screenshots]

Without --home it builds the small synthetic borough (2,000 people, seed 7), ingests and links
it under bench/out/screenshots-home (about a minute, once). It then makes demo accounts, runs
`joinedup serve` on a free port and walks the practitioner journey in Debian's Chromium
(/usr/bin/chromium or JOINEDUP_CHROMIUM) through Playwright, as tests/e2e does: search with a
misspelt name, give a reason, open the person, expand the children's social care card, open
the family and the timeline. The person is chosen by the data (a child with an allocated
social worker and the most services and family), so the pictures always match the app.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
JOINEDUP = Path(sys.executable).with_name("joinedup")
CHROMIUM = Path(os.environ.get("JOINEDUP_CHROMIUM", "/usr/bin/chromium"))

SUBJECT_SQL = """
WITH worker AS (
    SELECT person_id FROM context_involvement
    WHERE service = 'childrens_social_care' AND coalesce(status, '') <> 'closed'
      AND end_date IS NULL AND worker_name IS NOT NULL
    GROUP BY person_id),
members AS (SELECT person_id, count(DISTINCT member_id) AS n FROM context_family
            GROUP BY person_id)
SELECT p.person_id, p.first_name, p.surname FROM context_person AS p
JOIN worker USING (person_id) JOIN members USING (person_id)
WHERE p.dob BETWEEN current_date - INTERVAL 13 YEAR AND current_date - INTERVAL 6 YEAR
  AND length(p.surname) >= 5 AND p.first_name IS NOT NULL
ORDER BY len(p.services) DESC, members.n DESC, p.person_id
LIMIT 1
"""


def build_home(home: Path) -> None:
    from joinedup.config import Settings
    from joinedup.linkage.warehouse_link import link_warehouse
    from joinedup.synth import generate_borough
    from joinedup.warehouse.ingest import run_ingest

    borough = home.parent / "screenshots-borough"
    reference = REPO.parent / "shared" / "data"
    if not (borough / "sources.yaml").exists():
        generate_borough(out=borough, people=2_000, seed=7,
                         reference_data=reference if (reference / "dfe").is_dir() else None)
    settings = Settings(home=home)
    run_ingest(borough / "sources.yaml", settings)
    link_warehouse(settings)


def subject(home: Path) -> tuple[str, str, str]:
    """(person id, first name, surname) of the person the journey opens."""
    root = home / "warehouse" / "snapshots"
    current = (root / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect(str(root / f"{current}.duckdb"), read_only=True) as con:
        found = con.execute(SUBJECT_SQL).fetchone()
    if found is None:
        raise SystemExit("no child with an allocated social worker and family in this home")
    return str(found[0]), str(found[1]).title(), str(found[2]).title()


def misspelt(surname: str) -> str:
    """The middle letter left out ("Barfield" -> "Barfeld"): a referral's kind of typo."""
    middle = len(surname) // 2
    return surname[:middle] + surname[middle + 1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(home: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOINEDUP_")}
    env.update(JOINEDUP_HOME=str(home), JOINEDUP_CONFIG=str(home / "no-joinedup.toml"))
    made = subprocess.run([str(JOINEDUP), "web", "create-demo-users", "--json"], env=env,
                          capture_output=True, text=True, check=True)
    accounts = {a["role"]: a for a in json.loads(made.stdout)}
    port = free_port()
    proc = subprocess.Popen([str(JOINEDUP), "serve", "--port", str(port), "--workers", "1",
                             "--threads", "4"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "accounts/sign-in/", timeout=2):
                return proc, url, accounts
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("joinedup serve did not start within 90 s")


def journey(url: str, account: dict[str, str], person: tuple[str, str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    person_id, first, surname = person
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(base_url=url, viewport={"width": 1200, "height": 900})
        page.goto("/")
        page.fill("#username", account["username"])
        page.fill("#password", account["password"])
        page.get_by_role("button", name="Sign in").click()
        page.goto("/search/")
        page.fill("#name", f"{first} {misspelt(surname)}")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=str(out / "search.png"), full_page=True)
        page.locator(f"a[href='/person/{person_id}/']").first.click()
        page.fill("#case_reference", "CIN/2026/0412")
        page.get_by_label("Child protection enquiry (section 47)").check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"**/person/{person_id}/")
        card = page.locator("#card-childrens_social_care details")
        card.locator("summary").click()
        card.locator(".jup-card-detail").wait_for()
        page.evaluate("document.activeElement.blur()")
        page.screenshot(path=str(out / "person.png"), full_page=True)
        page.get_by_role("link", name="Family and household").click()
        page.wait_for_load_state()
        page.screenshot(path=str(out / "family.png"), full_page=True)
        page.get_by_role("link", name="Timeline", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=str(out / "timeline.png"))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    home = args.home or HERE / "out" / "screenshots-home"
    if args.home is None and not (home / "warehouse" / "snapshots" / "CURRENT").exists():
        build_home(home)
    person = subject(home)
    proc, url, accounts = serve(home)
    try:
        journey(url, accounts["childrens_social_worker"], person, args.out)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    print(f"screenshots of {person[0]} written to {args.out}")


if __name__ == "__main__":
    main()
