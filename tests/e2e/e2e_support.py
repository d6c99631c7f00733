"""Shared pieces of the browser tests: the running server, axe-core, signing in."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
JOINEDUP = Path(sys.executable).with_name("joinedup")


@dataclass
class Server:
    url: str
    home: Path
    accounts: dict[str, dict[str, str]]  # role -> {"username", "password"}
    log: Path

    def account(self, role: str) -> tuple[str, str]:
        found = self.accounts[role]
        return found["username"], found["password"]


@dataclass
class PageProblems:
    """Console errors (CSP violations show up here) and uncaught script errors."""

    messages: list[str] = field(default_factory=list)


def assert_accessible(page: Any) -> None:
    """axe-core on the page as it is now: no WCAG 2.2 A or AA violations."""
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA)
    found = [f"{v['id']} ({v['impact']}): {v['help']} at "
             f"{[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
    assert found == [], f"{page.url}: " + "; ".join(found)


def sign_in(page: Any, server: Server, role: str) -> None:
    username, password = server.account(role)
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"joinedup serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "accounts/sign-in/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"joinedup serve did not answer within 90 s:\n{log.read_text()}")


@contextmanager
def serve_home(home: Path, config: Mapping[str, str] | None = None) -> Iterator[Server]:
    """`joinedup serve` (gunicorn, DEBUG off, migrations, collectstatic) on a free port for
    the data home `home`, with new demo accounts; stopped afterwards. `config` adds JOINEDUP_*
    environment settings, as a council would set them."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOINEDUP_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"JOINEDUP_HOME": str(home), "JOINEDUP_CONFIG": str(home / "no-joinedup.toml")})
    env.update(config or {})
    made = subprocess.run([str(JOINEDUP), "web", "create-demo-users", "--json"], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    if made.returncode != 0:
        pytest.fail(f"create-demo-users failed:\n{made.stdout}\n{made.stderr}")
    accounts = {a["role"]: a for a in json.loads(made.stdout)}
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(JOINEDUP), "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield Server(url, home, accounts, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def browser_tab(browser: Any, axe_source: str, url: str,
                problems: PageProblems) -> Iterator[Any]:
    """A fresh browser context (no cookies) on `url` with axe-core injected into every page;
    console errors, failed sub-resources and uncaught script errors go to `problems`, which
    must be empty when the tab closes."""
    context = browser.new_context(base_url=url)
    context.add_init_script(script=axe_source)
    tab = context.new_page()
    # A page answering 404 on purpose is fine; a missing script, style or image is not.
    tab.on("console", lambda msg: problems.messages.append(msg.text)
           if msg.type == "error" and not msg.text.startswith("Failed to load resource")
           else None)
    tab.on("response", lambda r: problems.messages.append(f"{r.status} for {r.url}")
           if r.status >= 400 and r.request.resource_type != "document" else None)
    tab.on("pageerror", lambda exc: problems.messages.append(f"uncaught: {exc}"))
    yield tab
    context.close()
    assert problems.messages == [], "console errors (CSP violations?) on the pages visited"
