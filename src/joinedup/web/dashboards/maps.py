"""The dashboards' map: a choropleth of one layer from mart_area_summary, drilling from the
borough (wards) to a ward (its LSOAs) to one LSOA, with schools and family hubs as point
layers. Boundaries
come from the reference data and are served in the page itself; Leaflet (npm, pinned) draws
them with no tile layer. Without JavaScript the same drill-down works through the table."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.insight import maps, query
from joinedup.insight.suppress import HIDDEN, suppress_areas
from joinedup.web.core.snapshot_cache import cached
from joinedup.web.dashboards import present, usage
from joinedup.web.dashboards.access import record_level, requires_insight
from joinedup.web.dashboards.views import _dashboard, _unavailable
from joinedup.web.familycontext.served import SERVED


def _pick(request: HttpRequest, name: str, allowed: list[str]) -> str | None:
    value = request.GET.get(name)
    return value if value in allowed else None


@require_GET
@requires_insight
def map_page(request: HttpRequest, key: str) -> HttpResponse:
    spec = _dashboard(key)
    if not spec.map:
        raise Http404("This dashboard has no map")
    layer_no = int(_pick(request, "layer", [str(i) for i in range(len(spec.map))]) or 0)
    layer = spec.map[layer_no]
    shapes = maps.boundaries(get_settings().reference_path("geo"))
    try:
        with SERVED.cursor() as (snap, con):
            years = cached((snap, "years", layer.mart, layer.measure),
                           lambda: query.map_years(con, layer.mart, layer.measure))
            year = _pick(request, "year", years) or (years[0] if years else None)
            ward_values = cached((snap, "map", layer.mart, layer.measure, "ward", year),
                                    lambda: query.map_values(con, layer.mart, layer.measure,
                                                             "ward", year))
            lsoa_values = cached((snap, "map", layer.mart, layer.measure, "lsoa", year),
                                    lambda: query.map_values(con, layer.mart, layer.measure,
                                                             "lsoa", year))
            points = cached((snap, "schools"), lambda: query.schools(con))
            hubs = cached((snap, "family_hubs"), lambda: query.family_hubs(con))
            names = cached((snap, "areas"), lambda: query.area_names(con))
    except JoinedUpError as exc:
        return _unavailable(request, str(exc))
    ward_codes = sorted(shapes.ward_names if shapes else
                        {c for c in ward_values.values if c != "unknown"})
    ward = _pick(request, "ward", ward_codes)
    lsoa_codes = sorted(c for c, w in (shapes.lsoa_ward.items() if shapes else ())
                        if w == ward) if ward else []
    lsoa = _pick(request, "lsoa", lsoa_codes)
    level, values = ("lsoa", {c: lsoa_values.of(c) for c in lsoa_codes}) if ward else \
        ("ward", {c: ward_values.of(c) for c in ward_codes})
    source = lsoa_values if ward else ward_values
    hidden = set() if record_level(request) else suppress_areas(
        values, source.count, source.denominators, get_settings().disclosure_threshold)
    values = {c: None if c in hidden else v for c, v in values.items()}
    colours, legend = maps.classify(values)
    features = None
    if shapes is not None:
        collection = shapes.lsoas if ward else shapes.wards
        features = maps.features(collection, set(values), colours, values)
    usage.log_view(request, spec.id, "map", {k: [v] for k, v in
                                             (("layer", str(layer_no)), ("year", year),
                                              ("ward", ward), ("lsoa", lsoa)) if v})
    unit = "count" if ward_values.count else "percent"
    rows = [{"code": c, "name": names.get(c) or (shapes.ward_names.get(c, c) if shapes else c),
             "value": HIDDEN if c in hidden else present.show(v, unit), "colour": colours[c]}
            for c, v in values.items()]
    return render(request, "dashboards/map.html", {
        "dashboard": spec, "layer": layer, "layer_no": layer_no, "layers": spec.map,
        "years": years, "year": year, "level": level, "ward": ward, "lsoa": lsoa,
        "ward_name": names.get(ward or "", ward), "lsoa_name": names.get(lsoa or "", lsoa),
        "lsoa_value": HIDDEN if lsoa in hidden else
        present.show(lsoa_values.of(lsoa) if lsoa else None, unit),
        "rows": sorted(rows, key=lambda r: str(r["name"])), "legend": legend,
        "features": features, "points": points if features else None,
        "hubs_json": hubs if features else None, "hubs": hubs,
        "attribution": maps.ATTRIBUTION, "has_boundaries": shapes is not None,
        "hidden": len(hidden), "threshold": get_settings().disclosure_threshold})
