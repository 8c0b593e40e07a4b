"""Shared indicator concepts: indicators that mean the same thing in different provinces.

Built from the indicators' text by the retriever's signals (dense cosine and lexical
overlap with the numbers removed): two indicators of different provinces are linked when
each is the other's best match there and their combined similarity clears a threshold;
concepts are the connected components. Stored in the graph as `dti:IndicatorConcept`
nodes with `dti:measures` links, in a named graph of their own.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rdflib import Graph, Literal, URIRef

from ontology.folding import fold
from ontology.namespaces import DTI, ID, RDF, RDFS, SKOS, XSD

from .catalog import Catalog
from .retriever import HybridRetriever

CONCEPT_GRAPH = ID["graph/concepts"]
CONCEPT_KINDS = ("indicator", "sub_item")
METHOD_VERSION = "2"  # bump when linking changes: stored concepts are rebuilt
THRESHOLD = 0.80
FLOOR = 0.74


@lru_cache(maxsize=65536)
def _lexical_text(text: str) -> str:
    text = fold(text)
    text = re.sub(r"\d+(?:[.,]\d+)*\s*%?", " ", text)
    text = re.sub(r"\b(dat|tren|toi thieu|duoi|it nhat|phan dau|ty le|so luong|cua|tinh)\b", " ", text)
    return " ".join(text.split())


def similarity(a: str, b: str, cos: float) -> float:
    """Dense cosine and lexical overlap (numbers and filler words removed), averaged."""
    la, lb = _lexical_text(a), _lexical_text(b)
    lexical = (fuzz.token_set_ratio(la, lb) + fuzz.token_sort_ratio(la, lb)) / 200.0
    return 0.5 * cos + 0.5 * lexical


def link_concepts(catalog: Catalog, retriever: HybridRetriever, threshold: float = THRESHOLD,
                  floor: float = FLOOR) -> list[list[str]]:
    """Groups of item IRIs (two or more provinces each) that measure the same thing.

    Candidate links are mutual best matches between two provinces scoring ≥ threshold;
    they are merged strongest first, a group holding at most one item per province and
    every pair in it scoring ≥ floor (complete linkage), so chains cannot drift.
    """
    if retriever.vectors is None:
        return []
    by_province: dict[str, list[int]] = defaultdict(list)
    for idx, iri in enumerate(retriever.iris):
        item = catalog.items[iri]
        if item.kind in CONCEPT_KINDS and item.province:
            by_province[item.province].append(idx)
    provinces = sorted(by_province)
    texts = retriever.texts
    vectors = retriever.vectors
    cache: dict[tuple[int, int], float] = {}

    def sim(i: int, j: int) -> float:
        key = (min(i, j), max(i, j))
        if key not in cache:
            cache[key] = similarity(texts[i], texts[j], float(vectors[i] @ vectors[j]))
        return cache[key]

    # Candidates: for every item, the two nearest items (by cosine) of each other province
    # among its global top-K neighbours; one chunked matrix product instead of province pairs.
    members = np.array([i for p in provinces for i in by_province[p]])
    province_of_idx = {i: catalog.items[retriever.iris[i]].province for i in members}
    matrix = vectors[members]
    k = min(len(members), 400)
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for start in range(0, len(members), 512):
        block = matrix[start:start + 512] @ matrix.T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < len(members) else \
            np.tile(np.arange(len(members)), (block.shape[0], 1))
        for row, cols in enumerate(top):
            i = int(members[start + row])
            pi = province_of_idx[i]
            per_province: dict[str, list[int]] = defaultdict(list)
            for c in cols[np.argsort(-block[row, cols])]:
                j = int(members[c])
                pj = province_of_idx[j]
                if pj != pi and len(per_province[pj]) < 2:
                    per_province[pj].append(j)
            for pj, cands in per_province.items():
                for j in cands:
                    s_ij = sim(i, j)
                    if s_ij > best.get((i, pj), (-1.0, -1))[0]:
                        best[(i, pj)] = (s_ij, j)
    edges: list[tuple[float, int, int]] = []
    for (i, pj), (s_ij, j) in best.items():
        if i < j and s_ij >= threshold and best.get((j, province_of_idx[i]), (0, -1))[1] == i:
            edges.append((s_ij, i, j))
    cluster = {i: {i} for p in provinces for i in by_province[p]}
    province_of = {i: catalog.items[retriever.iris[i]].province for i in cluster}
    for s, i, j in sorted(edges, reverse=True):
        ci, cj = cluster[i], cluster[j]
        if ci is cj:
            continue
        if {province_of[x] for x in ci} & {province_of[x] for x in cj}:
            continue
        if any(sim(x, y) < floor for x in ci for y in cj):
            continue
        merged = ci | cj
        for x in merged:
            cluster[x] = merged
    seen: set[int] = set()
    out = []
    for members in cluster.values():
        if id(members) in seen or len(members) < 2:
            continue
        seen.add(id(members))
        out.append(sorted(retriever.iris[i] for i in members))
    return sorted(out)


def concept_graph(catalog: Catalog, groups: list[list[str]]) -> Graph:
    g = Graph()
    for members in groups:
        label_item = min((catalog.items[m] for m in members), key=lambda it: len(it.text))
        concept = URIRef(str(ID) + "concept/" + members[0].rsplit("/item/", 1)[-1])
        g.add((concept, RDF.type, DTI.IndicatorConcept))
        g.add((concept, RDF.type, SKOS.Concept))
        label = re.sub(r"\s*(đạt|trên|tối thiểu)?\s*\d+(?:[.,]\d+)?\s*%\.?$", "", label_item.text).strip()
        g.add((concept, SKOS.prefLabel, Literal(label, lang="vi")))
        g.add((concept, RDFS.comment, Literal("Nhóm chỉ tiêu cùng nghĩa ở nhiều tỉnh, nối từ nội dung.", lang="vi")))
        g.add((concept, DTI.memberCount, Literal(len(members), datatype=XSD.integer)))
        for m in members:
            g.add((URIRef(m), DTI.measures, concept))
    return g
