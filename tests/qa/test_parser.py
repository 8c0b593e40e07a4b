"""Question parsing is accent-insensitive and links slots to graph nodes (NFC, NFD and
unaccented forms of the same question give the same slots)."""
from __future__ import annotations

import unicodedata

import pytest

from ontology.folding import fold

CASES = [
    ("Sở Y tế chủ trì những chỉ tiêu nào?", "agency_items", "Sở Y tế", None, {"lead"}),
    ("Giám đốc Sở Công Thương chủ trì theo dõi chỉ tiêu nào ở Bắc Giang?", "agency_items", "Sở Công Thương",
     "Bắc Giang", {"monitor_lead"}),
    ("Sở TT&TT phối hợp bao nhiêu chỉ tiêu ở Ninh Bình?", "agency_items", "Sở Thông tin và Truyền thông",
     "Ninh Bình", {"coordinate"}),
    ("VP UBND hướng dẫn chỉ tiêu nào ở Khánh Hòa?", "agency_items", "Văn phòng UBND tỉnh", "Khánh Hòa", {"guide"}),
    ("Cơ quan nào hướng dẫn chỉ tiêu số lượng tên miền .vn ở Khánh Hòa?", "item_agencies", None, "Khánh Hòa",
     {"guide"}),
    ("Những chỉ tiêu nào của Thanh Hóa phải hoàn thành trong Quý I?", "deadline_items", None, "Thanh Hóa", set()),
]


@pytest.mark.parametrize("form", ["NFC", "NFD", "unaccented"])
@pytest.mark.parametrize("question,intent,agency,province,roles", CASES)
def test_same_slots_in_every_form(engine, question, intent, agency, province, roles, form):
    text = fold(question) if form == "unaccented" else unicodedata.normalize(form, question)
    parsed = engine.parser.parse(text)
    assert parsed.intent == intent
    assert (parsed.agencies[0].label if parsed.agencies else None) == agency
    assert parsed.province == province
    assert roles <= set(parsed.roles)


def test_document_reference_is_linked_whatever_the_spelling(engine):
    for text in ("Quyết định 922/QĐ-BTTTT", "quyet dinh 922/qd-btttt", "QĐ số 922/QĐ- BTTTT"):
        parsed = engine.parser.parse(text + " được viện dẫn bởi những tỉnh nào?")
        assert parsed.documents and parsed.intent == "document_provinces", text
