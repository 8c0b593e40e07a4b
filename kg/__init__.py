"""The knowledge graph: RDF building, stores (embedded Oxigraph, SPARQL endpoint, rdflib),
prepared SPARQL queries, statistics, export and networkx views."""
