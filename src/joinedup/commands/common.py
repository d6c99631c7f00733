"""Pieces several commands share (not a command itself: it defines no `command`)."""

from __future__ import annotations

import datetime as dt

import click


def date_value(_ctx: click.Context, _param: click.Parameter, value: str | None
               ) -> dt.date | None:
    """A click callback: an ISO date option (`--on`) as a date."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD.") from exc
