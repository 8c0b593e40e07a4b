"""Topic membership measured on the labelled set `tests/qa/topics.json`: the calibrated
threshold (with the topics' key terms) against top-k, for each topic as written and typed
without diacritics. Usage: python -m bench.topics --store DIR [--sweep]"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ontology.folding import fold

TOPICS = Path(__file__).resolve().parents[1] / "tests" / "qa" / "topics.json"
KIND_OF = {"sub_item": "indicator"}


def _matches(item, key) -> bool:
    province, text = key
    return item.province == province and fold(text) in fold(item.text)


def gold_sets(catalog, topic: dict) -> tuple[set[str], set[str], list[str]]:
    kinds = set(topic.get("kinds", ["indicator", "task", "duty"]))
    pool = [iri for iri, i in catalog.items.items() if KIND_OF.get(i.kind, i.kind) in kinds]
    members = {iri for iri in pool if any(_matches(catalog.items[iri], k) for k in topic["members"])}
    borderline = {iri for iri in pool if any(_matches(catalog.items[iri], k) for k in topic.get("borderline", []))}
    return members, borderline - members, pool


def evaluate(engine, topics: list[dict], select) -> dict:
    """Micro precision/recall/F1 and macro F1 of `select(topic_text, pool) -> set` over topics."""
    tp = fp = fn = 0
    f1s = []
    for topic in topics:
        members, borderline, pool = gold_sets(engine.catalog, topic)
        got = select(topic["query"], pool) - borderline
        t, f, n = len(got & members), len(got - members), len(members - got)
        tp, fp, fn = tp + t, fp + f, fn + n
        p = t / (t + f) if t + f else (1.0 if not members else 0.0)
        r = t / (t + n) if t + n else 1.0
        f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "macro_f1": round(sum(f1s) / len(f1s), 3)}


def topic_queries(engine, accented: bool) -> list[dict]:
    data = json.loads(TOPICS.read_text(encoding="utf-8"))["topics"]
    out = []
    for t in data:
        question = f"Những nội dung nào về {t['topic']}?"
        if not accented:
            question = fold(question)
        out.append(dict(t, query=engine.parser.parse(question).topic or t["topic"]))
    return out


def run(engine, thresholds=None) -> dict:
    from qa import topics as topics_module
    matcher = engine.answerer.topics
    report = {}
    for accented in (True, False):
        queries = topic_queries(engine, accented)
        form = "có dấu" if accented else "không dấu"
        for k in (5, 10, 20):
            def top_k(query, pool, k=k):
                hits = engine.retriever.search(query, k=k, mode=engine.mode)
                return {iri for iri, _ in hits if iri in set(pool)}
            report[f"{form} · top-{k}"] = evaluate(engine, queries, top_k)
        for th in thresholds or (topics_module.THRESHOLD if accented else topics_module.THRESHOLD_FOLDED,):
            report[f"{form} · ngưỡng {th:.2f}"] = evaluate(
                engine, queries, lambda q, pool, th=th: set(matcher.members(q, pool, threshold=th)))
    return report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--sweep", action="store_true")
    args = ap.parse_args()
    from kg.service import KnowledgeGraph
    from qa.engine import QAEngine
    engine = QAEngine(KnowledgeGraph(Path(args.store), read_only=True))
    sweep = [round(0.30 + 0.05 * i, 2) for i in range(12)] if args.sweep else None
    for name, r in run(engine, sweep).items():
        print(f"{name:28} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} macroF1={r['macro_f1']:.3f}")


if __name__ == "__main__":
    main()
