"""The demo accounts table must show whole user names and passwords, even when narrow."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console

from joinedup.commands.serve import accounts_table


@dataclass(frozen=True)
class _Account:
    username: str
    role: str
    role_label: str
    password: str


def test_narrow_terminal_never_cuts_a_password_or_user_name() -> None:
    accounts = [
        _Account("demo-childrens-social-worker", "csw", "Children's social worker",
                 "GeiRZ5Jw0aQ1xY2zB3cD4eF5"),
        _Account("demo-early-help-practitioner", "eh",
                 "Early help practitioner (council or voluntary sector)", "Mq3FIMNn9Kp8Lo7Ji6Hu5"),
    ]
    console = Console(width=80, record=True, force_terminal=False)
    console.print(accounts_table(accounts))  # type: ignore[arg-type]
    text = console.export_text()
    for account in accounts:
        assert account.username in text
        assert account.password in text
    assert "…" not in text
