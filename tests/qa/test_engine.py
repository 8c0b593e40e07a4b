"""The engine's start-up: the catalog it keeps after relinking concepts, and the cached copy it
reads on the next start, say what a fresh read of the graph says."""
from __future__ import annotations

import shutil

from kg.service import KnowledgeGraph
from qa.catalog import Catalog
from qa.engine import QAEngine


def _concepts(catalog: Catalog) -> dict[str, str | None]:
    return {iri: item.concept for iri, item in catalog.items.items()}


def test_relinked_and_cached_catalogs_match_the_graph(seed_files, engine, embedder, store_dir, tmp_path):
    folder = tmp_path / "store"
    # the session engine built the seed store's index; its vectors are keyed by text: nothing is re-embedded
    shutil.copytree(store_dir / "index", folder / "index")
    for old in (folder / "index").glob("catalog-*.pickle"):
        old.unlink()
    kg = KnowledgeGraph(folder)
    try:
        assert all(o.ok for o in kg.ingest(seed_files))
        first = QAEngine(kg, embedder=embedder)  # links concepts, writes them, caches its catalog
        linked = _concepts(first.catalog)
        assert sum(c is not None for c in linked.values()) >= 20  # indicators shared across provinces
        assert linked == _concepts(Catalog(kg.store))
        assert len(list((folder / "index").glob("catalog-*.pickle"))) == 1

        again = QAEngine(kg, embedder=embedder)  # the concepts are current: the cached catalog is read
        assert _concepts(again.catalog) == linked
        assert again.ask("Sở Y tế chủ trì những chỉ tiêu nào?") == first.ask("Sở Y tế chủ trì những chỉ tiêu nào?")
    finally:
        kg.close()
