"""`joinedup web`: the web app's housekeeping: assets, database, users and roles."""

from __future__ import annotations

import json

import click

from joinedup.commands.ingest import Failed, output_console
from joinedup.errors import JoinedUpError


@click.group("web")
def command() -> None:
    """Set up the Family Context web app: static assets, database, user accounts."""


@command.command("build-assets")
def build_assets() -> None:
    """Copy GOV.UK Frontend from node_modules into the app's static files (after `npm ci`)."""
    from joinedup.web import assets

    try:
        dest = assets.build_assets()
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    click.echo(f"GOV.UK Frontend {assets.installed_version()} copied to {dest}")


@command.command("migrate")
def migrate() -> None:
    """Create or update the web app's database tables (`serve` also does this)."""

    from joinedup.web import bootstrap

    try:
        bootstrap.setup()
        bootstrap.migrate(verbosity=1)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc


@command.command("create-demo-users")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
def create_demo_users(as_json: bool) -> None:
    """One account per role (demo-<role>) with new generated passwords, printed once."""
    from django.db import DatabaseError

    from joinedup.commands.serve import accounts_table
    from joinedup.web import bootstrap

    try:
        bootstrap.setup()
        bootstrap.migrate()
        from joinedup.web.accounts.users import create_demo_users as create

        accounts = create()
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    except DatabaseError as exc:
        raise Failed(str(bootstrap.database_error(exc))) from exc
    if as_json:
        click.echo(json.dumps([{"username": a.username, "role": a.role, "password": a.password}
                               for a in accounts], indent=2))
    else:
        output_console().print(accounts_table(accounts))


@command.command("add-user")
@click.argument("username")
@click.option("--role", required=True, help="One role code from the access policy.")
@click.option("--team", default="", help="The user's team, shown in audit reports.")
@click.option("--areas", default="",
              help="Comma-separated ward codes the team covers (blank: the whole authority).")
def add_user(username: str, role: str, team: str, areas: str) -> None:
    """Create USERNAME (or reset their password) with one role; prints a new password once."""
    from django.db import DatabaseError

    from joinedup.web import bootstrap

    try:
        bootstrap.setup()
        from joinedup.web.accounts.users import create_user

        account = create_user(username, role, team=team, areas=areas)
    except (JoinedUpError, ValueError) as exc:
        raise Failed(str(exc)) from exc
    except DatabaseError as exc:
        raise Failed(str(bootstrap.database_error(exc))) from exc
    click.echo(f"{account.username} ({account.role_label}) password: {account.password}")
    click.echo("Give it to them securely; it is not shown again.")


@command.command("set-role")
@click.argument("username")
@click.argument("role")
def set_role(username: str, role: str) -> None:
    """Give USERNAME exactly one ROLE (replacing any other)."""
    from django.db import DatabaseError

    from joinedup.web import bootstrap

    try:
        bootstrap.setup()
        from django.contrib.auth.models import User

        from joinedup.web.accounts.roles import assign_role

        user = User.objects.filter(username=username).first()
        if user is None:
            raise Failed(f"there is no user {username!r}; create one with `joinedup web "
                         "add-user`.")
        assign_role(user, role)
    except (JoinedUpError, ValueError) as exc:
        raise Failed(str(exc)) from exc
    except DatabaseError as exc:
        raise Failed(str(bootstrap.database_error(exc))) from exc
    click.echo(f"{username} now has the role {role}.")
