"""The region view of a region plan: its councils side by side (gap per 10,000 children by
plan year; caseload, agency and vacancy rates against statistical neighbours and England), a
plain-language summary, and the board-paper downloads (XLSX and PNG charts).

Same access as every plan page (the ``workforce`` capability; 404 for anyone else). The view
is computed from the stored plan's year table and the DfE reference data at each request (it
reads three CSV files, a few hundredths of a second); the downloads are written on the first
request into ``<plan>/region_view/<role>/`` (beside it, then renamed), then served from there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from joinedup.config import Settings, get_settings
from joinedup.errors import JoinedUpError
from joinedup.web.workforce import region_figures, runs
from joinedup.web.workforce.views import ROLE_ORDER, _common, _stored, requires_workforce
from joinedup.workforce.assumptions import default_assumptions
from joinedup.workforce.region_export import CHARTS, WORKBOOK, write_region_view
from joinedup.workforce.region_view import MEASURES, RegionView
from joinedup.workforce.regions import find_region, load_regions

FOLDER = "region_view"
FILES = (WORKBOOK, *CHARTS)


def _roles(stored: runs.StoredPlan, scenario: str) -> list[str]:
    found = {r["role"] for r in stored.tables.get("plan_by_year", [])
             if r["scenario"] == scenario}
    return sorted(found, key=lambda r: (ROLE_ORDER.index(r) if r in ROLE_ORDER else 9, r))


def _label(role: str) -> str:
    return default_assumptions().role_label(role).lower()


def _view(stored: runs.StoredPlan, settings: Settings, role: str) -> RegionView:
    """The region view of the plan (raises JoinedUpError with what to do)."""
    from joinedup.workforce.region_data import build_region_view

    reference = runs.reference_dir(settings)
    region = find_region(stored.meta["region"], load_regions(settings.workforce_regions))
    return build_region_view(reference, region, stored.tables["plan_by_year"],
                             scenario=stored.meta["scenarios"][0]["name"], role=role,
                             role_label=_label(role))


@require_GET
@requires_workforce
def region(request: HttpRequest, key: str) -> HttpResponse:
    stored = _stored(key)
    settings = get_settings()
    context: dict[str, Any] = _common(stored, stored.meta.get("region") or "", "region")
    baseline = context["baseline"]
    roles = _roles(stored, baseline)
    role = request.GET.get("role", "")
    role = role if role in roles else (roles[0] if roles else "social_worker")
    context.update({"roles": [(r, _label(r)) for r in roles], "role": role,
                    "role_label": _label(role), "failure": "", "view": None,
                    "areas": []})  # no area picker: the page is the whole region
    if not stored.meta.get("region"):
        context["failure"] = ("This plan is not a region's plan, so there are no councils to "
                              "compare. Make a plan for a region (source: a region's councils' "
                              "published DfE figures) and open its region view.")
        return render(request, "workforce/region.html", context)
    try:
        view = _view(stored, settings, role)
    except JoinedUpError as exc:
        context["failure"] = str(exc)
        return render(request, "workforce/region.html", context)
    downloads = {name: reverse("workforce:region_export", args=[key, role, name])
                 for name in FILES}
    context.update({
        "view": view, "downloads": downloads,
        "gap_rows": region_figures.gap_rows(view),
        "measure_rows": region_figures.measure_rows(view),
        "charts": region_figures.charts(view, _label(role), downloads),
        "png": [(downloads[name], title) for name, title in CHARTS.items()],
        "workbook_url": downloads[WORKBOOK], "measure_labels": list(MEASURES.values()),
    })
    return render(request, "workforce/region.html", context)


def _exports(stored: runs.StoredPlan, settings: Settings, role: str) -> Path:
    """The role's downloads, written once (whole or not at all)."""
    final = stored.folder / FOLDER / role
    if (final / WORKBOOK).is_file():
        return final
    view = _view(stored, settings, role)
    work = stored.folder / FOLDER / f".{role}.{uuid.uuid4().hex}"
    try:
        write_region_view(view, work, _label(role))
        try:
            os.rename(work, final)
        except OSError:
            if not (final / WORKBOOK).is_file():  # not written by another worker meanwhile
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


@require_GET
@requires_workforce
def region_export(request: HttpRequest, key: str, role: str, file: str) -> HttpResponseBase:
    """The region view's workbook or one of its PNG charts."""
    stored = _stored(key)
    if file not in FILES or not stored.meta.get("region") or role not in _roles(
            stored, stored.meta["scenarios"][0]["name"]):
        raise Http404("No such file")
    try:
        folder = _exports(stored, get_settings(), role)
    except JoinedUpError as exc:
        raise Http404("The region view cannot be made: see its page") from exc
    kind = ("image/png" if file.endswith(".png") else
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return FileResponse((folder / file).open("rb"), as_attachment=file.endswith(".xlsx"),
                        filename=f"region_{key[:8]}_{role}_{file}", content_type=kind)
