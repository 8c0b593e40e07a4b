"""One contract that every GraphStore backend passes: embedded Oxigraph, rdflib in memory,
and a real `oxigraph serve` SPARQL endpoint on loopback."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.store import GraphStore, MemoryStore, OxigraphStore, SparqlEndpointStore

EX = "https://example.org/"
G1, G2 = EX + "g1", EX + "g2"


def graph(*objects: str) -> Graph:
    g = Graph()
    for i, o in enumerate(objects):
        g.add((URIRef(f"{EX}s{i}"), URIRef(EX + "label"), Literal(o, lang="vi")))
    return g


@pytest.fixture(params=["oxigraph", "memory", "endpoint"])
def store(request, tmp_path) -> GraphStore:
    if request.param == "oxigraph":
        s = OxigraphStore(tmp_path / "ox")
    elif request.param == "memory":
        s = MemoryStore()
    else:
        s = SparqlEndpointStore(request.getfixturevalue("sparql_endpoint"))
        for g in (G1, G2):
            s.drop_graph(g)
    yield s
    s.close()


def test_replace_is_idempotent_and_scoped_to_its_graph(store):
    store.replace_graph(G1, graph("Sở Y tế", "Sở Nội vụ"))
    store.replace_graph(G2, graph("Công an tỉnh"))
    store.replace_graph(G1, graph("Sở Y tế", "Sở Nội vụ"))
    assert store.triple_count() >= 3
    assert {G1, G2} <= set(store.named_graphs())
    store.replace_graph(G1, graph("Sở Tài chính"))
    labels = {str(r["o"]) for r in store.select(f"SELECT ?o WHERE {{ ?s <{EX}label> ?o }}")}
    assert labels == {"Sở Tài chính", "Công an tỉnh"}


def test_bindings_are_values_not_query_text(store):
    store.replace_graph(G1, graph("Sở Y tế", '"} ; DROP ALL ; #'))
    q = f"SELECT ?s ?o WHERE {{ ?s <{EX}label> ?o }}"
    rows = store.select(q, {"o": Literal('"} ; DROP ALL ; #', lang="vi")})
    assert [str(r["s"]) for r in rows] == [EX + "s1"]
    assert store.ask(f"ASK {{ ?s <{EX}label> ?o }}", {"o": Literal("Sở Y tế", lang="vi")})
    assert not store.ask(f"ASK {{ ?s <{EX}label> ?o }}", {"o": Literal("Sở Ngoại vụ", lang="vi")})
    assert store.triple_count() >= 2  # nothing was dropped


def test_construct_and_drop(store):
    store.replace_graph(G1, graph("a", "b"))
    g = store.construct(f"CONSTRUCT {{ ?s <{EX}label> ?o }} WHERE {{ ?s <{EX}label> ?o }}")
    assert len(g) >= 2
    store.drop_graph(G1)
    assert not store.ask(f"ASK {{ <{EX}s0> <{EX}label> \"a\"@vi }}")


def test_the_seed_graph_loads_the_same_into_every_backend(store, kg):
    from kg.builder import graph_iri
    data = kg.store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri('000_b6c86109a8f1a47b.txt')}> "
                              "{ ?s ?p ?o } }")
    store.replace_graph(G1, data)
    n = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://dtikg.vn/ontology#Indicator> }")
    assert int(n[0]["n"]) == 34
