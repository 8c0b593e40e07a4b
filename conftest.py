"""Shared fixtures (the only place fixtures live): extracted seed documents, a built store,
the embedding model, loaded once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(DATA.glob("*.txt"))


@pytest.fixture(scope="session")
def extracted(seed_files):
    from ingest.pipeline import DocumentReader
    reader = DocumentReader()
    return {p.name: reader.read_path(p) for p in seed_files}
