"""The answering index of a store: what the last step of ingest derives from the graph, and
all that `QAEngine` loads.

- the catalog (qa/catalog.py), pickled in `<store>/index/catalog.pickle`;
- the retrieval index: BM25 tokens and passage vectors (`tokens.json`, `vectors.npz`, keyed
  by text, so a rebuild embeds only new texts);
- the shared indicator concepts (qa/concepts.py), a named graph of the store;
- the change events of the 2025 reorganisation (kg/successions.py), a named graph of the store.

All of it belongs to one generation: a digest of the ingested documents' hashes, the embedding
model and the versions of the catalog, the retrieval texts and concept linking. `build_index`
writes it and, last, `index/manifest.json` naming the generation and each file's digest;
`load_index` checks that manifest against the store and reads, writing nothing.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rdflib import Literal

from kg.queries import query
from kg.service import READING_VERSION, KnowledgeGraph, SubProgress, write_atomic
from kg.store import StoreError
from kg.successions import SUCCESSION_GRAPH, rules_digest
from ontology.namespaces import DTI

from .catalog import CACHE_VERSION, Catalog
from .concepts import CONCEPT_GRAPH, FLOOR, METHOD_VERSION, THRESHOLD, concept_graph, link_concepts
from .embedder import Embedder
from .retriever import DEFAULT_WEIGHT, INDEXED_KINDS, HybridRetriever

log = logging.getLogger(__name__)

INDEX_DIR = "index"
MANIFEST = "manifest.json"
CATALOG_FILE = "catalog.pickle"
INDEX_FILES = (CATALOG_FILE, "tokens.json", "vectors.npz")  # what the manifest vouches for, where present
MANIFEST_FORMAT = 1
EMBED_BATCH = 64  # texts per call to the model while building, so that the progress bar moves


class StaleIndexError(StoreError):
    """The store has no answering index for its current documents (K011–K013)."""


@dataclass(frozen=True)
class IndexSummary:
    """What `build_index` did: `built` is False when the index was current and nothing was written."""
    generation: str
    built: bool
    items: int = 0
    concepts: int = 0
    embedded: int = 0
    seconds: float = 0.0


def index_dir(kg: KnowledgeGraph) -> Path:
    return kg.dir / INDEX_DIR


def generation(kg: KnowledgeGraph, embedder: Embedder) -> str:
    """The digest the index of this store must carry to be current."""
    digest = hashlib.sha256()
    for r in sorted(kg.store.select(query("generation")), key=lambda r: str(r["file"])):
        digest.update(f"{r['file']}:{r['hash']};".encode())
    digest.update(f"{embedder.name};{CACHE_VERSION};{','.join(INDEXED_KINDS)};{METHOD_VERSION};{THRESHOLD};"
                  f"{FLOOR};{READING_VERSION};{rules_digest()}".encode())  # the same files read by other readers: rebuilt
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def check_index(kg: KnowledgeGraph, embedder: Embedder) -> str:
    """The generation of the store's index when it is current; otherwise StaleIndexError:
    K011 never built, K012 not built for the documents now in the store (or another model),
    K013 one of its files missing or changed since."""
    store = str(kg.dir)
    folder = index_dir(kg)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StaleIndexError("K011", store=store) from None
    except (OSError, ValueError):
        raise StaleIndexError("K013", name=MANIFEST, store=store) from None
    current = generation(kg, embedder)
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or \
            manifest.get("generation") != current or \
            not all(kg.store.ask("ASK { ?g ?p ?h }", {"g": g, "p": DTI.contentHash, "h": Literal(current)})
                    for g in (CONCEPT_GRAPH, SUCCESSION_GRAPH)):
        raise StaleIndexError("K012", store=store)
    for name, digest in (manifest.get("files") or {}).items():
        if name not in INDEX_FILES or _file_digest(folder / name) != digest:
            raise StaleIndexError("K013", name=name, store=store)
    return current


def index_is_current(kg: KnowledgeGraph, embedder: Embedder) -> bool:
    try:
        check_index(kg, embedder)
    except StaleIndexError:
        return False
    return True


def load_index(kg: KnowledgeGraph, embedder: Embedder,
               weight: float = DEFAULT_WEIGHT) -> tuple[Catalog, HybridRetriever]:
    """The catalog and retriever of a store whose index is current (`check_index`). Nothing is
    written: the manifest vouches that the caches hold every text, so nothing is embedded."""
    check_index(kg, embedder)
    folder = index_dir(kg)
    try:
        with open(folder / CATALOG_FILE, "rb") as fh:
            catalog = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("catalog cache unreadable: %s", exc)
        raise StaleIndexError("K013", name=CATALOG_FILE, store=str(kg.dir)) from exc
    catalog.store = kg.store
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the answers of `dtikg ask`
        retriever = HybridRetriever(catalog, embedder, folder, weight)
    return catalog, retriever


def build_index(kg: KnowledgeGraph, embedder: Embedder, progress: bool = False) -> IndexSummary:
    """Build the store's answering index for the documents it holds (the last step of ingest),
    unless it is current: the catalog, the retrieval index (embedding only texts not cached)
    and the concept graph, written with its generation; the manifest last, so that an
    interrupted build leaves an index that `check_index` calls stale."""
    if kg.read_only:
        raise StoreError("K005")
    try:
        return IndexSummary(check_index(kg, embedder), built=False)
    except StaleIndexError:
        current = generation(kg, embedder)
    started = time.perf_counter()
    folder = index_dir(kg)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=5, desc="Đang xây chỉ mục hỏi đáp", unit="bước", file=sys.stderr)

    def step(name: str) -> None:
        if bar is not None:
            bar.set_postfix_str(name)

    def done() -> None:
        if bar is not None:
            bar.update(1)

    embedding = SubProgress("  nhúng nội dung", "mục") if bar else None
    counted = _BatchedEmbedder(embedder, embedding)
    try:
        step("áp dụng sắp xếp bộ máy năm 2025")
        kg.write_successions(current)
        done()
        step("đọc đồ thị")
        catalog = Catalog(kg.store)
        done()
        step("tách từ, nhúng nội dung")
        with contextlib.redirect_stdout(sys.stderr):
            retriever = HybridRetriever(catalog, counted, folder)
        done()
        step("nối chỉ tiêu cùng nghĩa giữa các tỉnh")
        graph = concept_graph(catalog, link_concepts(catalog, retriever))
        graph.add((CONCEPT_GRAPH, DTI.contentHash, Literal(current)))
        catalog.set_concepts({str(item): str(concept) for item, concept in graph.subject_objects(DTI.measures)})
        done()
        step("ghi")
        write_atomic(folder / CATALOG_FILE, pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        kg.store.replace_graph(str(CONCEPT_GRAPH), graph)
        files = {name: _file_digest(folder / name) for name in INDEX_FILES if (folder / name).is_file()}
        manifest = {"format": MANIFEST_FORMAT, "generation": current, "embedder": embedder.name,
                    "items": len(retriever.iris), "concepts": len(set(graph.objects(None, DTI.measures))),
                    "files": files}
        write_atomic(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        for old in folder.glob("catalog-*.pickle"):  # one per generation, kept by versions before the manifest
            old.unlink()
        done()
    finally:
        if embedding is not None:
            embedding.close()
        if bar is not None:
            bar.close()
    return IndexSummary(current, built=True, items=manifest["items"], concepts=manifest["concepts"],
                        embedded=counted.embedded, seconds=time.perf_counter() - started)


def ensure_index(kg: KnowledgeGraph, embedder: Embedder, progress: bool = False) -> IndexSummary | None:
    """What the command line and the web app do before loading an engine: build the index when
    it is not current and the store can be written (the default store's first use, a store
    ingested by another tool or an older version). A read-only store is left as it is, for
    QAEngine to load or refuse."""
    if kg.read_only:
        return None
    return build_index(kg, embedder, progress)

class _BatchedEmbedder:
    """Gives the model passages a batch at a time, reporting `(done, total)` after each, and
    counts them; queries pass through."""

    def __init__(self, inner: Embedder, on_batch=None):
        self.inner = inner
        self.name = inner.name
        self.on_batch = on_batch
        self.embedded = 0

    def passages(self, texts: list[str]) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), EMBED_BATCH):
            parts.append(self.inner.passages(texts[start:start + EMBED_BATCH]))
            if self.on_batch is not None:
                self.on_batch(start + len(parts[-1]), len(texts))
        self.embedded += len(texts)
        return np.concatenate(parts) if parts else self.inner.passages([])

    def query(self, text: str) -> np.ndarray:
        return self.inner.query(text)
