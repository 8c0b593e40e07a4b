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

import numpy as np
from rapidfuzz import fuzz
from rdflib import Graph, Literal, URIRef

from ingest.text import fold
from ontology.namespaces import DTI, ID, RDF, RDFS, SKOS, XSD

from .catalog import Catalog
from .retriever import HybridRetriever

CONCEPT_GRAPH = ID["graph/concepts"]
CONCEPT_KINDS = ("indicator", "sub_item")
THRESHOLD = 0.80
FLOOR = 0.74


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

    edges: list[tuple[float, int, int]] = []
    for pi, p in enumerate(provinces):
        for q in provinces[pi + 1:]:
            a_idx, b_idx = by_province[p], by_province[q]
            cos = vectors[a_idx] @ vectors[b_idx].T
            best: dict[int, tuple[float, int]] = {}
            back: dict[int, tuple[float, int]] = {}
            for i, ai in enumerate(a_idx):
                for j in np.argsort(-cos[i])[:5]:
                    s = sim(ai, b_idx[j])
                    if s > best.get(ai, (-1.0, -1))[0]:
                        best[ai] = (s, b_idx[j])
            for j, bj in enumerate(b_idx):
                for i in np.argsort(-cos[:, j])[:5]:
                    s = sim(a_idx[i], bj)
                    if s > back.get(bj, (-1.0, -1))[0]:
                        back[bj] = (s, a_idx[i])
            for ai, (s, bj) in best.items():
                if s >= threshold and back.get(bj, (0, -1))[1] == ai:
                    edges.append((s, ai, bj))
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
