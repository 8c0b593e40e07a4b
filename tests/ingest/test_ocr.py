"""OCR converter: page images drawn here (a ruled and a borderless table under a two-column
header, merged cells, TIFF and JPEG pages), a scanned copy of the Bình Định development plan
made here from its PDF (rows, lead agencies and time per page measured), and bad input."""
from __future__ import annotations

import difflib
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.converters import ocr as ocr_module
from ingest.converters.ocr import OcrConverter, Word, find_grids, media_type_of, read_page
from ingest.converters.pdf import PdfConverter
from ingest.document import Document
from ingest.errors import NEEDS_OCR, IngestError

FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")

HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
SECTION = "I. KINH TẾ SỐ VÀ XÃ HỘI SỐ"
ROWS = [["1", "Xây dựng kho dữ liệu dùng chung của tỉnh", "Sở Thông tin và Truyền thông", "Sở Tài chính;\nSở Nội vụ",
         "Quý IV/2025"],
        ["2", "Nâng cấp cổng dịch vụ công trực tuyến", "Văn phòng UBND tỉnh", "Các sở, ban, ngành", "Tháng 9/2025"],
        ["3", "Đào tạo kỹ năng số cho cán bộ, công chức", "Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Năm 2025"]]
WIDTHS = [110, 620, 420, 420, 300]
ABOVE = [("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("TỈNH HÀ NAM", "Độc lập - Tự do - Hạnh phúc"),
         "", "KẾ HOẠCH chuyển đổi số năm 2025"]


@pytest.fixture(scope="module")
def ocr_tools() -> None:
    """tesseract with its Vietnamese model and poppler: `make test` installs them (`make ocr`),
    so a missing one is a set-up error, not a skip."""
    missing = [tool for tool in ("tesseract", "pdftoppm", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run `make ocr`")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "vie" not in langs:
        pytest.fail("tesseract has no Vietnamese model: run `make ocr`")


@pytest.fixture(scope="module")
def font() -> str:
    path = next((f for f in FONTS if Path(f).is_file()), None)
    if path is None:
        pytest.fail("no font with Vietnamese glyphs: run `make ocr` (fonts-dejavu-core)")
    return path


def _wrap(face: ImageFont.FreeTypeFont, text: str, width: float) -> list[str]:
    """Greedy wrap of each '\\n'-separated paragraph to `width` pixels."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if face.getlength(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def draw_page(font: str, rows: list, widths: list[int], ruled: bool = True, above: list = (), size: int = 42,
              pad: int = 16, merged_down: dict[tuple[int, int], int] | None = None) -> Image.Image:
    """A page image at about 300 dpi (42 px ≈ 10 pt): lines of text above (a (left, right)
    pair is a two-column line), then a table; a str row is a section row merged across the
    table; `merged_down[(row, column)] = n` merges that cell with the n rows below it."""
    face = ImageFont.truetype(font, size)
    step = int(size * 1.3)
    left = top = 120
    laid = []
    for row in rows:
        spans = [(0, len(widths))] if isinstance(row, str) else [(k, k + 1) for k in range(len(widths))]
        texts = [row] if isinstance(row, str) else row
        cells = [_wrap(face, t, sum(widths[a:b]) - 2 * pad) for t, (a, b) in zip(texts, spans)]
        laid.append((spans, cells, max(len(c) for c in cells) * step + 2 * pad))
    height = top * 2 + len(above) * step + (step if above else 0) + sum(h for _, _, h in laid)
    image = Image.new("L", (left * 2 + sum(widths), height), 255)
    pen = ImageDraw.Draw(image)
    y = top
    for text in above:
        first, second = text if isinstance(text, tuple) else (text, "")
        pen.text((left, y), first, font=face, fill=0)
        if second:
            pen.text((left + sum(widths) - face.getlength(second), y), second, font=face, fill=0)
        y += step
    y += step if above else 0
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    covered: set[tuple[int, int]] = set()
    for (r, c), n in (merged_down or {}).items():
        covered |= {(r + k, c) for k in range(1, n + 1)}
    tops = []
    for r, (spans, cells, h) in enumerate(laid):
        tops.append(y)
        for (a, b), lines in zip(spans, cells):
            for k, line in enumerate(lines):
                pen.text((xs[a] + pad, y + pad + k * step), line, font=face, fill=0)
            if ruled:
                for x in (xs[a], xs[b]):
                    pen.line([(x, y), (x, y + h)], fill=0, width=3)
                if (r, a) not in covered:
                    pen.line([(xs[a], y), (xs[b], y)], fill=0, width=3)
        y += h
    if ruled:
        pen.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    return image


def png_bytes(image: Image.Image, **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", **options)
    return buf.getvalue()


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio()


def check_task_table(doc: Document) -> None:
    """The drawn table came back as a Table: header, section row, three rows of five cells,
    numbers and lead agencies exact, the other cells close to what was drawn."""
    assert len(doc.tables) == 1, doc.lines
    rows = doc.tables[0].rows
    assert [r.texts for r in rows[:2]] == [HEADER, [SECTION]]
    assert len(rows) == 5
    for row, drawn in zip(rows[2:], ROWS):
        texts = row.texts
        assert len(texts) == 5, texts
        assert texts[0] == drawn[0] and texts[2] == drawn[2], texts
        for got, want in zip(texts, drawn):
            assert similar(got, want.replace("\n", " ")) >= 0.85, (got, want)
        assert doc.lines[row.line - 1] == "\t".join(texts)
        assert all(c.lines == (row.line,) * len(c.paragraphs) for c in row.cells)


# --- settings -----------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [
    {"dpi": 0}, {"dpi": 5000}, {"dpi": "300"}, {"dpi": 300.0}, {"dpi": True},
    {"lang": ""}, {"lang": "vie; rm -rf /"}, {"lang": None}, {"lang": "vie+"},
    {"timeout": 0}, {"timeout": -1}, {"timeout": "10"}, {"max_pages": 0}, {"max_pages": 2.5},
])
def test_bad_settings_fail_at_once_quoting_the_value(settings):
    (key, value), = settings.items()
    with pytest.raises(ValueError, match=key) as info:
        OcrConverter(**settings)
    assert repr(value) in str(info.value)


def test_construction_runs_nothing(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a subprocess was started in __init__")
    monkeypatch.setattr(subprocess, "run", forbidden)
    converter = OcrConverter(dpi=200, lang="vie+eng", timeout=30)
    assert (converter.dpi, converter.lang, converter.timeout) == (200, "vie+eng", 30.0)


@pytest.mark.parametrize("head, media", [
    (b"%PDF-1.7\n", "application/pdf"), (b"\n %PDF-1.4", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"), (b"\xff\xd8\xff\xe0..JFIF", "image/jpeg"),
    (b"II*\x00....", "image/tiff"), (b"MM\x00*....", "image/tiff"),
    (b"GIF89a", None), (b"PK\x03\x04", None), ("Kế hoạch".encode(), None),
])
def test_media_type_is_read_from_the_bytes(head, media):
    assert media_type_of(head) == media


# --- grids without OCR ----------------------------------------------------------------------

def _word(text: str, x: float, y: float, w: float = 40, h: float = 30) -> Word:
    return Word(x, y, x + w, y + h, text, 95.0, (1, 1, 1, 1))


def test_grid_with_merged_cells_gives_rows_like_the_text_layer_converter():
    """A cell merged down is repeated in each row it covers; a cell merged across two columns
    is followed by an empty cell; a band of one cell across the table is a one-cell row."""
    page = np.full((900, 1200), 255, np.uint8)
    for y, x0 in ((100, 100), (200, 100), (300, 300), (400, 100), (500, 100)):
        page[y:y + 3, x0:1003] = 0  # the rule at 300 stops at column 1: column 0 runs on over two rows
    columns = {100: [100, 1000], 200: [100, 300, 600, 1000], 300: [100, 300, 600, 1000], 400: [100, 300, 1000]}
    for top, xs in columns.items():
        for x in xs:
            page[top:top + 103, x:x + 3] = 0
    grids = find_grids(page, 300)
    assert len(grids) == 1 and len(grids[0].bands) == 4
    words = [_word("MỤC", 150, 140), _word("1", 150, 240), _word("Sở", 350, 240), _word("Quý", 700, 240),
             _word("2", 450, 340), _word("Năm", 700, 340), _word("Chung", 350, 440)]
    read = read_page(words, grids, 1, 900, 300)
    assert len(read.tables) == 1 and not read.lines
    rows = [[" ".join(p) for p, _ in row] for row in read.tables[0].rows]
    assert rows == [["MỤC"], ["1", "Sở", "Quý"], ["1", "2", "Năm"], ["", "Chung", ""]]


def test_lines_that_do_not_close_a_grid_are_no_table():
    """An underline, a framed box of one cell and a filled bar are not tables."""
    page = np.full((800, 1200), 255, np.uint8)
    page[100:103, 300:900] = 0  # the rule under "Độc lập - Tự do - Hạnh phúc"
    page[300:303, 100:500] = page[400:403, 100:500] = 0
    page[300:403, 100:103] = page[300:403, 497:500] = 0  # a box: one band, one cell
    page[600:700, 100:1100] = 0  # a black bar
    assert find_grids(page, 300) == []


@pytest.mark.parametrize("read, mended", [
    ([1, 2, 2, 4], [1, 2, 3, 4]),          # "III" read "II"
    ([1, None, 3], [1, 2, 3]),             # an unreadable numeral
    ([1, 2, 3, None], [1, 2, 3, 4]),       # the last one unreadable
    ([1, 2, 1, 2], [1, 2, 1, 2]),          # numbering restarts: left alone
    ([5, 9, 7], [5, 6, 7]),                # a misread digit between its neighbours
    ([1, 3, 5], [1, 3, 5]),                # nothing confirms a change
    ([1, None, None, 4], [1, 2, 3, 4]),    # two lost in a row
    ([1, 2, None, None], [1, 2, 3, 4]),    # the last two unreadable
    ([1, 2, 3, 8], [1, 2, 3, 8]),          # a last number nothing confirms is left as read
])
def test_numbering_is_mended_only_where_the_neighbours_agree(read, mended):
    values = list(read)
    items = [(v, (lambda k: lambda n: values.__setitem__(k, n))(k)) for k, v in enumerate(read)]
    ocr_module._renumber(items)
    assert values == mended


# --- images drawn here ------------------------------------------------------------------------

def test_ruled_table_image_becomes_a_table(ocr_tools, font):
    image = draw_page(font, [HEADER, SECTION] + ROWS, WIDTHS, ruled=True, above=ABOVE)
    doc = OcrConverter().convert("bang_ke.png", png_bytes(image, dpi=(300, 300)))
    check_task_table(doc)
    rows = doc.tables[0].rows
    assert rows[2].cells[3].paragraphs == ("Sở Tài chính;", "Sở Nội vụ")  # the author's line break kept
    assert doc.media_type == "image/png" and doc.converter.startswith("tesseract ") and doc.converter.endswith("(vie)")
    assert doc.pages == (1,) * len(doc.lines)
    assert all(c is not None and 0 < c <= 1 for c in doc.ocr_confidence) and len(doc.ocr_confidence) == len(doc.lines)
    assert doc.paragraphs == ()  # left to the shared paragraph builder, as for PDF text layers
    # the two-column header block is read left column first
    assert doc.lines[0] == "ỦY BAN NHÂN DÂN" and doc.lines[2] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert doc.lines[3] == "Độc lập - Tự do - Hạnh phúc" and doc.lines[4] == "KẾ HOẠCH chuyển đổi số năm 2025"
    assert doc.lines[5] == "\t".join(HEADER) and rows[0].line == 6


def test_borderless_table_image_is_read_from_its_header(ocr_tools, font):
    """No ruling lines: the header line gives the columns, the numbers in the first column
    start the rows, a roman numeral in capitals makes a section row."""
    image = draw_page(font, [HEADER, SECTION] + ROWS, WIDTHS, ruled=False, above=ABOVE)
    doc = OcrConverter().convert("bang_khong_ke.png", png_bytes(image))  # no dpi recorded: 300 assumed
    check_task_table(doc)
    assert doc.lines[0] == "ỦY BAN NHÂN DÂN" and not any("\t" in line for line in doc.lines[:5])


def test_merged_down_cell_in_a_drawn_table_is_repeated(ocr_tools, font):
    rows = [HEADER, ["1", "Số hóa hồ sơ đất đai", "Sở Tài nguyên và Môi trường", "Các huyện", "Năm 2025"],
            ["2", "Cập nhật bản đồ số", "", "Sở Xây dựng", "Tháng 6/2025"]]
    image = draw_page(font, rows, WIDTHS, merged_down={(1, 2): 1})
    doc = OcrConverter().convert("gop_o.png", png_bytes(image, dpi=(300, 300)))
    table_rows = doc.tables[0].rows
    assert [r.texts[2] for r in table_rows[1:]] == ["Sở Tài nguyên và Môi trường"] * 2
    assert [r.texts[0] for r in table_rows[1:]] == ["1", "2"]


def test_tiff_pages_and_jpeg_with_progress(ocr_tools, font):
    face = ImageFont.truetype(font, 48)
    frames = []
    for text in ("Trang một của bản quét", "Trang hai của bản quét"):
        frame = Image.new("L", (1400, 400), 255)
        ImageDraw.Draw(frame).text((100, 150), text, font=face, fill=0)
        frames.append(frame)
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    seen = []
    doc = OcrConverter().convert("ban_quet.tif", tiff.getvalue(), on_page=lambda done, total: seen.append((done, total)))
    assert doc.lines == ("Trang một của bản quét", "Trang hai của bản quét")
    assert doc.pages == (1, 2) and seen == [(1, 2), (2, 2)] and doc.media_type == "image/tiff"
    jpeg = io.BytesIO()
    frames[1].convert("RGB").save(jpeg, "JPEG", quality=85)
    doc = OcrConverter().convert("anh.jpg", jpeg.getvalue())
    assert doc.lines == ("Trang hai của bản quét",) and doc.media_type == "image/jpeg"


def _one_line_image(font: str) -> Image.Image:
    image = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(image).text((100, 100), "Sở Thông tin và Truyền thông", font=ImageFont.truetype(font, 48), fill=0)
    return image


def _encoded(image: Image.Image, kind: str) -> bytes:
    buf = io.BytesIO()
    if kind == "tiff-g4":  # a fax-style bilevel scan, the commonest archive format
        image.convert("1").save(buf, "TIFF", compression="group4", dpi=(300, 300))
    elif kind == "png-16bit":
        Image.fromarray(np.asarray(image).astype(np.uint16) * 257).save(buf, "PNG")
    elif kind == "png-palette":
        image.convert("P").save(buf, "PNG")
    elif kind == "png-transparent":
        ink = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ink.putalpha(Image.eval(image, lambda v: 255 - v))
        ink.save(buf, "PNG")
    elif kind == "jpeg-cmyk-72dpi":  # a photo's nominal 72 dpi does not fit the page: 300 is assumed
        image.convert("CMYK").save(buf, "JPEG", dpi=(72, 72))
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["tiff-g4", "png-16bit", "png-palette", "png-transparent", "jpeg-cmyk-72dpi"])
def test_image_modes_scanners_and_phones_write(ocr_tools, font, kind):
    doc = OcrConverter().convert(f"anh-{kind}", _encoded(_one_line_image(font), kind))
    assert doc.lines == ("Sở Thông tin và Truyền thông",)


# --- the scanned development plan -------------------------------------------------------------

def _source_rows(path: Path) -> dict[int, list[str]]:
    """Number → cell texts (paragraphs joined, spaces squashed) of the source's ruled table."""
    text = path.read_text(encoding="utf-8")
    block = text.split("\n{{\n", 1)[1].split("\n}}", 1)[0].splitlines()
    rows = {}
    for line in block[1:]:
        cells = line.split(" | ")
        if cells[0].isdigit():
            rows[int(cells[0])] = [" ".join(" ".join(c.split(" // ")).split()) for c in cells]
    return rows


def _scan(pdf: Path, folder: Path, dpi: int = 200) -> bytes:
    """An image-only PDF of `pdf`: its pages rendered at `dpi` and put back together as JPEG
    images, as a scanner would give them (no text layer)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "trang")], check=True, timeout=120)
    pages = [Image.open(p).convert("L") for p in sorted(folder.glob("trang-*.png"))]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


@pytest.mark.slow
def test_scanned_development_plan(ocr_tools, shared_dev_docs, tmp_path, artifacts):
    """binh_dinh_2024.pdf scanned at 200 dpi: the text-layer converter hands over (I013); OCR
    finds ≥ 25 of the 27 numbered rows under their numbers, the lead agency exact in ≥ 90% of
    them, the plan number and province in the text, within 10 s a page."""
    data = _scan(shared_dev_docs / "binh_dinh_2024.pdf", tmp_path)
    with pytest.raises(IngestError) as info:
        PdfConverter().convert("binh_dinh_2024_scan.pdf", data)
    assert info.value.code in NEEDS_OCR

    stamps = [time.perf_counter()]
    doc = OcrConverter().convert("binh_dinh_2024_scan.pdf", data, on_page=lambda done, total: stamps.append(time.perf_counter()))
    seconds = [round(b - a, 2) for a, b in zip(stamps, stamps[1:])]

    expected = _source_rows(shared_dev_docs / "source" / "binh_dinh_2024.txt")
    found: dict[int, list[str]] = {}
    for table in doc.tables:
        for row in table.rows:
            texts = row.texts
            if len(texts) == 6 and texts[0].isdigit() and int(texts[0]) in expected:
                if similar(texts[1], expected[int(texts[0])][1]) >= 0.8:  # the right indicator under its number
                    found.setdefault(int(texts[0]), texts)
    lead_ok = [n for n in found if " ".join(found[n][3].split()) == expected[n][3]]
    cells_ok = sum(" ".join(found[n][k].split()) == expected[n][k] for n in found for k in range(6))
    report = {
        "pages": len(seconds), "seconds_per_page": seconds, "seconds_mean": round(sum(seconds) / len(seconds), 2),
        "rows_found": len(found), "rows_expected": len(expected),
        "lead_exact": len(lead_ok), "lead_exact_share": round(len(lead_ok) / max(1, len(found)), 3),
        "cells_exact": cells_ok, "cells_compared": 6 * len(found),
        "lead_misread": {n: found[n][3] for n in found if n not in lead_ok},
        "rows_missing": sorted(set(expected) - set(found)),
        "mean_confidence": round(sum(c for c in doc.ocr_confidence if c) / len(doc.ocr_confidence), 3),
        "warnings": list(doc.warnings),
    }
    (artifacts / "ocr-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
    print("OCR", json.dumps(report, ensure_ascii=False))

    assert len(seconds) == 5 and doc.converter.startswith("tesseract ") and doc.media_type == "application/pdf"
    assert report["rows_found"] >= 25, report
    assert report["lead_exact_share"] >= 0.9, report
    text = "\n".join(doc.lines)
    assert "64/KH-UBND" in text and "Bình Định" in text
    assert report["seconds_mean"] <= 10, report
    # tables as the text-layer converter gives them: one a page (3, 4, 5), header repeated
    assert [doc.page_of(t.first_line) for t in doc.tables] == [3, 4, 5]
    assert all(t.rows[0].header for t in doc.tables)
    assert all(t.rows[0].after_break for t in doc.tables[1:])
    assert len(doc.pages) == len(doc.lines) == len(doc.ocr_confidence)
    # the readers read it as they read the text layer: 27 indicators, each with its lead agency
    from ingest.pipeline import DocumentReader
    from ingest.records import AssignmentRole, ItemKind
    extraction = DocumentReader().read_document(doc, data)
    indicators = [i for i in extraction.items if i.kind is ItemKind.INDICATOR]
    assert len(indicators) >= 25 and extraction.plan.province == "Bình Định"
    assert all(any(a.role is AssignmentRole.LEAD for a in i.assignments) for i in indicators)
    assert all(i.span.page in (3, 4, 5) for i in indicators)


def _task_plan_pdf(font: str) -> tuple[bytes, dict[int, str]]:
    """A landscape appendix written here with fpdf2: STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan
    phối hợp | Thời gian hoàn thành | Sản phẩm, section rows across the table, two-paragraph
    cells, the header repeated on each of its three pages; and the lead agency of each task."""
    import fpdf
    leads = ["Sở Công Thương", "Sở Tài chính", "Văn phòng UBND tỉnh", "Sở Nội vụ", "UBND các huyện, thành, thị",
             "Sở Giáo dục và Đào tạo", "Sở Y tế", "Công an tỉnh"]
    sections = {1: "I. NHẬN THỨC SỐ", 5: "II. HẠ TẦNG SỐ", 10: "III. CHÍNH QUYỀN SỐ", 16: "IV. KINH TẾ SỐ"}
    document = fpdf.FPDF(orientation="L", format="A4")
    document.add_font("Serif", "", font)
    document.add_font("Serif", "B", font)  # the headings' bold drawn in the regular face: one font file needed
    document.set_auto_page_break(True, margin=15)
    document.add_page()
    document.set_font("Serif", size=11)
    document.multi_cell(0, 6, "PHỤ LỤC\nDANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2025", align="C")
    document.ln(4)
    expected = {}
    with document.table(col_widths=(12, 95, 45, 55, 30, 40), line_height=6, text_align="LEFT",
                        repeat_headings=1) as table:
        head = table.row()
        for text in ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"):
            head.cell(text)
        for n in range(1, 21):
            if n in sections:
                table.row().cell(sections[n], colspan=6)
            expected[n] = leads[n % len(leads)]
            row = table.row()
            for text in (str(n), f"Triển khai nhiệm vụ số {n} về chuyển đổi số trong lĩnh vực được giao, bảo đảm "
                                 f"tiến độ", expected[n], "Sở Thông tin và Truyền thông;\nCác sở, ngành liên quan",
                         "Năm 2025", f"Báo cáo kết quả số {n}"):
                row.cell(text)
    return bytes(document.output()), expected


@pytest.mark.slow
def test_scanned_landscape_task_table_written_here(ocr_tools, font, tmp_path):
    """Another layout (landscape, six columns, a product column, fpdf2's rules): every task
    under its number, every lead agency exact, the header repeated on each page."""
    pdf, leads = _task_plan_pdf(font)
    (tmp_path / "phu_luc.pdf").write_bytes(pdf)
    doc = OcrConverter().convert("phu_luc_quet.pdf", _scan(tmp_path / "phu_luc.pdf", tmp_path))
    rows = {int(r.texts[0]): r for t in doc.tables for r in t.rows if r.texts[0].isdigit() and len(r.texts) == 6}
    assert sorted(rows) == list(range(1, 21))
    assert {n: rows[n].texts[2] for n in rows} == leads
    assert all(rows[n].cells[3].text == "Sở Thông tin và Truyền thông; Các sở, ngành liên quan" for n in rows)
    assert [doc.page_of(t.first_line) for t in doc.tables] == [1, 2, 3]
    assert all(t.rows[0].header and t.rows[0].texts[0] == "STT" for t in doc.tables)
    sections = [r.texts[0] for t in doc.tables for r in t.rows if len(r.cells) == 1]
    assert [s.split(".")[0] for s in sections] == ["I", "II", "III", "IV"]


# --- bad input ---------------------------------------------------------------------------------

def _small_text_png(font: str) -> bytes:
    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((50, 70), "Kế hoạch chuyển đổi số", font=ImageFont.truetype(font, 44), fill=0)
    return png_bytes(image, dpi=(300, 300))


@pytest.mark.parametrize("data, code", [
    (b"", "I001"), (b"  \n", "I001"),
    (b"GIF89a\x01\x00\x01\x00", "I033"), ("Kế hoạch số 12/KH-UBND".encode(), "I033"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "I045"),  # a PNG cut short
    (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "I045"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "I042"),  # no page tree, no xref
])
def test_undecodable_input_is_reported_in_vietnamese(ocr_tools, data, code):
    with pytest.raises(IngestError) as info:
        OcrConverter().convert("hong.bin", data)
    assert info.value.code == code
    assert "hong.bin" in info.value.message


def test_missing_tesseract_says_what_to_install(monkeypatch, font):
    monkeypatch.setattr(ocr_module.shutil, "which", lambda tool: None)
    with pytest.raises(IngestError) as info:
        OcrConverter().convert("anh.png", _small_text_png(font))
    assert info.value.code == "I030"
    assert "apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils" in info.value.message


def test_missing_language_model_says_what_to_install(ocr_tools, font):
    with pytest.raises(IngestError) as info:
        OcrConverter(lang="vie+xyz").convert("anh.png", _small_text_png(font))
    assert info.value.code == "I031"
    assert "xyz" in info.value.message and "apt-get install -y tesseract-ocr-xyz" in info.value.message


def test_missing_poppler_says_what_to_install(ocr_tools, monkeypatch):
    real = shutil.which
    monkeypatch.setattr(ocr_module.shutil, "which", lambda tool: None if tool == "pdftoppm" else real(tool))
    with pytest.raises(IngestError) as info:
        OcrConverter().convert("quet.pdf", b"%PDF-1.4\n%%EOF\n")
    assert info.value.code == "I032" and "poppler-utils" in info.value.message


def test_a_page_over_the_time_limit_stops_with_its_number(ocr_tools, font):
    with pytest.raises(IngestError) as info:
        OcrConverter(timeout=0.001).convert("cham.png", _small_text_png(font))
    assert info.value.code == "I035" and "Trang 1" in info.value.message


def test_a_blank_scan_has_no_text(ocr_tools):
    with pytest.raises(IngestError) as info:
        OcrConverter().convert("trang_trang.png", png_bytes(Image.new("L", (800, 1100), 255)))
    assert info.value.code == "I037"


def test_missing_imaging_libraries_say_what_to_install(monkeypatch, font):
    data = _small_text_png(font)
    monkeypatch.setitem(__import__("sys").modules, "PIL", None)
    with pytest.raises(IngestError) as info:
        OcrConverter().convert("anh.png", data)
    assert info.value.code == "I039" and "pip install" in info.value.message


def test_too_many_pages_are_refused(ocr_tools, font):
    frames = [Image.new("L", (200, 200), 255) for _ in range(3)]
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(IngestError) as info:
        OcrConverter(max_pages=2).convert("nhieu_trang.tif", tiff.getvalue())
    assert info.value.code == "I043"


def test_a_leaning_scan_is_straightened_first(ocr_tools, font):
    """A page scanned 1.5° askew: its rules no longer run along pixel rows, yet the table is found."""
    image = draw_page(font, [HEADER, SECTION] + ROWS, WIDTHS, ruled=True, above=ABOVE)
    leaning = image.rotate(1.5, resample=Image.BICUBIC, expand=True, fillcolor=255)
    assert abs(ocr_module.skew_angle(np.asarray(leaning)) - 1.5) <= 0.1
    doc = OcrConverter().convert("nghieng.png", png_bytes(leaning, dpi=(300, 300)))
    check_task_table(doc)
