"""Render the common data model as Markdown, so docs/data-model.md cannot drift from the code."""

from __future__ import annotations

from joinedup.model import codes
from joinedup.model.entities import ENTITIES

BEGIN = "<!-- BEGIN GENERATED: joinedup.model.describe -->"
END = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_entities() -> str:
    lines: list[str] = []
    for info in ENTITIES.values():
        lines.append(f"### `{info.table}` ({info.name})")
        lines.append("")
        lines.append(" ".join(info.description.split()))
        lines.append("")
        if info.key:
            lines.append(f"Unique key within a load: {', '.join(f'`{k}`' for k in info.key)}.")
            lines.append("")
        lines.append("| field | type | required | check or code list | meaning |")
        lines.append("|---|---|---|---|---|")
        for spec in info.fields:
            rule = spec.check.value if spec.check else ""
            if spec.codes:
                rule = ", ".join(spec.codes) if len(spec.codes) <= 6 else "see code lists"
            lines.append(
                f"| `{spec.name}` | {spec.type.value} | {'yes' if spec.required else ''} | "
                f"{_cell(rule)} | {_cell(spec.description)} |"
            )
        lines.append("")
    return "\n".join(lines)


def render_code_lists() -> str:
    lines: list[str] = []
    for title, table in (
        ("Services", codes.SERVICES),
        ("Event types", codes.EVENT_TYPES),
        ("Relationship types", codes.RELATIONSHIP_TYPES),
        ("Debt types", codes.DEBT_TYPES),
        ("Recovery stages", codes.RECOVERY_STAGES),
        ("Payment frequencies", codes.PAYMENT_FREQUENCIES),
        ("Arrangement statuses", codes.ARRANGEMENT_STATUSES),
        ("Assessment factors (CIN census codes)", codes.ASSESSMENT_FACTORS),
    ):
        lines.append(f"### {title}")
        lines.append("")
        lines.append("| code | meaning |")
        lines.append("|---|---|")
        lines.extend(f"| `{code}` | {_cell(text)} |" for code, text in table.items())
        lines.append("")
    return "\n".join(lines)


def render() -> str:
    """The generated part of docs/data-model.md, markers included."""
    return "\n".join(
        [BEGIN, "", "## Entities", "", render_entities(), "## Code lists", "",
         render_code_lists(), END]
    )
