"""`joinedup backup`: back up and restore the warehouse and the web app's own state together."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from joinedup import __version__
from joinedup.commands.ingest import Failed
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError


@click.group("backup")
def command() -> None:
    """Back up, or restore, the warehouse and the web app's database (docs/operations.md)."""


def _django() -> None:
    from joinedup.web import bootstrap

    bootstrap.setup()


@command.command("create")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--every-snapshot", is_flag=True,
              help="Every kept snapshot, not only the one being served.")
def create(dest: Path, every_snapshot: bool) -> None:
    """Write a new backup folder under DEST and print its path.

    Holds the served snapshot (or all), the linkage state, run reports, the app database,
    the generated secret key and saved workforce plans, with a manifest of checksums.
    """
    from django.db import DatabaseError

    from joinedup.warehouse.backup import back_up_warehouse, write_manifest

    settings = get_settings()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = dest / f"joinedup-backup-{stamp}"
    try:
        folder.mkdir(parents=True)
        folder.chmod(0o700)  # personal data, and maybe the secret key
        _django()
        from joinedup.web.backup import back_up_app

        manifest = {"joinedup_version": __version__, "taken": stamp,
                    "warehouse": back_up_warehouse(settings, folder,
                                                   every_snapshot=every_snapshot),
                    "app": back_up_app(settings, folder)}
        write_manifest(folder, manifest)
    except FileExistsError as exc:
        raise Failed(f"{folder} already exists; wait a second and run again.") from exc
    except (JoinedUpError, DatabaseError, OSError) as exc:
        raise Failed(f"backup not made: {exc}") from exc
    click.echo(str(folder))


@command.command("restore")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
def restore(source: Path) -> None:
    """Restore SOURCE (a folder `backup create` made) into this home and app database,
    both of which must be empty; checks every checksum and the audit chain."""
    from django.db import DatabaseError

    from joinedup.warehouse.backup import (
        check_files,
        read_manifest,
        require_empty,
        restore_warehouse,
    )
    from joinedup.warehouse.snapshots import SnapshotStore

    settings = get_settings()
    try:
        manifest = read_manifest(source)
        # Everything is checked before anything is written: a damaged backup, or a home that
        # is not empty, must not leave the app database restored and the warehouse not.
        for part in ("warehouse", "app"):
            check_files(source, manifest[part]["files"])
        require_empty(SnapshotStore.from_settings(settings))
        _django()
        from joinedup.web.backup import restore_app

        seq, head = restore_app(settings, source, manifest["app"])
        current = restore_warehouse(settings, source, manifest["warehouse"])
    except (JoinedUpError, DatabaseError, OSError) as exc:
        raise Failed(f"not restored: {exc}") from exc
    click.echo(json.dumps({"snapshot": current, "audit_head": [seq, head]}))
