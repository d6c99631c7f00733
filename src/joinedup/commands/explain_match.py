"""`joinedup explain-match A B`: the match weight waterfall for two warehouse person records."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.linkage.explain import MatchExplanation, explain_pair
from joinedup.warehouse.snapshots import open_current


def _value(value: Any) -> str:
    return "—" if value is None else str(value)


def _probability(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _waterfall(result: MatchExplanation) -> Table:
    table = Table(title=f"Match weights: {result.record_a} vs {result.record_b}",
                  title_justify="left")
    for name in ("comparison", "A", "B", "level", "m", "u", "weight", "tf adj.", "running"):
        table.add_column(name, justify="right" if name in {"m", "u", "weight", "tf adj.",
                                                           "running"} else "left")
    running = result.prior_weight
    table.add_row("prior", "", "", f"p = {result.prior_probability:.3g}", "", "",
                  f"{result.prior_weight:+.2f}", "", f"{running:+.2f}", end_section=True)
    for step in result.comparisons:
        running += step.total
        table.add_row(step.description, _value(step.value_a), _value(step.value_b),
                      f"{step.level}: {step.label}", _probability(step.m_probability),
                      _probability(step.u_probability), f"{step.match_weight:+.2f}",
                      "" if step.tf_adjustment is None else f"{step.tf_adjustment:+.2f}",
                      f"{running:+.2f}")
    table.add_row("final", "", "", f"probability {result.match_probability:.6f}", "", "",
                  f"{result.match_weight:+.2f}", "", "", end_section=True)
    return table


@click.command("explain-match")
@click.argument("record_a")
@click.argument("record_b")
@click.option("--json", "as_json", is_flag=True, help="Print the waterfall as JSON.")
def command(record_a: str, record_b: str, as_json: bool) -> None:
    """Show why two person records score as they do under the warehouse's model.

    RECORD_A and RECORD_B are SOURCE:SOURCE_RECORD_ID (e.g. csc_case_system:1979124). Both
    are standardised as `joinedup link` does and scored with <warehouse>/linkage/model.json:
    the prior, each comparison's level and weight (log2 m/u, plus any term-frequency
    adjustment), the final weight and probability, and each record's person if linked.
    """
    settings = get_settings()
    try:
        with open_current(settings=settings) as con:
            result = explain_pair(con, settings, record_a, record_b)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    console = output_console()
    console.print(_waterfall(result))
    if not result.linked:
        console.print("The current snapshot is not linked: run `joinedup link` for person ids.")
        return
    verdict = "the same person" if result.same_person else "different people"
    console.print(f"{result.record_a} is {_value(result.person_a)}, {result.record_b} is "
                  f"{_value(result.person_b)}: {verdict} in the current link.",
                  highlight=False)
