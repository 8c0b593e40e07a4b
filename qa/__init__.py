"""Vietnamese question answering over the graph: question parsing, hybrid retrieval,
prepared SPARQL with bound values, answers with citations."""
