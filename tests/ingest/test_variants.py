"""Layouts the seeds do not show verbatim: other header words, dotted row numbers, bold
Markdown headers, "Cơ quan chủ trì:" task blocks. Read by the same content-based readers."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import DocumentReader

VARIANTS = Path(__file__).with_name("variants")
CASES = {
    "variant_tab_dotted.txt": ("Lào Cai", "120/KH-UBND", [
        ("1.1", "indicator", {("lead", "Văn phòng UBND tỉnh"), ("coordinate", "Các sở, ban, ngành")}, "Quý II/2024", "đạt 60%"),
        ("1.2", "indicator", {("lead", "Sở Thông tin và Truyền thông"),
                              ("coordinate", "UBND các huyện, thị xã, thành phố")}, "Tháng 9/2024", "đạt 80%"),
        ("2.1", "indicator", {("lead", "Sở Kế hoạch và Đầu tư"), ("coordinate", "Cục Thống kê tỉnh")}, "Năm 2024", "đạt 12%"),
    ]),
    "variant_markdown_bold.md": ("Hà Giang", None, [
        ("1", "task", {("lead", "Sở Thông tin và Truyền thông"), ("coordinate", "Các sở, ngành")}, "Tháng 6/2024", None),
        ("2", "task", {("lead", "Sở Y tế"), ("coordinate", "Ngân hàng Nhà nước Chi nhánh Hà Giang")}, "Quý III", None),
        ("3", "task", {("lead", "Công an tỉnh"), ("coordinate", "UBND các huyện")}, "Thường xuyên", None),
    ]),
    "variant_task_blocks.txt": ("Sơn La", None, [
        ("1", "task", {("lead", "Sở Thông tin và Truyền thông"), ("coordinate", "UBND các huyện, thành phố"),
                       ("coordinate", "Các doanh nghiệp viễn thông")}, "Quý IV/2024",
         "90% hộ gia đình có điện thoại thông minh (Năm 2023: 7,5/10 điểm đạt 75%)"),
        ("2", "task", {("lead", "Sở Nội vụ")}, "Năm 2024", None),
    ]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_variant(name):
    province, number, expected = CASES[name]
    doc = DocumentReader().read_path(VARIANTS / name)
    assert (doc.plan.province, doc.plan.number) == (province, number)
    got = [(i.number, i.kind.value, {(a.role.value, a.agency.name) for a in i.assignments},
            i.deadline.raw if i.deadline else None, i.target.raw if i.target else None) for i in doc.items]
    assert got == expected
