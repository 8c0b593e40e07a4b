"""Hybrid retrieval over item texts: BM25 (bm25s) on segmented, accent-folded tokens plus
dense vectors, fused by a min–max-normalised linear combination.

Vectors and tokens are cached in the store's index folder, keyed by text, so a restart
does not re-embed.
"""
from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from .catalog import Catalog
from .embedder import Embedder
from .normalize import bm25_tokens, expand_abbreviations

log = logging.getLogger(__name__)

INDEXED_KINDS = ("indicator", "sub_item", "task", "duty", "info_item")
DEFAULT_WEIGHT = 0.5  # BM25 share of the fused score; tuned on the dev set (see README)


def _key(text: str, salt: str = "") -> str:
    return hashlib.sha1((salt + "\x00" + text).encode("utf-8")).hexdigest()


class VectorCache:
    """Embeddings on disk keyed by (model, text)."""

    def __init__(self, path: Path, embedder: Embedder):
        self.path = path
        self.embedder = embedder
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys = data["keys"]
                    matrix = data["vectors"]
                self.vectors = {str(k): matrix[i] for i, k in enumerate(keys)}
            except (OSError, KeyError, ValueError) as exc:
                log.warning("vector cache unreadable, rebuilding: %s", exc)

    def get(self, texts: list[str]) -> np.ndarray:
        keys = [_key(t, self.embedder.name) for t in texts]
        missing = sorted({(k, t) for k, t in zip(keys, texts) if k not in self.vectors})
        if missing:
            vectors = self.embedder.passages([t for _, t in missing])
            for (k, _), v in zip(missing, vectors):
                self.vectors[k] = v
            self._save()
        if not keys:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self.vectors))
        matrix = np.stack([self.vectors[k] for k in keys]) if len(keys) else np.zeros((0, 1))
        tmp = self.path.with_name(self.path.stem + ".tmp.npz")
        np.savez(tmp, keys=keys, vectors=matrix)
        tmp.replace(self.path)


class TokenCache:
    """BM25 tokens on disk keyed by text (segmentation is the slow part)."""

    def __init__(self, path: Path):
        self.path = path
        self.tokens: dict[str, list[str]] = {}
        if path.exists():
            try:
                self.tokens = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.tokens = {}

    def get(self, texts: list[str]) -> list[list[str]]:
        changed = False
        out = []
        for t in texts:
            k = _key(t)
            if k not in self.tokens:
                self.tokens[k] = bm25_tokens(t)
                changed = True
            out.append(self.tokens[k])
        if changed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.tokens, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
        return out


class HybridRetriever:
    """BM25 + dense retrieval over the catalog's items, with kind and province filters."""

    def __init__(self, catalog: Catalog, embedder: Embedder | None, index_dir: Path | None,
                 weight: float = DEFAULT_WEIGHT):
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight must be within [0, 1], got {weight!r}")
        import bm25s
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
        self.catalog = catalog
        self.embedder = embedder
        self.weight = weight
        self.iris = [iri for iri, item in catalog.items.items() if item.kind in INDEXED_KINDS]
        self.texts = [catalog.item_context(catalog.items[iri]) for iri in self.iris]
        index_dir = index_dir or Path(".")
        tokens = TokenCache(index_dir / "tokens.json").get(self.texts) if index_dir else \
            [bm25_tokens(t) for t in self.texts]
        self.bm25 = bm25s.BM25()
        if self.texts:
            self.bm25.index(tokens, show_progress=False)
        self.vectors = None
        if embedder is not None and self.texts:
            self.vectors = VectorCache(index_dir / "vectors.npz", embedder).get(self.texts)
        self.vocabulary = {t for doc in tokens for t in doc} if self.texts else set()
        self._query_vector = lru_cache(maxsize=512)(embedder.query) if embedder is not None else None
        self._kinds = np.array([catalog.items[i].kind for i in self.iris])
        self._provinces = np.array([catalog.items[i].province or "" for i in self.iris])

    def overlaps(self, query: str) -> bool:
        """True when the query shares real content with the indexed texts: a syllable pair,
        or two distinct syllables of three letters or more. Guards the search fallback
        against returning 'nearest' items for text that matches nothing."""
        tokens = bm25_tokens(expand_abbreviations(query), with_segmentation=False)
        pairs = [t for t in tokens if "_" in t and t in self.vocabulary]
        words = {t for t in tokens if "_" not in t and len(t) >= 3 and t in self.vocabulary}
        return bool(pairs) or len(words) >= 2

    def vector_of(self, iri: str) -> np.ndarray | None:
        if self.vectors is None:
            return None
        return self.vectors[self.iris.index(iri)]

    def scores(self, query: str, mode: str = "hybrid") -> np.ndarray:
        """Fused scores for every indexed item (min–max normalised per signal)."""
        n = len(self.iris)
        if n == 0:
            return np.zeros(0)
        query = expand_abbreviations(query)
        bm = np.zeros(n)
        if mode in ("hybrid", "bm25"):
            bm = np.asarray(self.bm25.get_scores(bm25_tokens(query)), dtype=float)
        dense = np.zeros(n)
        if mode in ("hybrid", "dense") and self.vectors is not None and self._query_vector is not None:
            dense = self.vectors @ self._query_vector(query)
        if mode == "bm25":
            return _minmax(bm)
        if mode == "dense":
            return _minmax(dense)
        return self.weight * _minmax(bm) + (1 - self.weight) * _minmax(dense)

    def search(self, query: str, kinds: tuple[str, ...] | None = None, province: str | None = None,
               k: int = 10, mode: str = "hybrid", raw_scores: bool = False) -> list[tuple[str, float]]:
        n = len(self.iris)
        if n == 0 or not query.strip():
            return []
        mask = np.ones(n, dtype=bool)
        if kinds:
            mask &= np.isin(self._kinds, list(kinds))
        if province:
            mask &= self._provinces == province
        if not mask.any():
            return []
        scores = self._masked_scores(query, mask, mode)
        order = np.argsort(-scores)
        out = []
        for i in order[:k]:
            if not mask[i]:
                break
            out.append((self.iris[i], float(scores[i])))
        return out

    def _masked_scores(self, query: str, mask: np.ndarray, mode: str) -> np.ndarray:
        """Normalise within the filtered candidates so filters do not skew the fusion."""
        query = expand_abbreviations(query)
        n = len(self.iris)
        bm = np.zeros(n)
        dense = np.zeros(n)
        if mode in ("hybrid", "bm25"):
            bm = np.asarray(self.bm25.get_scores(bm25_tokens(query)), dtype=float)
        if mode in ("hybrid", "dense") and self.vectors is not None and self._query_vector is not None:
            dense = self.vectors @ self._query_vector(query)
        w = {"bm25": 1.0, "dense": 0.0}.get(mode, self.weight)
        fused = w * _minmax(bm, mask) + (1 - w) * _minmax(dense, mask)
        fused[~mask] = -1.0
        return fused


def _minmax(values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    if mask is None:
        mask = np.ones(len(values), dtype=bool)
    if not mask.any():
        return np.zeros_like(values, dtype=float)
    sub = values[mask]
    lo, hi = float(sub.min()), float(sub.max())
    if hi - lo < 1e-12:
        return np.zeros_like(values, dtype=float)
    return (values - lo) / (hi - lo)
