"""The one `joinedup` command."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from joinedup import __version__
from joinedup.errors import JoinedUpError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="joinedup")
def cli() -> None:
    """joinedup: join council and partner data around people and families.

    Settings come from JOINEDUP_* environment variables and joinedup.toml;
    see `joinedup config`.
    """


def _register() -> None:
    from joinedup.commands import config_cmd

    cli.add_command(config_cmd.config)
    # Commands added by other modules register themselves here as they are built.
    for name in ("synth", "ingest", "snapshots", "demo"):
        try:
            module = __import__(f"joinedup.commands.{name}", fromlist=["command"])
        except ModuleNotFoundError as exc:
            if exc.name != f"joinedup.commands.{name}":
                raise
            continue
        cli.add_command(module.command)


_register()


def main() -> None:
    """Entry point: JoinedUpError becomes a clear message and exit code 2, not a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        Console(stderr=True).print("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except JoinedUpError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
