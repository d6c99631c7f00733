"""`joinedup config`: show the settings in force and what each one means."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from joinedup.config import Settings, get_settings


@click.command("config")
def command() -> None:
    """Show every setting, its value and what it does."""
    settings = get_settings()
    console = Console()
    if not console.is_terminal:
        # Piped or captured: one plain line per setting, greppable and never wrapped mid-name.
        for name, info in Settings.model_fields.items():
            click.echo(f"{name} = {getattr(settings, name)}  [JOINEDUP_{name.upper()}]  "
                       f"{info.description or ''}")
        return
    table = Table(title="joinedup settings")
    table.add_column("setting")
    table.add_column("environment variable")
    table.add_column("value")
    table.add_column("meaning")
    for name, info in Settings.model_fields.items():
        table.add_row(name, f"JOINEDUP_{name.upper()}", str(getattr(settings, name)),
                      info.description or "")
    console.print(table)
