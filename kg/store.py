"""Graph stores behind one protocol.

- `OxigraphStore`: embedded, on disk (pyoxigraph/RocksDB); the default.
- `SparqlEndpointStore`: any SPARQL 1.1 endpoint (query + update), e.g. `oxigraph serve`
  started with `--union-default-graph`, for deployments that outgrow one machine.
- `MemoryStore`: rdflib's in-memory Dataset, for tests and comparison.

Queries read the union of the named graphs as their default graph. Values reach a
query only as bindings, never as query text.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from ingest.errors import DtikgError


class StoreError(DtikgError):
    """The graph store could not be opened, read or written."""


@runtime_checkable
class GraphStore(Protocol):
    def replace_graph(self, graph: str, data: Graph) -> None:
        """Atomically replace a named graph's content (drop + insert in one transaction)."""

    def drop_graph(self, graph: str) -> None: ...

    def named_graphs(self) -> list[str]: ...

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Node]]: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph: ...

    def triple_count(self) -> int: ...

    def close(self) -> None: ...


def _ntriples(data) -> str:
    from .triples import to_ntriples
    return to_ntriples(data)


# --------------------------------------------------------------------------- Oxigraph
class OxigraphStore:
    """Embedded on-disk Oxigraph store; each write is one transaction."""

    def __init__(self, path: str | Path | None, read_only: bool = False):
        import pyoxigraph as ox
        self._ox = ox
        self.path = Path(path) if path else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError("K001", path=self.path, detail=exc) from exc
        self.read_only = read_only

    def _to_ox(self, term: Node):
        ox = self._ox
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        raise StoreError("K002", term=term)

    def _from_ox(self, term) -> Node | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            dt = term.datatype.value if term.datatype else None
            if dt == "http://www.w3.org/2001/XMLSchema#string":
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(dt) if dt else None)
        return Literal(str(term))

    def _query(self, query: str, bindings: Mapping[str, Node] | None):
        subs = {self._ox.Variable(k): self._to_ox(v) for k, v in (bindings or {}).items() if v is not None}
        try:
            return self._store.query(query, use_default_graph_as_union=True, substitutions=subs or None)
        except SyntaxError as exc:
            raise StoreError("K010", detail=exc) from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError("K004", detail=exc) from exc

    def replace_graph(self, graph: str, data: Graph) -> None:
        if self.read_only:
            raise StoreError("K005")
        update = f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{_ntriples(data)}\n}} }}"
        try:
            self._store.update(update)
            self._store.flush()
        except (OSError, SyntaxError) as exc:
            raise StoreError("K006", detail=exc) from exc

    def drop_graph(self, graph: str) -> None:
        if self.read_only:
            raise StoreError("K005")
        self._store.update(f"DROP SILENT GRAPH <{graph}>")
        self._store.flush()

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Node]]:
        result = self._query(query, bindings)
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append({n: self._from_ox(solution[n]) for n in names})
        return rows

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        g = Graph()
        for triple in self._query(query, bindings):
            g.add((self._from_ox(triple.subject), self._from_ox(triple.predicate), self._from_ox(triple.object)))
        return g

    def triple_count(self) -> int:
        return len(self._store)

    def dump(self, fmt: str) -> bytes:
        """N-Quads of the whole store (other formats go through rdflib in kg.export)."""
        return self._store.dump(format=self._ox.RdfFormat.N_QUADS)

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            try:
                self._store.flush()
            except OSError:
                pass
        self._store = None


# --------------------------------------------------------------------------- SPARQL endpoint
class SparqlEndpointStore:
    """Any SPARQL 1.1 endpoint: queries by the protocol, writes by SPARQL Update.

    Bindings become a VALUES block inserted into the template's first group pattern;
    each value is serialised by rdflib (`n3()`), so user text never becomes query syntax.
    """

    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 30.0):
        if not query_url.startswith(("http://", "https://")):
            raise ValueError(f"SPARQL endpoint must be an http(s) URL, got {query_url!r}")
        self.query_url = query_url
        self.update_url = update_url or query_url.rsplit("/", 1)[0] + "/update"
        self.timeout = timeout

    @staticmethod
    def bind(query: str, bindings: Mapping[str, Node] | None) -> str:
        values = {k: v for k, v in (bindings or {}).items() if v is not None}
        if not values:
            return query
        block = " ".join(f"VALUES ?{k} {{ {v.n3()} }}" for k, v in values.items())
        at = query.upper().find("WHERE")
        brace = query.find("{", at if at >= 0 else 0)
        if brace < 0:
            raise StoreError("K003")
        return query[:brace + 1] + " " + block + " " + query[brace + 1:]

    def _post(self, url: str, body: dict[str, str], accept: str) -> bytes:
        data = urllib.parse.urlencode(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise StoreError("K007", status=exc.code, detail=detail) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreError("K008", url=url, detail=exc) from exc

    def _update(self, update: str) -> None:
        self._post(self.update_url, {"update": update}, "*/*")

    def _json(self, query: str, bindings) -> dict:
        raw = self._post(self.query_url, {"query": self.bind(query, bindings)}, "application/sparql-results+json")
        return json.loads(raw)

    @staticmethod
    def _term(cell: dict) -> Node:
        kind = cell["type"]
        if kind == "uri":
            return URIRef(cell["value"])
        if kind == "bnode":
            return BNode(cell["value"])
        if "xml:lang" in cell:
            return Literal(cell["value"], lang=cell["xml:lang"])
        dt = cell.get("datatype")
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            dt = None
        return Literal(cell["value"], datatype=URIRef(dt) if dt else None)

    def replace_graph(self, graph: str, data: Graph) -> None:
        self._update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{_ntriples(data)}\n}} }}")

    def drop_graph(self, graph: str) -> None:
        self._update(f"DROP SILENT GRAPH <{graph}>")

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r["g"]) for r in rows)

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Node]]:
        result = self._json(query, bindings)
        names = result.get("head", {}).get("vars", [])
        return [{n: (self._term(b[n]) if n in b else None) for n in names}
                for b in result.get("results", {}).get("bindings", [])]

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return bool(self._json(query, bindings).get("boolean"))

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        raw = self._post(self.query_url, {"query": self.bind(query, bindings)}, "application/n-triples")
        return Graph().parse(data=raw.decode("utf-8"), format="nt")

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"]) if rows else 0

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- rdflib in memory
class MemoryStore:
    """rdflib's in-memory Dataset with the union of named graphs as default graph."""

    def __init__(self) -> None:
        self.ds = Dataset(default_union=True)

    def replace_graph(self, graph: str, data: Graph) -> None:
        ctx = self.ds.graph(URIRef(graph))
        ctx.remove((None, None, None))
        for triple in data:
            ctx.add(triple)

    def drop_graph(self, graph: str) -> None:
        self.ds.remove_graph(self.ds.graph(URIRef(graph)))

    def named_graphs(self) -> list[str]:
        return sorted(str(g.identifier) for g in self.ds.graphs() if len(g) and
                      str(g.identifier) != "urn:x-rdflib:default")

    def _bindings(self, bindings):
        return {Variable(k): v for k, v in (bindings or {}).items() if v is not None}

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Node]]:
        result = self.ds.query(query, initBindings=self._bindings(bindings))
        names = [str(v) for v in result.vars]
        return [{n: row[i] for i, n in enumerate(names)} for row in result]

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return bool(self.ds.query(query, initBindings=self._bindings(bindings)).askAnswer)

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        g = Graph()
        for triple in self.ds.query(query, initBindings=self._bindings(bindings)):
            g.add(triple)
        return g

    def triple_count(self) -> int:
        return sum(len(g) for g in self.ds.graphs())

    def close(self) -> None:
        pass
