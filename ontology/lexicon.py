"""The phrases readers and the question parser match, read from the SKOS code lists.

No parser keeps its own table of column headers or role phrases: they are the labels of
`codelists.ttl`, folded once here (`ontology.folding`).
"""
from __future__ import annotations

import re
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
