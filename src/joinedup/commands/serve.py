"""`joinedup serve`: the web app under gunicorn, after migrating and collecting static files."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError

if TYPE_CHECKING:
    from joinedup.web.accounts.users import Account

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True, slots=True)
class ServerPlan:
    """What `serve` is about to run: the gunicorn command line, its environment, and notes."""

    argv: tuple[str, ...]
    env: dict[str, str]
    url: str
    notes: tuple[str, ...]


def prepare(host: str, port: int, workers: int, threads: int) -> ServerPlan:
    """Build the static assets if needed, migrate, collect static, and plan the server."""
    from joinedup.web import assets, bootstrap
    from joinedup.web.runtime import BIND_ENV, cookies_secure, is_loopback

    settings = get_settings()
    if not (assets.VENDOR / assets.FILES[0]).is_file() and assets.installed_version():
        assets.build_assets()
    assets.require_assets()
    bootstrap.setup(bind_host=host)
    bootstrap.migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("clearsessions")  # expired sessions are otherwise kept for ever
    secure = cookies_secure(settings, host)
    notes = []
    if not secure:
        notes.append("Plain HTTP on this machine only: cookies are sent without the Secure flag "
                     "(web_insecure_local_http). Anywhere else, serve behind HTTPS.")
    elif not settings.web_https and is_loopback(host):
        notes.append("Plain HTTP on this machine only. Cookies are Secure: Chromium, Edge and "
                     "Firefox keep them from http://127.0.0.1; in Safari set "
                     "web_insecure_local_http = true to sign in locally.")
    elif not settings.web_https:
        notes.append("Cookies are Secure, so sign-in works only over HTTPS: put a "
                     "TLS-terminating proxy in front and set web_https = true.")
    if not is_loopback(host):
        notes.append(f"Listening on {host}: make sure only your proxy can reach this port.")
    shown = f"[{host}]" if ":" in host else host
    argv = [sys.executable, "-m", "gunicorn", "joinedup.web.wsgi:application",
            "--bind", f"{shown}:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads),
            "--timeout", "60", "--graceful-timeout", "10", "--error-logfile", "-",
            "--no-control-socket"]
    if settings.web_https:
        argv += ["--forwarded-allow-ips", ",".join(settings.web_proxy_addresses)]
    env = {**os.environ, BIND_ENV: host, "DJANGO_SETTINGS_MODULE": "joinedup.web.settings"}
    scheme = "https" if settings.web_https else "http"
    return ServerPlan(tuple(argv), env, f"{scheme}://{shown}:{port}/", tuple(notes))


def accounts_table(accounts: Sequence[Account]) -> Table:
    table = Table(title="Demo accounts (passwords are new each run and shown only now)")
    # A narrow terminal must never cut a user name or password short: the role wraps instead.
    table.add_column("user name", no_wrap=True,
                     min_width=max((len(a.username) for a in accounts), default=9))
    table.add_column("role", overflow="fold")
    table.add_column("password", no_wrap=True,
                     min_width=max((len(a.password) for a in accounts), default=8))
    for account in accounts:
        table.add_row(account.username, account.role_label, account.password)
    return table


def run(plan: ServerPlan, console: Console) -> None:
    """Replace this process with gunicorn, so signals reach the server directly."""
    console.print(f"[bold]joinedup Family Context[/] at {plan.url}  (Ctrl+C stops it)",
                  highlight=False)
    for note in plan.notes:
        console.print(f"Note: {note}", highlight=False)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(plan.argv[0], list(plan.argv), plan.env)  # noqa: S606 - fixed argv, no shell


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workers: int = 2,
          threads: int = 4, demo_users: bool = False, console: Console | None = None) -> None:
    """What `joinedup serve` does; `joinedup demo` calls it with demo_users=True at the end."""
    out = console or Console()
    plan = prepare(host, port, workers, threads)
    if demo_users:
        from joinedup.web.accounts.users import create_demo_users

        out.print(accounts_table(create_demo_users()))
    run(plan, out)


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but a loopback address needs HTTPS in front.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="gunicorn worker processes.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker.")
@click.option("--demo-users", is_flag=True,
              help="Create one account per role first, with new passwords, and print them.")
@click.option("--dry-run", is_flag=True,
              help="Migrate and collect static files, print the server command, do not start it.")
def command(host: str, port: int, workers: int, threads: int, demo_users: bool,
            dry_run: bool) -> None:
    """Serve the Family Context web app with gunicorn (migrating its database first)."""
    from joinedup.commands.ingest import Failed

    try:
        if dry_run:
            plan = prepare(host, port, workers, threads)
            click.echo(" ".join(plan.argv))
            for note in plan.notes:
                click.echo(f"Note: {note}")
            click.echo(plan.url)
            return
        serve(host=host, port=port, workers=workers, threads=threads, demo_users=demo_users)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
