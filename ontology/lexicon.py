"""The phrases readers and the question parser match, read from the SKOS code lists.

No parser keeps its own table of column headers or role phrases: they are the labels of
`codelists.ttl`, folded once here (`ontology.folding`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import codelists
from .folding import fold


def _words(text: str) -> str:
    """Folded text reduced to words separated by single spaces (punctuation dropped)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


@lru_cache(maxsize=1)
def _column_labels() -> tuple[tuple[str, str, bool], ...]:
    """(notation, folded label, whole-match) of the column code list, in rank order."""
    out = []
    for concept in codelists.columns():
        for label in (concept.label, *concept.alt_labels):
            out.append((concept.notation, _words(label), concept.match_whole))
    return tuple(out)


@lru_cache(maxsize=8192)
def column_role(header: str) -> str | None:
    """What a table column holds, from its header text ("Đơn vị phối hợp thực hiện" →
    "coordinate"); None when the header means nothing the code list knows."""
    words = _words(header.replace("*", " "))
    if not words:
        return None
    padded = f" {words} "
    for notation, label, whole in _column_labels():
        if (words == label) if whole else (f" {label} " in padded):
            return notation
    return None


@lru_cache(maxsize=1)
def role_cues() -> tuple[tuple[str, str], ...]:
    """(folded cue, role notation) for prose assignments, longest cue first
    ("là đơn vị đầu mối" → lead, "phối hợp với" → coordinate)."""
    cues = {}
    for concept in codelists.roles():
        for label in concept.hidden_labels:
            cues.setdefault(_words(label), concept.notation)
    return tuple(sorted(cues.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def question_role_cues() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(folded phrase, roles asked for, weak) for questions, longest phrase first.

    A role is asked for by its labels and its `dti:askedAs` phrases; a phrase under several
    roles asks for all of them, the scheme's phrases for every role. A phrase that starts a
    longer label of another role asks for that role too ("chủ trì" also asks for "chủ trì
    tổng hợp"). Weak phrases (`dti:askedAsWeak`) count only when nothing stronger is asked.
    """
    concepts = codelists.roles()
    labels = {c.notation: [_words(label) for label in (c.label, *c.alt_labels)] for c in concepts}
    strong: dict[str, set[str]] = {}
    weak: dict[str, set[str]] = {}
    for c in concepts:
        weak_phrases = {_words(p) for p in c.asked_as_weak}
        for phrase in {*labels[c.notation], *(_words(p) for p in c.asked_as)} - weak_phrases:
            strong.setdefault(phrase, set()).add(c.notation)
        for phrase in weak_phrases:
            weak.setdefault(phrase, set()).add(c.notation)
    for phrase in (_words(p) for p in codelists.scheme_asked_as("role")):
        strong.setdefault(phrase, set()).update(c.notation for c in concepts)
    for phrase, roles in strong.items():
        for notation, own in labels.items():
            if any(label.startswith(phrase + " ") for label in own):
                roles.add(notation)
    order = [c.notation for c in concepts]
    out = [(p, tuple(sorted(rs, key=order.index)), False) for p, rs in strong.items()]
    out += [(p, tuple(sorted(rs, key=order.index)), True) for p, rs in weak.items() if p not in strong]
    return tuple(sorted(out, key=lambda x: (-len(x[0]), x[0])))


@lru_cache(maxsize=None)
def role_group(label: str) -> tuple[str, ...]:
    """The roles a role's label asks for, as questions read it: "chủ trì" → lead, and the
    "chủ trì theo dõi, đánh giá" and "chủ trì tổng hợp" that start with it. Answers and the
    responsibility matrix count by the same groups."""
    key = _words(label)
    return next((roles for phrase, roles, weak in question_role_cues() if phrase == key and not weak), ())


def question_phrases(notation: str) -> str:
    """A regular-expression alternation of the folded phrases of one concept of the question
    code list ("agency": "co quan nao|don vi nao|…|ai"), longest first (folded words are
    letters, digits and single spaces: nothing to escape)."""
    concept = next((c for c in codelists.questions() if c.notation == notation), None)
    if concept is None:
        raise ValueError(f"[O002] unknown question code {notation!r}")
    phrases = {_words(p) for p in concept.asked_as} - {""}
    return "|".join(sorted(phrases, key=lambda p: (-len(p), p)))


def question_phrases_accented(notation: str) -> str:
    """The same phrases as `question_phrases`, lowercased with their diacritics: for a question
    typed with diacritics, "chuyển đổi số nào" does not hold "sở nào" though both fold alike."""
    concept = next((c for c in codelists.questions() if c.notation == notation), None)
    if concept is None:
        raise ValueError(f"[O002] unknown question code {notation!r}")
    phrases = {" ".join(re.findall(r"\w+", nfc_lower(p))) for p in concept.asked_as} - {""}
    return "|".join(sorted(phrases, key=lambda p: (-len(p), p)))


def nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


_NAME = "{Tên}"  # in a head label: a capitalised word must follow


def _alternation(labels) -> str:
    def one(label: str) -> str:
        needs_name = label.endswith(_NAME)
        body = re.escape(label.removesuffix(_NAME).strip()).replace(r"\ ", r"\s+")
        return body + (r"(?=\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝ])" if needs_name else "")
    return "|".join(one(l) for l in sorted(set(labels), key=len, reverse=True))


@lru_cache(maxsize=1)
def agency_head_pattern() -> re.Pattern:
    """Where an agency or group name opens ("Sở", "Ban Quản lý" but not "ban hành", "các Sở"):
    the agency-head code list, each label matched as a whole word; `dti:matchWhole` labels
    with their case as written, the others in either case."""
    exact, any_case = [], []
    for concept in codelists.agency_heads():
        for label in (concept.label, *concept.alt_labels):
            (exact if concept.match_whole else any_case).append(label)
    parts = []
    if exact:
        parts.append(rf"(?:{_alternation(exact)})")
    if any_case:
        parts.append(rf"(?i:{_alternation(any_case)})")
    return re.compile(rf"^(?:[Cc]ác\s+)?(?:{'|'.join(parts)})(?![\w])")


@lru_cache(maxsize=1)
def holder_pattern() -> re.Pattern:
    """A role holder's title before an agency ("Giám đốc Sở Y tế", "Phó Chủ tịch UBND …")."""
    labels = [l for c in codelists.holders() for l in (c.label, *c.alt_labels)]
    return re.compile(rf"^(?i:{_alternation(labels)})\s+")
