"""The graph of the five plans conforms to the SHACL shapes; a violation names its source line."""
from __future__ import annotations

from rdflib import URIRef

from kg.validate import validate
from ontology.namespaces import DTI


def test_seed_graph_conforms(kg):
    conforms, violations = validate(kg.union_graph())
    assert conforms, [str(v) for v in violations[:5]]


def test_a_violation_is_reported_with_the_source_line(kg):
    g = kg.union_graph()
    item = URIRef("https://dtikg.vn/id/item/000-b6c86109a8f1a47b-txt/iv-8")
    g.remove((item, DTI.text, None))
    conforms, violations = validate(g)
    assert not conforms
    (v,) = [v for v in violations if v.focus == str(item)]
    assert (v.document, v.line) == ("000_b6c86109a8f1a47b.txt", 66)
    assert "dòng 66" in str(v)
