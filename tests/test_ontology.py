"""The namespace module and the Turtle ontology agree, and code lists are labelled in Vietnamese."""
from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import OWL, RDF, SKOS

from ontology import codelists
from ontology.namespaces import CODELISTS_FILE, DTI, ONTOLOGY_FILE


def test_namespace_terms_match_the_ontology():
    g = Graph().parse(ONTOLOGY_FILE)
    declared = {str(s) for s in g.subjects(RDF.type, None) if str(s).startswith(str(DTI._NS))}
    in_code = {str(DTI._NS) + name for name in DTI.__annotations__}
    assert in_code == declared


def test_every_term_has_a_vietnamese_label():
    g = Graph().parse(ONTOLOGY_FILE)
    for s in g.subjects(RDF.type, OWL.Class):
        assert any(l.language == "vi" for l in g.objects(s, __import__("rdflib").RDFS.label)), s


def test_code_lists():
    assert {r.notation for r in codelists.roles()} >= {"lead", "coordinate", "monitor", "guide", "aggregate",
                                                        "monitor_lead"}
    assert len(codelists.provinces()) == 63
    g = Graph().parse(CODELISTS_FILE)
    for concept in g.subjects(SKOS.inScheme, None):
        assert any(l.language == "vi" for l in g.objects(concept, SKOS.prefLabel)), concept
