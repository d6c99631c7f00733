"""`joinedup synth`: generate the synthetic borough (extracts, sources.yaml, ground truth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from joinedup.config import get_settings
from joinedup.synth import DEFAULT_AS_OF, SynthSummary, generate_borough


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from exc


@click.command("synth")
@click.option("--people", type=click.IntRange(min=100), default=None,
              help="Residents in the borough (default: the synth_people setting, 30,000).")
@click.option("--seed", type=int, default=None,
              help="Random seed; the same seed gives byte-identical files "
                   "(default: the synth_seed setting).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: <home>/sources).")
@click.option("--as-of", "as_of", callback=_date, default=None,
              help=f"The extract date the borough is generated up to "
                   f"(default {DEFAULT_AS_OF.isoformat()}; never today, so runs repeat).")
@click.option("--electoral-register/--no-electoral-register", "electoral_register",
              default=False, show_default=True,
              help="Add the electoral register extract (for the single person discount "
                   "review); every other file stays the same.")
@click.option("--debts/--no-debts", "debts", default=False, show_default=True,
              help="Add the five debt extracts (council tax arrears, housing benefit "
                   "overpayments, sundry debts, sole traders' business rates, a housing "
                   "association's rent accounts) for the one view of debt; every other file "
                   "stays the same.")
def command(people: int | None, seed: int | None, out: Path | None,
            as_of: dt.date | None, electoral_register: bool = False,
            debts: bool = False) -> None:
    """Generate the synthetic borough modelled on Stockport: every source system's extract,
    out/sources.yaml mapping them onto the common model, ground truth and a manifest."""
    settings = get_settings()
    people = people if people is not None else settings.synth_people
    seed = seed if seed is not None else settings.synth_seed
    out = out if out is not None else settings.sources_dir
    reference = settings.reference_data
    console = Console()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("people", total=1.0)

        def progress(stage: str, done: float) -> None:
            bar.update(task, completed=done, description=stage)

        summary = generate_borough(out=out, people=people, seed=seed,
                                   reference_data=reference, as_of=as_of, progress=progress,
                                   electoral_register=electoral_register, debts=debts)
    _report(console, summary)


def _report(console: Console, s: SynthSummary) -> None:
    table = Table(title=f"Synthetic borough in {s.out}")
    table.add_column("source")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for source, path, rows in s.files:
        table.add_row(source, path, f"{rows:,}")
    table.add_row("", "total", f"{s.total_rows:,}", style="bold")
    console.print(table)
    geo = "real Stockport wards and LSOAs" if s.geography == "real" else \
        "SYNTHETIC wards and LSOAs (no reference data)"
    stats = "real DfE statistics for Stockport" if s.statistics == "real" else \
        "SYNTHETIC rates (England fallbacks; no reference data)"
    console.print(f"{s.residents_at_as_of:,} residents on {s.as_of.isoformat()} "
                  f"({s.persons_ever:,} people over the history), "
                  f"{s.households_at_as_of:,} households; seed {s.seed}.")
    console.print(f"Geography: {geo} ({s.geography_source}).", soft_wrap=True)
    console.print(f"Statistics: {stats}.", soft_wrap=True)
    console.print(f"Written in {s.seconds:.1f}s: {s.out / 'sources.yaml'}, "
                  f"{s.out / 'manifest.json'}, ground truth in {s.out / 'ground_truth'}.",
                  soft_wrap=True)
