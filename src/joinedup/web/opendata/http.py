"""HTTP for published data: ETag and Last-Modified from the published version (304 on a
conditional GET), public caching, and CORS for GET so any web page may read the data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe

from joinedup.opendata.query import Entry

# Published data is public and changes only when a build publishes a new version: caches may
# keep it for five minutes, then must ask again (cheaply, with the ETag).
PUBLIC_CACHE = "public, max-age=300, must-revalidate"


def mark_public(response: HttpResponse) -> HttpResponse:
    """Tell PrivatePagesMiddleware this response holds no personal data and may be cached."""
    response["Cache-Control"] = PUBLIC_CACHE
    response.jup_public = True  # type: ignore[attr-defined]
    return response


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def validators(entry: Entry, variant: str) -> tuple[str, float]:
    """The ETag (version, variant of the representation) and the Last-Modified time."""
    published = entry.published
    version = published.version if published else "none"
    stamp = published.built_at.timestamp() if published else 0.0
    return f'"{version}-{variant}"', stamp


def not_modified(request: HttpRequest, etag: str, last_modified: float) -> bool:
    wanted = request.headers.get("If-None-Match")
    if wanted is not None:
        return etag in {t.strip() for t in wanted.split(",")} or wanted.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified) <= since


def conditional(request: HttpRequest, entry: Entry, variant: str) -> HttpResponse | None:
    """A 304 when the caller has this version already, else None (build the response)."""
    etag, last_modified = validators(entry, variant)
    if not_modified(request, etag, last_modified):
        return finish(HttpResponse(status=304), etag, last_modified)
    return None


def finish(response: HttpResponse, etag: str, last_modified: float) -> HttpResponse:
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return cors(mark_public(response))
