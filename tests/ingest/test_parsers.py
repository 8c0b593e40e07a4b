"""Legal references, deadlines, targets and agency lists as parametrised tables."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from ingest.agencies import AgencyResolver
from ingest.legal import find_references, render_reference
from ingest.values import find_baselines, find_deadline_in_text, parse_deadline, parse_target

REFERENCES = [
    ("Quyết định số 185/QĐ-UBND ngày 30/3/2023 của UBND tỉnh.", "185/QĐ-UBND", "QĐ", "UBND", "local", date(2023, 3, 30)),
    ("theo Công văn 2224/BTTTT-THH", "2224/BTTTT-THH", "CV", "BTTTT", "national", None),
    ("Văn bản số 1145/BTTTT-CATTT ngày 03/4/2020", "1145/BTTTT-CATTT", "CV", "BTTTT", "national", date(2020, 4, 3)),
    ("(Quyết định số 1033/QĐ- BTTTT ngày 13/6/2023)", "1033/QĐ-BTTTT", "QĐ", "BTTTT", "national", date(2023, 6, 13)),
    ("Quyết định số 06/QĐTTg ngày 06/01/2022 của Thủ tướng", "06/QĐ-TTg", "QĐ", "TTg", "national", date(2022, 1, 6)),
    ("Nghị quyết số 09-NQ/TU ngày 29/11/2021", "09-NQ/TU", "NQ", "TU", "local", date(2021, 11, 29)),
    ("Thông tư số 13/2021/TT-BKHĐT ngày 31/12/2021", "13/2021/TT-BKHĐT", "TT", "BKHĐT", "national", date(2021, 12, 31)),
    ("Kế hoạch số 6863/KH-UBND ngày 27 tháng 7 năm 2022", "6863/KH-UBND", "KH", "UBND", "local", date(2022, 7, 27)),
    ("Kế hoạch Số 956/KH-BĐHCĐS ngày 16/3/2023", "956/KH-BĐHCĐS", "KH", "BĐHCĐS", "local", date(2023, 3, 16)),
    ("THEO QUYẾT ĐỊNH SỐ 176/QĐ-UBND NGÀY 10/01/2022", "176/QĐ-UBND", "QĐ", "UBND", "local", date(2022, 1, 10)),
    ("(Kèm theo Kế hoạch số /KH-BCĐ ngày / 5 /2023)", "/KH-BCĐ", "KH", "BCĐ", "local", None),
]


@pytest.mark.parametrize("text,id_local,type_code,issuer,scope,when", REFERENCES)
def test_legal_reference(text, id_local, type_code, issuer, scope, when):
    refs = find_references(text)
    assert len(refs) == 1
    ref = refs[0]
    assert (ref.id_local, ref.type_code, ref.issuer_code, ref.scope, ref.date) == (id_local, type_code, issuer, scope, when)
    # parse → render → parse gives the same document
    again = find_references(render_reference(ref))
    assert again and again[0].id_local == ref.id_local and again[0].date == ref.date


@pytest.mark.parametrize("text", ["Đề án 06/CP", "6,03/10 điểm", "Tổng số IP/Tổng dân số", "Tp.Phan Rang-Tháp Chàm"])
def test_not_a_legal_reference(text):
    assert find_references(text) == []


DEADLINES = [
    ("Tháng 5/2023", "month", date(2023, 5, 1), date(2023, 5, 31)),
    ("Quý IV", "quarter", date(2023, 10, 1), date(2023, 12, 31)),
    ("chậm nhất trong Quý III/2025", "quarter", date(2025, 7, 1), date(2025, 9, 30)),
    ("Thường xuyên", "continuous", None, None),
    ("Năm 2023 và các năm tiếp theo", "from_year", date(2023, 1, 1), None),
    ("trước 01/6/2024", "before", None, date(2024, 6, 1)),
    ("trước ngày 25 của tháng cuối quý", "recurring", None, None),
]


@pytest.mark.parametrize("raw,kind,start,end", DEADLINES)
def test_deadline(raw, kind, start, end):
    d = parse_deadline(raw, plan_year=2023)
    assert (d.kind, d.start, d.end, d.raw) == (kind, start, end, raw)


@pytest.mark.parametrize("text,raw", [
    ("… theo cấp độ **xong trước 01/6/2024**.", "trước 01/6/2024"),
    ("… hoàn thành trong tháng 6/2024.", "trong tháng 6/2024"),
    ("định kỳ **trước ngày 25** của tháng cuối quý", "trước ngày 25 của tháng cuối quý"),
    ("Tiếp tục tuyên truyền.", None),
])
def test_deadline_inside_text(text, raw):
    d = find_deadline_in_text(text, 2024)
    assert (d.raw if d else None) == raw


TARGETS = [
    ("trên 16%", ">", 16.0, "%"), (">=0,25%", ">=", 0.25, "%"), ("tối thiểu 80%", ">=", 80.0, "%"),
    ("300 xã", "=", 300.0, "xã"), ("10 nghiệp vụ", "=", 10.0, "nghiệp vụ"), ("đạt trên 8,5%", ">", 8.5, "%"),
    ("Có", "=", 1.0, "có/không"),
]


@pytest.mark.parametrize("raw,comparator,value,unit", TARGETS)
def test_target(raw, comparator, value, unit):
    t = parse_target(raw)
    assert (t.comparator, t.value, t.unit, t.raw) == (comparator, value, unit, raw)
    assert parse_target(t.raw) == t  # parse → render (raw) → parse


def test_scoring_rule_and_blank_targets():
    assert parse_target("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ cao nhất").kind == "scoring_rule"
    assert parse_target("-") is None


def test_baseline():
    (b,) = find_baselines("Đạt tối thiểu 12% ( Năm 2022: 6,75/20 điểm đạt 6,75%).")
    assert (b.year, b.score, b.max_score, b.percent) == (2022, 6.75, 20.0, 6.75)
    assert b.raw == "Năm 2022: 6,75/20 điểm đạt 6,75%"


AGENCY_LISTS = [
    ("Các sở, ban, ngành; UBND các huyện, thành phố; các đơn vị liên quan",
     [("Các sở, ban, ngành", True), ("UBND các huyện, thành phố", True), ("Các đơn vị liên quan", True)]),
    ("Giám đốc Sở Y tế", [("Sở Y tế", False)]),
    ("Chánh Thanh tra tỉnh", [("Thanh tra tỉnh", False)]),
    ("Sở Công thương; Sở Thông tin và Truyền thông", [("Sở Công Thương", False), ("Sở Thông tin và Truyền thông", False)]),
    ("Sở Thông tin và Truyền thông, Cục thuế tỉnh và các doanh nghiệp cung cấp chữ ký số",
     [("Sở Thông tin và Truyền thông", False), ("Cục Thuế tỉnh", False), ("Các doanh nghiệp cung cấp chữ ký số", True)]),
    ("- Sở Giáo dục và Đào tạo chủ trì tổng hợp số liệu các trường đại học, - Sở Lao động, Thương binh và Xã hội "
     "chủ trì tổng hợp số liệu các cơ sở giáo dục nghề nghiệp",
     [("Sở Giáo dục và Đào tạo", False), ("Sở Lao động - Thương binh và Xã hội", False)]),
    ("- Sở Khoa học và Công nghệ, Ban Quản lý Khu kinh tế Nghi Sơn và các Khu công nghiệp. - UBND các huyện: "
     "Thường Xuân; Quan Hóa.",
     [("Sở Khoa học và Công nghệ", False), ("Ban Quản lý Khu kinh tế Nghi Sơn và các Khu công nghiệp", False),
      ("UBND huyện Thường Xuân", False), ("UBND huyện Quan Hóa", False)]),
    ("Ngân hàng nhà nước tỉnh - Chi nhánh Khánh Hòa", [("Ngân hàng Nhà nước Chi nhánh Khánh Hòa", False)]),
    ("Văn phòng UBND tỉnh (Trung tâm Phục vụ Hành chính công)", [("Văn phòng UBND tỉnh", False)]),
]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize("cell,expected", AGENCY_LISTS)
def test_agency_list(cell, expected, form):
    resolver = AgencyResolver("Ninh Bình")
    got = [(m.name, m.is_group) for m in resolver.split(unicodedata.normalize(form, cell))]
    got = [(unicodedata.normalize("NFC", n), g) for n, g in got]
    assert got == expected


@pytest.mark.parametrize("cell, names", [
    ("Các Sở: Tài chính, Nội vụ, Văn hóa, Thể thao và Du lịch, Kế hoạch và Đầu tư",
     ["Sở Tài chính", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Kế hoạch và Đầu tư"]),
    ("các Sở: Y tế và Giáo dục và Đào tạo; Công an tỉnh", ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Công an tỉnh"]),
    ("Các Sở: Lao động, Thương binh và Xã hội, Tư pháp", ["Sở Lao động - Thương binh và Xã hội", "Sở Tư pháp"]),
])
def test_one_head_word_before_a_list_of_names(cell, names):
    from ingest.agencies import AgencyResolver
    assert [m.name for m in AgencyResolver("Lào Cai").split(cell)] == names
