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

import numpy as np

from ontology.folding import fold

from .normalize import expand_abbreviations, has_diacritics
from .retriever import HybridRetriever

THRESHOLD = 0.65  # topics with diacritics: lexical and dense halves
THRESHOLD_FOLDED = 0.70  # topics typed without diacritics: lexical share alone
DENSE_RANGE = (0.78, 0.92)  # e5-small cosines: below the first nothing is related, above the second all is
KEY_DF = 0.02  # a term in at most this share of the items is a key term of a topic that names it
_FILLER = {"cua", "va", "cho", "cac", "nhung", "trong", "ve", "voi", "tai", "theo", "duoc", "la", "co", "de", "tren",
           "tu", "den", "so", "tinh", "nam", "dat", "ty", "le", "ti", "luong", "muc", "viec"}


def terms(text: str) -> set[str]:
    """Folded syllables (fillers dropped) and syllable pairs of a text, abbreviations expanded;
    pairs are made within a run of words, not across punctuation."""
    out: set[str] = set()
    for run in re.split(r"[,;:()·|\[\]]", fold(expand_abbreviations(text))):
        syl = re.findall(r"[a-z0-9]+", run)
        out |= {s for s in syl if s not in _FILLER and not s.isdigit()}
        out |= {f"{a}_{b}" for a, b in zip(syl, syl[1:]) if not (a.isdigit() or b.isdigit())}
    return out


class TopicMatcher:
    """Absolute topic scores over the retriever's items."""

    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever
        self.iris = retriever.iris
        self.position = {iri: i for i, iri in enumerate(self.iris)}
        self.term_sets = [terms(t) for t in retriever.texts]
        df = Counter(t for ts in self.term_sets for t in ts)
        n = max(len(self.term_sets), 1)
        self.n = n
        self.df = df
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}

    def key_terms(self, topic: str) -> set[str]:
        """The topic's terms rare in the plans (but present): an item must hold one of them."""
        found = {t for t in terms(topic) if t in self.df}
        rare = {t for t in found if self.df[t] <= max(2, KEY_DF * self.n)}
        # A rare pair is enough; a rare single syllable counts when no pair of the topic is rare.
        pairs = {t for t in rare if "_" in t}
        return pairs or rare

    def scores(self, topic: str) -> np.ndarray:
        """The topic score of every item (0–1)."""
        wanted = {t for t in terms(topic) if t in self.idf}
        n = len(self.iris)
        lexical = np.zeros(n)
        if wanted:
            total = sum(self.idf[t] for t in wanted)
            lexical = np.array([sum(self.idf[t] for t in wanted & ts) / total for ts in self.term_sets])
        dense = np.zeros(n)
        r = self.retriever
        # The embedder reads Vietnamese typed without diacritics poorly: such a topic is judged
        # by its words alone.
        if r.vectors is not None and r._query_vector is not None and has_diacritics(topic):
            cos = r.vectors @ r._query_vector(expand_abbreviations(topic))
            lo, hi = DENSE_RANGE
            dense = np.clip((cos - lo) / (hi - lo), 0.0, 1.0)
            return 0.5 * lexical + 0.5 * dense
        return lexical

    def members(self, topic: str, candidates=None, threshold: float | None = None) -> dict[str, float]:
        """Items about the topic (IRI → score), among `candidates` when given."""
        if not topic.strip():
            return {}
        if threshold is None:
            threshold = THRESHOLD if has_diacritics(topic) else THRESHOLD_FOLDED
        scores = self.scores(topic)
        keys = self.key_terms(topic)
        pool = self.iris if candidates is None else [c for c in candidates if c in self.position]
        out = {}
        for iri in pool:
            i = self.position[iri]
            if scores[i] < threshold:
                continue
            if keys and not keys & self.term_sets[i]:
                continue
            out[iri] = float(scores[i])
        return out
