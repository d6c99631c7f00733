"""Machine-readable metadata: the catalogue as DCAT-AP (JSON-LD) for data.gov.uk-style
harvesters, and each dataset as schema.org ``Dataset`` (JSON-LD) for search engines.

DCAT-AP's mandatory properties: a Catalogue has ``dct:title``, ``dct:description``,
``dct:publisher`` and ``dcat:dataset``; a Dataset ``dct:title`` and ``dct:description``; a
Distribution ``dcat:accessURL``; an Agent ``foaf:name``. Google's Dataset guidance needs
``name`` and ``description`` (50 to 5,000 characters). Recommended properties are filled too:
licence, keywords, theme, spatial and temporal coverage, modified, download URLs and formats.
Every linked resource carries the class DCAT-AP 3.0 gives its property's range (a theme is a
``skos:Concept`` with its label, a media type a ``dct:MediaType`` from IANA's register, a
licence a ``dct:LicenseDocument``...), and period bounds are typed dates or years.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from joinedup.opendata.query import Entry

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FORMATS = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

# DCAT-AP wants a theme and an update frequency as concepts from the EU's authority tables
# (data-theme, frequency), not free text: the topic stays readable as a keyword.
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
THEMES = {"Education": "EDUC", "Special educational needs and disabilities": "EDUC",
          "Geography": "REGI", "Children's social care workforce": "GOVE"}
DEFAULT_THEME = "SOCI"  # Population and society
# The authority tables' English labels (skos:prefLabel, which DCAT-AP asks of a concept).
THEME_LABELS = {"EDUC": "Education, culture and sport", "REGI": "Regions and cities",
                "GOVE": "Government and public sector", "SOCI": "Population and society"}
FREQUENCY_LABELS = {"ANNUAL": "annual", "MONTHLY": "monthly", "WEEKLY": "weekly",
                    "DAILY": "daily", "IRREG": "irregular"}


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


def _concept(iri: str, label: str, kind: str = "skos:Concept") -> dict[str, Any]:
    return {"@id": iri, "@type": kind, "skos:prefLabel": {"@value": label, "@language": "en"}}


def period_bounds(period: str) -> tuple[str, str, str] | None:
    """The first and last day a period label covers, as ISO 8601, and the XSD type that fits:
    2024 is a year (xsd:gYear), 2024-25 a financial year (1 April to 31 March), 2024/25 an
    academic year (1 September to 31 August), 2026-11-30 a day. None for anything else (a
    month such as 2024-03 is not a financial year: its second part is not the next year)."""
    if re.fullmatch(r"\d{4}", period):
        return period, period, "xsd:gYear"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        return period, period, "xsd:date"
    found = re.fullmatch(r"(\d{4})([-/])(\d{2})", period)
    if found is None or int(found.group(3)) != (int(found.group(1)) + 1) % 100:
        return None
    year = int(found.group(1))
    if found.group(2) == "-":
        return f"{year}-04-01", f"{year + 1}-03-31", "xsd:date"
    return f"{year}-09-01", f"{year + 1}-08-31", "xsd:date"


def _coverage(periods: Sequence[str]) -> tuple[str, str, str] | None:
    """The span of the first to the last period, when both are periods we can date."""
    first, last = period_bounds(periods[0]), period_bounds(periods[-1])
    if first is None or last is None:
        return None
    kind = first[2] if first[2] == last[2] else "xsd:date"
    start = first[0] if kind == first[2] else f"{first[0]}-01-01"
    end = last[1] if kind == last[2] else f"{last[1]}-12-31"
    return start, end, kind


# url_for(kind, name, fmt) -> an absolute URL: the web decides where things live.
UrlFor = Callable[[str, str, str], str]


def formats_of(e: Entry) -> list[str]:
    return ["csv", "json", *(["geojson"] if e.spec.geography else [])]


def _agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": name}


def dcat_dataset(e: Entry, url_for: UrlFor) -> dict[str, Any]:
    s = e.spec
    theme, frequency = theme_iri(s.topic), frequency_iri(s.update_frequency)
    licence = {"@id": s.licence_url, "@type": "dct:LicenseDocument"}
    node: dict[str, Any] = {  # the dataset is not its page: the page is its landing page
        "@id": url_for("page", s.name, "") + "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": s.name,
        "dct:title": s.title,
        "dct:description": s.description,
        "dct:publisher": _agent(s.publisher),
        "dcat:keyword": [s.topic, *s.keywords],
        "dcat:theme": _concept(theme, THEME_LABELS[theme.rsplit("/", 1)[1]]),
        "dct:accrualPeriodicity": _concept(frequency,
                                           FREQUENCY_LABELS[frequency.rsplit("/", 1)[1]],
                                           "dct:Frequency"),
        "dcat:landingPage": {"@id": url_for("page", s.name, ""), "@type": "foaf:Document"},
        "dct:license": licence,
        **({"dct:rights": {"@type": "dct:RightsStatement", "dct:title": s.attribution}}
           if s.attribution else {}),
        "dcat:distribution": [{
            "@type": "dcat:Distribution",
            "dct:title": f"{s.title} ({fmt.upper()})",
            "dcat:accessURL": {"@id": url_for("download", s.name, fmt)},
            "dcat:downloadURL": {"@id": url_for("download", s.name, fmt)},
            "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + FORMATS[fmt],
                               "@type": "dct:MediaType"},
            "dct:license": licence,
        } for fmt in formats_of(e)],
    }
    if e.published is not None:
        node["dct:modified"] = {"@value": e.published.built_at.isoformat(),
                                "@type": "xsd:dateTime"}
    span = _coverage(e.periods) if e.periods else None
    if span is not None:
        start, end, kind = span
        node["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                                "dcat:startDate": {"@value": start, "@type": kind},
                                "dcat:endDate": {"@value": end, "@type": kind}}
    if s.geography:
        node["dct:spatial"] = {"@type": "dct:Location", "dct:title": e.geography}
    return node


def dcat_catalogue(entries: Sequence[Entry], url_for: UrlFor, *, title: str,
                   publisher: str) -> dict[str, Any]:
    return {
        "@context": DCAT_CONTEXT,
        "@id": url_for("catalogue", "", "") + "#catalogue",
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": ("Aggregated, disclosure-controlled datasets published by "
                            f"{publisher}, refreshed by every pipeline run."),
        "dct:publisher": _agent(publisher),
        "foaf:homepage": {"@id": url_for("catalogue", "", ""), "@type": "foaf:Document"},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ENG",
                         "@type": "dct:LinguisticSystem"},
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
    span = _coverage(e.periods) if e.periods else None
    if span is not None:  # ISO 8601: a year, a day, or an interval of them
        node["temporalCoverage"] = span[0] if span[0] == span[1] else f"{span[0]}/{span[1]}"
    if s.geography:
        node["spatialCoverage"] = {"@type": "Place", "name": e.geography}
    return node
