"""The document model and its general readers: table renderings rebuilt from the column
count and the numbering, columns typed by meaning, assignments read from sentences."""
from __future__ import annotations

import time

import pytest

from ingest.converters.text import TextConverter
from ingest.errors import IngestError
from ingest.paragraphs import build_paragraphs
from ingest.pipeline import DocumentReader
from ingest.records import ItemKind
from ontology.lexicon import column_role

HEAD = "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 12/KH-UBND\nKẾ HOẠCH\nChuyển đổi số năm 2024\n"


def read(text: str, name: str = "ke_hoach.txt"):
    return DocumentReader().read(name, text.encode("utf-8"))


def roles(item) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in item.assignments:
        out.setdefault(a.role.value, []).append(a.agency.name)
    return out


@pytest.mark.parametrize("header, role", [
    ("STT", "number"), ("TT", "number"), ("Nội dung công việc", "text"), ("Tên nhiệm vụ", "text"),
    ("Chỉ tiêu", "text"), ("Chỉ tiêu năm 2024", "target"), ("Kết quả cần đạt", "target"),
    ("Cơ quan chủ trì", "lead"), ("Đơn vị (chủ trì) thực hiện", "lead"), ("Cơ quan thực hiện", "lead"),
    ("Cơ quan/Đơn vị phối hợp", "coordinate"), ("Theo dõi, đôn đốc", "monitor"), ("Hướng dẫn", "guide"),
    ("Chủ trì tổng hợp", "aggregate"), ("Thời gian hoàn thành", "deadline"), ("Tiến độ", "deadline"),
    ("Sản phẩm đầu ra", "product"), ("Nguồn vốn", "budget"), ("Kết quả năm 2022", "baseline"),
    ("Hiện trạng", "baseline"), ("Ghi chú", "note"), ("thoi gian hoan thanh", "deadline"),
    ("CƠ QUAN PHỐI HỢP", "coordinate"), ("Đoàn kiểm tra", "team"), ("Thuộc đoàn kiểm tra", "team_members"),
])
def test_columns_are_typed_by_what_their_header_means(header, role):
    assert column_role(header) == role


ROWS = [("1", "Triển khai nền tảng họp trực tuyến đến cấp xã", "Sở Thông tin và Truyền thông",
         "UBND các huyện, thị xã, thành phố", "Quý III/2024"),
        ("2", "Số hóa hồ sơ đất đai của tỉnh", "Sở Tài nguyên và Môi trường", "", "Thường xuyên"),
        ("3", "Cấp phiếu lý lịch tư pháp trực tuyến", "Sở Tư pháp", "Công an tỉnh; Bưu điện tỉnh", "Năm 2024")]
HEADER = ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")


def _wrap(text: str) -> list[str]:
    """Hard-wrap a cell over lines of at most 3 words, as portals copy narrow cells."""
    words = text.split()
    return [" ".join(words[i:i + 3]) for i in range(0, len(words), 3)] or []


def pipe_after_each_cell(header=HEADER, rows=ROWS, section_every=0) -> str:
    out = [HEAD, "PHỤ LỤC", "DANH MỤC NHIỆM VỤ NĂM 2024"]
    for cell in header:
        out += [cell, "|"]
    for i, row in enumerate(rows):
        if section_every and i % section_every == 0:
            out += ["II", "|", "HẠ TẦNG SỐ", "|"]
        for cell in row:
            out += _wrap(cell) + ["|"]
    return "\n".join(out) + "\n"


def pipe_opening_each_row(header=HEADER, rows=ROWS) -> str:
    out = [HEAD, "PHỤ LỤC", "|"] + [f"{c} |" for c in header]
    out += ["|", "I. HẠ TẦNG SỐ |"]
    for row in rows:
        out.append("|")
        for cell in row:
            lines = cell.split("; ") if cell else [""]
            out += [line + (";" if k < len(lines) - 1 else " |") for k, line in enumerate(lines)]
    return "\n".join(out) + "\n"


def tabbed(header=HEADER, rows=ROWS) -> str:
    return HEAD + "\n".join("\t".join(r) for r in [header, *rows]) + "\n"


def markdown(header=HEADER, rows=ROWS) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return HEAD + "\n".join(lines) + "\n"


@pytest.mark.parametrize("render", [pipe_after_each_cell, pipe_opening_each_row, tabbed, markdown])
def test_every_text_rendering_of_a_table_gives_the_same_items(render):
    doc = read(render())
    tasks = [it for it in doc.items if it.kind is ItemKind.TASK]
    assert [it.text for it in tasks] == [r[1] for r in ROWS]
    assert roles(tasks[0]) == {"lead": ["Sở Thông tin và Truyền thông"],
                               "coordinate": ["UBND các huyện, thị xã, thành phố"]}
    assert roles(tasks[1]) == {"lead": ["Sở Tài nguyên và Môi trường"]}  # empty cell kept empty
    assert roles(tasks[2])["coordinate"] == ["Công an tỉnh", "Bưu điện tỉnh"]
    assert [it.deadline.raw for it in tasks] == ["Quý III/2024", "Thường xuyên", "Năm 2024"]
    assert doc.plan.province == "Lào Cai"


def test_a_wrapped_cell_is_cited_at_the_line_where_it_starts():
    text = pipe_after_each_cell()
    doc = read(text)
    lines = text.split("\n")
    for item in doc.items:
        assert item.text.startswith(lines[item.span.line - 1].strip())


def test_section_rows_between_numbered_rows_are_pillars_not_items():
    doc = read(pipe_after_each_cell(section_every=2))
    assert [it.number for it in doc.items] == ["II.1", "II.2", "II.3"]
    assert {it.section for it in doc.items} == {"HẠ TẦNG SỐ"}


def test_a_header_repeated_after_a_page_break_is_skipped():
    text = pipe_after_each_cell(rows=ROWS[:2]) + "\n".join(
        [c for cell in HEADER for c in (cell, "|")] + [c for cell in ROWS[2] for c in (*_wrap(cell), "|")]) + "\n"
    doc = read(text)
    assert [it.text for it in doc.items] == [r[1] for r in ROWS]


def test_rows_are_tasks_or_indicators_by_header_and_title():
    indicators = read(tabbed(header=("TT", "Chỉ tiêu", "Chỉ tiêu năm 2024", "Đơn vị chủ trì", "Thời hạn"),
                             rows=[("1", "Tỷ lệ hồ sơ trực tuyến", "80%", "Sở Nội vụ", "Quý IV/2024")]))
    assert [(it.kind, it.target.raw) for it in indicators.items] == [(ItemKind.INDICATOR, "80%")]
    titled = read(HEAD + "DANH MỤC NHIỆM VỤ\n" + "STT\tNội dung\tĐơn vị chủ trì\n1\tLập kế hoạch\tSở Nội vụ\n")
    assert [it.kind for it in titled.items] == [ItemKind.TASK]


def test_an_agency_the_code_lists_do_not_know_is_read_from_a_role_column():
    doc = read(tabbed(rows=[("1", "Lắp Wi-Fi tại khu di tích", "Khu Di tích lịch sử Đền Hùng", "", "Quý II/2024")]))
    assert roles(doc.items[0]) == {"lead": ["Khu Di tích lịch sử Đền Hùng"]}


PROSE = HEAD + """III. NHIỆM VỤ CỤ THỂ
1. Về hạ tầng số: Sở Thông tin và Truyền thông chủ trì, phối hợp với VNPT Lào Cai, Viettel Lào Cai xóa vùng lõm sóng di động tại các thôn vùng cao, hoàn thành trong Quý IV/2024. Viettel Lào Cai chủ trì nâng cấp mạng 4G tại các xã biên giới (thực hiện thường xuyên).
2. Về kinh tế số:
a) Giao Sở Công Thương chủ trì, phối hợp với Bưu điện tỉnh đưa sản phẩm OCOP lên sàn thương mại điện tử, hoàn thành trong Quý II/2024.
b) Ban Quản lý Khu kinh tế tỉnh là đơn vị đầu mối, phối hợp với Cục Hải quan tỉnh triển khai thủ tục hải quan điện tử tại cửa khẩu theo Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ, hoàn thành trước ngày 30/9/2024.
c) Sở Tài chính, Sở Kế hoạch và Đầu tư tham mưu bố trí kinh phí chuyển đổi số năm 2025; Sở Du lịch chủ trì xây dựng bản đồ du lịch số, hoàn thành trong Quý III/2024.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Thông tin và Truyền thông theo dõi, đôn đốc, tổng hợp tình hình thực hiện Kế hoạch, báo cáo UBND tỉnh trước ngày 15/12/2024.
2. Các sở, ban, ngành căn cứ Kế hoạch này xây dựng kế hoạch chi tiết.
Nơi nhận:
- Sở Thông tin và Truyền thông;
"""


def test_assignments_written_as_sentences_are_items():
    doc = read(PROSE)
    tasks = [it for it in doc.items if it.kind is ItemKind.TASK]
    assert [roles(t) for t in tasks] == [
        {"lead": ["Sở Thông tin và Truyền thông"], "coordinate": ["VNPT Lào Cai", "Viettel Lào Cai"]},
        {"lead": ["Viettel Lào Cai"]},
        {"lead": ["Sở Công Thương"], "coordinate": ["Bưu điện tỉnh"]},
        {"lead": ["Ban Quản lý Khu kinh tế tỉnh"], "coordinate": ["Cục Hải quan tỉnh"]},
        {"lead": ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]},
        {"lead": ["Sở Du lịch"]},
    ]
    assert [t.deadline.raw if t.deadline else None for t in tasks] == [
        "trong Quý IV/2024", "thường xuyên", "trong Quý II/2024", "trước ngày 30/9/2024",
        "trong Quý III/2024", "trong Quý III/2024"]  # the final deadline of c) is shared
    assert [g.id_local for g in tasks[3].grounds] == ["45/2020/NĐ-CP"]
    assert tasks[0].section == "Về hạ tầng số"
    assert tasks[2].text.startswith("Giao Sở Công Thương chủ trì")


def test_implementation_duties_are_their_own_kind():
    doc = read(PROSE)
    duties = [it for it in doc.items if it.kind is ItemKind.DUTY]
    assert [roles(d) for d in duties] == [
        {"monitor": ["Sở Thông tin và Truyền thông"], "aggregate": ["Sở Thông tin và Truyền thông"]},
        {"lead": ["Các sở, ban, ngành"]},  # "<agencies> <verb> …" assigns work in that section
    ]


@pytest.mark.parametrize("sentence", [
    "Cơ quan chủ trì chịu trách nhiệm trước Chủ tịch UBND tỉnh về tiến độ.",
    "Các sở, ban, ngành tập trung, quyết liệt triển khai thực hiện các nhiệm vụ.",
    "Năm 2024, phấn đấu 100% hồ sơ được xử lý trên môi trường mạng.",
])
def test_a_sentence_whose_subject_is_no_agency_list_is_no_assignment(sentence):
    with pytest.raises(IngestError) as err:
        read(HEAD + "III. NHIỆM VỤ\n1. " + sentence + "\n")
    assert err.value.code == "I020"


def test_a_document_with_nothing_to_read_says_why_and_is_not_stored(tmp_path):
    from kg.service import KnowledgeGraph
    path = tmp_path / "thong_bao.txt"
    path.write_text(HEAD + "Ngày 05/3/2024, UBND tỉnh tổ chức hội nghị sơ kết.\n", encoding="utf-8")
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        before = graph.stats()["documents"]
        [outcome] = graph.ingest([path])
        assert not outcome.ok
        assert "không có bảng nào" in outcome.message and "câu giao việc" in outcome.message
        assert graph.stats()["documents"] == before
    finally:
        graph.close()


def test_hard_wrapped_lines_are_joined_into_paragraphs_with_their_lines():
    lines = ["Căn cứ Quyết định số 749/QĐ-TTg ngày", "03/6/2020 của Thủ tướng Chính phủ;",
             "1. Mục đích", "Cụ thể hóa các nhiệm vụ", "chuyển đổi số.", "KẾ HOẠCH", "Chuyển đổi số"]
    paragraphs = build_paragraphs(lines)
    assert [p.text for p in paragraphs] == [
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;", "1. Mục đích",
        "Cụ thể hóa các nhiệm vụ chuyển đổi số.", "KẾ HOẠCH", "Chuyển đổi số"]
    assert paragraphs[0].line_at(paragraphs[0].text.index("03/6")) == 2


def test_a_wrongly_split_web_table_is_reported_with_its_line():
    text = pipe_after_each_cell(rows=[ROWS[0], ("2", "Số hóa hồ sơ", "Sở Nội vụ"), ROWS[2]])
    doc = read(text)
    assert any("Dòng" in w and "ô" in w for w in doc.warnings)


@pytest.mark.slow
def test_a_five_thousand_row_web_copied_table_reads_in_linear_time():
    rows = [(str(i), f"Nhiệm vụ chuyển đổi số số {i} của cấp xã", "Sở Nội vụ", "Sở Tài chính; Công an tỉnh",
             "Quý IV/2024") for i in range(1, 5001)]
    text = pipe_after_each_cell(rows=rows)
    start = time.perf_counter()
    doc = read(text)
    elapsed = time.perf_counter() - start
    assert sum(1 for it in doc.items if it.kind is ItemKind.TASK) == 5000
    assert elapsed < 20, elapsed


def test_the_text_converter_gives_tables_and_paragraphs():
    doc = TextConverter().convert("a.txt", pipe_after_each_cell().encode("utf-8"))
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells] == list(HEADER)
    assert len(table.rows) == 4
    assert any("DANH MỤC NHIỆM VỤ NĂM 2024" in p.text for p in doc.paragraphs)


SYNONYM_HEADERS = [
    ("TT", "Nội dung công việc", "Đơn vị thực hiện", "Đơn vị phối hợp", "Tiến độ"),
    ("Số TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan/Đơn vị phối hợp", "Thời gian hoàn thành"),
    ("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"),
]


@pytest.mark.parametrize("header", SYNONYM_HEADERS)
@pytest.mark.parametrize("render", [pipe_after_each_cell, tabbed, markdown])
def test_header_wordings_and_column_order_do_not_matter(header, render):
    order = [0, 1, 4, 3, 2]  # deadline before the agencies, coordinating before leading
    shuffled_header = tuple(header[i] for i in order)
    shuffled_rows = [tuple(r[i] for i in order) for r in ROWS]
    doc = read(render(header=shuffled_header, rows=shuffled_rows))
    tasks = [it for it in doc.items if it.kind is ItemKind.TASK]
    assert [roles(t).get("lead") for t in tasks] == [[r[2]] for r in ROWS]
    assert [t.deadline.raw for t in tasks] == [r[4] for r in ROWS]


def test_columns_the_table_does_not_name_are_ignored_not_misread():
    header = ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Kinh phí (triệu đồng)", "Sản phẩm", "Ghi chú")
    rows = [("1", "Mua sắm máy chủ", "Sở Tài chính", "1.200", "Máy chủ được lắp đặt", "Ngân sách tỉnh")]
    doc = read(tabbed(header=header, rows=rows))
    [task] = doc.items
    assert roles(task) == {"lead": ["Sở Tài chính"]} and task.note == "Ngân sách tỉnh"


def test_web_header_cells_wrapped_over_lines_are_read():
    """Narrow header cells wrap in web copies too ("Cơ quan" / "chủ trì", "Thời gian hoàn" / "thành")."""
    wrapped = {"STT": ["STT"], "Nhiệm vụ": ["Nhiệm vụ"], "Cơ quan chủ trì": ["Cơ quan", "chủ trì"],
               "Cơ quan phối hợp": ["Cơ quan phối", "hợp"], "Thời hạn": ["Thời gian hoàn", "thành"]}
    out = [HEAD, "PHỤ LỤC", "DANH MỤC NHIỆM VỤ"]
    for cell in HEADER:
        out += wrapped[cell] + ["|"]
    for row in ROWS:
        for cell in row:
            out += _wrap(cell) + ["|"]
    doc = read("\n".join(out) + "\n")
    tasks = [it for it in doc.items if it.kind is ItemKind.TASK]
    assert [roles(t).get("lead") for t in tasks] == [[r[2]] for r in ROWS]
    assert [t.deadline.raw for t in tasks] == [r[4] for r in ROWS]


def test_a_line_break_inside_a_markdown_cell_parts_its_agencies():
    rows = [("1", "Số hóa hồ sơ đất đai", "Sở Tài nguyên và Môi trường", "Sở Tư pháp<br>Công an tỉnh<br/>Cục Thuế tỉnh",
             "Quý IV/2024")]
    doc = read(markdown(rows=rows))
    assert roles(doc.items[0])["coordinate"] == ["Sở Tư pháp", "Công an tỉnh", "Cục Thuế tỉnh"]
