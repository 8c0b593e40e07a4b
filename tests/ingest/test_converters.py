"""DOCX and PDF converters: the two real development documents, and files built here to
reach merged cells, nested and layout tables, text boxes, notes and every kind of bad input."""
from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx as docx_api
import fpdf
import pytest

from ingest.converters.docx import DocxConverter
from ingest.converters.pdf import PdfConverter
from ingest.document import Document
from ingest.errors import IngestError

ROOT = Path(__file__).resolve().parents[2]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def dev_doc(name: str) -> Path:
    """A file of ../shared/dev-docs (DTIKG_SHARED overrides ../shared); skip when absent."""
    path = Path(os.environ.get("DTIKG_SHARED", ROOT.parent / "shared")) / "dev-docs" / name
    if not path.is_file():
        pytest.skip(f"../shared/dev-docs/{name} is not available")
    return path


def source_words(name: str) -> list[str]:
    """The words of source/<name> in reading order, its light markup dropped."""
    words = []
    for line in dev_doc(f"source/{name}").read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text in ("[[", "]]", "{{", "}}", "---landscape---", "---pagebreak---"):
            continue
        text = re.sub(r"^(?:= |# |~ |§ )", "", text)
        words += text.replace(" || ", " ").replace(" | ", " ").replace(" // ", " ").split()
    return words


def source_rows(name: str) -> dict[str, list[list[str]]]:
    """The numbered rows of the source's ruled table: number → cells → paragraphs."""
    rows, inside = {}, False
    for line in dev_doc(f"source/{name}").read_text(encoding="utf-8").splitlines():
        inside = (inside or line == "{{") and line != "}}"
        cells = line.split(" | ")
        if inside and cells[0].isdigit():
            rows[cells[0]] = [[p for p in c.strip().split(" // ") if p] for c in cells]
    return rows


def words_of(doc: Document) -> list[str]:
    return [w for line in doc.lines for w in line.split()]


def numbered(doc: Document) -> dict[str, object]:
    return {r.cells[0].text: r for t in doc.tables for r in t.rows if r.cells[0].text.isdigit()}


def check_model(doc: Document) -> None:
    """What every converted document keeps: rows on their own lines, cells on the row's line."""
    assert all("\n" not in line for line in doc.lines)
    for table in doc.tables:
        assert [r.line for r in table.rows] == list(table.lines)
        for row in table.rows:
            assert doc.lines[row.line - 1] == "\t".join(c.text for c in row.cells)
            assert all(c.lines == (row.line,) * len(c.paragraphs) for c in row.cells)
    if doc.pages is not None:
        assert len(doc.pages) == len(doc.lines)


# --- the real Word document -----------------------------------------------------------

@pytest.fixture(scope="module")
def phu_tho() -> Document:
    path = dev_doc("phu_tho_2024.docx")
    return DocxConverter().convert(path.name, path.read_bytes())


def test_docx_appendix_rows_sections_and_header(phu_tho):
    check_model(phu_tho)
    assert len(phu_tho.tables) == 1  # the header and signature blocks are layout, not data
    table = phu_tho.tables[0]
    tasks = [r for r in table.rows if r.cells[0].text.isdigit()]
    sections = [r for r in table.rows if len(r.cells) == 1]
    assert [r.cells[0].text for r in tasks] == [str(n) for n in range(1, 26)]
    assert [r.cells[0].text for r in sections] == [
        "I. NHẬN THỨC SỐ VÀ THỂ CHẾ SỐ", "II. HẠ TẦNG SỐ VÀ AN TOÀN THÔNG TIN MẠNG", "III. DỮ LIỆU SỐ",
        "IV. CHÍNH QUYỀN SỐ", "V. KINH TẾ SỐ", "VI. XÃ HỘI SỐ VÀ NHÂN LỰC SỐ"]
    header = table.rows[0]
    assert header.header and not any(r.header for r in table.rows[1:])
    assert header.texts == ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
                            "Sản phẩm"]
    assert len(table.rows) == 32


def test_docx_cells_keep_their_paragraphs(phu_tho):
    rows = numbered(phu_tho)
    assert rows["1"].cells[3].paragraphs == ("Sở Công Thương;", "UBND thành phố Việt Trì;", "VNPT Phú Thọ;",
                                             "Viettel Phú Thọ")
    assert rows["1"].cells[5].paragraphs == ("Hội thảo, triển lãm được tổ chức;", "Báo cáo kết quả")
    assert rows["8"].cells[3].text == "" and rows["8"].cells[3].paragraphs == ()
    assert phu_tho.lines[rows["8"].line - 1].split("\t")[3] == ""
    for number, cells in source_rows("phu_tho_2024.txt").items():
        assert [list(c.paragraphs) for c in rows[number].cells] == cells


def test_docx_text_is_the_source_text(phu_tho):
    assert "Phú Thọ" in "\n".join(phu_tho.lines)
    assert any("935/KH-UBND" in line for line in phu_tho.lines)
    assert words_of(phu_tho) == source_words("phu_tho_2024.txt")  # every word, in reading order
    # the header block: left cell, then right cell, one Word paragraph a line
    assert phu_tho.lines[:6] == ("ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                 "Độc lập - Tự do - Hạnh phúc", "Số: 935/KH-UBND", "Phú Thọ, ngày 18 tháng 3 năm 2024")


def test_docx_paragraphs_are_the_lines_outside_tables(phu_tho):
    outside = [n for n in range(1, len(phu_tho.lines) + 1) if n not in phu_tho.table_lines()]
    assert [p.lines for p in phu_tho.paragraphs] == [(n,) for n in outside]
    assert all(p.text == phu_tho.lines[p.lines[0] - 1] and p.starts == (0,) for p in phu_tho.paragraphs)
    assert phu_tho.pages is None
    assert phu_tho.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert phu_tho.converter.startswith("python-docx ")


# --- the real PDF ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def binh_dinh() -> Document:
    path = dev_doc("binh_dinh_2024.pdf")
    return PdfConverter().convert(path.name, path.read_bytes())


def test_pdf_rows_across_pages(binh_dinh):
    check_model(binh_dinh)
    rows = numbered(binh_dinh)
    assert sorted(rows, key=int) == [str(n) for n in range(1, 28)]
    assert [binh_dinh.page_of(t.first_line) for t in binh_dinh.tables] == [3, 4, 5]
    headers = [r for t in binh_dinh.tables for r in t.rows if r.header]
    assert [binh_dinh.page_of(r.line) for r in headers] == [3, 4, 5]
    assert {tuple(r.texts) for r in headers} == {
        ("TT", "Chỉ tiêu", "Chỉ tiêu năm 2024", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn")}
    sections = [r.cells[0].text for t in binh_dinh.tables for r in t.rows if len(r.cells) == 1]
    assert len(sections) == 7 and sections[0] == "I. NHẬN THỨC SỐ"
    first, *continued = binh_dinh.tables
    assert not any(r.after_break for r in first.rows)
    for table in continued:  # header repeated at the top of the page, then the rows that follow it
        assert [r.after_break for r in table.rows[:3]] == [True, True, False]


def test_pdf_cells_match_the_source(binh_dinh):
    rows = numbered(binh_dinh)
    expected = source_rows("binh_dinh_2024.txt")
    for number, cells in expected.items():
        if number == "11":
            continue  # its last agency runs onto page 4 (below)
        assert [list(c.paragraphs) for c in rows[number].cells] == cells, number
    # row 11 is cut by the page break: the rest of its cell opens page 4 after the repeated header
    page4 = binh_dinh.tables[1]
    assert rows["11"].cells[4].text == "Các sở, ban, ngành; UBND các"
    assert page4.rows[1].texts == ["", "", "", "", "huyện, thị xã, thành phố", ""]
    assert rows["12"].cells[2].text == "≥ 45%"
    assert [n for n, r in rows.items() if r.cells[5].text == "Quý III/2024"] == ["2", "5", "8", "16", "23", "26"]
    # the narrow column wraps "Tháng" / "12/2024" and "Thường" / "xuyên": still one paragraph
    assert rows["1"].cells[5].paragraphs == ("Tháng 12/2024",)
    assert rows["14"].cells[5].paragraphs == ("Thường xuyên",)


def test_pdf_text_pages_and_running_lines(binh_dinh):
    assert Counter(source_words("binh_dinh_2024.txt")) - Counter(words_of(binh_dinh)) == Counter()
    assert binh_dinh.pages is not None and set(binh_dinh.pages) == {1, 2, 3, 4, 5}
    assert list(binh_dinh.pages) == sorted(binh_dinh.pages)
    assert not any(re.fullmatch(r"\s*\d{1,3}\s*", line) for line in binh_dinh.lines)
    assert "≥ 45%" in "\n".join(binh_dinh.lines)
    # the two-column blocks are read column by column
    assert binh_dinh.lines[:6] == ("ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "Số: 64/KH-UBND",
                                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                   "Bình Định, ngày 08 tháng 4 năm 2024")
    signature = binh_dinh.lines.index("Nơi nhận:")
    assert binh_dinh.lines[signature + 7:signature + 11] == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                             "Lê Quang Vinh")
    assert binh_dinh.paragraphs == ()
    assert binh_dinh.media_type == "application/pdf" and binh_dinh.converter.startswith("pdfplumber ")
    assert binh_dinh.warnings == ()


def test_pdf_progress_callback():
    path = dev_doc("binh_dinh_2024.pdf")
    calls = []
    PdfConverter().convert(path.name, path.read_bytes(), on_page=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]


# --- Word files built here ------------------------------------------------------------

def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xml(fragment: str):
    from docx.oxml.parser import parse_xml
    return parse_xml(fragment)


def mark_header(row) -> None:
    from docx.oxml import OxmlElement
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def ruled_table(document, rows: int, cols: int):
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def test_docx_merged_section_row_and_cell_merged_down():
    document = docx_api.Document()
    table = ruled_table(document, 5, 4)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"]):
        cell.text = text
    mark_header(table.rows[0])
    table.cell(1, 0).merge(table.cell(1, 3)).text = "I. HẠ TẦNG SỐ"
    for r in (2, 3, 4):
        table.cell(r, 0).text = str(r - 1)
        table.cell(r, 1).text = f"Nhiệm vụ {r - 1}"
        table.cell(r, 3).text = "Quý II/2024"
    merged = table.cell(2, 2).merge(table.cell(4, 2))
    merged.text = "Sở Thông tin và Truyền thông;"
    merged.add_paragraph("Sở Nội vụ")
    doc = DocxConverter().convert("gop.docx", docx_bytes(document))
    check_model(doc)
    (t,) = doc.tables
    assert [r.header for r in t.rows] == [True, False, False, False, False]
    assert t.rows[1].texts == ["I. HẠ TẦNG SỐ"] and doc.lines[t.rows[1].line - 1] == "I. HẠ TẦNG SỐ"
    for row in t.rows[2:]:
        assert row.cells[2].paragraphs == ("Sở Thông tin và Truyền thông;", "Sở Nội vụ")
    assert doc.lines[t.rows[3].line - 1] == "2\tNhiệm vụ 2\tSở Thông tin và Truyền thông; Sở Nội vụ\tQuý II/2024"


def test_docx_cell_merged_across_some_columns_fills_the_first():
    document = docx_api.Document()
    table = ruled_table(document, 3, 4)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp"]):
        cell.text = text
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "NHẬN THỨC SỐ"
    for c, text in enumerate(["1", "Tuyên truyền", "Sở TT&TT", "Báo Phú Thọ"]):
        table.cell(2, c).text = text
    (t,) = DocxConverter().convert("gop-ngang.docx", docx_bytes(document)).tables
    assert t.rows[1].texts == ["I", "NHẬN THỨC SỐ", "", ""]


def test_docx_nested_table_is_folded_into_its_cell():
    document = docx_api.Document()
    table = ruled_table(document, 2, 3)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nhiệm vụ", "Phối hợp"]):
        cell.text = text
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Số hóa hồ sơ"
    outer = table.cell(1, 2)
    outer.text = "Các đơn vị:"
    inner = outer.add_table(rows=2, cols=2)
    for cell, text in zip([c for r in inner.rows for c in r.cells], ["Sở A", "Sở B", "Sở C", "Sở D"]):
        cell.text = text
    doc = DocxConverter().convert("long-bang.docx", docx_bytes(document))
    check_model(doc)
    (t,) = doc.tables  # the nested table is no table of its own
    assert t.rows[1].cells[2].paragraphs == ("Các đơn vị:", "Sở A", "Sở B", "Sở C", "Sở D")
    assert len(t.rows) == 2


def test_docx_borderless_layout_table_is_read_as_paragraphs():
    document = docx_api.Document()
    layout = document.add_table(rows=1, cols=2)  # no style: the default table style draws no borders
    layout.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    layout.cell(0, 0).add_paragraph("TỈNH PHÚ THỌ")
    layout.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    layout.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    second = document.add_table(rows=2, cols=2)
    second.cell(0, 0).text = "Số: 12/KH-UBND"
    second.cell(0, 1).text = "Phú Thọ, ngày 02 tháng 01 năm 2024"
    second.cell(1, 1).text = "KT. CHỦ TỊCH"
    document.add_paragraph("KẾ HOẠCH")
    doc = DocxConverter().convert("bo-cuc.docx", docx_bytes(document))
    assert doc.tables == ()
    assert doc.lines == ("ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 12/KH-UBND", "Phú Thọ, ngày 02 tháng 01 năm 2024",
                         "KT. CHỦ TỊCH", "KẾ HOẠCH")
    assert len(doc.paragraphs) == 8


def test_docx_decomposed_text_becomes_nfc():
    import unicodedata
    document = docx_api.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Sở Thông tin và Truyền thông chủ trì"))
    doc = DocxConverter().convert("nfd.docx", docx_bytes(document))
    assert doc.lines == ("Sở Thông tin và Truyền thông chủ trì",)
    assert unicodedata.is_normalized("NFC", doc.lines[0])


def test_docx_borderless_table_with_a_header_row_is_data():
    document = docx_api.Document()
    table = document.add_table(rows=3, cols=4)
    for r, texts in enumerate([["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"],
                               ["1", "Ban hành quy chế", "Văn phòng UBND tỉnh", "Quý II/2024"],
                               ["2", "Số hóa hồ sơ", "Sở Nội vụ", "Năm 2024"]]):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    (t,) = DocxConverter().convert("khong-vien.docx", docx_bytes(document)).tables
    assert [r.texts[0] for r in t.rows] == ["TT", "1", "2"]


def test_docx_text_box_soft_breaks_numbering_footnote_and_symbols():
    document = docx_api.Document()
    anchor = document.add_paragraph("Đoạn có hộp chữ.")
    box = ('<w:txbxContent><w:p><w:r><w:t>Hộp chữ: chỉ tiêu ưu tiên</w:t></w:r></w:p></w:txbxContent>')
    anchor._p.append(xml(
        f'<w:r xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        f'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>'
        f'<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    broken = document.add_paragraph("Số: 15/KH-UBND")
    broken.runs[0].add_break()
    broken.add_run("Phú Thọ, ngày 05 tháng 02 năm 2024")
    document.add_paragraph("Tổ chức hội nghị", style="List Number")
    document.add_paragraph("Ban hành kế hoạch", style="List Number")
    cited = document.add_paragraph("Tỷ lệ hồ sơ trực tuyến ")
    cited._p.append(xml(f'<w:r xmlns:w="{W_NS}"><w:sym w:font="Symbol" w:char="F0B3"/><w:t xml:space="preserve">'
                        f' 45%</w:t></w:r>'))
    cited._p.append(xml(f'<w:r xmlns:w="{W_NS}"><w:footnoteReference w:id="1"/></w:r>'))
    hidden = document.add_paragraph("Hiện")
    hidden._p.append(xml(f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vanish/></w:rPr><w:t>ẨN</w:t></w:r>'))
    data = with_footnote(docx_bytes(document), "Theo Quyết định số 749/QĐ-TTg ngày 03/6/2020.")
    doc = DocxConverter().convert("hop-chu.docx", data)
    assert doc.lines == ("Đoạn có hộp chữ.", "Hộp chữ: chỉ tiêu ưu tiên", "Số: 15/KH-UBND",
                         "Phú Thọ, ngày 05 tháng 02 năm 2024", "1. Tổ chức hội nghị", "2. Ban hành kế hoạch",
                         "Tỷ lệ hồ sơ trực tuyến ≥ 45%", "Hiện", "[1] Theo Quyết định số 749/QĐ-TTg ngày 03/6/2020.")
    soft = doc.paragraphs[2]  # a soft line break: two lines, one Word paragraph
    assert soft.lines == (3, 4) and soft.text == "Số: 15/KH-UBND Phú Thọ, ngày 05 tháng 02 năm 2024"
    assert soft.line_at(soft.text.index("Phú")) == 4


def with_footnote(data: bytes, text: str) -> bytes:
    """The .docx with a footnotes part holding footnote 1 (python-docx cannot write one)."""
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             '</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r>'
             f'<w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                          b'footnotes+xml"/></Types>')
            elif item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdFoot1" Type="http://schemas.'
                                          b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                          b'Target="footnotes.xml"/></Relationships>')
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", notes.encode("utf-8"))
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("case", "data", "code"), [
    ("zip bomb", lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (30 * 2**20)}),
     "I025"),
    ("not a zip", lambda: "Kế hoạch chuyển đổi số năm 2024".encode("utf-8"), "I007"),
    ("cut zip", lambda: docx_bytes(docx_api.Document())[:2000], "I024"),
    ("zip, not Word", lambda: zip_of({"a.txt": b"xin chao"}), "I017"),
    ("xlsx-like zip", lambda: zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}), "I021"),
    ("protected", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512,
     "I023"),
    ("old .doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512,
     "I009"),
    ("empty file", lambda: b"", "I001"),
    ("no text", lambda: docx_bytes(docx_api.Document()), "I019"),
])
def test_docx_bad_input_is_an_ingest_error(case, data, code):
    with pytest.raises(IngestError) as caught:
        DocxConverter().convert("ke-hoach.docx", data())
    assert caught.value.code == code, caught.value.message
    assert "ke-hoach.docx" in caught.value.message


def test_docx_total_unpacked_size_is_capped():
    document = docx_api.Document()
    document.add_paragraph("Kế hoạch")
    with pytest.raises(IngestError) as caught:
        DocxConverter(max_unpacked_bytes=10_000).convert("lon.docx", docx_bytes(document))
    assert caught.value.code == "I012"


@pytest.mark.parametrize("settings", [{"max_unpacked_bytes": 0}, {"max_ratio": 0.5}, {"max_members": -1},
                                      {"ratio_floor": "1MB"}])
def test_docx_bad_settings_fail_at_once(settings):
    with pytest.raises(ValueError, match=re.escape(repr(next(iter(settings.values()))))):
        DocxConverter(**settings)


# --- PDF files built here -------------------------------------------------------------

def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF written by hand: objects 1…n (object 1 the catalog) and a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


_TO_PRIVATE_USE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfrange <41> <5A> <E000> endbfrange
endcmap CMapName currentdict /CMapResource defineresource pop end end"""


def private_use_pdf() -> bytes:
    """One page of text whose font maps every glyph to a private-use code point."""
    runs = b" ".join(b"BT /F1 12 Tf 72 %d Td (KEHOACHCHUYENDOISO) Tj ET" % (720 - 16 * i) for i in range(20))
    return pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        stream(runs),
        stream(_TO_PRIVATE_USE),
    ])


def fpdf_document(pages_text: list[list[str]] | None = None) -> "fpdf.FPDF":
    document = fpdf.FPDF(format="A4")
    document.set_font("Helvetica", size=12)
    for lines in pages_text or []:
        document.add_page()
        for line in lines:
            document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return document


def scanned_pdf() -> bytes:
    from PIL import Image
    document = fpdf.FPDF(format="A4")
    for _ in range(2):
        document.add_page()
        document.image(Image.new("L", (400, 560), 200), x=10, y=10, w=190)
    return bytes(document.output())


def encrypted_pdf(user_password: str | None) -> bytes:
    document = fpdf_document([["Ke hoach chuyen doi so nam 2024", "So Thong tin va Truyen thong chu tri"]])
    document.set_encryption(owner_password="chu-so-huu", user_password=user_password)
    return bytes(document.output())


@pytest.mark.parametrize(("case", "data", "code"), [
    ("password", lambda: encrypted_pdf("mat-khau"), "I011"),
    ("no pages", lambda: pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
     "I029"),
    ("truncated", lambda: dev_doc("binh_dinh_2024.pdf").read_bytes()[:20000], "I010"),
    ("not a PDF", lambda: b"<html><body>Ke hoach</body></html>", "I028"),
    ("private-use glyphs", private_use_pdf, "I013"),
    ("scanned pages", scanned_pdf, "I054"),
    ("TCVN3 font encoding", lambda: bytes(fpdf_document([["KÕ ho¹ch chuyÓn ®æi sè tØnh Phó Thä n¨m 2024"] * 8])
                                          .output()), "I051"),
    ("blank page", lambda: bytes(fpdf_document([[]]).output()), "I019"),
    ("empty file", lambda: b"", "I001"),
])
def test_pdf_bad_input_is_an_ingest_error(case, data, code):
    with pytest.raises(IngestError) as caught:
        PdfConverter().convert("ke-hoach.pdf", data())
    assert caught.value.code == code, caught.value.message
    assert "ke-hoach.pdf" in caught.value.message


_WITH_COMBINING_ACUTE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfrange <20> <7D> <0020> <7E> <7E> <0301> endbfrange
endcmap CMapName currentdict /CMapResource defineresource pop end end"""


def test_pdf_combining_marks_are_composed():
    """A font that draws Vietnamese tones as separate combining glyphs ("~" here is U+0301)."""
    runs = b"BT /F1 12 Tf 72 720 Td (Quy~ III/2024 - Ha~t Xoan) Tj ET"
    data = pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        stream(runs),
        stream(_WITH_COMBINING_ACUTE),
    ])
    doc = PdfConverter().convert("dau-tach.pdf", data)
    assert doc.lines == ("Quý III/2024 - Hát Xoan",)
    assert doc.warnings == ()


def test_pdf_with_only_an_owner_password_is_read():
    doc = PdfConverter().convert("chi-han-che.pdf", encrypted_pdf(None))
    assert doc.lines == ("Ke hoach chuyen doi so nam 2024", "So Thong tin va Truyen thong chu tri")


class _PagedPdf(fpdf.FPDF):
    """A running header and a bare page number on every page."""

    def header(self):
        self.set_font("Helvetica", size=9)
        self.set_y(8)
        self.cell(0, 5, "Du thao lan 2 - Trang " + str(self.page_no()), align="C")
        self.set_y(25)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, str(self.page_no()), align="C")


def test_pdf_table_over_pages_running_lines_columns_and_hyphens():
    document = _PagedPdf(format="A4")
    document.set_auto_page_break(True, margin=20)
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.text(25, 40, "UY BAN NHAN DAN")
    document.text(120, 40, "CONG HOA XA HOI")
    document.text(28, 46, "TINH BINH DINH")
    document.text(122, 46, "Doc lap - Tu do")
    document.set_xy(20, 60)
    document.multi_cell(170, 6, "Trien khai hoc truc tuyen e-\nlearning cho can bo.\nSo Lao dong -\nThuong binh.")
    with document.table(col_widths=(15, 80, 40, 35), line_height=6) as table:
        row = table.row()
        for text in ("TT", "Chi tieu", "Don vi chu tri", "Thoi han"):
            row.cell(text)
        for n in range(1, 100):
            row = table.row()
            for text in (str(n), f"Chi tieu so {n}", "So TT&TT", "Quy III/2024"):
                row.cell(text)
    document.ln(5)
    document.multi_cell(170, 6, "Noi dung sau bang.")
    doc = PdfConverter().convert("nhieu-trang.pdf", bytes(document.output()))
    check_model(doc)
    assert doc.lines[:8] == ("UY BAN NHAN DAN", "TINH BINH DINH", "CONG HOA XA HOI", "Doc lap - Tu do",
                             "Trien khai hoc truc tuyen e-learning", "cho can bo.", "So Lao dong -", "Thuong binh.")
    assert not any("Du thao" in line or re.fullmatch(r"\d+", line) for line in doc.lines)
    assert doc.lines[-1] == "Noi dung sau bang." and doc.pages[-1] == 3
    assert [doc.page_of(t.first_line) for t in doc.tables] == [1, 2, 3]
    rows = [r for t in doc.tables for r in t.rows if r.cells[0].text.isdigit()]
    assert [r.cells[0].text for r in rows] == [str(n) for n in range(1, 100)]
    assert all(t.rows[0].header and t.rows[0].texts == ["TT", "Chi tieu", "Don vi chu tri", "Thoi han"]
               for t in doc.tables)
    assert [[r.after_break for r in t.rows[:3]] for t in doc.tables] == [
        [False, False, False], [True, True, False], [True, True, False]]


@pytest.mark.parametrize("settings", [{"max_pages": 0}, {"garbage_ratio": 1.5}, {"drop_running_lines": "yes"}])
def test_pdf_bad_settings_fail_at_once(settings):
    with pytest.raises(ValueError, match=re.escape(repr(next(iter(settings.values()))))):
        PdfConverter(**settings)
