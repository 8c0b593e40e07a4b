"""`QAEngine.ask(question) -> dict`: the whole question-answering path, warm.

It loads the catalog and the retrieval index once, (re)builds the shared indicator
concepts when the ingested documents changed, and never lets an exception reach the
caller: any input string gets an answer object.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import threading

from rdflib import Literal

from kg.queries import query
from kg.service import KnowledgeGraph
from kg.store import StoreError
from ontology.namespaces import DTI

from .embedder import Embedder, embedder_from_config  # noqa: I001 (sets the OpenMP wait policy first)
from .answerer import Answerer
from .catalog import CACHE_VERSION, Catalog
from .concepts import CONCEPT_GRAPH, FLOOR, METHOD_VERSION, THRESHOLD, concept_graph, link_concepts
from .normalize import clean_question, segment
from .parser import QuestionParser
from .retriever import DEFAULT_WEIGHT, HybridRetriever

log = logging.getLogger(__name__)
RETRIEVAL_MODES = ("hybrid", "bm25", "dense")


class QAEngine:
    def __init__(self, kg: KnowledgeGraph, embedder: Embedder | None = None, weight: float | None = None,
                 mode: str | None = None):
        mode = mode or os.environ.get("DTIKG_RETRIEVAL", "hybrid")
        if mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval mode must be one of {RETRIEVAL_MODES}, got {mode!r}")
        self.kg = kg
        self.mode = mode
        self.weight = float(os.environ.get("DTIKG_BM25_WEIGHT", DEFAULT_WEIGHT)) if weight is None else weight
        self.embedder = embedder if embedder is not None else embedder_from_config()
        # underthesea takes ~2 s to import; load it while the catalog and index load.
        self._warm = threading.Thread(target=segment, args=("khởi động",), daemon=True, name="segmenter-warmup")
        self._warm.start()
        self.refresh()
        self._warm.join()

    def generation(self) -> str:
        rows = self.kg.store.select(query("generation"))
        digest = hashlib.sha256()
        for r in sorted(rows, key=lambda r: str(r["file"])):
            digest.update(f"{r['file']}:{r['hash']};".encode())
        digest.update(f"{self.embedder.name};{METHOD_VERSION};{THRESHOLD};{FLOOR}".encode())
        return digest.hexdigest()

    def _catalog(self, generation: str, index_dir) -> Catalog:
        """The catalog, from the index folder when it was saved for this generation."""
        path = index_dir / f"catalog-{CACHE_VERSION}-{generation[:20]}.pickle"
        if path.exists():
            try:
                with open(path, "rb") as fh:
                    catalog = pickle.load(fh)
                catalog.store = self.kg.store
                return catalog
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                log.warning("catalog cache unreadable, rebuilding: %s", exc)
        catalog = Catalog(self.kg.store)
        if not getattr(self.kg.store, "read_only", False):
            try:
                index_dir.mkdir(parents=True, exist_ok=True)
                for old in index_dir.glob("catalog-*.pickle"):
                    old.unlink()
                tmp = path.with_suffix(".tmp")
                with open(tmp, "wb") as fh:
                    pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(path)
            except OSError as exc:
                log.warning("could not cache the catalog: %s", exc)
        return catalog

    def refresh(self) -> None:
        """Reload the catalog and index; relink concepts when the documents changed."""
        index_dir = self.kg.dir / "index"
        generation = Literal(self.generation())
        current = False
        try:
            current = self.kg.store.ask("ASK { ?g ?p ?h }", {"g": CONCEPT_GRAPH, "p": DTI.contentHash,
                                                           "h": generation})
        except StoreError:
            pass
        if not current and not getattr(self.kg.store, "read_only", False):
            catalog = Catalog(self.kg.store)
            with contextlib.redirect_stdout(sys.stderr):
                retriever = HybridRetriever(catalog, self.embedder, index_dir, self.weight)
            groups = link_concepts(catalog, retriever)
            graph = concept_graph(catalog, groups)
            graph.add((CONCEPT_GRAPH, DTI.contentHash, generation))
            self.kg.store.replace_graph(str(CONCEPT_GRAPH), graph)
        catalog = self._catalog(str(generation), index_dir)
        with contextlib.redirect_stdout(sys.stderr):
            retriever = HybridRetriever(catalog, self.embedder, index_dir, self.weight)
        self.catalog = catalog
        self.retriever = retriever
        self.parser = QuestionParser(catalog)
        self.answerer = Answerer(self.kg.store, catalog, retriever, self.mode)

    def ask(self, question: object) -> dict:
        text = clean_question(question)
        try:
            parsed = self.parser.parse(text)
            return self.answerer.answer(parsed).to_json()
        except Exception:  # the contract: any input gets an answer object, never a trace
            log.exception("failed to answer %r", text[:200])
            return {"question": text, "answer": "Xin lỗi, hệ thống gặp lỗi khi trả lời câu hỏi này. "
                                                "Vui lòng diễn đạt lại hoặc thử lại sau.",
                    "count": None, "items": [], "intent": "error"}
