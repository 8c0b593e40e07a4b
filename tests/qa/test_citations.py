"""Answers cite the plan, not the file: "KH 11252/KH-UBND (Khánh Hòa), dòng 312", with the page
for a PDF and the OCR confidence for a scan. Every citation in the prose is the citation of one of
the answer's items (so the web app can link it), and the file name stays in `source.document`."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.pipeline import DocumentReader
from kg.service import KnowledgeGraph
from qa.phrasing import plan_reference, write_citation
from qa.catalog import CatalogDocument

DAK_LAK_PDF, QUANG_TRI_DOCX = "ke_hoach_dak_lak_2024.pdf", "ke_hoach_quang_tri_2024.docx"  # conftest's office_plans
QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"
CITATION = re.compile(r"\[([^\[\]]*?, dòng \d+(?: \(bản quét, độ tin cậy \d+%\))?)\]")
FILE_NAME = re.compile(r"\w\.(?:txt|md|pdf|docx|doc)\b")
HELDOUT = Path(__file__).with_name("heldout.json")


@pytest.mark.parametrize("plan, line, page, confidence, expected", [
    ("KH 11252/KH-UBND (Khánh Hòa)", 312, None, None, "KH 11252/KH-UBND (Khánh Hòa), dòng 312"),
    ("KH 86/KH-UBND (Đắk Lắk)", 12, 3, None, "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 12"),
    ("KH 86/KH-UBND (Đắk Lắk)", 12, 3, 0.87, "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 12 (bản quét, độ tin cậy 87%)"),
    ("Kế hoạch (Ninh Bình)", 47, None, 0.624, "Kế hoạch (Ninh Bình), dòng 47 (bản quét, độ tin cậy 62%)"),
])
def test_write_citation(plan, line, page, confidence, expected):
    assert write_citation(plan, line, page, confidence) == expected


def _plan(label: str, province: str | None, number: str | None = None) -> CatalogDocument:
    return CatalogDocument(iri="urn:x", id_local=number, label=label, type_label="Kế hoạch", date=None, issuer=None,
                           issuing_body=None, scope="local", province=province, is_plan=True, plan_file="x.txt",
                           type_code="KH")


@pytest.mark.parametrize("plan, expected", [
    (_plan("Kế hoạch", "Lào Cai", "77/KH-UBND"), "KH 77/KH-UBND (Lào Cai)"),
    (_plan("Kế hoạch chuyển đổi số tỉnh Ninh Bình", "Ninh Bình"), "Kế hoạch (Ninh Bình)"),  # the reader's stand-in
    (_plan("KẾ HOẠCH NÂNG CAO CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI) TỈNH KHÁNH HÒA NĂM 2023", "Khánh Hòa"),
     "Kế hoạch nâng cao chỉ số chuyển đổi số (Khánh Hòa)"),
    (_plan("Kế hoạch Ứng dụng công nghệ thông tin thành phố Hải Phòng năm 2024", "Hải Phòng"),
     "Kế hoạch ứng dụng công nghệ thông tin (Hải Phòng)"),
    (_plan("Kế hoạch (x.txt)", None), "Kế hoạch (x.txt)"),
    (None, "Kế hoạch (x.txt)"),
])
def test_plan_reference(plan, expected):
    assert plan_reference(plan, "x.txt") == expected


@pytest.mark.parametrize("file, name", [
    ("000_b6c86109a8f1a47b.txt", "Kế hoạch (Ninh Bình)"),
    ("001_d97555f28587097e.txt", "KH 11252/KH-UBND (Khánh Hòa)"),
    ("002_ff9fd696b770e550.txt", "Kế hoạch (Ninh Thuận)"),
    ("003_e6efca7b13e2a130.txt", "Kế hoạch hoạt động của Ban chỉ đạo chuyển đổi số (Bắc Giang)"),
    ("004_85549b70ab301922.txt", "Kế hoạch kiểm tra kết quả thực hiện nhiệm vụ… (Thanh Hóa)"),
    (DAK_LAK_PDF, "KH 86/KH-UBND (Đắk Lắk)"),
    (QUANG_TRI_DOCX, "KH 45/KH-UBND (Quảng Trị)"),
])
def test_the_loaded_plans_are_named_by_number_or_title(office_engine, file, name):
    assert plan_reference(office_engine.catalog.plan_of_file(file), file) == name


def test_an_answer_cites_plan_page_and_line(office_engine):
    out = office_engine.ask(QUESTION)
    items = {i["source"]["document"]: i for i in out["items"] if not i["via_group"]}
    pdf, docx = items[DAK_LAK_PDF], items[QUANG_TRI_DOCX]
    assert pdf["label"] == "Tỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử đạt 100%"
    assert (pdf["source"]["page"], pdf["source"]["line"]) == (3, 13)
    assert pdf["source"]["citation"] == "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13"
    assert pdf["source"]["text"] == office_engine.kg.converted_text(DAK_LAK_PDF)["lines"][12]
    assert (docx["source"]["page"], docx["source"]["line"]) == (None, 9)
    assert docx["source"]["citation"] == "KH 45/KH-UBND (Quảng Trị), dòng 9"
    for cited in ("[KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13]", "[KH 45/KH-UBND (Quảng Trị), dòng 9]",
                  "[Kế hoạch (Ninh Bình), dòng 66]",
                  "[Kế hoạch hoạt động của Ban chỉ đạo chuyển đổi số (Bắc Giang), dòng 394]"):
        assert cited in out["answer"]
    assert not FILE_NAME.search(out["answer"]), out["answer"]


def test_a_cited_document_line_has_its_page(office_engine):
    out = office_engine.ask("Quyết định 922/QĐ-BTTTT được viện dẫn bởi những tỉnh nào?")
    (dak_lak,) = [i for i in out["items"] if i["province"] == "Đắk Lắk"]
    assert dak_lak["source"] == {
        "document": DAK_LAK_PDF, "line": 6, "page": 1, "citation": "KH 86/KH-UBND (Đắk Lắk), trang 1, dòng 6",
        "text": "Căn cứ Quyết định số 922/QĐ-BTTTT ngày 20/5/2022 của Bộ Thông tin và Truyền thông;"}
    assert "[KH 86/KH-UBND (Đắk Lắk), trang 1, dòng 6]" in out["answer"]
    info = office_engine.ask("Quyết định 922/QĐ-BTTTT ban hành ngày nào?")["answer"]
    assert "KH 86/KH-UBND (Đắk Lắk)" in info and not FILE_NAME.search(info), info


def test_every_citation_in_the_prose_is_an_items_source(office_engine, shared_qa):
    questions = [q["q"] for q in json.loads((shared_qa / "dev.json").read_text(encoding="utf-8"))]
    questions += [q["q"] for q in json.loads(HELDOUT.read_text(encoding="utf-8"))]
    questions += [QUESTION, "Sở Công Thương ở Quảng Trị chủ trì những chỉ tiêu nào?",
                  "Những chỉ tiêu nào của Đắk Lắk phải hoàn thành trong Quý IV?",
                  "Các chỉ tiêu của Đắk Lắk", "Đoàn kiểm tra số 1 ở Thanh Hóa do cơ quan nào làm trưởng đoàn?"]
    cited = 0
    for question in questions:
        out = office_engine.ask(question)
        sources = {i["source"]["citation"] for i in out["items"] if i["source"]}
        for citation in CITATION.findall(out["answer"]):
            assert citation in sources, (question, citation)
            cited += 1
        assert not FILE_NAME.search(out["answer"]), (question, out["answer"])
    assert cited > 100


def test_a_scanned_line_is_cited_with_its_confidence(tmp_path, office_plans, embedder):
    from qa.engine import QAEngine
    from qa.index import build_index
    doc = DocumentReader().read_path(office_plans[DAK_LAK_PDF])
    confidence = tuple(0.87 if n == 13 else 0.95 for n in range(1, len(doc.source.lines) + 1))
    scan = replace(doc, source=replace(doc.source, ocr_confidence=confidence, converter="tesseract 5.3.0"))
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        graph.ingest_extraction(scan, office_plans[DAK_LAK_PDF].read_bytes())
        build_index(graph, embedder)
        out = QAEngine(graph, embedder=embedder).ask(QUESTION)
        (item,) = [i for i in out["items"] if not i["via_group"]]
        assert item["source"]["citation"] == "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13 (bản quét, độ tin cậy 87%)"
        assert f"[{item['source']['citation']}]" in out["answer"]
    finally:
        graph.close()
