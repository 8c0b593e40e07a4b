"""The development plans as they are published (DOCX, PDF, a scan the test makes of the PDF)
answer their questions as well as their text renderings do (../shared/dev-docs/questions.json,
scored like ../shared/qa/score.py)."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest


def _scan(pdf: Path, folder: Path, dpi: int = 200) -> bytes:
    """An image-only PDF: the pages rendered by pdftoppm and put back together, as a scanner gives them."""
    from PIL import Image
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "trang")], check=True, timeout=120)
    pages = [Image.open(p).convert("L") for p in sorted(folder.glob("trang-*.png"))]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


def _mean_f1(tmp_path, embedder, scorer, questions, name: str, data: bytes) -> float:
    from kg.service import KnowledgeGraph
    from qa.engine import QAEngine
    from qa.index import build_index
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    (folder / name).write_bytes(data)
    graph = KnowledgeGraph(folder / "store")
    try:
        [outcome] = graph.ingest([folder / name])
        assert outcome.ok, outcome.message
        build_index(graph, embedder)
        engine = QAEngine(graph, embedder=embedder)
        scores = [scorer.score_one(q, engine.ask(q["q"]))[0] for q in questions]
    finally:
        graph.close()
    return sum(scores) / len(scores)


@pytest.mark.slow
@pytest.mark.parametrize("prefix, original, rendering", [
    ("pt", "phu_tho_2024.docx", "web/phu_tho_2024_web.txt"),
    ("bd", "binh_dinh_2024.pdf", "web/binh_dinh_2024_web.txt"),
])
def test_office_files_answer_like_their_text_renderings(prefix, original, rendering, shared_dev_docs, tmp_path,
                                                        embedder, scorer, reliability_log):
    import json
    questions = [q for q in json.loads((shared_dev_docs / "questions.json").read_text(encoding="utf-8"))
                 if q["id"].startswith(prefix)]
    office = _mean_f1(tmp_path, embedder, scorer, questions, original, (shared_dev_docs / original).read_bytes())
    text = _mean_f1(tmp_path, embedder, scorer, questions, Path(rendering).name,
                    (shared_dev_docs / rendering).read_bytes())
    reliability_log.append({"group": "Định dạng văn bản", "case": f"{original} / {Path(rendering).name}",
                            "outcome": f"F1 {office:.3f} / {text:.3f}"})
    assert office >= 0.95 and abs(office - text) <= 0.02, (office, text)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None or shutil.which("pdftoppm") is None,
                    reason="needs Debian tesseract-ocr, tesseract-ocr-vie and poppler-utils (make test installs them)")
def test_a_scan_of_the_pdf_plan_answers_through_ocr(shared_dev_docs, tmp_path, embedder, scorer, reliability_log):
    import json
    questions = [q for q in json.loads((shared_dev_docs / "questions.json").read_text(encoding="utf-8"))
                 if q["id"].startswith("bd")]
    pages = tmp_path / "pages"
    pages.mkdir()
    scan = _scan(shared_dev_docs / "binh_dinh_2024.pdf", pages)
    score = _mean_f1(tmp_path, embedder, scorer, questions, "binh_dinh_2024_scan.pdf", scan)
    reliability_log.append({"group": "Định dạng văn bản", "case": "binh_dinh_2024.pdf quét (OCR)",
                            "outcome": f"F1 {score:.3f}"})
    assert score >= 0.85, score
