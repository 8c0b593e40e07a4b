"""The one text-folding function every stage uses (ingest, kg, qa, ui): Vietnamese
text compared without case, diacritics or spacing."""
from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lowercase, strip Vietnamese diacritics (đ → d), collapse whitespace."""
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return " ".join(text.split())


def fold_key(text: str) -> str:
    """A spelling-insensitive key: folded, only letters and digits, the word 'và' dropped."""
    words = re.findall(r"[a-z0-9]+", fold(text.replace("&", " ")))
    return "".join(w for w in words if w != "va")


def fold_aligned(text: str) -> str:
    """Fold character by character, keeping every offset of `text` ("Sở" → "so"): for finding
    a folded phrase and cutting the original at the same place."""
    out = []
    for c in text or "":
        if c.isspace():
            out.append(" ")
            continue
        base = unicodedata.normalize("NFD", c)[0]
        out.append("d" if c in "đĐ" else (base.lower()[:1] or c))
    return "".join(out)
