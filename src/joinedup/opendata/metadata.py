"""Machine-readable metadata: the catalogue as DCAT-AP (JSON-LD) for data.gov.uk-style
harvesters, and each dataset as schema.org ``Dataset`` (JSON-LD) for search engines.

DCAT-AP's mandatory properties: a Catalogue has ``dct:title``, ``dct:description``,
``dct:publisher`` and ``dcat:dataset``; a Dataset ``dct:title`` and ``dct:description``; a
Distribution ``dcat:accessURL``; an Agent ``foaf:name``. Google's Dataset guidance needs
``name`` and ``description`` (50 to 5,000 characters). Recommended properties are filled too:
licence, keywords, theme, spatial and temporal coverage, modified, download URLs and formats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from joinedup.opendata.query import Entry

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FORMATS = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}

# DCAT-AP wants a theme and an update frequency as concepts from the EU's authority tables
# (data-theme, frequency), not free text: the topic stays readable as a keyword.
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
THEMES = {"Education": "EDUC", "Special educational needs and disabilities": "EDUC",
          "Geography": "REGI", "Children's social care workforce": "GOVE"}
DEFAULT_THEME = "SOCI"  # Population and society


def theme_iri(topic: str) -> str:
    return DATA_THEME + THEMES.get(topic, DEFAULT_THEME)


def frequency_iri(update_frequency: str) -> str:
    """ANNUAL, MONTHLY, WEEKLY or DAILY when the text says so; otherwise IRREG (a pipeline
    run, a boundary revision: no fixed rhythm)."""
    text = update_frequency.lower()
    for word, code in (("annual", "ANNUAL"), ("month", "MONTHLY"), ("week", "WEEKLY"),
                       ("dai", "DAILY")):
        if word in text:
            return FREQUENCY + code
    return FREQUENCY + "IRREG"


# url_for(kind, name, fmt) -> an absolute URL: the web decides where things live.
UrlFor = Callable[[str, str, str], str]


def formats_of(e: Entry) -> list[str]:
    return ["csv", "json", *(["geojson"] if e.spec.geography else [])]


def _agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": name}


def dcat_dataset(e: Entry, url_for: UrlFor) -> dict[str, Any]:
    s = e.spec
    node: dict[str, Any] = {
        "@id": url_for("page", s.name, ""),
        "@type": "dcat:Dataset",
        "dct:identifier": s.name,
        "dct:title": s.title,
        "dct:description": s.description,
        "dct:publisher": _agent(s.publisher),
        "dcat:keyword": [s.topic, *s.keywords],
        "dcat:theme": {"@id": theme_iri(s.topic)},
        "dct:accrualPeriodicity": {"@id": frequency_iri(s.update_frequency)},
        "dcat:landingPage": {"@id": url_for("page", s.name, "")},
        "dct:license": {"@id": s.licence_url},
        **({"dct:rights": {"@type": "dct:RightsStatement", "dct:title": s.attribution}}
           if s.attribution else {}),
        "dcat:distribution": [{
            "@type": "dcat:Distribution",
            "dct:title": f"{s.title} ({fmt.upper()})",
            "dcat:accessURL": {"@id": url_for("download", s.name, fmt)},
            "dcat:downloadURL": {"@id": url_for("download", s.name, fmt)},
            "dcat:mediaType": FORMATS[fmt],
            "dct:license": {"@id": s.licence_url},
        } for fmt in formats_of(e)],
    }
    if e.published is not None:
        node["dct:modified"] = {"@value": e.published.built_at.isoformat(),
                                "@type": "xsd:dateTime"}
    periods = e.periods
    if periods:
        node["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": periods[0],
                                "dcat:endDate": periods[-1]}
    if s.geography:
        node["dct:spatial"] = {"@type": "dct:Location", "dct:title": e.geography}
    return node


def dcat_catalogue(entries: Sequence[Entry], url_for: UrlFor, *, title: str,
                   publisher: str) -> dict[str, Any]:
    return {
        "@context": DCAT_CONTEXT,
        "@id": url_for("catalogue", "", ""),
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": ("Aggregated, disclosure-controlled datasets published by "
                            f"{publisher}, refreshed by every pipeline run."),
        "dct:publisher": _agent(publisher),
        "foaf:homepage": {"@id": url_for("catalogue", "", "")},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ENG"},
        "dcat:dataset": [dcat_dataset(e, url_for) for e in entries],
    }


def schema_org(e: Entry, url_for: UrlFor, catalogue_title: str) -> dict[str, Any]:
    s = e.spec
    description = s.description
    if len(description) < 50:  # Google's lower bound; our own descriptions are longer
        description = f"{description} {s.method}"
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": s.title,
        "description": description[:5000],
        "url": url_for("page", s.name, ""),
        "identifier": s.name,
        "keywords": [s.topic, *s.keywords],
        "license": s.licence_url,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": s.publisher},
        "publisher": {"@type": "Organization", "name": s.publisher},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": catalogue_title,
                                  "url": url_for("catalogue", "", "")},
        "variableMeasured": [c.title for c in s.columns if c.role == "measure"],
        "distribution": [{"@type": "DataDownload", "encodingFormat": FORMATS[fmt],
                          "contentUrl": url_for("download", s.name, fmt)}
                         for fmt in formats_of(e)],
    }
    if s.attribution:
        node["creditText"] = s.attribution
    if e.published is not None:
        node["dateModified"] = e.published.built_at.isoformat()
    periods = e.periods
    if periods:
        node["temporalCoverage"] = (f"{periods[0]}/{periods[-1]}" if len(periods) > 1
                                    else periods[0])
    if s.geography:
        node["spatialCoverage"] = {"@type": "Place", "name": e.geography}
    return node
