"""The example SPARQL queries of docs/ontology.md run and return what they promise, over the
seed plans and the two office-format plans (a PDF and a Word document) built by conftest."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "ontology.md"
QUERIES = re.findall(r"### (.+?)\n\n(?:[^#`][^\n]*\n)*\n?```sparql\n(.+?)```", DOC.read_text(encoding="utf-8"), re.S)
EXPECT = {  # title → (column, values that must appear)
    "Who leads what": ("province", {"Ninh Bình"}),
    "What grounds an indicator": ("text", {"Tỷ lệ doanh nghiệp có phát sinh thuế chuyển đổi số."}),
    "Deadlines in a quarter": ("raw", {"Quý IV", "Tháng 11/2023"}),
    "The same indicator across provinces": ("province", {"Ninh Bình", "Bắc Giang", "Thanh Hóa"}),
    "Agencies of a province": ("label", {"Sở Nội vụ", "Cục Thuế tỉnh"}),
    "Which provinces cite": ("province", {"Khánh Hòa", "Ninh Thuận"}),
    "Media type and converter": ("mediaType", {
        "text/plain", "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    "Lines read from page 3": ("text", {"Tỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử đạt 100%"}),
    "What Sở Khoa học và Công nghệ of Khánh Hòa inherited": ("province", {"Khánh Hòa", "Ninh Thuận"}),
}


def test_there_are_at_least_five_examples():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("title,text", QUERIES, ids=[t for t, _ in QUERIES])
def test_example_query(title, text, office_engine):
    rows = office_engine.kg.store.select(text)
    key = next(k for k in EXPECT if title.startswith(k))
    column, wanted = EXPECT[key]
    assert wanted <= {str(r[column]) for r in rows}
