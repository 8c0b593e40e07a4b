"""Retrieval quality on hand-written topic queries (accented, unaccented, abbreviated,
paraphrased; tests/qa/retrieval.json): BM25 only, dense only and the hybrid fusion."""
from __future__ import annotations

import json
from pathlib import Path

from ontology.folding import fold
from qa.retriever import INDEXED_KINDS

QUERIES = json.loads(Path(__file__).with_name("retrieval.json").read_text(encoding="utf-8"))


def evaluate(engine, mode: str, weight: float) -> tuple[float, float]:
    retriever = engine.retriever
    saved = retriever.weight
    retriever.weight = weight
    try:
        hits = mrr = 0.0
        for q in QUERIES:
            results = retriever.search(q["query"], kinds=INDEXED_KINDS, province=q["province"], k=10, mode=mode)
            rank = next((i for i, (iri, _) in enumerate(results)
                         if any(fold(k) in fold(engine.catalog.items[iri].text) for k in q["key"])), None)
            hits += rank == 0
            mrr += 0 if rank is None else 1 / (rank + 1)
        return hits / len(QUERIES), mrr / len(QUERIES)
    finally:
        retriever.weight = saved


def test_ablation(engine):
    rows = [("BM25 only", "bm25", 1.0), ("dense only", "dense", 0.0)] + \
        [(f"hybrid w={w}", "hybrid", w) for w in (0.25, 0.5, 0.75)]
    table = {name: evaluate(engine, mode, w) for name, mode, w in rows}
    print(f"\n{len(QUERIES)} queries    hit@1   MRR@10")
    for name, (hit, mrr) in table.items():
        print(f"{name:<14} {hit:6.3f} {mrr:8.3f}")
    hybrid = table["hybrid w=0.5"]
    assert hybrid[0] >= 0.9
    assert hybrid[1] >= max(table["BM25 only"][1], table["dense only"][1])
