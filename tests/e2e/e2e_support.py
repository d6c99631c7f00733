"""Shared pieces of the browser tests: the running server, axe-core, signing in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
