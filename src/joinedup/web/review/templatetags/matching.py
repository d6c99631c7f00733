"""Number formats for match weights and probabilities: ``{% load matching %}``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def signed(value: float | None) -> str:
    """A weight with its sign and two decimals: +3.25, -1.50; a dash for none."""
    if value is None:
        return "—"
    return f"{value:+.2f}"


@register.filter
def percent(value: float | None) -> str:
    """A probability as a percentage people can read, keeping the digits that matter near
    0 and 100 (99.9987%, 0.012%)."""
    if value is None:
        return "—"
    share = float(value) * 100
    if share >= 99:
        text = f"{share:.4f}".rstrip("0").rstrip(".")
    elif share > 1:
        text = f"{share:.1f}"
    else:
        text = f"{share:.2g}"
    return f"{text}%"
