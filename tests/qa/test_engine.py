"""The store's answering index (qa/index.py) and the engine that loads it: the last step of ingest
builds the catalog, retrieval index and concepts; `QAEngine` reads them, writes nothing, rebuilds
nothing, and refuses an index that is missing or not that of the store's documents."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.service import KnowledgeGraph
from kg.store import StoreError
from qa.catalog import Catalog
from qa.engine import QAEngine
from qa.index import StaleIndexError, build_index, ensure_index, index_dir

QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"


class CountingEmbedder:
    """The real model, counting the passages it is given (a load must embed none)."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.passages_embedded = 0

    def passages(self, texts):
        self.passages_embedded += len(texts)
        return self.inner.passages(texts)

    def query(self, text):
        return self.inner.query(text)


def _concepts(catalog: Catalog) -> dict[str, str | None]:
    return {iri: item.concept for iri, item in catalog.items.items()}


def _store_state(kg: KnowledgeGraph) -> tuple:
    """Every triple of the store and every kept file beside it (bytes and modification time); the
    embedded database's own folder is left out, its engine keeps logs of its own."""
    triples = frozenset(kg.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))
    files = {str(p.relative_to(kg.dir)): (p.read_bytes(), p.stat().st_mtime_ns)
             for p in sorted(kg.dir.rglob("*")) if p.is_file() and "graph" not in p.relative_to(kg.dir).parts}
    return kg.store.triple_count(), kg.store.named_graphs(), triples, files


def _new_store(folder: Path, store_dir: Path, files: list[Path]) -> KnowledgeGraph:
    """A store ingested without its last step; the session's index files are copied in first,
    so that vectors (cached by text) are not computed again."""
    shutil.copytree(store_dir / "index", folder / "index")
    kg = KnowledgeGraph(folder)
    assert all(o.ok for o in kg.ingest(files))
    return kg


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed_files, store_dir, engine, embedder):
    """(store, summary of its index build) for the seed plans, as `dtikg ingest` leaves it."""
    kg = _new_store(tmp_path_factory.mktemp("built") / "store", store_dir, seed_files)
    summary = build_index(kg, embedder)
    yield kg, summary
    kg.close()


def test_the_built_catalog_and_its_cached_copy_match_the_graph(built, embedder):
    kg, summary = built
    assert summary.built and summary.embedded == 0 and summary.concepts >= 20  # indicators shared by provinces
    loaded = QAEngine(kg, embedder=embedder)
    linked = _concepts(loaded.catalog)
    assert sum(c is not None for c in linked.values()) >= 20
    assert linked == _concepts(Catalog(kg.store))  # the pickled catalog says what a fresh read of the graph says
    assert build_index(kg, embedder).built is False  # current: nothing rebuilt, nothing written


def test_the_engine_loads_without_building_and_writes_nothing(built, embedder, engine, monkeypatch):
    kg, _ = built
    before = _store_state(kg)

    def refuse(*args, **kwargs):
        raise AssertionError("the engine built part of the index")
    monkeypatch.setattr("qa.index.link_concepts", refuse)
    monkeypatch.setattr("qa.index.concept_graph", refuse)
    monkeypatch.setattr("qa.index.Catalog", refuse)
    counting = CountingEmbedder(embedder)
    loaded = QAEngine(kg, embedder=counting)
    answers = [loaded.ask(q) for q in (QUESTION, "Tỉnh nào đặt chỉ tiêu hồ sơ sức khỏe điện tử cao nhất?",
                                       "So sánh chỉ tiêu hồ sơ sức khỏe điện tử giữa các tỉnh")]
    loaded.reload()
    assert counting.passages_embedded == 0
    assert _store_state(kg) == before
    assert answers[0] == engine.ask(QUESTION)


def test_an_index_not_built_or_not_current_is_refused_with_what_to_run(tmp_path, seed_files, store_dir, embedder):
    kg = _new_store(tmp_path / "store", store_dir, seed_files[:1])  # ingested by a tool that skips the last step
    try:
        (index_dir(kg) / "manifest.json").unlink()
        before = _store_state(kg)
        with pytest.raises(StaleIndexError) as missing:
            QAEngine(kg, embedder=embedder)
        assert missing.value.code == "K011" and f"dtikg index --store {kg.dir}" in missing.value.message
        assert _store_state(kg) == before

        build_index(kg, embedder)
        assert kg.ingest(seed_files[1:2])[0].ok  # another document, and no index build after it
        before = _store_state(kg)
        with pytest.raises(StaleIndexError) as stale:
            QAEngine(kg, embedder=embedder)
        assert stale.value.code == "K012" and "dtikg index" in stale.value.message
        assert _store_state(kg) == before

        build_index(kg, embedder)
        QAEngine(kg, embedder=embedder)
        with open(index_dir(kg) / "vectors.npz", "ab") as fh:  # changed behind the manifest's back
            fh.write(b"\0")
        with pytest.raises(StaleIndexError) as damaged:
            QAEngine(kg, embedder=embedder)
        assert damaged.value.code == "K013" and "vectors.npz" in damaged.value.message
    finally:
        kg.close()


def test_a_read_only_store_loads_and_is_never_built(built, embedder, engine):
    kg, _ = built
    reader = KnowledgeGraph(kg.dir, read_only=True)
    try:
        assert reader.read_only
        assert ensure_index(reader, embedder) is None
        with pytest.raises(StoreError) as refused:
            build_index(reader, embedder)
        assert refused.value.code == "K005"
        assert QAEngine(reader, embedder=embedder).ask(QUESTION) == engine.ask(QUESTION)
    finally:
        reader.close()
