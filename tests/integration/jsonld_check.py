"""Check the portal's JSON-LD against the published vocabularies.

DCAT-AP (the catalogue): the document is read by a JSON-LD processor (rdflib) into RDF, so
what a harvester gets is what is checked. Then:

- no key is lost: a JSON-LD processor silently drops a key that its context does not map to
  an IRI, so every key must expand to a predicate that is in the graph;
- every class and property is a term of its published vocabulary: DCAT, DCMI Terms, FOAF,
  SKOS and RDF as rdflib ships them (generated from the W3C, DCMI and FOAF vocabulary files;
  an unknown term, e.g. ``dcat:accessUrl``, is not in them);
- the DCAT-AP 3.0.0 constraints (its SHACL shapes: minimum and maximum counts, and the class
  a linked resource must have) for the classes the catalogue describes, transcribed below
  since the shapes file is not shipped by any package; plus DCAT's ranges for dates.

schema.org (each dataset page): every type and property is a term of the schema.org
vocabulary (rdflib's copy of schemaorg-current-https.jsonld). Its context is the remote
``https://schema.org``, which tests cannot fetch, so the document is not expanded; its keys are
schema.org terms by that context's ``@vocab``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SDO, DefinedNamespaceMeta

VOCABULARIES: tuple[DefinedNamespaceMeta, ...] = (DCAT, DCTERMS, FOAF, SKOS, RDF)

# (property, min count, max count or None, class its values must have or None) per class,
# as DCAT-AP 3.0.0's SHACL shapes say for the properties a catalogue like ours may use.
Constraint = tuple[URIRef, int, int | None, URIRef | None]
DCAT_AP_3: dict[URIRef, list[Constraint]] = {
    DCAT.Catalog: [
        (DCTERMS.title, 1, None, None), (DCTERMS.description, 1, None, None),
        (DCTERMS.publisher, 1, 1, FOAF.Agent), (DCAT.dataset, 0, None, DCAT.Dataset),
        (FOAF.homepage, 0, 1, FOAF.Document),
        (DCTERMS.language, 0, None, DCTERMS.LinguisticSystem),
        (DCTERMS.license, 0, 1, DCTERMS.LicenseDocument), (DCTERMS.modified, 0, 1, None),
        (DCTERMS.rights, 0, 1, DCTERMS.RightsStatement),
        (DCTERMS.spatial, 0, None, DCTERMS.Location),
        (DCTERMS.temporal, 0, None, DCTERMS.PeriodOfTime)],
    DCAT.Dataset: [
        (DCTERMS.title, 1, None, None), (DCTERMS.description, 1, None, None),
        (DCTERMS.publisher, 0, 1, FOAF.Agent), (DCTERMS.creator, 0, None, FOAF.Agent),
        (DCAT.theme, 0, None, SKOS.Concept),
        (DCTERMS.accrualPeriodicity, 0, 1, DCTERMS.Frequency),
        (DCAT.landingPage, 0, None, FOAF.Document),
        (DCAT.distribution, 0, None, DCAT.Distribution),
        (DCTERMS.temporal, 0, None, DCTERMS.PeriodOfTime),
        (DCTERMS.spatial, 0, None, DCTERMS.Location), (DCTERMS.modified, 0, 1, None),
        (DCTERMS.accessRights, 0, 1, DCTERMS.RightsStatement)],
    DCAT.Distribution: [
        (DCAT.accessURL, 1, None, None), (DCAT.mediaType, 0, 1, DCTERMS.MediaType),
        (DCTERMS.license, 0, 1, DCTERMS.LicenseDocument),
        (DCTERMS.format, 0, 1, DCTERMS.MediaTypeOrExtent),
        (DCTERMS.rights, 0, 1, DCTERMS.RightsStatement), (DCTERMS.modified, 0, 1, None)],
    DCTERMS.PeriodOfTime: [(DCAT.startDate, 0, 1, None), (DCAT.endDate, 0, 1, None)],
    FOAF.Agent: [(FOAF.name, 1, None, None)],
    SKOS.Concept: [(SKOS.prefLabel, 1, None, None)],
}
# Properties whose values are resources, never text (DCAT-AP: rdfs:Resource).
IRI_VALUED = (DCAT.accessURL, DCAT.downloadURL, DCAT.landingPage, FOAF.homepage)
# DCAT: dates are literals typed as xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime.
DATE_VALUED = (DCAT.startDate, DCAT.endDate, DCTERMS.modified)
DATE_TYPES = (XSD.gYear, XSD.gYearMonth, XSD.date, XSD.dateTime)
# rdflib checks xsd:date and xsd:dateTime values (Literal.ill_typed) but not years.
ZONE = r"(Z|[+-]\d\d:\d\d)?"
YEARS = {XSD.gYear: re.compile(rf"-?\d{{4,}}{ZONE}"),
         XSD.gYearMonth: re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){ZONE}")}


def dcat_ap_problems(document: dict[str, Any]) -> list[str]:
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    problems = [f"{key}: not mapped to an IRI by the context, so dropped"
                for key in _keys(document)
                if _expand(document["@context"], key) not in set(graph.predicates())]
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    for term in sorted(used):
        vocabulary = next((v for v in VOCABULARIES if str(term).startswith(str(v))), None)
        if vocabulary is None:
            problems.append(f"{term}: not in a vocabulary DCAT-AP uses")
        elif term not in vocabulary:
            problems.append(f"{term}: not a term of {vocabulary}")
    for cls, constraints in DCAT_AP_3.items():
        for node in graph.subjects(RDF.type, cls):
            for prop, least, most, kind in constraints:
                values = list(graph.objects(node, prop))
                where = f"{node} ({graph.qname(cls)}) {graph.qname(prop)}"
                if len(values) < least:
                    problems.append(f"{where}: at least {least} needed")
                if most is not None and len(values) > most:
                    problems.append(f"{where}: at most {most} allowed, {len(values)} given")
                if kind is not None:
                    problems += [f"{where}: {v} is not a {graph.qname(kind)}" for v in values
                                 if (v, RDF.type, kind) not in graph]
    for s, p, o in graph:
        if p in IRI_VALUED and not isinstance(o, URIRef):
            problems.append(f"{s} {graph.qname(p)}: '{o}' is text, not a resource")
        if p in DATE_VALUED and not (isinstance(o, Literal) and o.datatype in DATE_TYPES):
            problems.append(f"{s} {graph.qname(p)}: '{o}' is not a typed date or year")
        if isinstance(o, Literal) and (o.ill_typed or (
                o.datatype in YEARS and not YEARS[o.datatype].fullmatch(str(o)))):
            problems.append(f"{s} {graph.qname(p)}: '{o}' is not a valid {graph.qname(o.datatype)}")
    return problems


def schema_org_problems(document: dict[str, Any]) -> list[str]:
    problems = [] if document.get("@context") == "https://schema.org" else [
        f"@context is {document.get('@context')!r}, not https://schema.org"]
    for node in _nodes(document):
        types = node.get("@type", [])
        for kind in [types] if isinstance(types, str) else types:
            if URIRef(str(SDO) + kind) not in SDO:
                problems.append(f"@type {kind}: not a schema.org type")
        problems += [f"{key}: not a schema.org property" for key in node
                     if not key.startswith("@") and URIRef(str(SDO) + key) not in SDO]
    return problems


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != "@context":
                yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _keys(document: dict[str, Any]) -> set[str]:
    return {key for node in _nodes(document) for key in node if not key.startswith("@")}


def _expand(context: dict[str, str], key: str) -> URIRef | None:
    prefix, _, local = key.partition(":")
    return URIRef(context[prefix] + local) if local and prefix in context else None
