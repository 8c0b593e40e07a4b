"""Every IRI dtikg writes or queries comes from this module.

The `DTI` terms are checked against `ontology/dtikg.ttl` by the tests, so a term
used in code but missing from the ontology (or the reverse) fails the build.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "dtikg.ttl"
CODELISTS_FILE = ONTOLOGY_DIR / "codelists.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
BASE = "https://dtikg.vn/"
ID = Namespace(BASE + "id/")
CODE = Namespace(BASE + "code/")


class DTI(DefinedNamespace):
    """The dtikg ontology: only what the standard vocabularies do not already say."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    SourceDocument: URIRef
    Plan: URIRef
    PlanItem: URIRef
    Indicator: URIRef
    SubItem: URIRef
    Task: URIRef
    Duty: URIRef
    InfoItem: URIRef
    InspectionTeam: URIRef
    Agency: URIRef
    AgencyGroup: URIRef
    Province: URIRef
    Assignment: URIRef
    Deadline: URIRef
    TargetValue: URIRef
    Baseline: URIRef
    IndicatorConcept: URIRef
    # plan and items
    sourceDocument: URIRef
    plan: URIRef
    province: URIRef
    itemNumber: URIRef
    text: URIRef
    section: URIRef
    pillar: URIRef
    tableTitle: URIRef
    parentItem: URIRef
    kind: URIRef
    groundedIn: URIRef
    hasDeadline: URIRef
    hasTarget: URIRef
    hasBaseline: URIRef
    measures: URIRef
    note: URIRef
    # assignments
    assignment: URIRef
    item: URIRef
    agent: URIRef
    role: URIRef
    roleHolder: URIRef
    viaText: URIRef
    # agencies
    agencyType: URIRef
    groupType: URIRef
    coversAgencyCategory: URIRef
    agencyCategory: URIRef
    # code lists
    rank: URIRef
    matchWhole: URIRef
    # legal documents
    issuerCode: URIRef
    number: URIRef
    year: URIRef
    issuingBody: URIRef
    scope: URIRef
    citingText: URIRef
    # deadlines, targets, baselines
    rawText: URIRef
    deadlineKind: URIRef
    recurrence: URIRef
    comparator: URIRef
    numericValue: URIRef
    unit: URIRef
    score: URIRef
    maxScore: URIRef
    percent: URIRef
    # provenance
    source: URIRef
    alsoSource: URIRef
    line: URIRef
    fileName: URIRef
    contentHash: URIRef
    # concepts
    memberCount: URIRef


# Code-list schemes (SKOS concept schemes in codelists.ttl).
ROLE = Namespace(CODE + "role/")
DOCTYPE = Namespace(CODE + "document-type/")
ISSUER = Namespace(CODE + "issuer/")
PILLAR = Namespace(CODE + "pillar/")
AGENCY_TYPE = Namespace(CODE + "agency-type/")
PROVINCE = Namespace(CODE + "province/")

__all__ = [
    "AGENCY_TYPE", "BASE", "CODE", "CODELISTS_FILE", "DCTERMS", "DOCTYPE", "DTI", "ELI", "ID",
    "ISSUER", "OA", "ONTOLOGY_FILE", "ORG", "OWL", "PILLAR", "PROV", "PROVINCE", "RDF", "RDFS",
    "ROLE", "SHAPES_FILE", "SKOS", "TIME", "XSD",
]
