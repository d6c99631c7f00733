"""`joinedup evaluate-linkage`: score the current snapshot's person links against ground truth."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.evaluation.family_truth import FamilyEvaluation, evaluate_households
from joinedup.evaluation.scores import Scores
from joinedup.evaluation.truth import Example, LinkEvaluation, evaluate_link
from joinedup.opendata.transparency import write_accuracy
from joinedup.warehouse.snapshots import open_current


def _family_table(family: FamilyEvaluation) -> Table:
    table = Table(title=f"Households and family network ({family.people_known:,} people)",
                  title_justify="left")
    for name in ("measure", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "measure" else "right")
    pairs = family.household_pairs
    table.add_row("current household pairs", f"{pairs.precision:.4f}", f"{pairs.recall:.4f}",
                  f"{pairs.f1:.4f}")
    precision = family.relationship_edges.get("precision", 0.0)
    recall = family.relationship_edges.get("recall", 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    table.add_row("relationship edges", f"{precision:.4f}", f"{recall:.4f}", f"{f1:.4f}")
    return table


def _scores_table(result: LinkEvaluation) -> Table:
    table = Table(title=f"Linkage against ground truth ({result.records_evaluated:,} records)",
                  title_justify="left")
    for name in ("measure", "precision", "recall", "F1", "true pairs found", "false pairs",
                 "missed pairs"):
        table.add_column(name, justify="left" if name == "measure" else "right")

    def row(name: str, scores: Scores) -> None:
        table.add_row(name, f"{scores.precision:.4f}", f"{scores.recall:.4f}",
                      f"{scores.f1:.4f}", f"{scores.true_positives:,}",
                      f"{scores.false_positives:,}", f"{scores.false_negatives:,}")

    row(f"pairwise (scored >= {result.threshold})", result.pairwise)
    row("clusters (persons)", result.clusters)
    return table


def _source_table(result: LinkEvaluation) -> Table:
    table = Table(title="By source: the pairs with at least one record of the source",
                  title_justify="left")
    for name in ("source", "records", "pairwise P", "pairwise R", "pairwise F1",
                 "clusters P", "clusters R", "clusters F1"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for item in result.by_source:
        p, c = item.pairwise, item.clusters
        table.add_row(item.source, f"{item.records:,}", f"{p.precision:.4f}",
                      f"{p.recall:.4f}", f"{p.f1:.4f}", f"{c.precision:.4f}",
                      f"{c.recall:.4f}", f"{c.f1:.4f}")
    return table


def _print_examples(console: Console, title: str, examples: tuple[Example, ...],
                    label: str) -> None:
    if not examples:
        console.print(f"{title}: none.")
        return
    table = Table(title=title, title_justify="left")
    for name in ("group", "wrong pairs", label, "source", "record", "first name", "surname",
                 "dob", "postcode"):
        table.add_column(name)
    for example in examples:
        for number, record in enumerate(example.records):
            first = number == 0
            table.add_row(example.group if first else "",
                          str(example.wrong_pairs) if first else "",
                          *(str(record.get(k) or "") for k in (
                              label.replace(" ", "_"), "source", "source_record_id",
                              "first_name", "surname", "dob", "postcode")),
                          end_section=number == len(example.records) - 1)
    console.print(table)


@click.command("evaluate-linkage")
@click.option("--truth", "truth_dir", type=click.Path(path_type=Path), default=None,
              help="Ground truth folder of a synthetic borough "
                   "(default: <sources>/ground_truth).")
@click.option("--examples", type=click.IntRange(min=0), default=5, show_default=True,
              help="How many of the worst false merges and missed links to show.")
@click.option("--exclude-source", "exclude", multiple=True, metavar="SOURCE",
              help="Leave out this source's records and every pair touching them "
                   "(repeatable), e.g. to see how the other sources link without it.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(truth_dir: Path | None, examples: int, exclude: tuple[str, ...],
            as_json: bool) -> None:
    """Score the current snapshot's person_link, households and family network against a
    synthetic borough's ground truth."""
    settings = get_settings()
    folder = truth_dir or settings.sources_dir / "ground_truth"
    try:
        with open_current(settings=settings) as con:
            result = evaluate_link(con, folder, examples, exclude)
            family = evaluate_households(con, folder)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    # The headline scores feed the public transparency page (no example records: people).
    write_accuracy(result.as_dict(), settings.reports_dir, dt.datetime.now(dt.UTC))
    if as_json:
        click.echo(json.dumps({**result.as_dict(), "households": family.as_dict()}, indent=2))
        return
    console = output_console()
    console.print(_scores_table(result))
    console.print(_source_table(result))
    console.print(_family_table(family))
    console.print(
        f"{result.records_unmatched:,} linked records are not in the truth. Blocking recall "
        "is not kept in the snapshot; of the true pairs, "
        f"{result.review_pair_recall:.4f} were scored at least 0.5.", highlight=False)
    if examples == 0:
        return
    _print_examples(console, "Worst false merges (one person id, several true people)",
                    result.false_merges, "true person")
    _print_examples(console, "Worst missed links (one true person, several person ids)",
                    result.missed_links, "person id")
