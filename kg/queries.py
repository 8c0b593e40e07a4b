"""Prepared SPARQL templates from `kg/queries/*.rq`, read once; values go in as bindings."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@lru_cache(maxsize=None)
def query(name: str) -> str:
    """The text of a prepared query by file stem ("stats_items")."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"[K010] no prepared query named {name!r}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))
