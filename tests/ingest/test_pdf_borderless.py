"""PDF tables without ruling lines: columns aligned by their text only, read from the header
line's cells (real PDFs built here with fpdf2, cells placed without borders)."""
from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import fpdf
import pytest

from ingest.converters.pdf import PdfConverter
from ingest.document import Document
from ingest.pipeline import DocumentReader
from ingest.records import AssignmentRole, ItemKind

ROOT = Path(__file__).resolve().parents[2]
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
             ["Văn phòng UBND tỉnh"], ["Các sở, ban, ngành", "UBND cấp huyện"], None),
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
    if not FONT.is_file():
        pytest.skip(f"{FONT} is missing (Debian fonts-dejavu-core)")
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
    """A plan whose appendix is a borderless task table: on one page, or continued on a second
    page under the repeated header (`split`)."""
    pdf = new_pdf()
    pdf.add_page()
    y = write_lines(pdf, OPENING, 15)
    y = write_lines(pdf, ("PHỤ LỤC: DANH MỤC NHIỆM VỤ",), y + 6)
    y = write_rows(pdf, ROWS_PAGE_1, write_header(pdf, y + 2))
    if split:
        pdf.add_page()
        y = write_header(pdf, 15)
    y = write_rows(pdf, ROWS_PAGE_2, y)
    write_lines(pdf, CLOSING, y + 10)
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
