"""Question text on the way in: NFC, folding, abbreviations, tokens for BM25."""
from __future__ import annotations

import re
import threading
import unicodedata

from ontology.folding import fold

# Abbreviations officials type, expanded for matching and retrieval.
ABBREVIATIONS = {
    "dvctt": "dịch vụ công trực tuyến", "dvc": "dịch vụ công", "tthc": "thủ tục hành chính",
    "csdl": "cơ sở dữ liệu", "attt": "an toàn thông tin", "cds": "chuyển đổi số",
    "cqnn": "cơ quan nhà nước", "cntt": "công nghệ thông tin", "tmđt": "thương mại điện tử",
    "tmdt": "thương mại điện tử", "dnnvv": "doanh nghiệp nhỏ và vừa", "hssk": "hồ sơ sức khỏe",
    "ubnd": "ủy ban nhân dân", "cttđt": "cổng thông tin điện tử", "ngsp": "nền tảng",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202f\u2060\ufeff]")


def clean_question(question: object) -> str:
    """Any input → a bounded NFC string without control characters."""
    text = question if isinstance(question, str) else ("" if question is None else str(question))
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:2000]


def expand_abbreviations(text: str) -> str:
    def repl(m: re.Match) -> str:
        return ABBREVIATIONS.get(m.group(0).lower(), m.group(0))
    return re.sub(r"\b[A-Za-zĐđ]{3,6}\b", repl, text)


def has_diacritics(text: str) -> bool:
    return fold(text) != " ".join(text.lower().split())


def syllables(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text.replace("_", " ")))


_segmenter = None
_segmenter_lock = threading.Lock()  # underthesea loads its model lazily and is not thread-safe


def segment(text: str) -> list[str]:
    """underthesea word segmentation (compound words joined by '_'), loaded on first use."""
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            try:
                from underthesea import word_tokenize
            except ImportError as exc:  # pragma: no cover - dependency of the project
                raise ImportError("Cần cài underthesea: pip install underthesea") from exc
            _segmenter = word_tokenize
        return [w.replace(" ", "_") for w in _segmenter(text)]


def bm25_tokens(text: str, with_segmentation: bool | None = None) -> list[str]:
    """Folded syllables, folded syllable bigrams, and folded compound words when the text
    has diacritics (underthesea cannot segment text typed without them)."""
    text = expand_abbreviations(text)
    syl = syllables(text)
    tokens = list(syl) + [f"{a}_{b}" for a, b in zip(syl, syl[1:])]
    use_seg = has_diacritics(text) if with_segmentation is None else with_segmentation
    if use_seg:
        for word in segment(text):
            if "_" in word:
                tokens.append("w:" + "_".join(syllables(word)))
    return tokens


def parse_day(text: str) -> "date":
    """A day typed by a user: "2025-07-01", "01/7/2025" or "1-7-2025" (day first). A value that
    is no day raises ValueError with a Vietnamese message quoting it."""
    from datetime import date
    value = (text or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"Ngày “{value}” không hợp lệ: hãy ghi dạng ngày/tháng/năm (01/7/2025) "
                         f"hoặc năm-tháng-ngày (2025-07-01).") from None
