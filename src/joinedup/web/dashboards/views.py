"""Dashboard pages: the list, any dashboard from its YAML (filters, headline figures,
tables, charts, CSV exports, freshness), pupil drill-down for authorised roles, and the
dashboard of dashboards. Data comes only from `joinedup.insight.query`'s functions."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.insight import query
from joinedup.insight.schema import Dashboard, load_dashboards
from joinedup.marts import freshness, infos
from joinedup.web.accounts.reason import requires_reason
from joinedup.web.audit.record import record
from joinedup.web.core.snapshot_cache import cached
from joinedup.web.dashboards import present, usage
from joinedup.web.dashboards.access import (
    may_drill,
    protect,
    protect_headline,
    record_level,
    requires_insight,
)
from joinedup.web.familycontext.served import SERVED


def frozen(chosen: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The filter choices as a cache key."""
    return tuple(sorted((k, tuple(sorted(v))) for k, v in chosen.items()))


@cache
def dashboards() -> dict[str, Dashboard]:
    return load_dashboards()


def _dashboard(key: str) -> Dashboard:
    found = dashboards().get(key)
    if found is None:
        raise Http404("No such dashboard")
    return found


def _chosen(request: HttpRequest, options: dict[str, list[tuple[str, str]]]
            ) -> dict[str, list[str]]:
    """The filter values asked for that are among the options: nothing else is used or
    logged, so a crafted URL cannot put free text into queries or the usage log."""
    chosen: dict[str, list[str]] = {}
    for key, choices in options.items():
        allowed = {v for v, _ in choices}
        picked = [v for v in request.GET.getlist(key) if v in allowed]
        if picked:
            chosen[key] = picked
    return chosen


def _unavailable(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "dashboards/unavailable.html", {"problem": problem}, status=503)


def _freshness(con: Any, dashboard: Dashboard) -> dict[str, Any]:
    found = infos(con)
    marts = {t.mart for t in dashboard.tables} | {h.mart for h in dashboard.headlines}
    today = dt.datetime.now(dt.UTC).date()
    states = [freshness(found[m], today, dashboard.stale_after_days) for m in sorted(marts)
              if m in found]
    missing = sorted(m for m in marts if m not in found)
    oldest = max(states, key=lambda s: s.age_days or 0) if states else None
    info = next(iter(found.values()), None)
    return {"stale": bool(missing) or any(s.stale for s in states),
            "message": (f"The marts {', '.join(missing)} are not built: run `joinedup marts "
                        "build`." if missing else oldest.message if oldest else ""),
            "snapshot": info.snapshot_id if info else "",
            "built_at": info.built_at if info else None,
            "geography": info.geography if info else "none"}


def _table(request: HttpRequest, con: Any, snap: Any, spec: Dashboard, table_id: str,
           chosen: dict[str, list[str]]) -> query.TableResult:
    """A table as this user may see it, from the cache when this snapshot has served it."""
    base = (snap, spec.id, frozen(chosen), "table", table_id)
    raw = cached(base, functools.partial(query.table, con, spec, table_id, chosen))
    return cached((*base, record_level(request)), functools.partial(protect, request, raw))


@require_GET
@requires_insight
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/index.html", {
        "dashboards": list(dashboards().values())})


@require_GET
@requires_insight
def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    spec = _dashboard(key)
    try:
        with SERVED.cursor() as (snap, con):
            options = cached((snap, "options", spec.id),
                             lambda: query.filter_options(con, spec))
            chosen = _chosen(request, options)
            base = (snap, spec.id, frozen(chosen))
            fresh = cached((snap, "fresh", spec.id, dt.date.today()),
                           lambda: _freshness(con, spec))
            headlines = [protect_headline(request, h) for h in cached(
                (*base, "headlines"),
                lambda: [query.headline(con, spec, h, chosen) for h in spec.headlines])]
            # Protected tables are kept too (per role kind): the disclosure control's linear
            # programmes cost more than the queries.
            tables = {t.id: _table(request, con, snap, spec, t.id, chosen) for t in spec.tables}
    except JoinedUpError as exc:
        return _unavailable(request, str(exc))
    usage.log_view(request, spec.id, "page", chosen)
    charts = [{"spec": c, "figure": present.figure(c, tables[c.table]),
               "plot_id": f"chart-{c.id}", "data_id": f"chart-{c.id}-data"}
              for c in spec.charts]
    return render(request, "dashboards/dashboard.html", {
        "dashboard": spec, "chosen": chosen, "fresh": fresh,
        "filters": [{"spec": f, "choices": [(v, label, v in chosen.get(f.id, ()))
                                            for v, label in options[f.id]]}
                    for f in spec.filters],
        "headlines": [{"h": h, "value": "c" if h.hidden else present.show(h.value, h.unit),
                       "previous": present.show(h.previous, h.unit),
                       "change": present.show(h.change, h.unit if h.unit == "percent"
                                              else "number")} for h in headlines],
        "tables": [{"spec": t, "result": tables[t.id], "cells": present.cells(tables[t.id])}
                   for t in spec.tables],
        "charts": charts, "may_drill": may_drill(request),
        "suppressed": not record_level(request),
        "threshold": get_settings().disclosure_threshold,
        "query_string": request.GET.urlencode(),
    })


@require_GET
@requires_insight
def export(request: HttpRequest, key: str, table_id: str) -> HttpResponse:
    spec = _dashboard(key)
    if table_id not in {t.id for t in spec.tables}:
        raise Http404("No such table")
    try:
        with SERVED.cursor() as (snap, con):
            chosen = _chosen(request, cached((snap, "options", spec.id),
                                             lambda: query.filter_options(con, spec)))
            result = _table(request, con, snap, spec, table_id, chosen)
    except JoinedUpError as exc:
        return _unavailable(request, str(exc))
    usage.log_view(request, spec.id, "export", chosen)
    response = HttpResponse(present.to_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.id}-{table_id}.csv"'
    return response


@require_GET
@requires_insight
@requires_reason
def drill(request: HttpRequest, key: str, drill_id: str) -> HttpResponse:
    spec = _dashboard(key)
    found = next((d for d in spec.drill if d.id == drill_id), None)
    if found is None or not may_drill(request):
        raise Http404("No such page")
    try:
        with SERVED.cursor() as (snap, con):
            chosen = _chosen(request, cached((snap, "options", spec.id),
                                             lambda: query.filter_options(con, spec)))
            result = query.drill_rows(con, spec, found, chosen)  # personal: never cached
    except JoinedUpError as exc:
        return _unavailable(request, str(exc))
    people = sorted({str(r["person_id"]) for r in result.rows if r.get("person_id")})
    # Audited before anything is shown, as every person-level page is.
    record(request, "dashboard_drill", dashboard=spec.id, drill=found.id,
           rows=len(result.rows), person_ids=people,
           filters=[f"{k}={v}" for k, vs in sorted(chosen.items()) for v in vs])
    usage.log_view(request, spec.id, "drill", chosen)
    return render(request, "dashboards/drill.html", {
        "dashboard": spec, "drill": found, "result": result,
        "rows": [{"cells": cells, "person_id": row.get("person_id")}
                 for cells, row in zip(present.cells(result), result.rows, strict=True)],
        "query_string": request.GET.urlencode()})


@require_GET
@requires_insight
def usage_page(request: HttpRequest) -> HttpResponse:
    found = usage.usage(dashboards())
    titles = {k: d.title for k, d in dashboards().items()}
    figure = {"data": [{"type": "bar", "name": titles[k], "x": found.months, "y": v}
                       for k, v in found.by_dashboard.items()],
              "layout": {"barmode": "stack", "margin": {"t": 20, "r": 20, "b": 80, "l": 60},
                         "legend": {"orientation": "h", "y": -0.3},
                         "xaxis": {"type": "category", "title": {"text": "Month"}},
                         "yaxis": {"title": {"text": "Views"}, "rangemode": "tozero"}}}
    return render(request, "dashboards/usage.html", {
        "usage": found, "titles": titles, "figure": figure,
        "by_dashboard": [(titles[k], v, sum(v)) for k, v in found.by_dashboard.items()],
        "by_team": [(k, v, sum(v)) for k, v in found.by_team.items()],
        "growth": [(titles[d], a, b, present.show(g, "percent")) for d, a, b, g in found.growth],
        "unopened": [titles[d] for d in found.unopened]})


@require_GET
@requires_insight
def usage_export(request: HttpRequest, table_id: str) -> HttpResponse:
    """A table of the dashboard of dashboards as CSV (counts of views: nothing personal)."""
    if table_id not in usage.USAGE_TABLES:
        raise Http404("No such table")
    found = usage.usage(dashboards())
    titles = {k: d.title for k, d in dashboards().items()}
    response = HttpResponse(present.to_csv(usage.usage_table(found, titles, table_id)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-usage-{table_id}.csv"'
    return response
