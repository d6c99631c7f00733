"""`joinedup demo`: the whole pipeline on a synthetic borough, from nothing, in one command."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.panel import Panel

from joinedup.commands import evaluate_linkage as evaluate_cmd
from joinedup.commands import ingest as ingest_cmd
from joinedup.commands import link as link_cmd
from joinedup.commands import synth as synth_cmd
from joinedup.commands import workforce as workforce_cmd
from joinedup.config import get_settings

# Issue 14's single views: where each is, which demo accounts (`joinedup web
# create-demo-users`, printed when the demo serves) may open it, and its command line. The
# accounts are demo-<role>; tests/unit/test_demo_guide.py checks each role exists, has the
# view's capability and, where the view needs one, a team (practice, partner source).
SINGLE_VIEWS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("One view of debt", "/debt/", ("revenues_officer", "housing_association"),
     "joinedup views debt list"),
    ("Council tax single person discount review", "/spd/", ("revenues_officer",),
     "joinedup views spd list"),
    ("GP alerts (practice P88600)", "/gp-alerts/", ("gp_practice",),
     "joinedup views gp-alerts list --practice P88600"),
    ("GP alerts held for review", "/gp-alerts/review/",
     ("childrens_social_worker", "adult_social_worker"), "joinedup views gp-alerts list --review"),
)


def single_views_guide(home: Path = Path("data"), sources: Path = Path("data/sources")) -> str:
    """The closing lines that name each single view and how to reach it; the benchmark's
    command names the demo's own data home and extracts."""
    lines = ["The single views: sign in as the account named (the web app's demo accounts: "
             "`joinedup serve --demo-users` prints their passwords, as the demo does below when "
             "it serves), give a reason for access and follow the link on the home page."]
    for name, path, roles, cli in SINGLE_VIEWS:
        accounts = " or ".join("demo-" + role.replace("_", "-") for role in roles)
        lines.append(f"- {name}: {path} as {accounts}; `{cli}`.")
    lines.append(f"- Their figures: `.venv/bin/python bench/single_views.py --home {home} "
                 f"--borough {sources}` (SPD precision, GP alerts to the wrong child, the debt "
                 "queue).")
    return "\n".join(lines)


@click.command("demo")
@click.option("--people", type=click.IntRange(min=100), default=None,
              help="Residents in the synthetic borough (default: the synth_people setting).")
@click.option("--seed", type=int, default=None,
              help="Random seed (default: the synth_seed setting).")
@click.option("--skip-link", is_flag=True,
              help="Stop after the ingest: do not match person records into people.")
@click.option("--serve/--no-serve", default=None,
              help="End by serving the web app with one new demo account per role "
                   "(default: serve when run in a terminal).")
@click.pass_context
def command(ctx: click.Context, people: int | None, seed: int | None, skip_link: bool,
            serve: bool | None) -> None:
    """Generate the synthetic borough, ingest every source, print the run report, link person
    records into people, score the linkage against the borough's ground truth and make a
    five-year workforce plan (Cheshire and Merseyside from DfE figures when the reference data
    is configured, else the synthetic borough's own); then (in a
    terminal, or with --serve) serve the web app and print where and how to sign in.

    Everything is written under the data home (JOINEDUP_HOME, default ./data).
    """
    settings = get_settings()
    console = Console()
    people = people if people is not None else settings.synth_people
    seed = seed if seed is not None else settings.synth_seed
    reference = (
        f"reference data from {settings.reference_data}"
        if settings.reference_path("dfe") is not None
        else "no reference data: synthetic geography and statistics"
    )
    console.print(Panel.fit(
        f"joinedup demo: a synthetic borough of {people:,} residents (seed {seed}), "
        f"{reference}.\nData home: {settings.home.resolve()}",
        title="joinedup",
    ))
    console.rule("1. Synthetic borough")
    ctx.invoke(synth_cmd.command, people=people, seed=seed, out=settings.sources_dir,
               electoral_register=True, debts=True)
    console.rule("2. Ingest into a new warehouse snapshot")
    ctx.invoke(ingest_cmd.command, dir_or_config=settings.sources_dir, as_json=False)
    if not skip_link:
        console.rule("3. Link person records into people")
        ctx.invoke(link_cmd.command)
        console.rule("4. Matching scored against the synthetic ground truth")
        ctx.invoke(evaluate_cmd.command, truth_dir=settings.sources_dir / "ground_truth",
                   examples=2, as_json=False)
    console.rule("5. Workforce plan")
    if settings.reference_path("dfe") is not None:
        # The real-data plan the Cheshire and Merseyside ask is about, from DfE figures.
        ctx.invoke(workforce_cmd.plan_cmd, source="dfe", counts=None, areas=(),
                   region="Cheshire and Merseyside", scenarios=("retention",),
                   out=settings.reports_dir / "workforce" / "cheshire-and-merseyside")
    else:
        console.print("No reference data: planning the synthetic borough's own workforce "
                      "from the warehouse instead of the DfE figures.", highlight=False)
        ctx.invoke(workforce_cmd.plan_cmd, source="warehouse", counts=None, areas=(),
                   region=None, scenarios=("retention",),
                   out=settings.reports_dir / "workforce" / "synthetic-borough")
    console.rule("Done")
    console.print(
        "Next: `joinedup snapshots list` to see the snapshots kept, "
        "`joinedup snapshots show` for row counts per table, "
        "`joinedup review list` for the pairs waiting for a reviewer, `joinedup marts list` "
        "for the dashboards' marts (sign in as the analyst or the inclusion officer and open "
        "Dashboards), `joinedup opendata list` for the open datasets (served without sign-in "
        "at /open-data/, with the transparency page at /open-data/transparency/).\n"
        f"Extracts: {settings.sources_dir}  Warehouse: {settings.warehouse_dir}  "
        f"Reports: {settings.reports_dir}",
        highlight=False,
    )
    if not skip_link:  # the single views stand on the person index
        console.print(single_views_guide(settings.home, settings.sources_dir), highlight=False)
    if serve if serve is not None else sys.stdout.isatty():
        console.rule("The Family Context web app")
        from joinedup.commands.serve import serve as serve_app

        serve_app(demo_users=True, console=console)  # prints the accounts, then runs gunicorn
