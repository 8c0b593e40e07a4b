"""Every IRI dtikg writes or queries comes from this module.

The `DTI` terms are checked against `ontology/dtikg.ttl` by the tests, so a term
used in code but missing from the ontology (or the reverse) fails the build.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "dtikg.ttl"
CODELISTS_FILE = ONTOLOGY_DIR / "codelists.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
REFORMS_FILE = ONTOLOGY_DIR / "reforms.ttl"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
BASE = "https://dtikg.vn/"
ID = Namespace(BASE + "id/")
CODE = Namespace(BASE + "code/")
# IANA media types as IRIs (the DCAT-AP convention for dcat:mediaType).
MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")
# What an oa:FragmentSelector "page=N" conforms to: PDF fragment identifiers (Web Annotation §4.2.1).
PDF_FRAGMENT = URIRef("http://tools.ietf.org/rfc/rfc3778")


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
    inPart: URIRef
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
    askedAs: URIRef
    askedAsWeak: URIRef
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
    ocrConfidence: URIRef
    # concepts
    memberCount: URIRef
    # the 2025 reorganisation
    SuccessionRule: URIRef
    fromType: URIRef
    toType: URIRef
    fromCategory: URIRef
    toGroup: URIRef
    appliesTo: URIRef
    changeKind: URIRef
    function: URIRef
    legalBasis: URIRef
    basisNote: URIRef
    confirmation: URIRef
    rule: URIRef
    originalProvince: URIRef
    resultingProvince: URIRef


# Code-list schemes (SKOS concept schemes in codelists.ttl).
ROLE = Namespace(CODE + "role/")
DOCTYPE = Namespace(CODE + "document-type/")
ISSUER = Namespace(CODE + "issuer/")
PILLAR = Namespace(CODE + "pillar/")
AGENCY_TYPE = Namespace(CODE + "agency-type/")
PROVINCE = Namespace(CODE + "province/")
FUNCTION = Namespace(CODE + "function/")
CHANGE_KIND = Namespace(CODE + "change-kind/")
CONFIRMATION = Namespace(CODE + "confirmation/")

__all__ = [
    "AGENCY_TYPE", "BASE", "CHANGE_KIND", "CODE", "CODELISTS_FILE", "CONFIRMATION", "DCAT", "DCTERMS", "DOCTYPE",
    "DTI", "ELI", "FUNCTION", "ID", "ISSUER", "MEDIA_TYPE", "OA", "ONTOLOGY_FILE", "ORG", "OWL", "PDF_FRAGMENT",
    "PILLAR", "PROV", "PROVINCE", "RDF", "RDFS", "REFORMS_FILE", "ROLE", "SHAPES_FILE", "SKOS", "TIME", "XSD",
]
