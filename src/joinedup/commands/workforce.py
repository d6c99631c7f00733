"""`joinedup workforce`: five-year workforce plans (required FTE, supply, gap, scenarios)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from joinedup.commands.ingest import Failed, output_console
from joinedup.config import Settings, get_settings
from joinedup.errors import ConfigError, JoinedUpError
from joinedup.workforce.assumptions import PRACTITIONER_ROLES
from joinedup.workforce.gap import QuarterRow
from joinedup.workforce.inputs import AreaInputs
from joinedup.workforce.plan import PlanResult
from joinedup.workforce.regions import Region, find_region, load_regions
from joinedup.workforce.scenarios import BASELINE, Scenario, example_scenarios, load_scenario
from joinedup.workforce.vcse import VcseRow

SOURCES = ("dfe", "csv", "warehouse")


@click.group("workforce")
def command() -> None:
    """Workforce planning: demand, required FTE, supply, gap and scenarios over five years."""


@command.command("regions")
def regions_cmd() -> None:
    """List the regions a plan can be made for (predefined and from workforce_regions)."""
    try:
        regions = load_regions(get_settings().workforce_regions)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    table = Table("region", "councils", "comparison (not in totals)")
    for region in regions.values():
        table.add_row(region.name, ", ".join(region.councils), ", ".join(region.comparison))
    output_console().print(table)


def _scenarios(values: tuple[str, ...]) -> list[Scenario]:
    examples = {p.stem: p for p in example_scenarios()}
    out = [BASELINE]
    for value in values:
        path = Path(value)
        if not path.is_file() and value in examples:
            path = examples[value]
        elif not path.is_file():
            raise ConfigError(f"scenario file {value} not found. Give a YAML file, or one of "
                              f"the examples: {', '.join(sorted(examples))}.")
        out.append(load_scenario(path))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError("two scenarios have the same name; give each file its own `name:`.")
    return out


def _reference(settings: Settings) -> Path:
    if settings.reference_data is None or not (settings.reference_data / "dfe").is_dir():
        raise ConfigError(
            "the DfE reference data is not configured: set JOINEDUP_REFERENCE_DATA (or "
            "reference_data in joinedup.toml) to the folder holding dfe/, or plan from a CSV of "
            "counts (--from csv --counts FILE) or the warehouse (--from warehouse).")
    return settings.reference_data


def _inputs(source: str, counts: Path | None, areas: tuple[str, ...], region: Region | None,
            settings: Settings, say: Console) -> list[AreaInputs]:
    members = list(region.members) if region else list(areas)
    if source == "dfe":
        from joinedup.workforce.inputs import dfe_inputs

        if not members:
            raise ConfigError("--from dfe needs --area COUNCIL (repeatable) or --region NAME.")
        reference = _reference(settings)
        out = []
        for name in members:
            say.print(f"reading DfE figures for {name}", highlight=False)
            item = dfe_inputs(reference, name)
            out.append(item.as_comparison() if region and region.is_comparison(name) else item)
        return out
    if source == "csv":
        from joinedup.workforce.counts import read_counts
        from joinedup.workforce.inputs import counts_inputs

        if counts is None:
            raise ConfigError("--from csv needs --counts FILE (a CSV of area, period, need, "
                              "count; see docs/workforce.md).")
        history = read_counts(counts)
        wanted = members or [a for a in history.areas() if a not in history.parents]
        known = {a.lower(): a for a in history.areas()}
        missing = [m for m in wanted if m.lower() not in known]
        if missing:
            raise ConfigError(f"{counts} has no rows for {', '.join(missing)}; its areas are "
                              f"{', '.join(history.areas())}.")
        out = []
        for name in wanted:
            item = counts_inputs(history, known[name.lower()])
            out.append(item.as_comparison() if region and region.is_comparison(name) else item)
        return out
    from joinedup.warehouse.snapshots import open_current
    from joinedup.workforce.episodes import warehouse_inputs

    if region is not None or len(areas) > 1:
        raise ConfigError("the warehouse holds one council: plan a region from the DfE data "
                          "(--from dfe) or a CSV of counts (--from csv).")
    say.print("reading episodes and the roster from the warehouse", highlight=False)
    with open_current(settings=settings) as con:
        return [warehouse_inputs(con, areas[0] if areas else "Council")]


def _final(rows: list[QuarterRow]) -> dict[tuple[str, str, str], QuarterRow]:
    out: dict[tuple[str, str, str], QuarterRow] = {}
    for row in rows:
        out[(row.scenario, row.area, row.role)] = row
    return out


def summary_table(result: PlanResult) -> Table:
    """The plan's last quarter for every area and the region, every scenario side by side."""
    last = _final(result.rows())
    quarter = next(iter(last.values())).quarter if last else ""
    table = Table(title=f"Workforce plan: FTE in {quarter} (gap = required - available)")
    table.add_column("area", no_wrap=True)
    table.add_column("role (caseload standard)", no_wrap=True)
    for scenario in result.scenarios:
        table.add_column(f"{scenario.name}\nrequired / available", justify="right")
        table.add_column(f"{scenario.name}\ngap P50 [P10, P90]", justify="right")
    comparison = {p.area for p in result.areas if p.comparison}
    order = {role: i for i, role in enumerate(PRACTITIONER_ROLES)}
    areas = list(dict.fromkeys(area for (_, area, _) in last))
    # The roles of an area side by side, in one fixed order, so areas read alike.
    keys = sorted(dict.fromkeys((area, role) for (_, area, role) in last),
                  key=lambda k: (areas.index(k[0]), order.get(k[1], 99), k[1]))
    assumptions = result.assumptions[result.scenarios[0].name]
    for area, role in keys:
        label = f"{area} (comparison)" if area in comparison else area
        if area == result.region:
            label = f"[bold]{area} (region)[/]"
        standard = assumptions.caseload_standard(role)
        cells = [label, assumptions.role_label(role)
                 + (f" ({standard:g} cases)" if standard else "")]
        for scenario in result.scenarios:
            row = last.get((scenario.name, area, role))
            if row is None:
                cells += ["-", "-"]
                continue
            cells += [f"{row.required:,.0f} / {row.available:,.0f}",
                      f"{row.gap_p50:+,.0f} [{row.gap_p10:+,.0f}, {row.gap_p90:+,.0f}]"]
        table.add_row(*cells)
    return table


@command.command("vcse-template")
@click.option("--organisation", required=True, help="The VCSE organisation's name.")
@click.option("--area", "areas", multiple=True,
              help="A council area the organisation works in (repeatable): a drop-down list.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The XLSX file to write.")
def vcse_template_cmd(organisation: str, areas: tuple[str, ...], out: Path) -> None:
    """Write the monthly return template (XLSX) for a voluntary or community organisation."""
    from joinedup.workforce.vcse import write_template

    path = write_template(out, organisation.strip(), list(areas))
    output_console().print(f"Template for {organisation}: {path}", highlight=False)


@command.command("vcse-check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", default=None,
              help="The organisation (default: the one the template was made for).")
def vcse_check_cmd(file: Path, organisation: str | None) -> None:
    """Check a VCSE monthly return and list every bad cell (file, row, field)."""
    from joinedup.workforce.vcse import read_return

    try:
        rows = read_return(file.read_bytes(), file.name, organisation)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    months = sorted({f"{r.month:%Y-%m}" for r in rows})
    output_console().print(f"{file.name}: {len(rows)} rows accepted for {rows[0].organisation}"
                           f", {months[0]} to {months[-1]}", highlight=False)


def _vcse_rows(files: tuple[Path, ...], store: bool, settings: Settings) -> list[VcseRow]:
    from joinedup.workforce.vcse import read_return
    from joinedup.workforce.vcse_plan import load_returns

    rows = [row for f in files for row in read_return(f.read_bytes(), f.name, None)]
    if store:
        rows += load_returns(settings.web_dir / "workforce" / "vcse")
    return rows


@command.command("plan")
@click.option("--from", "source", type=click.Choice(SOURCES), default=None,
              help="Where demand and supply come from: dfe (published DfE figures; the default "
                   "with --area or --region), csv (--counts FILE) or warehouse (the current "
                   "snapshot; the default otherwise).")
@click.option("--counts", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV of counts (area, period, need, count[, parent]) for --from csv.")
@click.option("--area", "areas", multiple=True,
              help="A council to plan (repeatable). With --from warehouse: the council's name.")
@click.option("--region", default=None,
              help="A region by name (see `joinedup workforce regions`): every council in it, "
                   "summed, with comparison councils shown beside it.")
@click.option("--scenario", "scenarios", multiple=True,
              help="A scenario YAML file, or the name of a shipped example (retention, "
                   "early_help_first, caseload_cap_15, grow_our_own). Repeatable: compared side "
                   "by side with the baseline.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder (CSV, XLSX, charts). Default: <home>/reports/workforce/<time>.")
@click.option("--vcse", "vcse_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A VCSE monthly return (XLSX template or CSV; repeatable): its families "
                   "add to early help demand, its hours to capacity.")
@click.option("--vcse-store", is_flag=True,
              help="Also use the VCSE returns uploaded through the web pages.")
@click.option("--supply", "supply_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="CSV of each role's starting workforce (area, role, in_post_fte[, "
                   "establishment_fte, vacancy_fte, agency_fte, turnover, ...]); it wins over "
                   "the supply in the demand source. Bad rows are left out and listed.")
def plan_cmd(source: str | None, counts: Path | None, areas: tuple[str, ...],
             region: str | None, scenarios: tuple[str, ...], out: Path | None,
             vcse_files: tuple[Path, ...], vcse_store: bool, supply_file: Path | None) -> None:
    """Make a five-year plan of practitioner FTE needed against supply, and write a report.

    Demand is forecast; workload turns it into required FTE (caseload caps and statutory
    visits checked, fast needs sized with Erlang C); supply is projected month by month
    (starters, leavers, pipeline, agency); the gap has P10/P50/P90 from simulation.
    """
    settings = get_settings()
    err = Console(stderr=True)
    try:
        chosen_region = find_region(region, load_regions(settings.workforce_regions)) \
            if region else None
        kind = source or ("csv" if counts else "dfe" if (areas or chosen_region)
                          else "warehouse")
        chosen = _scenarios(scenarios)
        inputs = _inputs(kind, counts, areas, chosen_region, settings, err)
        vcse_notes: list[str] = []
        if supply_file is not None:
            from joinedup.workforce.supply_csv import attach_supply, read_supply

            supply = read_supply(supply_file)
            for reason in supply.quarantined:
                err.print(f"{supply_file.name}: quarantined {reason}", highlight=False)
            inputs, vcse_notes = attach_supply(inputs, supply)
        if vcse_files or vcse_store:
            from joinedup.workforce.assumptions import default_assumptions
            from joinedup.workforce.vcse_plan import attach_returns

            inputs, partner_notes = attach_returns(
                inputs, _vcse_rows(vcse_files, vcse_store, settings),
                default_assumptions().staffing.productive_hours)
            vcse_notes += partner_notes
        from joinedup.workforce.plan import run_plan
        from joinedup.workforce.report import write_report

        forecaster = None
        if kind == "dfe":
            from joinedup.workforce.pooled_plan import dfe_forecaster, verdicts_for

            reference = _reference(settings)
            forecaster = dfe_forecaster(reference)
        result = run_plan(inputs, chosen, region=chosen_region.name if chosen_region else None,
                          forecaster=forecaster,
                          progress=lambda message: err.print(message, highlight=False))
        result.extra_notes.extend(vcse_notes)
        folder = out or settings.reports_dir / "workforce" / datetime.now().strftime(
            "%Y%m%dT%H%M%S")
        err.print(f"writing the report to {folder}", highlight=False)
        written = write_report(result, folder)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    console = output_console()
    console.print(summary_table(result))
    if kind == "dfe":
        for found in verdicts_for(_reference(settings)).values():
            # The plan projects social worker supply from starters and leavers; the FTE
            # forecast's backtest is shown as evidence, not used.
            use = " (shown, not used: supply is projected)" if found.need == "sw_fte" else ""
            console.print(f"Forecast of {found.need}{use}: {found.describe()}",
                          highlight=False)
    flags = result.quality()
    if flags:
        console.print(f"{len(flags)} data quality flag(s) (not smoothed): see "
                      f"{folder / 'data_quality.csv'}", highlight=False)
    if kind != "dfe" and settings.reference_data is None:
        console.print("Without reference data, figures not in your own data use England "
                      "2024 defaults (see the notes).", highlight=False)
    console.print(f"Report: {folder} ({len(written)} files)", highlight=False)


@command.command("region-view")
@click.option("--region", required=True,
              help="A region by name (see `joinedup workforce regions`).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for region_view.xlsx and the PNG charts (made if need be).")
@click.option("--role", type=click.Choice(PRACTITIONER_ROLES), default="social_worker",
              show_default=True, help="The practitioner role whose gap is compared.")
@click.option("--plan", "plan_dir", type=click.Path(file_okay=False, exists=True,
                                                     path_type=Path), default=None,
              help="A region plan's report folder (from `joinedup workforce plan --region`) "
                   "to read the gaps from, instead of making the plan again (a few seconds).")
@click.option("--threshold", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
              help="FTE short that counts as a gap opening.")
def region_view_cmd(region: str, out: Path, role: str, plan_dir: Path | None,
                    threshold: float) -> None:
    """Compare a region's councils for a board paper: gap per 10,000 children by plan year,
    caseload, agency and vacancy rates against statistical neighbours and England, a
    plain-language summary, written as XLSX and PNG charts.

    Needs the DfE reference data (JOINEDUP_REFERENCE_DATA).
    """
    from joinedup.workforce.assumptions import default_assumptions
    from joinedup.workforce.region_data import build_region_view
    from joinedup.workforce.region_export import write_region_view

    settings = get_settings()
    err = Console(stderr=True)
    try:
        chosen = find_region(region, load_regions(settings.workforce_regions))
        reference = _reference(settings)
        rows = _plan_rows(plan_dir, chosen, settings, err)
        label = default_assumptions().role_label(role).lower()
        view = build_region_view(reference, chosen, rows, scenario=BASELINE.name, role=role,
                                 role_label=label, threshold=threshold)
        written = write_region_view(view, out, label)
    except JoinedUpError as exc:
        raise Failed(str(exc)) from exc
    console = output_console()
    console.print(f"[bold]{view.region}: {label} workforce, region view[/]")
    for line in view.summary:
        console.print(line, highlight=False, soft_wrap=True)  # whole lines, to copy
    console.print(f"Written to {out}: " + ", ".join(p.name for p in written), highlight=False)


def _plan_rows(plan_dir: Path | None, region: Region, settings: Settings,
               err: Console) -> list[dict[str, object]]:
    """The region plan's year table: read from a report folder, or the plan made now."""
    if plan_dir is not None:
        import csv

        path = plan_dir / "plan_by_year.csv"
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))
        except OSError as exc:
            raise ConfigError(f"cannot read {path} ({exc.strerror}); give the folder a region "
                              "plan was written to (joinedup workforce plan --region NAME "
                              "--out FOLDER).") from exc
    from joinedup.workforce.plan import run_plan
    from joinedup.workforce.pooled_plan import dfe_forecaster
    from joinedup.workforce.report import year_table

    inputs = _inputs("dfe", None, (), region, settings, err)
    result = run_plan(inputs, (BASELINE,), region=region.name,
                      forecaster=dfe_forecaster(_reference(settings)),
                      progress=lambda message: err.print(message, highlight=False))
    return year_table(result)
