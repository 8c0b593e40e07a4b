"""One measurement in a fresh process, printed as one JSON line: `BENCH_RESULT {...}`.

Each task runs in its own interpreter so that peak memory (ru_maxrss) belongs to that
task alone and no warm cache of a previous run leaks into the next one.

    python -m bench.worker ingest --corpus DIR --store DIR [--backend oxigraph|memory|endpoint]
    python -m bench.worker engine --store DIR [--passes 3]
    python -m bench.worker backend --corpus DIR --store DIR --backend memory [--index DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT.parent / "shared" / "qa" / "dev.json"
MARK = "BENCH_RESULT "


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def dir_size(path: str | Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(q / 100.0 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def dev_questions() -> list[str]:
    return [q["q"] for q in json.loads(DEV_SET.read_text(encoding="utf-8"))]


class TimedEmbedder:
    """Wraps an embedder and adds up the time spent embedding passages and queries."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.passage_s = 0.0
        self.passage_n = 0
        self.query_s = 0.0
        self.query_n = 0

    def passages(self, texts):
        t = time.perf_counter()
        out = self.inner.passages(texts)
        self.passage_s += time.perf_counter() - t
        self.passage_n += len(texts)
        return out

    def query(self, text):
        t = time.perf_counter()
        out = self.inner.query(text)
        self.query_s += time.perf_counter() - t
        self.query_n += 1
        return out


def _timed(module, name: str, bucket: dict[str, float]):
    """Replaces module.name by a wrapper that adds its run time to bucket[name]."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            bucket[name] = bucket.get(name, 0.0) + time.perf_counter() - t
    setattr(module, name, wrapper)


def open_graph(store: Path, backend: str, endpoint: str | None):
    from kg.service import KnowledgeGraph
    if backend == "oxigraph":
        return KnowledgeGraph(store)
    if backend == "memory":
        return KnowledgeGraph(store, memory=True)
    if backend == "endpoint":
        if not endpoint:
            raise ValueError("backend 'endpoint' needs --endpoint URL")
        return KnowledgeGraph(store, endpoint=endpoint)
    raise ValueError(f"unknown backend {backend!r}")


def do_ingest(kg, corpus: Path) -> dict:
    before = kg.store.triple_count()
    t = time.perf_counter()
    outcomes = kg.ingest([corpus])
    seconds = time.perf_counter() - t
    after = kg.store.triple_count()
    items = sum(sum(o.counts.values()) for o in outcomes if o.ok)
    return {"documents": sum(o.ok for o in outcomes), "failed": sum(not o.ok for o in outcomes),
            "items": items, "triples": after - before, "triples_total": after,
            "ingest_s": seconds, "docs_per_s": len(outcomes) / seconds,
            "triples_per_s": (after - before) / seconds}


def task_ingest(args) -> dict:
    store = Path(args.store)
    if store.exists():
        shutil.rmtree(store)
    t = time.perf_counter()
    kg = open_graph(store, args.backend, args.endpoint)
    open_s = time.perf_counter() - t
    result = do_ingest(kg, Path(args.corpus))
    kg.close()
    result.update(open_s=open_s, store_bytes=dir_size(store / "graph"), peak_rss_mb=peak_rss_mb())
    return result


def build_engine(kg) -> tuple[object, dict]:
    """The store's answering index built (the last step of ingest; nothing when it is current)
    and a QAEngine loading it, the build's time split into catalog, index and linking."""
    import qa.index as index_module
    from qa.embedder import embedder_from_config
    from qa.engine import QAEngine
    t = time.perf_counter()
    embedder = TimedEmbedder(embedder_from_config())
    model_s = time.perf_counter() - t
    parts: dict[str, float] = {}
    for name in ("Catalog", "HybridRetriever", "link_concepts", "concept_graph"):
        _timed(index_module, name, parts)
    t = time.perf_counter()
    index_module.build_index(kg, embedder)
    index_s = time.perf_counter() - t
    parts = dict(parts)  # the build's parts only (the engine's load makes a retriever too)
    t = time.perf_counter()
    engine = QAEngine(kg, embedder=embedder)
    load_s = time.perf_counter() - t
    return engine, {
        "model_load_s": model_s, "engine_build_s": index_s + load_s, "index_build_s": index_s,
        "engine_load_s": load_s, "embed_s": embedder.passage_s, "embedded_texts": embedder.passage_n,
        "catalog_s": parts.get("Catalog", 0.0),
        "retriever_s": parts.get("HybridRetriever", 0.0),
        "retriever_without_embedding_s": parts.get("HybridRetriever", 0.0) - embedder.passage_s,
        "link_concepts_s": parts.get("link_concepts", 0.0) + parts.get("concept_graph", 0.0),
        "indexed_items": len(engine.retriever.iris), "embedder": embedder,
    }


def warm_latency(engine, passes: int) -> dict:
    """One untimed pass over the dev questions, then `passes` timed passes."""
    questions = dev_questions()
    for q in questions:
        engine.ask(q)
    samples: list[float] = []
    per_question: dict[str, list[float]] = {}
    for _ in range(passes):
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            ms = (time.perf_counter() - t) * 1000.0
            samples.append(ms)
            per_question.setdefault(q, []).append(ms)
    slowest = sorted(((statistics.median(v), q) for q, v in per_question.items()), reverse=True)[:5]
    return {"questions": len(questions), "passes": passes, "p50_ms": percentile(samples, 50),
            "p95_ms": percentile(samples, 95), "max_ms": max(samples), "mean_ms": statistics.fmean(samples),
            "slowest": [{"q": q, "median_ms": ms} for ms, q in slowest]}


def task_engine(args) -> dict:
    store = Path(args.store)
    from kg.service import KnowledgeGraph
    kg = KnowledgeGraph(store)
    engine, build = build_engine(kg)
    embedder = build.pop("embedder")
    result = dict(build)
    result.update(warm_latency(engine, args.passes))
    result["query_embed_ms_mean"] = 1000.0 * embedder.query_s / max(1, embedder.query_n)
    kg.close()
    result.update(index_bytes=dir_size(store / "index"), store_bytes=dir_size(store / "graph"),
                  peak_rss_mb=peak_rss_mb())
    return result


def _time_queries(store, calls: list[tuple[str, dict]]) -> list[float]:
    from kg.queries import query
    out = []
    for name, bindings in calls:
        t = time.perf_counter()
        store.select(query(name), bindings)
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def task_backend(args) -> dict:
    """Ingest, prepared-query latency and warm answer latency on one store backend."""
    from rdflib import URIRef
    from qa.catalog import Catalog
    store = Path(args.store)
    if store.exists():
        shutil.rmtree(store)
    store.mkdir(parents=True)
    if args.index:
        shutil.copytree(args.index, store / "index")  # embeddings are cached by text
    t = time.perf_counter()
    kg = open_graph(store, args.backend, args.endpoint)
    open_s = time.perf_counter() - t
    result = do_ingest(kg, Path(args.corpus))
    result["open_s"] = open_s
    t = time.perf_counter()
    catalog = Catalog(kg.store)
    catalog_ms = (time.perf_counter() - t) * 1000.0
    agents = sorted(catalog.agents)[:40]
    items = sorted(catalog.items)[:40]
    calls = [("items_of_agent", {"agent": URIRef(a)}) for a in agents] + \
            [("agents_of_item", {"item": URIRef(i)}) for i in items] + [("stats_documents", {})]
    _time_queries(kg.store, calls)  # warm-up
    samples = []
    for _ in range(3):
        samples += _time_queries(kg.store, calls)
    result.update(catalog_load_ms=catalog_ms, prepared_queries=len(calls),
                  query_p50_ms=percentile(samples, 50), query_p95_ms=percentile(samples, 95))
    if catalog_ms > args.max_catalog_s * 1000.0:
        # the index build reads the catalog once more on a new store: not worth the wait.
        result["engine_skipped"] = f"catalog load took {catalog_ms / 1000.0:.0f} s"
        kg.close()
        result.update(peak_rss_mb=peak_rss_mb())
        return result
    engine, build = build_engine(kg)
    build.pop("embedder")
    result.update({k: build[k] for k in ("engine_build_s", "embed_s", "link_concepts_s", "catalog_s")})
    result.update({f"answer_{k}": v for k, v in warm_latency(engine, args.passes).items()
                   if k in ("p50_ms", "p95_ms", "max_ms")})
    kg.close()
    result.update(peak_rss_mb=peak_rss_mb())
    if args.backend == "oxigraph":
        result["store_bytes"] = dir_size(store / "graph")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = ap.add_subparsers(dest="task", required=True)
    sp = sub.add_parser("ingest")
    sp.add_argument("--corpus", required=True)
    sp.add_argument("--store", required=True)
    sp.add_argument("--backend", default="oxigraph", choices=["oxigraph", "memory", "endpoint"])
    sp.add_argument("--endpoint")
    sp = sub.add_parser("engine")
    sp.add_argument("--store", required=True)
    sp.add_argument("--passes", type=int, default=3)
    sp = sub.add_parser("backend")
    sp.add_argument("--corpus", required=True)
    sp.add_argument("--store", required=True)
    sp.add_argument("--backend", required=True, choices=["oxigraph", "memory", "endpoint"])
    sp.add_argument("--endpoint")
    sp.add_argument("--index", help="an index/ folder to copy in first (skips re-embedding)")
    sp.add_argument("--max-catalog-s", type=float, default=60.0,
                    help="skip the engine when one catalog load takes longer than this")
    sp.add_argument("--passes", type=int, default=3)
    args = ap.parse_args(argv)
    task = {"ingest": task_ingest, "engine": task_engine, "backend": task_backend}[args.task]
    result = task(args)
    sys.stdout.write(MARK + json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
