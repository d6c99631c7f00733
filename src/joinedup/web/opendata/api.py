"""The open data API: its own django-ninja instance under /open-data/api/v1/ (OpenAPI at
/open-data/api/v1/openapi.json), separate from the practitioners' API. No authentication,
GET only, CORS for any origin, ETag and Last-Modified with 304 on conditional GETs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import Field, NinjaAPI, Query, Schema

from joinedup.opendata.query import MAX_PAGE, Entry, QueryError, json_default, query
from joinedup.web.opendata import served
from joinedup.web.opendata.http import conditional, cors, finish, not_modified, validators
from joinedup.web.opendata.views import download_response

api = NinjaAPI(
    title="joinedup open data API",
    version="1",
    description=("Aggregated, disclosure-controlled open datasets: list them, query their "
                 "rows (filter, sort, page, choose columns) and download them. No sign-in. "
                 "Hidden (suppressed) counts are null."),
    urls_namespace="opendata-api",
    # The interactive page loads scripts the CSP forbids; /open-data/api/ documents the API.
    docs_url=None,
)


class Column(Schema):
    name: str
    title: str
    type: str
    role: str
    unit: str


class DatasetSummary(Schema):
    name: str
    title: str
    description: str
    topic: str
    publisher: str
    synthetic: bool
    geography: str
    periods: list[str]
    licence: str
    licence_url: str
    version: str | None
    last_updated: datetime | None
    refresh_failed: bool
    refresh_message: str | None
    url: str
    formats: list[str]


class DatasetDetail(DatasetSummary):
    method: str
    source: str
    update_frequency: str
    quality_notes: list[str]
    columns: list[Column]
    rows: int


class DatasetList(Schema):
    count: int
    datasets: list[DatasetSummary]


class RowsPage(Schema):
    dataset: str
    version: str
    total: int
    offset: int
    limit: int
    columns: list[str]
    rows: list[dict[str, Any]]


class RowsQuery(Schema):
    filter: list[str] = Field(default_factory=list, description=(
        "column:value. Repeat to add conditions; the same column twice means either value."))
    sort: list[str] = Field(default_factory=list,
                            description="A column, or -column for descending. Repeatable.")
    select: str = Field("", description="Comma-separated columns to return (default: all).")
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class Problem(Schema):
    detail: str


def _summary(request: HttpRequest, e: Entry) -> dict[str, Any]:
    s = e.spec
    return {
        "name": s.name, "title": s.title, "description": s.description, "topic": s.topic,
        "publisher": s.publisher, "synthetic": s.synthetic, "geography": e.geography,
        "periods": e.periods, "licence": s.licence, "licence_url": s.licence_url,
        "version": e.published.version if e.published else None,
        "last_updated": e.published.built_at if e.published else None,
        "refresh_failed": e.stale,
        "refresh_message": e.status.message if e.status and not e.status.ok else None,
        "url": request.build_absolute_uri(f"/open-data/datasets/{s.name}/"),
        "formats": ["csv", "json", *(["geojson"] if s.geography else [])],
    }


def _json(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(payload, default=json_default), status=status,
                        content_type="application/json")


def _problem(message: str, status: int) -> HttpResponse:
    return cors(_json({"detail": message}, status))


def _catalogue_validators(entries: list[Entry]) -> tuple[str, float]:
    versions = "|".join(f"{e.name}:{e.published.version if e.published else '-'}:"
                        f"{e.stale}" for e in entries)
    stamp = max((e.published.built_at.timestamp() for e in entries if e.published), default=0)
    return f'"{hashlib.sha256(versions.encode()).hexdigest()[:16]}"', stamp


@api.get("/datasets", response={200: DatasetList, 304: None}, summary="Every dataset")
def list_datasets(request: HttpRequest) -> HttpResponse:
    entries = served.catalogue()
    etag, stamp = _catalogue_validators(entries)
    if not_modified(request, etag, stamp):
        return finish(HttpResponse(status=304), etag, stamp)
    body = {"count": len(entries), "datasets": [_summary(request, e) for e in entries]}
    return finish(_json(body), etag, stamp)


@api.get("/datasets/{name}", response={200: DatasetDetail, 304: None, 404: Problem},
         summary="One dataset's metadata")
def get_dataset(request: HttpRequest, name: str) -> HttpResponse:
    e = _entry_or_none(name)
    if e is None:
        return _problem(f"No dataset called {name!r}; GET /datasets lists them.", 404)
    early = conditional(request, e, "meta")
    if early is not None:
        return early
    s = e.spec
    body = _summary(request, e) | {
        "method": s.method, "source": s.source_title, "update_frequency": s.update_frequency,
        "quality_notes": list(s.quality_notes),
        "columns": [c.model_dump(include={"name", "title", "type", "role", "unit"})
                    for c in s.columns],
        "rows": len(e.published.rows) if e.published else 0}
    return finish(_json(body), *validators(e, "meta"))


@api.get("/datasets/{name}/rows", response={200: RowsPage, 304: None, 400: Problem,
                                            404: Problem},
         summary="Query a dataset's rows")
def get_rows(request: HttpRequest, name: str, params: Query[RowsQuery]) -> HttpResponse:
    e = _entry_or_none(name)
    if e is None or e.published is None:
        return _problem(f"No published dataset called {name!r}; GET /datasets lists them.", 404)
    filters: dict[str, list[str]] = {}
    for condition in params.filter:
        column, sep, value = condition.partition(":")
        if not sep:
            return _problem(f"filter {condition!r} must be column:value.", 400)
        filters.setdefault(column, []).append(value)
    variant = "rows-" + hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:12]
    early = conditional(request, e, variant)
    if early is not None:
        return early
    try:
        page = query(e.spec, e.published, filters=filters, sort=params.sort,
                     select=[c for c in params.select.split(",") if c],
                     offset=params.offset, limit=params.limit)
    except QueryError as exc:
        return _problem(str(exc), 400)
    body = {"dataset": e.name, "version": e.published.version, "total": page.total,
            "offset": page.offset, "limit": page.limit, "columns": list(page.columns),
            "rows": page.rows}
    return finish(_json(body), *validators(e, variant))


@api.get("/datasets/{name}/download/{fmt}", response={200: None, 304: None, 404: Problem},
         summary="Download a whole dataset (csv, json or geojson)")
def get_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    e = _entry_or_none(name)
    if e is None:
        return _problem(f"No dataset called {name!r}; GET /datasets lists them.", 404)
    try:
        return download_response(request, e, fmt)
    except Http404:
        return _problem(f"{name!r} is not published as {fmt!r}; see its formats.", 404)


def _entry_or_none(name: str) -> Entry | None:
    try:
        return served.dataset(name)
    except Http404:
        return None


def _with_preflight(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer CORS preflight (OPTIONS) for GET; ninja would say 405."""
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = cors(HttpResponse(status=204))
            response["Access-Control-Max-Age"] = "86400"
            return response
        return view(request, *args, **kwargs)
    wrapped.login_required = False  # type: ignore[attr-defined]
    return wrapped


def api_patterns() -> list[URLPattern | URLResolver]:
    """The API's URL patterns, open to anyone (LoginRequiredMiddleware off), with preflight."""
    patterns, _, _ = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _with_preflight(pattern.callback)
    return list(patterns)
