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

    def _cached_catalog(self, path) -> Catalog | None:
        """The catalog saved in the index folder for this generation, if readable."""
        if not path.exists():
            return None
        try:
            with open(path, "rb") as fh:
                catalog = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("catalog cache unreadable, rebuilding: %s", exc)
            return None
        catalog.store = self.kg.store
        return catalog

    def _save_catalog(self, catalog: Catalog, path) -> None:
        if getattr(self.kg.store, "read_only", False):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("catalog-*.pickle"):
                old.unlink()
            tmp = path.with_suffix(".tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError as exc:
            log.warning("could not cache the catalog: %s", exc)

    def refresh(self) -> None:
        """Reload the catalog and index; relink concepts when the documents changed. The catalog
        is cached in the index folder per generation (documents' hashes, embedder, linking method)."""
        index_dir = self.kg.dir / "index"
        generation = Literal(self.generation())
        path = index_dir / f"catalog-{CACHE_VERSION}-{str(generation)[:20]}.pickle"
        current = False
        try:
            current = self.kg.store.ask("ASK { ?g ?p ?h }", {"g": CONCEPT_GRAPH, "p": DTI.contentHash,
                                                           "h": generation})
        except StoreError:
            pass
        catalog = self._cached_catalog(path) if current else None
        fresh = catalog is None
        if fresh:
            catalog = Catalog(self.kg.store)
        relink = not current and not getattr(self.kg.store, "read_only", False)
        with contextlib.redirect_stdout(sys.stderr):
            retriever = HybridRetriever(catalog, self.embedder, index_dir, self.weight)
        if relink:
            groups = link_concepts(catalog, retriever)
            graph = concept_graph(catalog, groups)
            graph.add((CONCEPT_GRAPH, DTI.contentHash, generation))
            self.kg.store.replace_graph(str(CONCEPT_GRAPH), graph)
            catalog.set_concepts({str(item): str(concept) for item, concept in graph.subject_objects(DTI.measures)})
        if fresh:
            self._save_catalog(catalog, path)
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
