"""The public portal: catalogue, dataset pages, downloads, DCAT catalogue and the
transparency page. No sign-in (``login_not_required``), GET and HEAD only, nothing personal.

HTML pages stay ``no-store`` like every page of the site (PrivatePagesMiddleware): a signed-in
practitioner's copy carries their name and a sign-out form, which no shared cache may keep.
Data (downloads, API, JSON-LD) holds nothing about the reader and is marked public."""

from __future__ import annotations

import json
import threading
from typing import Any

import duckdb
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from joinedup.access import role_uses, service_uses
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.opendata import metadata
from joinedup.opendata.query import (
    FACETS,
    Entry,
    controlled_columns,
    csv_text,
    facet_counts,
    geojson,
    json_default,
    query,
    search,
)
from joinedup.opendata.transparency import (
    ACTION_LABELS,
    AUDITED_ACTIONS,
    joined_sources,
    read_accuracy,
    retention_lines,
    usage_by_month,
)
from joinedup.views.agreements import agreements_in
from joinedup.warehouse.snapshots import SnapshotStore
from joinedup.web.opendata import charts, served
from joinedup.web.opendata.http import conditional, cors, finish, mark_public, validators
from joinedup.web.opendata.usage import monthly_counts

PREVIEW_ROWS = 25
FACET_LABELS = {"topic": "Topic", "geography": "Geography", "period": "Year (or year starting)",
                "publisher": "Publisher", "data": "Data"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
                 "geojson": "application/geo+json"}


def url_for(request: HttpRequest) -> metadata.UrlFor:
    def build(kind: str, name: str, fmt: str) -> str:
        if kind == "catalogue":
            path = reverse("opendata:catalogue")
        elif kind == "page":
            path = reverse("opendata:dataset", args=[name])
        else:
            path = reverse("opendata:download", args=[name, fmt])
        return request.build_absolute_uri(path)
    return build


def ld_json(data: dict[str, Any]) -> str:
    """JSON-LD safe inside <script type="application/ld+json"> (a data block the CSP allows:
    browsers never run it)."""
    text = json.dumps(data, default=json_default, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@login_not_required
@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    everything = served.catalogue()
    text = request.GET.get("q", "").strip()[:200]
    chosen = {f: request.GET.getlist(f) for f in FACETS if request.GET.getlist(f)}
    found = search(everything, text, chosen)
    facets = [{"name": f, "label": FACET_LABELS[f],
               "options": [{"value": v, "count": n, "checked": v in chosen.get(f, [])}
                           for v, n in counts]}
              for f, counts in facet_counts(everything).items()]
    return render(request, "opendata/catalogue.html", {
        "entries": found, "total": len(everything), "q": text, "facets": facets,
        "filtered": bool(text or chosen)})


@login_not_required
@require_safe
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    e = served.dataset(name)
    preview = None
    if e.published is not None:
        sort = [f"-{e.spec.period_column}"] if e.spec.period_column else []
        preview = query(e.spec, e.published, sort=sort, limit=PREVIEW_ROWS)
    shapes = served.shapes(e.spec.geography.level) if e.spec.geography else None
    figures = [f for f in (charts.trend(e), charts.area_map(e, shapes)) if f is not None]
    controlled = controlled_columns(e.spec)
    cells = [[(row[c], row[c] is None and c in controlled) for c in preview.columns]
             for row in preview.rows] if preview else []
    schema = metadata.schema_org(e, url_for(request), served.CATALOGUE_TITLE)
    api_base = request.build_absolute_uri(reverse("opendata:catalogue")) + "api/v1"
    return render(request, "opendata/dataset.html", {
        "e": e, "spec": e.spec, "preview": preview, "figures": figures,
        "columns": [e.spec.column(c) for c in (preview.columns if preview else ())],
        "cells": cells, "schema_org": ld_json(schema),
        "formats": metadata.formats_of(e), "api_base": api_base,
        "has_map_data": bool(shapes), "example_column": e.spec.period_column or "",
        "changes": e.changelog[:10]})


def download_response(request: HttpRequest, e: Entry, fmt: str) -> HttpResponse:
    """One dataset in one format, with its validators (the page's and the API's)."""
    if fmt not in metadata.formats_of(e):
        raise Http404("No such format for this dataset")
    if e.published is None:
        raise Http404("Not published yet")
    early = conditional(request, e, fmt)
    if early is not None:
        return early
    body = _body(e, fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{e.name}.{fmt}"'
    etag, last_modified = validators(e, fmt)
    return finish(response, etag, last_modified)


_bodies: dict[tuple[str, str, str], bytes] = {}
_bodies_lock = threading.Lock()


def _body(e: Entry, fmt: str) -> bytes:
    """A download's bytes, made once per published version (a version never changes)."""
    assert e.published is not None
    key = (e.name, e.published.version, fmt)
    with _bodies_lock:
        found = _bodies.get(key)
    if found is not None:
        return found
    rows = e.published.rows
    if fmt == "csv":
        text = csv_text(e.published.columns, rows, controlled_columns(e.spec))
    elif fmt == "json":
        text = json.dumps({"dataset": e.name, "version": e.published.version,
                           "built_at": e.published.built_at, "columns": e.published.columns,
                           "rows": rows}, default=json_default)
    else:
        text = json.dumps(geojson(e.spec, rows, served.shapes(e.spec.geography.level)
                                  if e.spec.geography else None), default=json_default)
    made = text.encode("utf-8")
    with _bodies_lock:
        # Keep the latest versions only: old ones are never asked for again.
        for stale in [k for k in _bodies if k[0] == e.name and k[1] != key[1]]:
            del _bodies[stale]
        _bodies[key] = made
    return made


@login_not_required
@require_safe
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    return download_response(request, served.dataset(name), fmt)


@login_not_required
@require_safe
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    entries = served.catalogue()
    body = metadata.dcat_catalogue(entries, url_for(request), title=served.CATALOGUE_TITLE,
                                   publisher=served.PUBLISHER)
    response = JsonResponse(body, json_dumps_params={"default": json_default},
                            content_type="application/ld+json")
    return cors(mark_public(response))


@login_not_required
@require_safe
def api_guide(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri(reverse("opendata:catalogue"))
    example = next((e for e in served.catalogue() if e.published is not None), None)
    return render(request, "opendata/api.html", {
        "base": base.rstrip("/"), "example": example})


@login_not_required
@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    settings = get_settings()
    sources: list[Any] = []
    agreements: list[dict[str, str]] = []
    snapshots = SnapshotStore.from_settings(settings)
    try:
        current = snapshots.current_id()
        if current:
            with snapshots.open(current) as con:
                sources = joined_sources(con)
                agreements = agreements_in(con)
    except (JoinedUpError, OSError, duckdb.Error):
        # The page still says what is enforced; "No records are joined yet".
        sources, agreements = [], []
    usage = usage_by_month(monthly_counts())
    return render(request, "opendata/transparency.html", {
        "sources": sources, "agreements": agreements, "services": service_uses(),
        "roles": role_uses(),
        "retention": retention_lines(settings.snapshots_keep, settings.web_session_idle_minutes),
        "accuracy": read_accuracy(settings.reports_dir),
        "usage": [{"month": m.month, "rows": list(zip(m.teams, m.counts, strict=True)),
                   "totals": m.totals} for m in usage[:12]],
        "actions": [ACTION_LABELS[a] for a in AUDITED_ACTIONS]})

