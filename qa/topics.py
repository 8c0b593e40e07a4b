"""Topic membership: which items are about a topic, by a calibrated threshold, not top-k.

An item's topic score is absolute (comparable across questions), unlike the retriever's
min–max fused ranking score: half the IDF-weighted share of the topic's terms (folded
syllables and syllable pairs, abbreviations expanded) that the item's text holds, half its
dense cosine rescaled over the embedder's useful range. The topic's key terms, the terms
rare in the plans ("OCR", "SMEdx", "tiền mặt"), must be present: an item that has none of
them is not about the topic however close its wording. THRESHOLD was calibrated on the
labelled set `tests/qa/topics.json` (see docs/qa.md for precision and recall against top-k).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np

from .normalize import expand_abbreviations, has_diacritics, syllables
from .retriever import HybridRetriever

THRESHOLD = 0.65  # topics with diacritics: lexical and dense halves
THRESHOLD_FOLDED = 0.70  # topics typed without diacritics: lexical share alone
DENSE_RANGE = (0.78, 0.92)  # e5-small cosines: below the first nothing is related, above the second all is
KEY_DF = 0.02  # a term in at most this share of the items is a key term of a topic that names it
_FILLER = {"cua", "va", "cho", "cac", "nhung", "trong", "ve", "voi", "tai", "theo", "duoc", "la", "co", "de", "tren",
           "tu", "den", "so", "tinh", "nam", "dat", "ty", "le", "ti", "luong", "muc", "viec"}


@lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """Folded syllables (fillers dropped) and syllable pairs of a text, abbreviations expanded;
    pairs are made within a run of words, not across punctuation."""
    out: set[str] = set()
    for run in re.split(r"[,;:()·|\[\]]", expand_abbreviations(text)):
        syl = syllables(run)
        out |= {s for s in syl if s not in _FILLER and not s.isdigit()}
        out |= {f"{a}_{b}" for a, b in zip(syl, syl[1:]) if not (a.isdigit() or b.isdigit())}
    return frozenset(out)


def idf_table(term_sets) -> dict[str, float]:
    """Inverse document frequency of every term over a collection of term sets."""
    term_sets = list(term_sets)
    df = Counter(t for ts in term_sets for t in ts)
    n = max(len(term_sets), 1)
    return {t: math.log(1 + n / c) for t, c in df.items()}


def term_share(wanted: set[str], held, idf: dict[str, float]) -> float:
    """The IDF-weighted share of the wanted terms that a text's terms hold (0–1)."""
    total = sum(idf.get(t, 0.0) for t in wanted)
    return sum(idf.get(t, 0.0) for t in wanted & held) / total if total else 0.0


class TopicMatcher:
    """Absolute topic scores over the retriever's items."""

    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever
        self.iris = retriever.iris
        self.position = {iri: i for i, iri in enumerate(self.iris)}
        self.term_sets = [terms(t) for t in retriever.texts]
        self.n = max(len(self.term_sets), 1)
        self.df = Counter(t for ts in self.term_sets for t in ts)
        self.idf = idf_table(self.term_sets)
        self._holders: dict[str, set[str]] = {}
        for iri, ts in zip(self.iris, self.term_sets):
            for t in ts:
                if self.df[t] <= max(2, KEY_DF * self.n):  # key terms only: the index stays small
                    self._holders.setdefault(t, set()).add(iri)

    def key_terms(self, topic: str) -> set[str]:
        """The topic's terms rare in the plans (but present): an item must hold one of them."""
        found = {t for t in terms(topic) if t in self.df}
        rare = {t for t in found if self.df[t] <= max(2, KEY_DF * self.n)}
        # A rare pair is enough; a rare single syllable counts when no pair of the topic is rare.
        pairs = {t for t in rare if "_" in t}
        return pairs or rare

    def holding(self, topic: str) -> set[str] | None:
        """The items that hold one of the topic's key terms (the only ones that can be members);
        None when the topic has no key term."""
        keys = self.key_terms(topic)
        return set().union(*(self._holders.get(t, ()) for t in keys)) if keys else None

    def scores(self, topic: str, indices=None) -> np.ndarray:
        """The topic score (0–1) of every item, or of the items at `indices`."""
        indices = np.arange(len(self.iris)) if indices is None else np.asarray(indices, dtype=int)
        wanted = {t for t in terms(topic) if t in self.idf}
        lexical = np.array([term_share(wanted, self.term_sets[i], self.idf) for i in indices]) if wanted \
            else np.zeros(len(indices))
        r = self.retriever
        # The embedder reads Vietnamese typed without diacritics poorly: such a topic is judged
        # by its words alone.
        if r.vectors is not None and r._query_vector is not None and has_diacritics(topic) and len(indices):
            cos = r.vectors[indices] @ r._query_vector(expand_abbreviations(topic))
            lo, hi = DENSE_RANGE
            return 0.5 * lexical + 0.5 * np.clip((cos - lo) / (hi - lo), 0.0, 1.0)
        return lexical

    def score(self, topic: str, iri: str) -> float:
        """The topic score of one item (0 for an item not indexed)."""
        return float(self.scores(topic, [self.position[iri]])[0]) if iri in self.position else 0.0

    def members(self, topic: str, candidates=None, threshold: float | None = None) -> dict[str, float]:
        """Items about the topic (IRI → score), among `candidates` when given."""
        if not topic.strip():
            return {}
        if threshold is None:
            threshold = THRESHOLD if has_diacritics(topic) else THRESHOLD_FOLDED
        keys = self.key_terms(topic)
        pool = [self.position[c] for c in (self.iris if candidates is None else candidates) if c in self.position]
        if keys:
            pool = [i for i in pool if keys & self.term_sets[i]]
        scores = self.scores(topic, pool)
        return {self.iris[i]: float(s) for i, s in zip(pool, scores) if s >= threshold}
