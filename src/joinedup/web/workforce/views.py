"""Workforce planning pages: make a plan, read it (demand, fast and slow needs, FTE against
supply, gap), compare scenarios, edit scenarios, the methodology, and CSV/XLSX exports.

Only roles with the ``workforce`` capability see them (404 for anyone else, as for any page
outside a role). The pages hold aggregate figures only: no person-level data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import has_capability
from joinedup.config import Settings, get_settings
from joinedup.errors import JoinedUpError
from joinedup.web.accounts.roles import role_of
from joinedup.web.core import components
from joinedup.web.workforce import figures, runs, scenario_store
from joinedup.web.workforce.forms import PlanForm, ScenarioForm
from joinedup.workforce.assumptions import PRACTITIONER_ROLES
from joinedup.workforce.regions import load_regions
from joinedup.workforce.report import WORKBOOK

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
CAPABILITY = "workforce"
ROLE_ORDER = PRACTITIONER_ROLES


def requires(capability: str) -> Callable[[View], View]:
    """A view decorator: "not found" for roles without ``capability``."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            role = role_of(request.user)
            if not role or not has_capability(role, capability):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate


requires_workforce = requires(CAPABILITY)


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _plan_form(request: HttpRequest, settings: Settings) -> PlanForm:
    regions = load_regions(settings.workforce_regions)
    councils = sorted({c for r in regions.values() for c in r.members})
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    return PlanForm(*data, councils=councils, regions=list(regions),
                    scenarios=scenario_store.choices(settings, _user_id(request)))


@require_http_methods(["GET", "POST"])
@requires_workforce
def index(request: HttpRequest) -> HttpResponse:
    """Choose a source and scenarios; POST runs the plan (or finds it made) and shows it."""
    settings = get_settings()
    form = _plan_form(request, settings)
    failure = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = data["source"]
        upload = data.get("counts")
        name = {"council": data.get("council"), "region": data.get("region"),
                "counts": upload.name if upload else ""}.get(source) or ""
        staffing = data.get("supply")
        plan = runs.PlanRequest(source=source, name=str(name), scenarios=data["chosen"],
                                counts=upload.read() if upload else b"",
                                supply=staffing.read() if staffing else b"")
        try:
            key = runs.make_plan(plan, settings)
        except JoinedUpError as exc:
            failure = str(exc)
        else:
            return HttpResponseRedirect(reverse("workforce:plan", args=[key]))
    has_reference = settings.reference_data is not None and (
        settings.reference_data / "dfe").is_dir()
    return render(request, "workforce/index.html", {
        "form": form, "failure": failure, "has_reference": has_reference,
        "error_summary": components.error_summary(form, {"source": "source-council"}),
        "sources": runs.SOURCES, "scenario_choices": form.scenario_choices,
        "chosen_scenarios": form["scenarios"].value() or [],
    }, status=400 if failure or form.errors else 200)


def _stored(key: str) -> runs.StoredPlan:
    stored = runs.load_plan(key, get_settings())
    if stored is None:
        raise Http404("No such plan")
    return stored


def _area(request: HttpRequest, stored: runs.StoredPlan) -> str:
    choices = ([stored.meta["region"]] if stored.meta.get("region") else []) + list(
        stored.meta["areas"])
    wanted = request.GET.get("area", "")
    return wanted if wanted in choices else choices[0]


def _roles(rows: list[dict[str, Any]], area: str) -> list[str]:
    found = {r["role"] for r in rows if r["area"] == area}
    return sorted(found, key=lambda r: (ROLE_ORDER.index(r) if r in ROLE_ORDER else 9, r))


def _common(stored: runs.StoredPlan, area: str, page: str) -> dict[str, Any]:
    meta = stored.meta
    areas = ([meta["region"]] if meta.get("region") else []) + list(meta["areas"])
    return {"plan": stored, "meta": meta, "key": stored.key, "area": area, "areas": areas,
            "page": page, "baseline": meta["scenarios"][0]["name"],
            "exports": sorted(n for n in stored.tables), "workbook": WORKBOOK}


@require_GET
@requires_workforce
def plan(request: HttpRequest, key: str) -> HttpResponse:
    stored = _stored(key)
    area = _area(request, stored)
    tables = stored.tables
    baseline = stored.meta["scenarios"][0]["name"]
    gap_rows = tables["gap_by_quarter"]
    roles = _roles(gap_rows, area)
    needs = list(dict.fromkeys(r["need"] for r in tables["demand"] if r["area"] == area))
    charts: dict[str, list[figures.Chart]] = {
        "demand": [figures.demand(tables["demand"], area, n) for n in needs],
        "fast_slow": [c for c in (figures.fast_slow(tables["workload_by_quarter"], baseline,
                                                    area, r) for r in roles) if c],
        "supply": [figures.required_supply(gap_rows, baseline, area, r) for r in roles],
        "gap": [figures.gap(gap_rows, baseline, area, r) for r in roles],
    }
    context = _common(stored, area, "plan")
    context.update({
        "charts": charts,
        "backtest": [r for r in tables["backtest"] if r["area"] == area],
        "fast_needs": [r for r in tables["fast_needs"]
                       if r["area"] == area and r["scenario"] == baseline],
        "quality": tables["data_quality"],
        "vcse": [r for r in tables.get("vcse", []) if r["area"] == area],
        # Plans made before the roles table existed have none: the section says so.
        "roles": [r for r in tables.get("roles", [])
                  if r["area"] == area and r["scenario"] == baseline],
    })
    return render(request, "workforce/plan.html", context)


@require_GET
@requires_workforce
def compare(request: HttpRequest, key: str) -> HttpResponse:
    stored = _stored(key)
    area = _area(request, stored)
    names = [s["name"] for s in stored.meta["scenarios"]]
    gap_rows = stored.tables["gap_by_quarter"]
    charts = [figures.scenario_gaps(gap_rows, names, area, r) for r in _roles(gap_rows, area)]
    rows = [r for r in stored.tables["scenarios"] if r["area"] == area]
    rows.sort(key=lambda r: (ROLE_ORDER.index(r["role"]) if r["role"] in ROLE_ORDER else 9,
                             r["role"]))
    measures = [("required", "Required FTE"), ("gap P50", "Gap P50"),
                ("chance short", "Chance short"), ("cost over plan", "Cost over the plan")]
    labels = {r["role"]: r["role_label"] for r in stored.tables.get("roles", [])}
    table = [{"role": labels.get(r["role"], r["role"].replace("_", " ")),
              "cells": [(label, [r.get(f"{n}: {m}") for n in names]) for m, label in measures]}
             for r in rows]
    context = _common(stored, area, "compare")
    context.update({"charts": charts, "names": names, "table": table})
    return render(request, "workforce/compare.html", context)


@require_GET
@requires_workforce
def export(request: HttpRequest, key: str, name: str) -> HttpResponseBase:
    """A plan table as CSV, or the whole plan as the report's XLSX workbook."""
    path = _stored(key).file(name)
    if path is None:
        raise Http404("No such table")
    kind = ("text/csv; charset=utf-8" if name.endswith(".csv") else
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return FileResponse(path.open("rb"), as_attachment=True,
                        filename=f"workforce_{key[:8]}_{name}", content_type=kind)


@require_http_methods(["GET", "POST"])
@requires_workforce
def scenarios(request: HttpRequest) -> HttpResponse:
    """The scenario editor: the shipped examples, the user's saved scenarios, a YAML form."""
    settings = get_settings()
    user = _user_id(request)
    form = ScenarioForm()
    saved_name = ""
    if request.method == "POST" and request.POST.get("delete"):
        scenario_store.delete(settings, user, str(request.POST["delete"]))
        return HttpResponseRedirect(reverse("workforce:scenarios"))
    if request.method == "POST":
        form = ScenarioForm(request.POST, request.FILES)
        if form.is_valid() and form.scenario is not None:
            try:
                _, scenario = scenario_store.save(settings, user, form.yaml_text)
            except JoinedUpError as exc:
                form.add_error("text", str(exc).removeprefix("scenario: "))
            else:
                saved_name = scenario.name
                form = ScenarioForm()
    start = request.GET.get("from", "")
    kind, _, stem = start.partition(":")
    initial = (scenario_store.shipped_text(stem) if kind == scenario_store.SHIPPED else
               scenario_store.saved_text(settings, user, stem) if kind == scenario_store.SAVED
               else None)
    text = form["text"].value() if form.is_bound else (initial or "")
    return render(request, "workforce/scenarios.html", {
        "form": form, "error_summary": components.error_summary(form),
        "text": text or "", "saved_name": saved_name,
        "shipped": scenario_store.shipped(), "saved": scenario_store.saved(settings, user),
    }, status=400 if form.is_bound and form.errors else 200)


@require_GET
@requires_workforce
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/methodology.html", {})
