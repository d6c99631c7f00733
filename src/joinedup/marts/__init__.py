"""joinedup.marts: aggregate tables built from each warehouse snapshot (set-based DuckDB SQL,
one file per mart) for dashboards, maps and open data.

Build with `build_marts` (a pipeline step: `marts_step`) or `rebuild_current`; read with
`read`, `infos` and `freshness`. The catalogue of marts is `MARTS`.
"""

from joinedup.marts.build import (
    BuildReport,
    build_marts,
    gazetteer_for,
    marts_step,
    rebuild_current,
)
from joinedup.marts.catalogue import MARTS, MartSpec, spec
from joinedup.marts.read import Freshness, MartInfo, MartRows, freshness, info, infos, read

__all__ = ["MARTS", "BuildReport", "Freshness", "MartInfo", "MartRows", "MartSpec",
           "build_marts", "freshness", "gazetteer_for", "info", "infos", "marts_step", "read",
           "rebuild_current", "spec"]
