"""The family network picture: an SVG drawn on the server, the person in the middle and the
people around them on a circle, one line to each.

It is a picture of the table beside it, not a replacement: it has a title and a description
(read out by screen readers as the image's name and description) saying the same as the
table in a sentence, and holds no links (the table's links are the way to each person).
Solid lines are people the person lives with now, dashed lines the others. Colours come from
classes styled in familycontext.css: an inline style would break the content security policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 720, 460
RADIUS_X, RADIUS_Y = 270, 165
MAX_DRAWN = 16
"""People drawn at most; the table lists everyone."""
_LABEL = 22
"""Characters of a name shown under a node."""


@dataclass(frozen=True, slots=True)
class Node:
    label: str
    """The name, or a stand-in for someone the viewer may not see."""
    relationship: str
    lives_with: bool
    shown: bool
    """Whether the viewer may see who this is."""


def _short(text: str) -> str:
    return text if len(text) <= _LABEL else text[:_LABEL - 1].rstrip() + "…"


def _label_y(y: int, cy: int, line: int) -> int:
    """Labels go on the side of a node away from its line to the middle."""
    if y < cy - 20:
        return y - 42 + 18 * line
    return y + 32 + 18 * line


def description(centre: str, nodes: list[Node]) -> str:
    """The picture in one paragraph, for its text alternative."""
    if not nodes:
        return f"{centre} has no family or household members recorded."
    parts = [f"{n.label} ({n.relationship.lower()}"
             + (", lives with them now)" if n.lives_with else ")") for n in nodes[:MAX_DRAWN]]
    more = len(nodes) - MAX_DRAWN
    tail = f", and {more} more listed in the table" if more > 0 else ""
    count = f"{len(nodes)} {'person' if len(nodes) == 1 else 'people'}"
    return f"{centre} in the middle, joined to {count}: {'; '.join(parts)}{tail}."


def network_svg(centre: str, nodes: list[Node], *, title_id: str = "network-title",
                desc_id: str = "network-desc") -> SafeString:
    """The whole <svg> element; every name is escaped."""
    cx, cy = WIDTH // 2, HEIGHT // 2
    drawn = nodes[:MAX_DRAWN]
    placed = []
    for i, node in enumerate(drawn):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(drawn), 1)
        placed.append((node, round(cx + RADIUS_X * math.cos(angle)),
                       round(cy + RADIUS_Y * math.sin(angle))))
    # format_html escapes every argument, so numbers go in as whole numbers, never formatted.
    lines = format_html_join(
        "", '<line class="jup-net__line{}" x1="{}" y1="{}" x2="{}" y2="{}"/>',
        ((" jup-net__line--together" if n.lives_with else "", cx, cy, x, y)
         for n, x, y in placed))
    people = format_html_join(
        "", '<g class="jup-net__node{}"><circle cx="{}" cy="{}" r="14"/>'
            '<text x="{}" y="{}" text-anchor="middle" class="jup-net__name">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" class="jup-net__rel">{}</text>'
            '</g>',
        (("" if n.shown else " jup-net__node--hidden", x, y, x, _label_y(y, cy, 0),
          _short(n.label), x, _label_y(y, cy, 1), n.relationship) for n, x, y in placed))
    centre_node = format_html(
        '<g class="jup-net__node jup-net__node--centre"><circle cx="{}" cy="{}" r="20"/>'
        '<text x="{}" y="{}" text-anchor="middle" class="jup-net__name">{}</text></g>',
        cx, cy, cx, cy + 40, _short(centre))
    return format_html(
        '<svg class="jup-net" viewBox="0 0 {} {}" role="img" aria-labelledby="{}" '
        'aria-describedby="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">Family network of {}</title><desc id="{}">{}</desc>{}{}{}</svg>',
        WIDTH, HEIGHT, title_id, desc_id, title_id, centre, desc_id,
        description(centre, nodes), lines, people, centre_node)


