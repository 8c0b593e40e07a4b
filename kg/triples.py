"""A light buffer of rdflib triples with a fast N-Triples writer.

Building a document's graph only ever adds triples, so the builder collects them here
(no indexes) and the store receives N-Triples text; `graph()` gives an rdflib Graph when
one is wanted (tests, validation, export).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_nt(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def to_ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    return "".join(f"{term_nt(s)} {term_nt(p)} {term_nt(o)} .\n" for s, p, o in triples)


class TripleBuffer:
    """Distinct triples in insertion order; iterable like an rdflib Graph."""

    def __init__(self) -> None:
        self._triples: dict[tuple[Node, Node, Node], None] = {}

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self._triples[triple] = None

    def bind(self, prefix: str, namespace) -> None:  # rdflib Graph compatibility
        pass

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, format: str = "nt") -> str:
        if format in ("nt", "ntriples"):
            return to_ntriples(self)
        return self.graph().serialize(format=format)

    def graph(self) -> Graph:
        g = Graph()
        for triple in self._triples:
            g.add(triple)
        return g
