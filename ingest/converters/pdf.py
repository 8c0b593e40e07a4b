"""PDF with a text layer → `Document`, pdfplumber (pdfminer.six) underneath.

Per page: tables found from ruling lines become one line per row (cells joined by a tab)
and a `Table` per page (a table running over pages is one `Table` a page; the first row of a
table at the top of a page, and the row after a repeated header, are marked `after_break`;
a first row repeated on later pages is marked `header`). Tables without ruling lines are read
from the text's alignment and given the same way: under a header line whose cells read as
column headers (the column code list; a label may wrap over lines), the columns are the gaps
between the header cells' text, a row opens at a number or section numeral in the number
column, a heading in capitals is a section row, and the table ends where a line runs over the
column gaps, at a wide vertical gap or at the page's end. Text outside the tables becomes
one line per printed line in reading order, a two-column block (quốc hiệu, signature) left
column first. Running headers and footers and bare page numbers are dropped. Every line
has its page. Hard-wrapped lines are not joined here (paragraphs are left to the shared
paragraph builder), except inside table cells, where wrapped lines are joined into the
cell's paragraphs. A missing or garbage text layer raises I013 so that OCR can take over.
No JavaScript, form action or attachment is ever read.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..document import Document
from ..errors import IngestError
from .packages import require, version
from ..text import clean_line, squash
from .layout import (EDGE_ZONE, HYPHENATED, PAGE_NUMBER, Line, Page, RawTable, Segment, assemble, column,
                     drop_running_lines)

MEDIA_TYPE = "application/pdf"
MAX_PAGES = 1000
# Share of a text layer's characters that may be unreadable (private-use glyphs, unmapped
# "(cid:n)" glyphs, replacement characters, letters of other scripts) before OCR is needed.
GARBAGE_RATIO = 0.3

_PUA = re.compile("[\ue000-\uf8ff]")
_COMBINING_GAP = re.compile(r"\s+(?=[\u0300-\u036f])")
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
# Latin-1 letters Vietnamese never uses; with the Latin-1 symbols they are how a text layer in
# a legacy font encoding (TCVN3/ABC, VNI) reads: "KÕ ho¹ch", "Keá hoaïch".
_LEGACY = re.compile("[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df"
                     "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")
_SYMBOL = {0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB9: "≠", 0xB0: "°",
           0xB7: "•", 0xAE: "→", 0xAC: "←", 0x2D: "-", 0xD7: "·"}
_WINGDINGS = {0x9F: "•", 0xA7: "▪", 0x6C: "●", 0x6E: "■", 0x71: "❑", 0x76: "❖", 0xD8: "➢",
              0xFC: "✓", 0xE0: "→", 0xA8: "□", 0xFE: "☑"}


class PdfConverter:
    """PDF bytes → `Document` with the page of every line; no OCR (I013 says when it is needed)."""

    media_type = MEDIA_TYPE
    paged = True  # convert() takes an on_page(done, total) callback

    def __init__(self, max_pages: int = MAX_PAGES, garbage_ratio: float = GARBAGE_RATIO,
                 drop_running_lines: bool = True):
        if not isinstance(max_pages, int) or max_pages <= 0:
            raise ValueError(f"max_pages must be a positive integer, got {max_pages!r}")
        if not isinstance(garbage_ratio, (int, float)) or not 0 < garbage_ratio <= 1:
            raise ValueError(f"garbage_ratio must be in (0, 1], got {garbage_ratio!r}")
        if not isinstance(drop_running_lines, bool):
            raise ValueError(f"drop_running_lines must be True or False, got {drop_running_lines!r}")
        self.max_pages = max_pages
        self.garbage_ratio = garbage_ratio
        self.drop_running_lines = drop_running_lines

    def convert(self, name: str, data: bytes,
                on_page: Callable[[int, int], None] | None = None) -> Document:
        if not data or not data.strip():
            raise IngestError("I001", name=name)
        if b"%PDF-" not in data[:1024]:
            raise IngestError("I028", name=name)
        pdfplumber = require("pdfplumber", IngestError("I053"))
        try:
            pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
        except Exception as exc:
            raise _open_error(name, exc) from exc
        try:
            read = self._read_pages(name, pdf, on_page)
        finally:
            _close(pdf)
        warnings = self._check_text_layer(name, read)
        if self.drop_running_lines:
            drop_running_lines(read)
        return _assemble(name, read, warnings, version("pdfplumber", "pdfplumber"))

    def _read_pages(self, name: str, pdf: Any, on_page: Callable[[int, int], None] | None) -> list[_PageRead]:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _open_error(name, exc) from exc
        if not pages:
            raise IngestError("I029", name=name)
        if len(pages) > self.max_pages:
            raise IngestError("I038", name=name, pages=len(pages), limit=self.max_pages)
        read: list[_PageRead] = []
        for number, page in enumerate(pages, 1):
            try:
                read.append(_read_page(page, number))
            except Exception as exc:  # a damaged page is skipped and reported, the others are read
                read.append(_PageRead(number, 0.0, [], [], broken=type(exc).__name__))
            finally:
                page.close()  # drops the page's cached layout: memory stays flat over long files
            if on_page is not None:
                on_page(number, len(pages))
        if all(p.broken for p in read):
            raise IngestError("I050", name=name, reason=read[0].broken)
        return read

    def _check_text_layer(self, name: str, read: list[_PageRead]) -> list[str]:
        """Raise I013 when the text layer is missing or unreadable; warn about pages without one."""
        total = sum(p.chars for p in read)
        scanned = [p.number for p in read if p.chars == 0 and p.graphics]
        if total == 0:
            if scanned:
                raise IngestError("I054", name=name)
            raise IngestError("I019", name=name)
        bad = sum(p.bad for p in read)
        if bad / total > self.garbage_ratio:
            raise IngestError("I013", name=name, percent=bad * 100 // total)
        legacy = sum(p.legacy for p in read)
        vietnamese = sum(p.vietnamese for p in read)
        if legacy / total > 0.05 and vietnamese / total < 0.01:
            raise IngestError("I051", name=name)
        warnings = []
        broken = [p.number for p in read if p.broken]
        if broken:
            warnings.append(f"Trang {_pages_text(broken)} bị hỏng, không đọc được; đã bỏ qua.")
        if len(scanned) * 2 >= len(read):
            raise IngestError("I052", name=name, pages=_pages_text(scanned))
        if scanned:
            warnings.append(f"Trang {_pages_text(scanned)} không có lớp chữ (có thể là ảnh quét), cần nhận dạng "
                            f"ký tự (OCR); nội dung các trang này chưa được đọc.")
        loose = sum(p.loose_marks for p in read)
        if loose:
            warnings.append(f"{loose} dấu thanh tiếng Việt trong lớp chữ PDF không gắn được vào chữ cái; "
                            f"hãy kiểm tra dấu tiếng Việt.")
        return warnings


def _open_error(name: str, exc: Exception) -> IngestError:
    from pdfminer.pdfdocument import PDFEncryptionError
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(cause, PDFEncryptionError):
        return IngestError("I011", name=name)
    return IngestError("I010", name=name, kind=type(cause).__name__)


def _close(pdf: Any) -> None:
    """Close without re-reading a damaged page tree (pdfplumber's close() walks the pages)."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def _pages_text(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + ("…" if len(numbers) > 10 else "")


# --- one page --------------------------------------------------------------------------

@dataclass
class _PageRead(Page):
    chars: int = 0          # characters other than spaces
    bad: int = 0            # unreadable ones
    legacy: int = 0         # legacy-encoding look-alikes
    vietnamese: int = 0     # letters only Vietnamese Unicode text has
    loose_marks: int = 0    # combining marks left without a base letter
    graphics: bool = False  # images or drawings: content that is not text
    broken: str = ""        # the error that stopped the page from being read


def _read_page(page: Any, number: int) -> _PageRead:
    chars = _prepare_chars(page.chars)
    read = _PageRead(number, float(page.height), [], [])
    _count_characters(read, chars)
    read.graphics = bool(page.images) or len(page.curves) + len(page.rects) > 20
    found = [t for t in page.find_tables() if len(t.rows) >= 2 and len({c[0] for c in t.cells}) >= 2]
    boxes = [t.bbox for t in found]
    outside = [c for c in chars if not any(_inside(c, b) for b in boxes)]
    lines, read.tables = _borderless_tables(_cluster_lines(_words(outside)), read.height)
    read.lines = _text_lines(lines)
    for table in found:
        inside = [c for c in chars if _inside(c, table.bbox)]
        rows = _table_rows(table, inside)
        if rows:
            read.tables.append(RawTable(float(table.bbox[1]), rows))
    read.tables.sort(key=lambda t: t.top)
    return read


def _prepare_chars(chars: list[dict]) -> list[dict]:
    """Page characters with Symbol/Wingdings glyphs mapped, overprinted duplicates dropped and
    combining marks (tones drawn as glyphs of their own) joined to their letters."""
    out: list[dict] = []
    seen: set[tuple] = set()
    marks: list[dict] = []
    last: dict | None = None  # the letter before, in content-stream (logical) order
    for char in chars:
        text = char.get("text") or ""
        if _PUA.search(text):
            font = (char.get("fontname") or "").split("+")[-1].lower()
            table = _SYMBOL if font.startswith("symbol") else _WINGDINGS if font.startswith("wingdings") else None
            if table is not None:
                text = "".join(table.get(ord(c) - 0xF000, c) if 0xF000 <= ord(c) <= 0xF0FF else c for c in text)
        key = (text, round(char["x0"]), round(char["top"]))
        if key in seen:
            continue  # fake bold: the same glyph printed twice at the same place
        seen.add(key)
        char = dict(char, text=text)
        if text and all(unicodedata.category(c) == "Mn" for c in text):
            if last is not None and _near(last, char):
                last["text"] = unicodedata.normalize("NFC", last["text"] + text)
            else:
                marks.append(char)
            continue
        out.append(char)
        last = None if text.isspace() else char
    for mark in marks:  # drawn out of order: the letter under the mark takes it
        centre = (mark["x0"] + mark["x1"]) / 2
        near = [c for c in out if not c["text"].isspace() and _near(c, mark)]
        if near:
            base = min(near, key=lambda c: abs((c["x0"] + c["x1"]) / 2 - centre))
            base["text"] = unicodedata.normalize("NFC", base["text"] + mark["text"])
        else:
            out.append(mark)
    return out


def _near(base: dict, mark: dict) -> bool:
    size = max(base["size"], mark["size"], 1.0)
    centre = (mark["x0"] + mark["x1"]) / 2
    return abs(base["top"] - mark["top"]) < 1.2 * size and base["x0"] - size <= centre <= base["x1"] + size


def _count_characters(read: _PageRead, chars: list[dict]) -> None:
    for char in chars:
        text = char["text"]
        if not text or text.isspace():
            continue
        read.chars += 1
        if "(cid:" in text or _PUA.search(text) or "\ufffd" in text:
            read.bad += 1
            continue
        c = text[0]
        category = unicodedata.category(c)
        if category == "Mn":
            read.loose_marks += 1
        elif category.startswith("C"):
            read.bad += 1
        elif category.startswith("L") and not unicodedata.name(c, "").startswith(("LATIN", "GREEK")):
            read.bad += 1
        if _LEGACY.match(c):
            read.legacy += 1
        if _VIETNAMESE.match(c):
            read.vietnamese += 1


def _inside(char: dict, box: tuple) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _words(chars: list[dict]) -> list[dict]:
    from pdfplumber.utils import extract_words
    return extract_words(chars, x_tolerance=3, y_tolerance=3, keep_blank_chars=False) if chars else []


def _cluster_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into printed lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            first = lines[-1][0]
            if abs(word["top"] - first["top"]) <= max(3.0, 0.35 * (first["bottom"] - first["top"])):
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _text_lines(printed: list[list[dict]]) -> list[Line]:
    """Printed lines (their words), split into segments at gaps of two font heights or more."""
    out = []
    for words in printed:
        height = max(w["bottom"] - w["top"] for w in words)
        segments: list[list[dict]] = [[words[0]]]
        for word in words[1:]:
            if word["x0"] - segments[-1][-1]["x1"] >= 2 * height:
                segments.append([word])
            else:
                segments[-1].append(word)
        out.append(Line(min(w["top"] for w in words), max(w["bottom"] for w in words),
                         [Segment(s[0]["x0"], s[-1]["x1"], _text(" ".join(w["text"] for w in s)))
                          for s in segments], height))
    return out


def _text(text: str) -> str:
    return squash(clean_line(_COMBINING_GAP.sub("", text).replace("\t", " ")))


def _table_rows(table: Any, chars: list[dict]) -> list[list[list[str]]]:
    """Rows of cell paragraphs; merged cells expanded as for Word tables."""
    rows = table.rows
    xs = sorted({c[0] for c in table.cells})
    x_right = table.bbox[2]
    cell_lines: list[list[list[list[dict]] | None]] = []
    for row in rows:
        row_chars = [c for c in chars if _inside(c, row.bbox)]
        cell_lines.append([_cluster_lines(_words([c for c in row_chars if _inside(c, box)]))
                           if box is not None else None for box in row.cells])
    pad = _cell_padding(rows, cell_lines)
    pitch = _wrap_pitch(cell_lines)
    texts = [[_cell_paragraphs(lines, box, pad, pitch) if box is not None else None
              for lines, box in zip(line_row, row.cells)] for line_row, row in zip(cell_lines, rows)]
    out: list[list[list[str]]] = []
    for r, row in enumerate(rows):
        cells = row.cells
        present = [i for i, box in enumerate(cells) if box is not None]
        if len(present) == 1 and cells[present[0]][0] <= xs[0] + 1 and cells[present[0]][2] >= x_right - 1:
            paragraphs = texts[r][present[0]] or []
            if paragraphs:
                out.append([paragraphs])  # merged across the whole row: a section row
            continue
        row_out: list[list[str]] = []
        for i, box in enumerate(cells):
            if box is not None:
                row_out.append(texts[r][i] or [])
                continue
            left = next((cells[j] for j in range(i - 1, -1, -1) if cells[j] is not None), None)
            if left is not None and left[2] > xs[i] + 1:
                row_out.append([])  # covered by a cell merged across columns
                continue
            above: list[str] = []
            for k in range(r - 1, -1, -1):
                box_above = rows[k].cells[i]
                if box_above is not None:
                    if box_above[3] > row.bbox[1] + 1:
                        above = texts[k][i] or []  # merged down: repeated in each row it covers
                    break
            row_out.append(list(above))
        if any(row_out):
            out.append(row_out)
    return out


def _cell_padding(rows: list, cell_lines: list) -> float:
    """The cells' inner left margin: the smallest distance from a cell's edge to its text."""
    best = math.inf
    for row, line_row in zip(rows, cell_lines):
        for box, lines in zip(row.cells, line_row):
            if box is not None and lines:
                best = min(best, min(line[0]["x0"] for line in lines) - box[0])
    return 0.0 if best is math.inf else max(0.0, min(best, 12.0))


def _wrap_pitch(cell_lines: list) -> float | None:
    """The most common distance between consecutive lines of a cell: a wrapped line's
    distance (paragraph spacing, where the author set any, makes the others longer)."""
    pitches: Counter[float] = Counter()
    for line_row in cell_lines:
        for lines in line_row:
            for a, b in zip(lines or [], (lines or [])[1:]):
                pitches[round(b[0]["top"] - a[0]["top"], 1)] += 1
    return pitches.most_common(1)[0][0] if pitches else None


def _cell_paragraphs(lines: list[list[dict]], box: tuple, pad: float, pitch: float | None) -> list[str]:
    """A cell's text as paragraphs: a wrapped line joins the one above unless the first word
    of the line would have fitted on the line above (so the author broke it), or the lines
    stand further apart than wrapped lines do (paragraph spacing)."""
    if not lines:
        return []
    available = box[2] - box[0] - 2 * pad
    paragraphs: list[str] = []
    current = ""
    previous: list[dict] | None = None
    for words in lines:
        text = _text(" ".join(w["text"] for w in words))
        if previous is None:
            current = text
        else:
            height = max(w["bottom"] - w["top"] for w in previous)
            width = previous[-1]["x1"] - previous[0]["x0"]
            first = words[0]["x1"] - words[0]["x0"]
            fits = width + 0.25 * height + first <= available - 2
            distance = words[0]["top"] - previous[0]["top"]
            spaced = distance > (pitch + max(1.0, 0.08 * height) if pitch else 1.6 * height)
            if HYPHENATED.search(current) and text[:1].islower():
                current += text
            elif fits or spaced:
                paragraphs.append(current)
                current = text
            else:
                current = f"{current} {text}"
        previous = words
    paragraphs.append(current)
    return [p for p in paragraphs if p]


# --- tables without ruling lines ------------------------------------------------------

_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]?$")
_ROMAN_NUMBER = re.compile(r"^(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})[.)]?$")
_CELL_GAP = 0.5      # header cells stand at least this many line heights apart: wider than any space
_HEADER_LEAD = 0.8   # the most space between the lines of one wrapped header, in line heights
_HEADER_LINES = 5    # printed lines of a header: a label wrapped over three lines, centred beside
                     # one- and two-line labels, stands on up to five baselines
_COLUMN_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[A-Za-z])\)?$")  # "(1) (2) (3)" under a header
_TABLE_GAP = 2.5     # a vertical gap this many line heights tall ends a table


@dataclass
class _HeaderCell:
    """One column's header label: the x range it takes and its pieces, (window line, words)."""

    x0: float
    x1: float
    pieces: list[tuple[int, list[dict]]]

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def text(self) -> str:
        ordered = sorted(self.pieces, key=lambda p: (p[0], p[1][0]["x0"]))
        return _text(" ".join(w["text"] for _, words in ordered for w in words))


@dataclass
class _Header:
    """A header found in a page's printed lines: its cells left to right, what each means,
    and the printed lines it takes."""

    cells: list[_HeaderCell]
    roles: list[str | None]
    start: int
    size: int
    top: float
    bottom: float
    height: float  # of one printed line

    @property
    def number(self) -> int:
        return self.roles.index("number")

    @property
    def content(self) -> int:
        return next(k for k, role in enumerate(self.roles) if role in ("text", "team"))


@dataclass
class _BodyRow:
    """Printed lines that make one table row; a section row ("I. HẠ TẦNG SỐ") is one cell."""

    section: bool
    lines: list[list[dict]]
    numbered: bool = False


def _top(words: list[dict]) -> float:
    return min(w["top"] for w in words)


def _bottom(words: list[dict]) -> float:
    return max(w["bottom"] for w in words)


def _height(words: list[dict]) -> float:
    return max(w["bottom"] - w["top"] for w in words)


def _joined(words: list[dict]) -> str:
    return _text(" ".join(w["text"] for w in words))


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and not any(c.islower() for c in letters)


def _numbering(word: dict) -> bool:
    """A row number ("1", "2.", "1.2") or a section numeral ("II", "III.")."""
    return bool(_ROW_NUMBER.match(word["text"]) or _ROMAN_NUMBER.match(word["text"]))


def _heading_text(words: list[dict], numbered: bool = False) -> bool:
    """A section heading: a roman numeral (or, when `numbered`, a row number) and a name in
    capitals, or a name in capitals."""
    if _ROMAN_NUMBER.match(words[0]["text"]) or (numbered and _ROW_NUMBER.match(words[0]["text"])):
        return len(words) > 1 and _capitals(_joined(words[1:]))
    return len(words) > 1 and not _ROW_NUMBER.match(words[0]["text"]) and _capitals(_joined(words))


def _cell_parts(words: list[dict]) -> list[list[dict]]:
    """A printed line cut at gaps clearly wider than a space: the cells a header line would have."""
    height = _height(words)
    parts = [[words[0]]]
    for word in words[1:]:
        if word["x0"] - parts[-1][-1]["x1"] >= _CELL_GAP * height:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _borderless_tables(printed: list[list[dict]], page_height: float
                       ) -> tuple[list[list[dict]], list[RawTable]]:
    """Tables without ruling lines among a page's printed lines (ruled tables already taken
    out): a header whose cells read as column headers, then rows aligned to its columns.
    Returns the lines that stay text and the tables, each like a ruled table of the page."""
    parts = [_cell_parts(words) for words in printed]
    windows: dict[tuple[int, int], _Header | None] = {}
    text: list[list[dict]] = []
    tables: list[RawTable] = []
    i = 0
    while i < len(printed):
        header = _header_at(printed, parts, i, windows)
        found = _read_borderless(printed, header, page_height) if header is not None else None
        if found is None:
            text.append(printed[i])
            i += 1
            continue
        table, i = found
        tables.append(table)
    return text, tables


def _header_at(printed: list[list[dict]], parts: list[list[list[dict]]], i: int,
               windows: dict[tuple[int, int], _Header | None]) -> _Header | None:
    """The header that starts at line `i`: the best of the windows of close lines starting at
    `i` or just below it; the best has the most column kinds, the fewest cells of no new kind,
    then the most lines (a label's every line), then starts first. `windows` keeps the
    windows already judged, by (first line, lines)."""
    last = min(len(printed), i + 2 * _HEADER_LINES - 1)
    if all(len(p) < 2 for p in parts[i:last]):
        return None  # no line nearby has cells apart: plain text
    best: _Header | None = None
    best_key: tuple = ()
    for start in range(i, min(i + _HEADER_LINES, len(printed))):
        for size in range(1, _HEADER_LINES + 1):
            end = start + size
            if end > len(printed):
                break
            words = printed[end - 1]
            if _numbering(words[0]) or all(_COLUMN_NUMBER.match(w["text"]) for w in words):
                break  # a row number, or the columns' numbers: the rows have begun
            above = printed[end - 2]
            if size > 1 and _top(printed[end - 1]) - _bottom(above) >= _HEADER_LEAD * _height(above):
                break
            if (start, size) not in windows:
                windows[start, size] = _header_window(printed, parts, start, size)
            header = windows[start, size]
            if header is None:
                continue
            kinds = len({r for r in header.roles if r is not None})
            key = (kinds, kinds - len(header.cells), size, -start)
            if best is None or key > best_key:
                best, best_key = header, key
    return best if best is not None and best.start == i else None


def _header_window(printed: list[list[dict]], parts: list[list[list[dict]]], start: int, size: int
                   ) -> _Header | None:
    """The header cells of lines start…start+size-1 when they read as a header: the line with
    the most cells gives the columns, a piece on another line joins the one cell it stands over
    ("Đơn vị" / "chủ trì") or is a cell of its own; at least three cells, one the number column,
    one the content column, and most of them known to the column code list. A piece across
    cells (a title) or, under a header not in capitals, a heading in capitals is no header."""
    from ontology.lexicon import column_role
    window = range(start, start + size)
    base = max(window, key=lambda k: len(parts[k]))
    capitals = _capitals(_joined(printed[base]))
    cells = [_HeaderCell(p[0]["x0"], p[-1]["x1"], [(base, p)]) for p in parts[base]]
    for k in window:
        if k == base:
            continue
        if not capitals and _heading_text(printed[k]):
            return None
        for piece in parts[k]:
            x0, x1 = piece[0]["x0"], piece[-1]["x1"]
            over = [c for c in cells if x0 < c.x1 and c.x0 < x1]
            if not over:
                cells.append(_HeaderCell(x0, x1, [(k, piece)]))
                continue
            cell = over[0]
            if len(over) > 1 or not (cell.x0 <= (x0 + x1) / 2 <= cell.x1 or x0 <= cell.centre <= x1):
                return None
            cell.pieces.append((k, piece))
    if len(cells) < 3:
        return None
    for cell in cells:
        cell.x0 = min(words[0]["x0"] for _, words in cell.pieces)
        cell.x1 = max(words[-1]["x1"] for _, words in cell.pieces)
    cells.sort(key=lambda c: c.centre)
    found = [column_role(c.text) for c in cells]
    if "number" not in found or not ("text" in found or "team" in found):
        return None
    if 2 * sum(r is not None for r in found) <= len(found):
        return None
    lines = [printed[k] for k in window]
    heights = sorted(_height(words) for words in lines)
    return _Header(cells, found, start, size, min(map(_top, lines)), max(map(_bottom, lines)),
                   heights[len(heights) // 2])


def _read_borderless(printed: list[list[dict]], header: _Header, page_height: float
                     ) -> tuple[RawTable, int] | None:
    """The table under `header`: its rows, and the index of the first printed line after it;
    None when no numbered row follows. The body runs until a wide vertical gap, a page number
    at the foot of the page or a line that is text again (it runs over the column gaps)."""
    first = header.start + header.size
    candidates: list[list[dict]] = []
    bottom = header.bottom
    for words in printed[first:]:
        if _top(words) - bottom > _TABLE_GAP * header.height:
            break
        if _top(words) >= (1 - EDGE_ZONE) * page_height and PAGE_NUMBER.match(_joined(words)):
            break
        candidates.append(words)
        bottom = max(bottom, _bottom(words))
    used = len(candidates)
    rows: list[_BodyRow] = []
    edges: list[float] = []
    for _ in range(3):  # the column gaps from the lines the table takes, until they agree
        edges = _column_edges(header, candidates[:used])
        rows, walked = _body_rows(header, candidates, edges)
        if walked == used:
            break
        used = walked
    numbered = [k for k, r in enumerate(rows) if r.numbered]
    if not numbered:
        return None
    # a heading after the last numbered row is the text's next heading ("III. TỔ CHỨC THỰC HIỆN")
    rows = rows[:next((k for k in range(numbered[-1] + 1, len(rows)) if rows[k].section), len(rows))]
    return RawTable(header.top, _borderless_cells(header, rows, edges)), \
        first + sum(len(r.lines) for r in rows)


def _column_edges(header: _Header, lines: list[list[dict]]) -> list[float]:
    """Column edges: between two header cells' centres, the middle of the widest x range the
    fewest body lines cover (the gutter; a centred header stands over left-aligned text)."""
    body = [words for words in lines if not _heading_text(words)]  # headings run over the gutters
    edges = [-math.inf]
    for a, b in zip(header.cells, header.cells[1:]):
        lo, size = a.centre, int(b.centre - a.centre)
        if size < 2:
            edges.append((a.x1 + b.x0) / 2)
            continue
        cover = [0] * (size + 2)
        for words in body:
            for w in words:
                if w["x1"] <= lo or w["x0"] >= lo + size:
                    continue
                cover[max(0, int(w["x0"] - lo))] += 1
                cover[min(size, int(w["x1"] - lo)) + 1] -= 1
        running, counts = 0, []
        for step in cover[:size + 1]:
            running += step
            counts.append(running)
        least = min(counts)
        best = at = run = 0
        for x, count in enumerate(counts):
            run = run + 1 if count == least else 0
            if run > best:
                best, at = run, x - run + 1
        edges.append(lo + at + best / 2)
    edges.append(math.inf)
    return edges


def _crosses(words: list[dict], edges: list[float]) -> bool:
    """A word runs over a column edge: the line is text across the columns, not a table row."""
    return any(w["x0"] < x - 1 and w["x1"] > x + 1 for w in words for x in edges[1:-1])


def _body_rows(header: _Header, lines: list[list[dict]], edges: list[float]) -> tuple[list[_BodyRow], int]:
    """Lines into rows: a row number or section numeral in the number column opens a row, a
    heading in capitals (numbered or not, or run across the columns) is a section row, any
    other line goes on with the row above; and how many lines belong to the table: it ends
    at a line that runs over the column edges and is no heading (text again)."""
    number, content = header.number, header.content
    rows: list[_BodyRow] = []
    for n, words in enumerate(lines):
        columns = [column(edges, (w["x0"] + w["x1"]) / 2) for w in words]
        crosses = _crosses(words, edges)
        heading = _heading_text(words, numbered=crosses) and columns[0] in (number, content) and (
            crosses or _ROMAN_NUMBER.match(words[0]["text"]) or set(columns) <= {number, content})
        if heading:
            if rows and rows[-1].section and not _numbering(words[0]):
                rows[-1].lines.append(words)  # a heading wrapped onto a second line
            else:
                rows.append(_BodyRow(True, [words]))
        elif crosses:
            return rows, n
        elif columns[0] == number and _numbering(words[0]):
            rows.append(_BodyRow(False, [words], numbered=True))
        elif rows and not rows[-1].section:
            rows[-1].lines.append(words)  # a cell's text wrapped onto the next line
        else:
            rows.append(_BodyRow(False, [words]))  # a row without a number ("(1) (2) (3)" under the header)
    return rows, len(lines)


def _borderless_cells(header: _Header, rows: list[_BodyRow], edges: list[float]) -> list[list[list[str]]]:
    """Rows → cells → paragraphs, as a ruled table gives them: the header first, a section
    row as one cell, a cell's wrapped lines joined into paragraphs as in ruled cells."""
    width = len(header.cells)
    split: list[list[list[list[dict]]] | None] = []
    for row in rows:
        if row.section:
            split.append(None)
            continue
        cells: list[list[list[dict]]] = [[] for _ in range(width)]
        for words in row.lines:
            by_column: dict[int, list[dict]] = {}
            for w in words:
                by_column.setdefault(column(edges, (w["x0"] + w["x1"]) / 2), []).append(w)
            for k, piece in sorted(by_column.items()):
                cells[k].append(piece)
        split.append(cells)
    data = [cells for cells in split if cells is not None]
    # no cell edges to wrap at: a column's widest line shows how wide its text may run
    widest = [max((line[-1]["x1"] - line[0]["x0"] for cells in data for line in cells[k]), default=0.0)
              for k in range(width)]
    pitch = _wrap_pitch(data)
    out: list[list[list[str]]] = [[[cell.text] for cell in header.cells]]
    for row, cells in zip(rows, split):
        if cells is None:
            out.append([[" ".join(_joined(words) for words in row.lines)]])
        else:
            out.append([_cell_paragraphs(lines, (0.0, 0.0, widest[k] + 2.0, 0.0), 0.0, pitch)
                        for k, lines in enumerate(cells)])
    return out


# --- across pages ----------------------------------------------------------------------

def _assemble(name: str, pages: list[_PageRead], warnings: list[str], version: str) -> Document:
    done = assemble(pages, 0.8, lambda cell: (cell, []), join_hyphens=True)
    return Document(name=name, lines=tuple(done.lines), tables=tuple(done.tables), paragraphs=(),
                    pages=tuple(done.pages), media_type=MEDIA_TYPE, converter=f"pdfplumber {version}",
                    warnings=tuple(warnings))
