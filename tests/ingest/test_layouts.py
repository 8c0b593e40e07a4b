"""Layouts are recognised from the content: renaming a file or moving a plan to another
province changes nothing but the province."""
from __future__ import annotations

import pytest

from ingest.pipeline import DocumentReader
from ingest.records import ItemKind

EXPECTED = {  # indicators, sub-items, tasks, duties (of "Tổ chức thực hiện"), info items, teams
    "000_b6c86109a8f1a47b.txt": ("Ninh Bình", 34, 0, 0, 0, 0, 0),
    "001_d97555f28587097e.txt": ("Khánh Hòa", 99, 17, 0, 6, 20, 0),
    "002_ff9fd696b770e550.txt": ("Ninh Thuận", 0, 0, 17, 5, 0, 0),
    "003_e6efca7b13e2a130.txt": ("Bắc Giang", 28, 0, 75, 13, 0, 0),
    "004_85549b70ab301922.txt": ("Thanh Hóa", 53, 1, 0, 5, 0, 3),
}
KINDS = (ItemKind.INDICATOR, ItemKind.SUB_ITEM, ItemKind.TASK, ItemKind.DUTY, ItemKind.INFO_ITEM, ItemKind.TEAM)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_counts(file, extracted):
    doc = extracted[file]
    assert (doc.plan.province, *(doc.count(k) for k in KINDS)) == EXPECTED[file]


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_same_reading_under_another_name_and_province(file, seed_files):
    path = next(p for p in seed_files if p.name == file)
    province = EXPECTED[file][0]
    text = path.read_text(encoding="utf-8").replace(province, "Lào Cai").replace(province.replace("ó", "oá"), "Lào Cai")
    doc = DocumentReader().read("ke-hoach-moi.txt", text.encode("utf-8"))
    assert doc.plan.province == "Lào Cai"
    assert tuple(doc.count(k) for k in KINDS) == EXPECTED[file][1:]


def test_every_item_cites_its_exact_line(extracted, seed_files):
    for path in seed_files:
        lines = path.read_text(encoding="utf-8").split("\n")
        for item in extracted[path.name].items:
            assert lines[item.span.line - 1] == item.span.text
            for span in item.also_spans:
                assert lines[span.line - 1] == span.text


def test_plan_facts(extracted):
    kh = extracted["001_d97555f28587097e.txt"].plan
    assert (kh.number, kh.date.isoformat(), kh.issuer_code) == ("11252/KH-UBND", "2023-10-30", "UBND")
    bg = extracted["003_e6efca7b13e2a130.txt"].plan
    assert bg.number is None and bg.year == 2024  # "Số: /KH-BCĐCĐS": blank number
    nb = extracted["000_b6c86109a8f1a47b.txt"].plan
    assert nb.year == 2023 and nb.province == "Ninh Bình"  # named only inside the text


def test_a_plan_naming_no_province_is_read_with_a_warning():
    text = "Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tThời gian hoàn thành\n1.\tTỷ lệ A đạt 50%\tSở Y tế\tQuý IV\n"
    doc = DocumentReader().read("x.txt", text.encode("utf-8"))
    assert doc.plan.province is None
    assert doc.count(ItemKind.INDICATOR) == 1
    assert any("tỉnh" in w for w in doc.warnings)
