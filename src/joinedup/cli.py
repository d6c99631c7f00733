"""The one `joinedup` command."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from typing import Any

import click
from rich.console import Console

from joinedup import __version__
from joinedup.errors import JoinedUpError


class _Commands(click.Group):
    """Each module in joinedup.commands that defines `command` is a subcommand, so adding a
    command never means editing this file.

    Importing every command module costs well over a second (forecasting, statistics,
    matching), paid by every `joinedup ...` process; so the one command named is imported
    alone when its module is named after it, and all of them only when that fails (a module
    named otherwise) or when listing them, as --help does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()
        self._all_loaded = False

    def _load(self, module_name: str) -> None:
        if module_name in self._loaded:
            return
        self._loaded.add(module_name)
        module = importlib.import_module(f"joinedup.commands.{module_name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            self.add_command(command)

    def _load_all(self) -> None:
        if not self._all_loaded:
            import joinedup.commands as package

            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
                self._load(info.name)
            self._all_loaded = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module_name = cmd_name.replace("-", "_")
            if module_name.isidentifier() and importlib.util.find_spec(
                    f"joinedup.commands.{module_name}") is not None:
                self._load(module_name)
        if cmd_name not in self.commands:
            self._load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="joinedup")
def cli() -> None:
    """joinedup: join council and partner data around people and families.

    Settings come from JOINEDUP_* environment variables and joinedup.toml;
    see `joinedup config`.
    """


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
