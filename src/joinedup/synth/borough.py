"""generate_borough: the synthetic borough, from people to every source's extract."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from joinedup.errors import JoinedUpError
from joinedup.synth import mapping_yaml as my
from joinedup.synth.calibration import Calibration, load_calibration
from joinedup.synth.csc import CscSimulation
from joinedup.synth.csc_factors import assign_factors
from joinedup.synth.debts import FOLDERS as DEBT_FOLDERS
from joinedup.synth.debts import write_debts
from joinedup.synth.electoral_register import write_electoral_register
from joinedup.synth.family_hubs import write_family_hubs
from joinedup.synth.gazetteer import write_postcodes
from joinedup.synth.geography import Geography, load_geography
from joinedup.synth.identifiers import nhs_numbers
from joinedup.synth.measure import calibration_report
from joinedup.synth.needs import assign_needs
from joinedup.synth.output import Output
from joinedup.synth.population import NEVER
from joinedup.synth.records import World
from joinedup.synth.sources import write_sources
from joinedup.synth.spd_truth import write_spd_truth
from joinedup.synth.statutory import census_year
from joinedup.synth.timeline import Timeline
from joinedup.synth.truth import write_truth
from joinedup.synth.workforce import Roster
from joinedup.synth.workforce_export import workforce_figures
from joinedup.synth.world import days, simulate, window_start_for

DEFAULT_AS_OF = dt.date(2026, 10, 31)
Progress = Callable[[str, float], None]

# Share of the run each stage takes (for the progress bar), in order.
STAGES = (("people", 0.3), ("services", 0.2), ("extracts", 0.4), ("ground truth", 0.1))


@dataclass(frozen=True)
class SynthSummary:
    """What generate_borough wrote."""

    out: Path
    seed: int
    people: int
    as_of: dt.date
    residents_at_as_of: int
    persons_ever: int
    households_at_as_of: int
    geography: str  # "real" or "synthetic"
    geography_source: str
    statistics: str  # "real" or "synthetic"
    statistics_source: str
    files: tuple[tuple[str, str, int], ...]  # (source, path, rows)
    seconds: float
    truth_rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(rows for _, _, rows in self.files)


class _Stages:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0.0

    def start(self, name: str) -> None:
        if self.progress:
            self.progress(name, self.done)

    def finish(self, name: str) -> None:
        self.done += dict(STAGES)[name]
        if self.progress:
            self.progress(name, min(self.done, 1.0))


def generate_borough(out: Path, people: int, seed: int, reference_data: Path | None = None,
                     as_of: dt.date | None = None, progress: Progress | None = None,
                     electoral_register: bool = False, debts: bool = False) -> SynthSummary:
    """Generate a synthetic borough of about ``people`` residents into ``out``.

    Writes ``out/sources.yaml`` (every extract mapped onto the common model), the extracts
    under ``out/<system>/``, ``out/ground_truth/`` and ``out/manifest.json``. The same seed and
    arguments give byte-identical files. Real Stockport geography and DfE statistics are used
    when ``reference_data`` holds them; otherwise synthetic ones, labelled as such.
    With ``electoral_register`` an electoral register extract is added (its own random
    stream, so every other file stays byte-identical); it is off by default because it adds
    a source to every link run and so moves the matching figures measured without it.
    With ``debts`` the five debt extracts of the one view of debt are added the same way
    (their own random stream; off by default for the same reason).
    """
    if people < 100:
        raise JoinedUpError(f"--people {people} is too small: use at least 100 residents.")
    began = time.perf_counter()
    as_of = as_of or DEFAULT_AS_OF
    stages = _Stages(progress)
    out = Path(out)
    _clear(out)
    geo = load_geography(reference_data)
    calibration = load_calibration(reference_data)

    stages.start("people")
    borough, addresses = simulate(people, geo, as_of, _rng(seed, 1))
    assign_needs(borough, _rng(seed, 2))
    timeline = Timeline(borough)
    rng = _rng(seed, 3)
    world = World(
        borough=borough, timeline=timeline, addresses=addresses, rng=rng,
        nhs=nhs_numbers(borough.people.n, _rng(seed, 4)),
        external_home=np.flatnonzero(addresses.external)[
            _rng(seed, 5).integers(0, int(addresses.external.sum()), borough.people.n)],
        upn=np.full(borough.people.n, None, dtype=object),
    )
    stages.finish("people")

    stages.start("services")
    csc = CscSimulation(borough, timeline, calibration, _rng(seed, 6), addresses).run()
    assign_factors(csc, borough, calibration, _rng(seed, 7))
    stages.finish("services")

    stages.start("extracts")
    output = Output(out)
    entries, roster = write_sources(world, output, csc, calibration, seed, as_of)
    extract = as_of - dt.timedelta(days=1)  # live systems' extracts end the day before
    if electoral_register:
        entries.insert(-1, write_electoral_register(world, output, extract, _rng(seed, 8)))
    if debts:
        for entry in write_debts(world, output, extract, _rng(seed, 9), _rng(seed, 10)):
            entries.insert(-1, entry)
    (out / "sources.yaml").write_text(my.dump(entries), encoding="utf-8")
    stages.finish("extracts")

    stages.start("ground truth")
    truth_rows = write_truth(world, geo, out, output.truth, output.errors)
    truth_rows["spd_review"] = write_spd_truth(
        world, out, extract, output.notes["council_tax_accounts"])
    write_postcodes(out, addresses, geo)
    write_family_hubs(out, addresses, geo, _rng(seed, 10))
    summary = SynthSummary(
        out=out, seed=seed, people=people, as_of=as_of,
        residents_at_as_of=int((borough.people.hh[: borough.people.n] >= 0).sum()),
        persons_ever=int((~borough.people.external[: borough.people.n]).sum()),
        households_at_as_of=sum(1 for m in borough.households.members if m),
        geography=geo.kind, geography_source=geo.source,
        statistics=calibration.kind, statistics_source=_statistics_source(calibration),
        files=tuple((f.source, f.path, f.rows) for f in output.files),
        seconds=time.perf_counter() - began, truth_rows=truth_rows,
    )
    year = census_year(as_of)
    measured = calibration_report(borough, timeline, csc, calibration,
                                  range(max(year - 3, 2019), year + 1))
    measured["workforce"] = {
        name: {"measured": round(value, 1), "target": round(target, 1)}
        for name, value, target in _workforce(roster, borough.as_of, calibration)}
    _manifest(summary, geo, calibration, borough.window_start, measured)
    stages.finish("ground truth")
    return summary


def _rng(seed: int, stage: int) -> np.random.Generator:
    # One independent stream per stage: changing one stage never reshuffles the others.
    return np.random.default_rng([seed, stage])


GENERATOR = "joinedup synth"


def _made_by_synth(out: Path) -> bool:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == GENERATOR


def _clear(out: Path) -> None:
    """Empty the output folder of a previous borough (only what synth writes).

    A folder that holds anything else and was not made by synth is refused: its `housing/`
    could be a council's real extract, and regenerating must never delete that.
    """
    if out.is_dir() and any(out.iterdir()) and not _made_by_synth(out):
        raise JoinedUpError(
            f"{out} is not empty and was not made by `joinedup synth` (no manifest.json from "
            "it); nothing was changed. Choose an empty folder with --out, or remove this one."
        )
    out.mkdir(parents=True, exist_ok=True)
    for name in ("sources.yaml", "manifest.json"):
        (out / name).unlink(missing_ok=True)
    manifest_dirs = ("ground_truth", "gazetteer", "csc", "cin_census", "ssda903", "early_help",
                     "adult_social_care", "education", "health", "housing", "police", "vcse",
                     "council_tax", "workforce", "electoral_register", *DEBT_FOLDERS)
    for name in manifest_dirs:
        if (out / name).is_dir():
            shutil.rmtree(out / name)


def _statistics_source(calibration: Calibration) -> str:
    if calibration.kind == "real":
        return f"DfE statistics for {calibration.la_name}: " + ", ".join(calibration.files)
    return "England 2024 figures, rounded (no reference data)"


def _workforce(roster: Roster, day: int, calibration: Calibration,
               ) -> list[tuple[str, float, float]]:
    got = workforce_figures(roster, day)
    w = calibration.workforce
    return [("caseload_per_fte", got.get("caseload_fte", 0.0), w.caseload_per_fte),
            ("turnover_pct", got.get("turnover_pct", 0.0), w.turnover_pct),
            ("agency_pct", got.get("agency_pct", 0.0), w.agency_pct)]


def _manifest(summary: SynthSummary, geo: Geography, calibration: Calibration,
              window_start: int, measured: dict[str, object]) -> None:
    data = {
        "generator": GENERATOR,
        "seed": summary.seed,
        "people": summary.people,
        "as_of": summary.as_of.isoformat(),
        "history_start": str(np.datetime64(window_start, "D")),
        "residents_at_as_of": summary.residents_at_as_of,
        "persons_ever": summary.persons_ever,
        "households_at_as_of": summary.households_at_as_of,
        "geography": summary.geography,
        "geography_source": summary.geography_source,
        "wards": len(geo.ward_code),
        "lsoas": len(geo.lsoa_code),
        "statistics": summary.statistics,
        "statistics_source": summary.statistics_source,
        "licence": "Reference statistics and boundaries: Open Government Licence v3.0. "
                   "Contains National Statistics and OS data © Crown copyright and database "
                   "right 2023. All people, addresses and records are synthetic.",
        "files": [{"source": s, "path": p, "rows": r} for s, p, r in summary.files],
        "total_rows": summary.total_rows,
        "ground_truth": summary.truth_rows,
        "calibration": {"statistics": calibration.kind, "la": calibration.la_name,
                        "measured_vs_target": measured},
    }
    (summary.out / "manifest.json").write_text(json.dumps(data, indent=2) + "\n",
                                               encoding="utf-8")


NEVER_INT = int(NEVER)
__all__ = ["DEFAULT_AS_OF", "SynthSummary", "days", "generate_borough", "window_start_for"]
