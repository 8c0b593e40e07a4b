"""PDF tables without ruling lines: columns aligned by their text only, read from the header
line's cells (real PDFs built here with fpdf2, cells placed without borders)."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import fpdf
import pytest

from ingest.converters.pdf import PdfConverter
from ingest.document import Document
from ingest.pipeline import DocumentReader
from ingest.records import AssignmentRole, ItemKind

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINE = 5.0  # mm between the lines of a cell

# (x, width) in mm of the five columns; no borders are drawn
COLUMNS = ((10, 12), (22, 80), (102, 34), (136, 40), (176, 24))
# header cells as printed: a list of lines each, centred in their column
HEADER = (("STT",), ("Nội dung công việc",), ("Đơn vị", "chủ trì"), ("Đơn vị", "phối hợp"),
          ("Thời gian", "hoàn thành"))
# rows: a section (its text), or (number, task text wrapped by fpdf, lead lines, coordinate lines, deadline lines)
ROWS_PAGE_1 = (
    "I. HẠ TẦNG SỐ",
    ("1", "Nâng cấp mạng truyền số liệu chuyên dùng đến cấp xã, bảo đảm kết nối thông suốt",
     ("Sở Thông tin và", "Truyền thông"), ("UBND các huyện, thị", "xã, thành phố"), ("Quý III/", "2024")),
    ("2", "Triển khai Trung tâm giám sát, điều hành an toàn, an ninh mạng (SOC) của tỉnh",
     ("Công an tỉnh",), ("Sở Thông tin và", "Truyền thông"), ("Tháng 12/2024",)),
    ("3", "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực",
     ("Văn phòng UBND", "tỉnh"), ("Các sở, ban, ngành",), ("Quý IV/2024",)),
    ("4", "Xây dựng cơ sở dữ liệu đất đai",
     ("Sở Tài nguyên và", "Môi trường"), (), ("Năm 2024",)),
)
ROWS_PAGE_2 = (
    ("II", "ỨNG DỤNG VÀ DỊCH VỤ SỐ", (), (), ()),  # the numeral in the number column, the name beside it
    ("5", "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh",
     ("Sở Y tế",), ("Bảo hiểm xã hội tỉnh",), ("Quý III/", "2024")),
    ("6", "Cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp trên địa bàn",
     ("Văn phòng UBND", "tỉnh"), ("Các sở, ban, ngành;", "UBND cấp huyện"), ("Thường xuyên",)),
    ("7", "Phổ cập kỹ năng số cho cán bộ, công chức cấp xã",
     ("Sở Nội vụ",), ("Sở Thông tin và", "Truyền thông"), ("Quý II/2024",)),
    ("8", "Phát triển kinh tế số trong thương mại điện tử",
     ("Sở Công Thương",), ("Sở Kế hoạch và Đầu", "tư"), ("Tháng 10/2024",)),
)
# what each row must read as: number → (task text, lead, coordinates, deadline as (kind, start month))
EXPECTED = {
    "I.1": ("Nâng cấp mạng truyền số liệu chuyên dùng đến cấp xã, bảo đảm kết nối thông suốt",
            ["Sở Thông tin và Truyền thông"], ["UBND các huyện, thị xã, thành phố"], ("quarter", 7)),
    "I.2": ("Triển khai Trung tâm giám sát, điều hành an toàn, an ninh mạng (SOC) của tỉnh",
            ["Công an tỉnh"], ["Sở Thông tin và Truyền thông"], ("month", 12)),
    "I.3": ("Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực",
            ["Văn phòng UBND tỉnh"], ["Các sở, ban, ngành"], ("quarter", 10)),
    "I.4": ("Xây dựng cơ sở dữ liệu đất đai", ["Sở Tài nguyên và Môi trường"], [], ("year", 1)),
    "II.5": ("Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh",
             ["Sở Y tế"], ["Bảo hiểm xã hội tỉnh"], ("quarter", 7)),
    "II.6": ("Cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp trên địa bàn",
             ["Văn phòng UBND tỉnh"], ["Các sở, ban, ngành", "UBND cấp huyện"], ("continuous", None)),
    "II.7": ("Phổ cập kỹ năng số cho cán bộ, công chức cấp xã",
             ["Sở Nội vụ"], ["Sở Thông tin và Truyền thông"], ("quarter", 4)),
    "II.8": ("Phát triển kinh tế số trong thương mại điện tử",
             ["Sở Công Thương"], ["Sở Kế hoạch và Đầu tư"], ("month", 10)),
}
OPENING = ("ỦY BAN NHÂN DÂN TỈNH HÀ GIANG", "Số: 112/KH-UBND", "KẾ HOẠCH",
           "Chuyển đổi số tỉnh Hà Giang năm 2024")
CLOSING = ("III. TỔ CHỨC THỰC HIỆN",
           "Các sở, ban, ngành và UBND các huyện, thành phố căn cứ nhiệm vụ được giao tại Phụ lục kèm theo "
           "xây dựng kế hoạch chi tiết và báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông.")


def new_pdf() -> fpdf.FPDF:
    if not FONT.is_file():  # `make test` installs it: a missing font is a set-up error
        pytest.fail(f"{FONT} is missing; run `make browser` (Debian fonts-dejavu-core).")
    pdf = fpdf.FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    return pdf


def write_lines(pdf: fpdf.FPDF, lines: tuple[str, ...], y: float) -> float:
    """Prose across the page width (fpdf wraps it); returns the y below it."""
    pdf.set_xy(10, y)
    for text in lines:
        pdf.multi_cell(190, LINE + 1, text, new_x="LMARGIN", new_y="NEXT")
    return pdf.get_y()


def write_header(pdf: fpdf.FPDF, y: float) -> float:
    for (x, width), lines in zip(COLUMNS, HEADER):
        top = y + (2 - len(lines)) * LINE / 2  # one-line labels centred on the two-line ones
        for k, text in enumerate(lines):
            pdf.set_xy(x, top + k * LINE)
            pdf.cell(width, LINE, text, align="C")
    return y + 2 * LINE + 2


def write_rows(pdf: fpdf.FPDF, rows: tuple, y: float) -> float:
    for row in rows:
        if isinstance(row, str):  # a section heading from the number column onwards
            pdf.set_xy(COLUMNS[0][0], y)
            pdf.cell(120, LINE, row)
            y += LINE + 2
            continue
        number, text, *agency_cells = row
        pdf.set_xy(COLUMNS[0][0], y)
        pdf.cell(COLUMNS[0][1], LINE, number, align="C")
        pdf.set_xy(COLUMNS[1][0], y)
        pdf.multi_cell(COLUMNS[1][1], LINE, text)
        height = pdf.get_y() - y
        for (x, width), lines in zip(COLUMNS[2:], agency_cells):
            for k, line in enumerate(lines):
                pdf.set_xy(x, y + k * LINE)
                pdf.cell(width, LINE, line)
            height = max(height, len(lines) * LINE)
        y += height + 2
    return y


def task_plan(*, split: bool) -> bytes:
    """A plan whose appendix is a borderless task table: on one page with the text going on
    right under it, or continued on a second page under the repeated header (`split`)."""
    pdf = new_pdf()
    pdf.add_page()
    y = write_lines(pdf, OPENING, 15)
    y = write_lines(pdf, ("PHỤ LỤC: DANH MỤC NHIỆM VỤ",), y + 6)
    y = write_rows(pdf, ROWS_PAGE_1, write_header(pdf, y + 2))
    if split:
        pdf.add_page()
        y = write_header(pdf, 15)
    y = write_rows(pdf, ROWS_PAGE_2, y)
    write_lines(pdf, CLOSING, y + (10 if split else 1))
    return bytes(pdf.output())


PROSE = (
    "ỦY BAN NHÂN DÂN TỈNH HÀ GIANG",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "    a) Nâng cao Chỉ số chuyển đổi số của tỉnh năm 2024 lên 0,55 điểm, tăng 5 bậc so với năm 2023.",
    "    b) Bảo đảm 100% hồ sơ công việc tại cấp tỉnh được xử lý trên môi trường mạng.",
    "2. Yêu cầu",
    "        - Các sở, ban, ngành chủ trì, phối hợp thực hiện đúng thời hạn hoàn thành.",
    "        - Năm 2024: 80%;  năm 2025: 90%;  năm 2026: 100%.",
)


def prose_pdf() -> bytes:
    pdf = new_pdf()
    pdf.add_page()
    y = 20.0
    for text in PROSE:
        indent = (len(text) - len(text.lstrip())) * 1.5
        pdf.set_xy(10 + indent, y)
        pdf.multi_cell(190 - indent, LINE + 1, text.strip(), new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y() + 1
    # three spaced parts with header words in them, but no content column: not a header
    for k, part in enumerate(("Đơn vị chủ trì:", "Sở Thông tin và Truyền thông", "Thời hạn: Quý IV/2024")):
        pdf.set_xy(10 + 65 * k, y)
        pdf.cell(60, LINE, part)
    y += LINE + 2
    for k, part in enumerate(("Năm 2023", "45,2", "12", "Năm 2024", "50,0", "8")):
        pdf.set_xy(10 + 30 * k, y)
        pdf.cell(28, LINE, part)
    return bytes(pdf.output())


def words_of_pdf(data: bytes) -> Counter:
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return Counter(w["text"] for page in pdf.pages for w in page.extract_words())


def check_rows(doc: Document, data: bytes, dropped: Counter | None = None) -> None:
    """What the ruled path gives too: a line per row (cells joined by tabs), cells on their
    row's line; and every printed word once in the lines (but a `dropped` page number), none
    lost, none read twice."""
    for table in doc.tables:
        assert [r.line for r in table.rows] == list(table.lines)
        for row in table.rows:
            assert doc.lines[row.line - 1] == "\t".join(c.text for c in row.cells)
            assert all(c.lines == (row.line,) * len(c.paragraphs) for c in row.cells)
    assert Counter(w for line in doc.lines for w in line.split()) == words_of_pdf(data) - (dropped or Counter())


def check_items(extraction) -> None:
    tasks = [i for i in extraction.items if i.kind is ItemKind.TASK]
    assert [i.number for i in tasks] == list(EXPECTED)
    for item in tasks:
        text, lead, coordinate, deadline = EXPECTED[item.number]
        assert item.text == text, item.number
        assert [a.agency.name for a in item.assignments if a.role is AssignmentRole.LEAD] == lead, item.number
        assert [a.agency.name for a in item.assignments if a.role is AssignmentRole.COORDINATE] == coordinate, \
            item.number
        assert (item.deadline.kind, item.deadline.start and item.deadline.start.month) == deadline, item.number
        assert item.section == ("HẠ TẦNG SỐ" if item.number.startswith("I.") else "ỨNG DỤNG VÀ DỊCH VỤ SỐ")
        assert item.table_title and item.table_title.endswith("PHỤ LỤC: DANH MỤC NHIỆM VỤ")


def test_borderless_task_table():
    data = task_plan(split=False)
    doc = PdfConverter().convert("ke_hoach_ha_giang_2024.pdf", data)
    check_rows(doc, data)
    assert len(doc.tables) == 1
    header, *rows = doc.tables[0].rows
    assert header.texts == ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
    assert [r.texts[0] for r in rows] == ["I. HẠ TẦNG SỐ", "1", "2", "3", "4", "II ỨNG DỤNG VÀ DỊCH VỤ SỐ",
                                          "5", "6", "7", "8"]
    by_number = {r.texts[0]: r for r in rows}
    assert by_number["1"].cells[2].paragraphs == ("Sở Thông tin và Truyền thông",)  # wrapped: one paragraph
    assert by_number["4"].cells[3].paragraphs == ()  # no coordinating agency
    assert by_number["1"].cells[4].text == "Quý III/ 2024"
    # the text right under the table stays text: its heading, then its paragraph
    after = doc.lines[doc.tables[0].last_line:]
    assert after[0] == "III. TỔ CHỨC THỰC HIỆN" and after[1].startswith("Các sở, ban, ngành và UBND")
    check_items(DocumentReader().read("ke_hoach_ha_giang_2024.pdf", data))


def test_borderless_table_continued_under_a_repeated_header():
    data = task_plan(split=True)
    doc = PdfConverter().convert("ke_hoach_ha_giang_2024.pdf", data)
    check_rows(doc, data)
    assert [doc.page_of(t.first_line) for t in doc.tables] == [1, 2]
    assert [t.rows[0].header for t in doc.tables] == [True, True]  # the header repeated on page 2
    assert [r.after_break for r in doc.tables[1].rows[:3]] == [True, True, False]
    assert not any(r.after_break for r in doc.tables[0].rows)
    extraction = DocumentReader().read("ke_hoach_ha_giang_2024.pdf", data)
    check_items(extraction)
    assert not any("@" in i.number for i in extraction.items)
    assert not any(i.text in ("Nội dung công việc", "STT") for i in extraction.items)


def cut_row_pdf() -> bytes:
    """Row 3 cut by the page break: its last lines open page 2 under the repeated header;
    numbered paragraphs of the text follow the table closely."""
    pdf = new_pdf()
    pdf.add_page()
    y = write_rows(pdf, ROWS_PAGE_1[:3], write_header(pdf, 200))
    for (x, width), text in zip(COLUMNS, ("3", "Số hóa kết quả giải quyết thủ tục hành", "Văn phòng UBND")):
        pdf.set_xy(x, y)
        pdf.cell(width, LINE, text, align="C" if text == "3" else "")
    pdf.add_page()
    y = write_header(pdf, 15)
    for (x, width), text in zip(COLUMNS[1:], ("chính còn hiệu lực", "tỉnh", "Các sở, ban, ngành", "Quý IV/2024")):
        pdf.set_xy(x, y)
        pdf.cell(width, LINE, text)
    y = write_rows(pdf, ROWS_PAGE_1[4:], y + LINE + 2)
    write_lines(pdf, ("1. Sở Thông tin và Truyền thông chủ trì, hướng dẫn, đôn đốc các đơn vị triển khai thực hiện "
                      "Kế hoạch này.", "2. Sở Tài chính bố trí kinh phí thực hiện."), y + 1)
    return bytes(pdf.output())


def test_row_cut_by_the_page_break():
    data = cut_row_pdf()
    doc = PdfConverter().convert("ke_hoach.pdf", data)
    check_rows(doc, data)
    assert [doc.page_of(t.first_line) for t in doc.tables] == [1, 2]
    assert doc.tables[1].rows[1].texts == ["", "chính còn hiệu lực", "tỉnh", "Các sở, ban, ngành", "Quý IV/2024"]
    assert doc.lines[-2:] == ("1. Sở Thông tin và Truyền thông chủ trì, hướng dẫn, đôn đốc các đơn vị triển khai "
                              "thực hiện Kế hoạch này.", "2. Sở Tài chính bố trí kinh phí thực hiện.")
    items = DocumentReader().read("ke_hoach.pdf", data).items
    tasks = {i.number: i for i in items if i.kind is ItemKind.TASK and i.span.line in doc.table_lines()}
    assert list(tasks) == ["I.1", "I.2", "I.3", "I.4"]
    text, lead, coordinate, deadline = EXPECTED["I.3"]
    assert tasks["I.3"].text == text
    assert [a.agency.name for a in tasks["I.3"].assignments] == lead + coordinate
    assert tasks["I.3"].deadline.raw == "Quý IV/2024"


def test_prose_page_is_not_a_table():
    data = prose_pdf()
    doc = PdfConverter().convert("van_ban.pdf", data)
    assert doc.tables == ()
    check_rows(doc, data)
    for text in PROSE:
        assert " ".join(text.split()) in doc.lines
    assert any(line.startswith("Đơn vị chủ trì:") and "Thời hạn: Quý IV/2024" in line for line in doc.lines)


def header_layout_pdf() -> bytes:
    """A header in capitals, left-aligned, one label over three lines beside one- and two-line
    labels (five baselines), the columns' numbers "(1) … (5)" under it, a page number below."""
    pdf = new_pdf()
    pdf.add_page()
    y = write_lines(pdf, ("PHỤ LỤC: DANH MỤC NHIỆM VỤ",), 175) + 4
    labels = (("TT",), ("NỘI DUNG",), ("ĐƠN VỊ", "CHỦ TRÌ", "THỰC HIỆN"), ("ĐƠN VỊ", "PHỐI HỢP"), ("THỜI HẠN",))
    for (x, width), lines in zip(COLUMNS, labels):
        top = y + (3 - len(lines)) * LINE / 2
        for k, text in enumerate(lines):
            pdf.set_xy(x, top + k * LINE)
            pdf.cell(width, LINE, text)
    y += 3 * LINE + 1
    for k, (x, width) in enumerate(COLUMNS, 1):
        pdf.set_xy(x, y)
        pdf.cell(width, LINE, f"({k})", align="C")
    y = write_rows(pdf, ROWS_PAGE_1, y + LINE + 1)
    assert 0.85 * 297 < y + 1 < 287, y  # the table ends low on the page, in its footer zone
    pdf.set_xy(100, y + 1)
    pdf.cell(10, LINE, "1", align="C")  # the page number, close under the last row
    return bytes(pdf.output())


def test_header_over_five_baselines():
    data = header_layout_pdf()
    doc = PdfConverter().convert("phu_luc.pdf", data)
    check_rows(doc, data, dropped=Counter({"1": 1}))
    assert len(doc.tables) == 1
    header, numbers, *rows = doc.tables[0].rows
    assert header.texts == ["TT", "NỘI DUNG", "ĐƠN VỊ CHỦ TRÌ THỰC HIỆN", "ĐƠN VỊ PHỐI HỢP", "THỜI HẠN"]
    assert numbers.texts == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    assert [r.texts[0] for r in rows] == ["I. HẠ TẦNG SỐ", "1", "2", "3", "4"]
    assert rows[-1].texts[4] == "Năm 2024"  # the page number under it is not part of the row
    extraction = DocumentReader().read("phu_luc.pdf", data)
    tasks = [i for i in extraction.items if i.kind is ItemKind.TASK]
    assert [i.number for i in tasks] == ["I.1", "I.2", "I.3", "I.4"]
    assert [a.agency.name for a in tasks[3].assignments] == ["Sở Tài nguyên và Môi trường"]


def test_ruled_pdf_is_read_once(shared_dev_docs):
    path = shared_dev_docs / "binh_dinh_2024.pdf"
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    data = path.read_bytes()
    started = time.perf_counter()
    doc = PdfConverter().convert(path.name, data)
    seconds = time.perf_counter() - started
    assert len(doc.tables) == 3  # its three ruled tables, none found again without their lines
    assert seconds / len(set(doc.pages)) < 0.5
    extraction = DocumentReader().read(path.name, data)
    assert Counter(i.kind for i in extraction.items)[ItemKind.INDICATOR] == 27
