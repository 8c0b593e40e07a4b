"""Part-of-speech help from underthesea (offline model), loaded on first use.

Used only where the lexicon cannot tell where an agency's name ends and the task
begins ("… phối hợp với Hội Nông dân tỉnh hướng dẫn nông dân …")."""
from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()  # underthesea loads its model lazily and is not thread-safe


@lru_cache(maxsize=4096)
def _tags(text: str) -> tuple[tuple[str, str], ...]:
    with _lock:
        try:
            from underthesea import pos_tag
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ImportError("Cần cài underthesea: pip install underthesea") from exc
        return tuple(pos_tag(text))


def first_verb_index(words: list[str], skip: int = 2) -> int | None:
    """Index of the first word (at `skip` or later) that starts a lowercase verb, or None."""
    if len(words) <= skip:
        return None
    index = 0
    for token, tag in _tags(" ".join(words)):
        size = len(token.split())
        if index >= skip and tag == "V" and token[:1].islower():
            return index
        index += size
    return None


def warm_up() -> None:
    """Load the tagger now (a 3 s import of underthesea) rather than inside the first read."""
    _tags("Sở Y tế chủ trì")
