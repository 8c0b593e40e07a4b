"""Approximate linking of catalogue names (agencies, provinces) inside a question.

The parser links exact, accent-folded names; `FuzzyLinker` finds misspelt ones ("so thon tin
truyen thong", "ninh bih", "ubnd tinh bac gang") and says whether one entry is clearly the
closest or the question must ask which one was meant ("Ý bạn là …?").
"""
from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ontology.folding import fold

# Words a writer leaves out without changing the name (ontology.folding.fold_key drops it too).
OMISSIBLE_WORDS = frozenset({"va"})
# A word in this share of the keys (and in three at least) is common: 'sở', 'tỉnh'.
COMMON_SHARE = 0.2
MAX_CANDIDATES = 5
# Function words of questions, folded: read as typed (see `FuzzyLinker`), like catalogue words.
FUNCTION_WORDS = frozenset(
    "ai bao can cac cho co cua da dang dau de do duoc gi hay hoac khi khong la ma may moi mot "
    "nam nao nay ngay nen nhieu nhung phai se so tai thang thi theo trong tu ve voi".split())


def label_words(text: str) -> tuple[str, ...]:
    """Folded words of a label or question, exactly as qa.parser.norm splits them."""
    return tuple(re.findall(r"[a-z0-9]+", fold(text.replace("&", " "))))


def typos_allowed(word: str) -> int:
    """Letter edits (insert, delete, substitute, swap) a catalogue word may show and still match:
    none in one- and two-letter words or numbers, one up to six letters, two beyond."""
    return 0 if len(word) <= 2 or not word.isalpha() else 1 if len(word) <= 6 else 2


@dataclass(frozen=True)
class Link:
    """A catalogue key found at question words [start, end): its 0..100 similarity and the
    letter edits (insert, delete, substitute, swap) between the two, both without dropped words."""

    key: str
    value: Hashable
    start: int
    end: int
    score: float
    edits: int


@dataclass(frozen=True)
class Linked:
    """One place in the question and the entries it may name, best first: one entry when it is
    clearly the closest (`best`), several close ones when the question must ask which."""

    candidates: tuple[Link, ...]

    @property
    def best(self) -> Link | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


@dataclass(frozen=True)
class _Key:
    words: tuple[str, ...]
    value: Hashable
    core: tuple[str, ...]  # the words compared: one of each common word and 'và' dropped
    dropped: frozenset[str]


class FuzzyLinker:
    """Finds misspelt catalogue names in a tokenised question.

    A key is a candidate where question words match its head (first) word and every other word
    of its core (the key without 'và' and without one of each word common to a fifth or more of
    the keys, so 'Sở Tài chính Ninh Bình' finds 'Sở Tài chính tỉnh Ninh Bình'), each within
    `typos_allowed` edits. A question word that is a known word (a catalogue word, a function
    word or one of `known_words`, e.g. the caller's other catalogues) is read as typed, never as
    a misspelt name word of four letters or fewer: one edit in so few letters is too often
    another real word ('công an' is not 'Long An', 'lao động' not 'Lâm Đồng', 'các bảng' not
    'Cao Bằng'); only a name of three or more core words may show one such word.

    A span must score `min_score` (fuzz.ratio of the cores); overlapping spans compete by letter
    edits, and an entry `margin` edits ahead of every other is the clear winner.
    """

    def __init__(self, entries: Iterable[tuple[str, Hashable]], *, min_score: float = 80.0,
                 margin: int = 1, known_words: Iterable[str] = ()):
        if not 0 < min_score <= 100:
            raise ValueError(f"min_score must be within (0, 100], got {min_score!r}")
        if not (isinstance(margin, int) and margin >= 1):
            raise ValueError(f"margin must be a whole number of letter edits, at least 1, got {margin!r}")
        self.min_score, self.margin = min_score, margin
        self._entries = tuple(dict.fromkeys((label_words(label), value) for label, value in entries))
        self._known_words = FUNCTION_WORDS.union(*(label_words(w) for w in known_words))
        self._keys: list[_Key] | None = None

    def warm_up(self) -> None:
        """Index the keys by their core words (done once, on first use if not before)."""
        if self._keys is not None:
            return
        keys = {words for words, _ in self._entries if words}
        df = Counter(w for words in keys for w in set(words))
        common = OMISSIBLE_WORDS | {w for w, n in df.items() if n >= max(3, COMMON_SHARE * len(keys))}
        indexed, by_word = [], defaultdict(list)
        for words, value in self._entries:
            if not words or (len(words) == 1 and len(words[0]) <= 3):
                continue  # one short word ("STC", "CAT"): exact matching only
            dropped, core = frozenset(words[1:]) & common, list(words)
            for w in dropped:  # only one of each: a second is a name word ('tỉnh Hà Tĩnh')
                del core[core.index(w, 1)]
            for w in set(core):
                by_word[w].append(len(indexed))
            indexed.append(_Key(words, value, tuple(core), dropped))
        self._vocabulary = sorted({w for key in indexed for w in key.words})
        self._known = self._known_words.union(*keys)
        self._by_word, self._keys = dict(by_word), indexed  # last: a thread that sees _keys sees all

    def link(self, tokens: Sequence[str], taken: Iterable[int] = ()) -> list[Linked]:
        """The places in `tokens` (folded question words) that name catalogue entries, in
        question order; words at `taken` positions (already linked exactly) are skipped."""
        self.warm_up()
        taken = set(taken)
        hits: dict[str, set[int]] = defaultdict(set)  # catalogue word -> question positions
        firm: set[str] = set()  # catalogue words matched by a question word not read as typed
        for i, token in enumerate(tokens):
            if i in taken:
                continue
            for word, edits, _ in process.extract(token, self._vocabulary, scorer=OSA.distance,
                                                  score_cutoff=2, limit=None):
                if edits <= typos_allowed(word):
                    hits[word].add(i)
                    if not (edits and len(word) <= 4 and token in self._known):
                        firm.add(word)
        links = []
        for k, n in Counter(k for w in hits for k in self._by_word.get(w, ())).items():
            key = self._keys[k]
            required = set(key.core)
            weak = len(required - firm)
            if n == len(required) and (weak == 0 or (weak == 1 and len(required) >= 3)):
                links += self._spans(tokens, taken, key, hits)
        return self._group(links)

    def _spans(self, tokens, taken, key: _Key, hits) -> list[Link]:
        """Runs of question words that each match a word of the key, of about its length, with
        a word of their own for every core word and scoring at least `min_score`."""
        matched = set().union(*(hits[w] for w in key.words if w in hits)) - taken
        out = []
        for start, last in itertools.combinations_with_replacement(sorted(matched), 2):
            span = set(range(start, last + 1))
            if not (max(1, len(key.words) - 2) <= len(span) <= len(key.words) + 1 and span <= matched) \
                    or (len(span) == 1 and len(tokens[start]) <= 3):
                continue
            covering = [hits[w] & span for w in set(key.core)]
            if all(covering) and len(set().union(*covering)) >= len(key.core):
                edits, score = self._compare(tokens[start:last + 1], key)
                if score >= self.min_score:
                    out.append(Link(" ".join(key.words), key.value, start, last + 1, round(score, 1), edits))
        return out

    @staticmethod
    def _compare(span: Sequence[str], key: _Key) -> tuple[int, float]:
        """Letter edits and ratio of the span against the key's core, the span without the
        words the key dropped (or one more of them: 'tỉnh Hà Tĩnh' typed 'tỉnh Hà Tíh')."""
        span, core = list(span), " ".join(key.core)
        for w in key.dropped:
            while span.count(w) > key.core.count(w):
                span.remove(w)
        variants = [span] + [span[:span.index(w)] + span[span.index(w) + 1:] for w in key.dropped if w in span]
        return min(((OSA.distance(text, core), fuzz.ratio(text, core)) for text in map(" ".join, variants)),
                   key=lambda found: (found[0], -found[1]))

    def _group(self, links: list[Link]) -> list[Linked]:
        """Overlapping links compete. One inside a longer link of another entry is dropped if
        that one spends at most an edit per extra word (the longer name explains them); of the
        rest, the link with fewest edits and the best of every entry within `margin` edits of it
        are the candidates."""
        def explained(inner: Link, outer: Link) -> bool:
            extra = (outer.end - outer.start) - (inner.end - inner.start)
            return (outer.value != inner.value and outer.start <= inner.start and inner.end <= outer.end
                    and extra > 0 and outer.edits - inner.edits <= extra)

        links = sorted((l for l in links if not any(explained(l, o) for o in links)),
                       key=lambda l: (l.edits, -l.score, l.start, l.key))
        out = []
        while links:
            top, close = links[0], {}
            for l in links:
                if l.start < top.end and top.start < l.end and l.edits - top.edits < self.margin:
                    close.setdefault(l.value, l)
            out.append(Linked(tuple(close.values())[:MAX_CANDIDATES]))
            links = [l for l in links if not (l.start < top.end and top.start < l.end)]
        return sorted(out, key=lambda linked: linked.candidates[0].start)
