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
    # Each module in joinedup.commands that defines `command` becomes a subcommand, so adding
    # a command never means editing this file.
    import importlib
    import pkgutil

    import joinedup.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"joinedup.commands.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


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
