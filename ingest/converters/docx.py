"""Word .docx → `Document`: body paragraphs and tables in document order, python-docx underneath.

Word paragraphs are real paragraphs: each becomes one line and one `Paragraph` (a soft line
break inside it starts a new line of the same `Paragraph`). A data table becomes one line per
row, its cells joined by a tab, and a `Table` whose cells keep their own paragraphs; merged
cells are expanded (a cell merged across the whole row is a single-cell row, a cell merged down
is repeated in every row it covers, a cell merged across some columns fills the first of them
and leaves the others empty). Borderless layout tables (quốc hiệu, signature block) are read as
ordinary paragraphs, cell by cell in reading order. Nested tables are folded into the cell that
holds them; text boxes follow the paragraph they are anchored in; automatic list numbers are
rendered ("1.", "a)"); footnotes and endnotes come last as "[n] text" lines. The zip container
is checked before anything is extracted.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..document import Cell, Document, Paragraph, Table, TableRow
from ..errors import IngestError
from .packages import require, version
from ..text import clean_line, squash

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIB = 1024 * 1024
# A plan with scanned annexes unpacks to tens of MB; 200 MB is far past any real document.
MAX_UNPACKED_BYTES = 200 * MIB
# Word XML compresses 5-20×; a member over 1 MB that unpacks more than 100× is a zip bomb.
MAX_RATIO = 100
RATIO_FLOOR = MIB
# One embedded picture this large is no plan's: python-docx would hold it in memory whole.
MAX_MEDIA_BYTES = 50 * MIB
MAX_MEMBERS = 10_000
_MAX_DEPTH = 40  # nesting of tables / text boxes / content controls we follow
_MAX_SPAN = 64

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

# Inline elements whose content is not part of the visible text.
_SKIP = frozenset(_W + t for t in (
    "pPr", "rPr", "instrText", "delText", "delInstrText", "commentReference",
    "annotationRef", "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "sectPr",
))
_FALSE = ("0", "false", "off", "none")
_INVISIBLE_BORDERS = ("nil", "none")
_EDGES = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
# Symbol and Wingdings characters (w:sym, list bullets) that plans use, by font and code.
_SYMBOL = {0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB9: "≠", 0xB0: "°",
           0xB7: "•", 0xAE: "→", 0xAC: "←", 0x2D: "-", 0xD7: "·"}
_WINGDINGS = {0x9F: "•", 0xA7: "▪", 0x6C: "●", 0x6E: "■", 0x71: "❑", 0x76: "❖", 0xD8: "➢",
              0xFC: "✓", 0xE0: "→", 0xA8: "□", 0xFE: "☑"}


class DocxConverter:
    """Word 2007+ .docx bytes → `Document` (lines, tables, paragraphs); pages are not known."""

    media_type = MEDIA_TYPE

    def __init__(self, max_unpacked_bytes: int = MAX_UNPACKED_BYTES, max_ratio: float = MAX_RATIO,
                 ratio_floor: int = RATIO_FLOOR, max_members: int = MAX_MEMBERS):
        if not isinstance(max_unpacked_bytes, int) or max_unpacked_bytes <= 0:
            raise ValueError(f"max_unpacked_bytes must be a positive integer, got {max_unpacked_bytes!r}")
        if not isinstance(max_ratio, (int, float)) or max_ratio < 1:
            raise ValueError(f"max_ratio must be at least 1, got {max_ratio!r}")
        if not isinstance(ratio_floor, int) or ratio_floor < 0:
            raise ValueError(f"ratio_floor must be a non-negative integer, got {ratio_floor!r}")
        if not isinstance(max_members, int) or max_members <= 0:
            raise ValueError(f"max_members must be a positive integer, got {max_members!r}")
        self.max_unpacked_bytes = max_unpacked_bytes
        self.max_ratio = max_ratio
        self.ratio_floor = ratio_floor
        self.max_members = max_members

    def convert(self, name: str, data: bytes) -> Document:
        self._check_container(name, data)
        docx = require("docx", IngestError("I014"))
        try:
            word = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors…
            raise IngestError("I021", name=name) from exc
        try:
            return _DocxReader(name, word, version("python-docx", "docx")).read()
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError("I022", name=name, kind=type(exc).__name__) from exc

    def _check_container(self, name: str, data: bytes) -> None:
        """Refuse what is not a safe .docx zip before python-docx extracts anything."""
        if not data:
            raise IngestError("I001", name=name)
        if data.startswith(_OLE):
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise IngestError("I023", name=name)
            raise IngestError("I009", name=name)
        if not data.startswith(b"PK"):
            raise IngestError("I007", name=name)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
            raise IngestError("I024", name=name) from exc
        if len(members) > self.max_members:
            raise IngestError("I008", name=name, count=len(members))
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > self.ratio_floor and ratio > self.max_ratio:
                raise IngestError("I025", name=name, member=member.filename, size=_mb(member.file_size), ratio=ratio)
            if member.flag_bits & 0x1:
                raise IngestError("I026", name=name)
            if member.filename.startswith("word/media/") and member.file_size > MAX_MEDIA_BYTES:
                raise IngestError("I055", name=name, member=member.filename.rsplit("/", 1)[-1],
                                  size=_mb(member.file_size), limit=_mb(MAX_MEDIA_BYTES))
        if total > self.max_unpacked_bytes:
            raise IngestError("I012", name=name, size=_mb(total), limit=_mb(self.max_unpacked_bytes))
        if not any(m.filename == "[Content_Types].xml" for m in members):
            raise IngestError("I017", name=name)


def _mb(size: int) -> str:
    return f"{size / MIB:.1f}".replace(".", ",") + " MB"


def _clean(text: str) -> str:
    """One piece of text as a line: no tabs or line breaks, NFC, single spaces."""
    return squash(clean_line(text.replace("\t", " ").replace("\n", " ").replace("\r", " ")))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(element: Any, attribute: str = "val") -> bool:
    """A Word on/off property: present and not switched off."""
    return element is not None and (element.get(_W + attribute) or "true").lower() not in _FALSE


def _symbol(font: str, code: int) -> str:
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    font = (font or "").lower()
    if font.startswith("symbol"):
        return _SYMBOL.get(code, "")
    if font.startswith("wingdings"):
        return _WINGDINGS.get(code, "")
    return chr(code) if 0x20 <= code < 0xE000 or 0xF900 <= code <= 0x10FFFF else ""


def _choice(alternate: Any) -> Any | None:
    """The one branch of mc:AlternateContent to read (Choice, else Fallback): never both."""
    for tag in (_MC + "Choice", _MC + "Fallback"):
        branch = alternate.find(tag)
        if branch is not None:
            return branch
    return None


def _rows(table: Any) -> Iterator[Any]:
    yield from _children(table, _W + "tr")


def _cells(row: Any) -> Iterator[Any]:
    yield from _children(row, _W + "tc")


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _W + "customXml":
            yield from _children(child, tag)


def _plain_text(element: Any) -> str:
    return _clean("".join(t.text or "" for t in element.iter(_W + "t")))


@dataclass
class _GridCell:
    tc: Any
    col: int
    span: int
    vmerge: str | None  # None, "restart" or "continue"


@dataclass
class _GridRow:
    cells: list[_GridCell]
    header: bool


class _Builder:
    """Accumulates lines, paragraphs and tables; line numbers are 1-based."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table] = []

    def add_paragraph(self, pieces: list[str]) -> None:
        """One Word paragraph; each piece (split at soft line breaks) is a line of its own."""
        pieces = [p for p in pieces if p]
        if not pieces:
            return
        text, starts, numbers = "", [], []
        for piece in pieces:
            if text:
                text += " "
            starts.append(len(text))
            text += piece
            self.lines.append(piece)
            numbers.append(len(self.lines))
        self.paragraphs.append(Paragraph(text, tuple(numbers), tuple(starts)))

    def add_table(self, rows: list[tuple[list[list[str]], bool]], warnings: list[str]) -> None:
        table_rows: list[TableRow] = []
        for cells, header in rows:
            number = len(self.lines) + 1
            row = tuple(Cell(tuple(paragraphs), (number,) * len(paragraphs)) for paragraphs in cells)
            self.lines.append("\t".join(cell.text for cell in row))
            table_rows.append(TableRow(row, number, header=header))
        if table_rows:
            self.tables.append(Table(tuple(table_rows), table_rows[0].line, table_rows[-1].line, tuple(warnings)))


class _Numbering:
    """Automatic list numbers ("1.", "a)", "II.", bullets) as Word would show them."""

    def __init__(self, root: Any | None, styles: dict[str, Any]):
        self.styles = styles
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.links: dict[str, str] = {}  # abstractNum → numbering style it follows
        self.counts: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in abstract.iter(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                levels[_int(lvl.get(_W + "ilvl"), 0)] = (
                    fmt.get(_W + "val", "decimal") if fmt is not None else "decimal",
                    text.get(_W + "val", "") if text is not None else "",
                    _int(start.get(_W + "val") if start is not None else None, 0))
            key = abstract.get(_W + "abstractNumId", "")
            self.abstract[key] = levels
            link = abstract.find(_W + "numStyleLink")
            if link is not None:
                self.links[key] = link.get(_W + "val", "")
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            overrides = {}
            for override in num.iter(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                if start is not None:
                    overrides[_int(override.get(_W + "ilvl"), 0)] = _int(start.get(_W + "val"), 0)
            if ref is not None:
                self.nums[num.get(_W + "numId", "")] = (ref.get(_W + "val", ""), overrides)

    def label(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        if num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        abstract_id = self._follow_link(abstract_id)
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counts = self.counts.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():
                counts[level] = start - 1
        fmt, text, start = levels[ilvl]
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if fmt == "bullet":
            shown = "".join(c if not 0xE000 <= ord(c) <= 0xF8FF else "•" for c in text)
            return _clean(shown)
        for level in range(9):
            if f"%{level + 1}" in text:
                lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
                text = text.replace(f"%{level + 1}", _format_number(counts.get(level, lstart), lfmt))
        return _clean(text)

    def _follow_link(self, abstract_id: str) -> str:
        for _ in range(5):
            style_id = self.links.get(abstract_id)
            style = self.styles.get(style_id or "")
            num_pr = style.find(f"{_W}pPr/{_W}numPr/{_W}numId") if style is not None else None
            if num_pr is None or num_pr.get(_W + "val") not in self.nums:
                break
            abstract_id = self.nums[num_pr.get(_W + "val")][0]
        return abstract_id

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        ppr = paragraph.find(_W + "pPr")
        num_id = ilvl = None
        if ppr is not None:
            num_pr = ppr.find(_W + "numPr")
            if num_pr is not None:
                nid, lvl = num_pr.find(_W + "numId"), num_pr.find(_W + "ilvl")
                num_id = nid.get(_W + "val") if nid is not None else None
                ilvl = _int(lvl.get(_W + "val"), 0) if lvl is not None else None
        if num_id is None:
            style = ppr.find(_W + "pStyle") if ppr is not None else None
            style_id = style.get(_W + "val") if style is not None else None
            for _ in range(10):  # the basedOn chain of the paragraph style
                element = self.styles.get(style_id or "")
                if element is None:
                    break
                num_pr = element.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None and num_pr.find(_W + "numId") is not None:
                    num_id = num_pr.find(_W + "numId").get(_W + "val")
                    if ilvl is None and num_pr.find(_W + "ilvl") is not None:
                        ilvl = _int(num_pr.find(_W + "ilvl").get(_W + "val"), 0)
                    break
                based = element.find(_W + "basedOn")
                style_id = based.get(_W + "val") if based is not None else None
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0


def _format_number(n: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "none":
        return ""
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


class _DocxReader:
    """One conversion: walks the body XML in document order into a `_Builder`."""

    def __init__(self, name: str, word: Any, version: str):
        self.name = name
        self.word = word
        self.version = version
        self.styles: dict[str, Any] = {}
        self.default_table_style: str | None = None
        for style in word.styles.element.iter(_W + "style"):
            style_id = style.get(_W + "styleId")
            if style_id:
                self.styles[style_id] = style
                if style.get(_W + "type") == "table" and style.get(_W + "default") in ("1", "true", "on"):
                    self.default_table_style = style_id
        self.numbering = _Numbering(self._part_xml(_RT_NUMBERING), self.styles)
        self.note_refs: dict[str, list[str]] = {"footnote": [], "endnote": []}
        self.tracked_changes = False

    def read(self) -> Document:
        body = self.word.element.body
        if body is None:
            raise IngestError("I018", name=self.name)
        out = _Builder()
        self._blocks(body, out, 0)
        self._notes(out)
        if not any(line.strip() for line in out.lines):
            raise IngestError("I019", name=self.name)
        warnings = []
        if self.tracked_changes:
            warnings.append("Văn bản còn theo dõi thay đổi (track changes): đã đọc như khi chấp nhận mọi thay đổi.")
        return Document(name=self.name, lines=tuple(out.lines), tables=tuple(out.tables),
                        paragraphs=tuple(out.paragraphs), pages=None, media_type=MEDIA_TYPE,
                        converter=f"python-docx {self.version}", warnings=tuple(warnings))

    # --- parts -------------------------------------------------------------------------

    def _part_xml(self, reltype: str) -> Any | None:
        from docx.oxml.parser import parse_xml  # python-docx's parser: entities are not resolved
        for rel in self.word.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return parse_xml(rel.target_part.blob)
        return None

    def _notes(self, out: _Builder) -> None:
        """Footnotes, then endnotes, numbered in the order the text refers to them."""
        for kind, reltype in (("footnote", _RT_FOOTNOTES), ("endnote", _RT_ENDNOTES)):
            root = self._part_xml(reltype)
            if root is None:
                continue
            notes = {n.get(_W + "id"): n for n in root.iter(_W + kind)
                     if (n.get(_W + "type") or "normal") == "normal"}
            order = [i for i in dict.fromkeys(self.note_refs[kind]) if i in notes]
            order += [i for i in notes if i not in order]
            for number, note_id in enumerate(order, 1):
                text = " ".join(self._container_paragraphs(notes[note_id], 0))
                if text:
                    out.add_paragraph([f"[{number}] {text}"])

    # --- blocks ------------------------------------------------------------------------

    def _blocks(self, container: Any, out: _Builder, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                pieces, boxes = self._paragraph(child)
                out.add_paragraph(pieces)
                for box in boxes:
                    self._blocks(box, out, depth + 1)
            elif tag == _W + "tbl":
                self._table(child, out, depth)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self._blocks(content, out, depth + 1)
            elif tag in (_W + "customXml", _W + "ins", _W + "moveTo"):
                self._blocks(child, out, depth + 1)
            elif tag == _MC + "AlternateContent":
                branch = _choice(child)
                if branch is not None:
                    self._blocks(branch, out, depth + 1)

    def _paragraph(self, paragraph: Any) -> tuple[list[str], list[Any]]:
        """The cleaned pieces of a paragraph (split at soft line breaks, list number in front)
        and the text boxes anchored in it."""
        segments: list[list[str]] = [[]]
        boxes: list[Any] = []
        self._inline(paragraph, segments, boxes)
        pieces = [p for p in (_clean("".join(s)) for s in segments) if p]
        label = self.numbering.label(paragraph)
        if label and pieces:
            pieces[0] = f"{label} {pieces[0]}"
        return pieces, boxes

    def _inline(self, element: Any, segments: list[list[str]], boxes: list[Any]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue  # comments and processing instructions have no string tag
            if tag in (_W + "del", _W + "moveFrom"):
                self.tracked_changes = True  # deleted text: read as if the change were accepted
                continue
            if tag in (_W + "t", _M + "t"):
                segments[-1].append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                segments[-1].append(" ")
            elif tag in (_W + "br", _W + "cr"):
                segments.append([])
            elif tag == _W + "noBreakHyphen":
                segments[-1].append("-")
            elif tag == _W + "sym":
                segments[-1].append(_symbol(child.get(_W + "font", ""), _int_hex(child.get(_W + "char"))))
            elif tag == _W + "txbxContent":
                boxes.append(child)
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                kind = "footnote" if tag.endswith("footnoteReference") else "endnote"
                self.note_refs[kind].append(child.get(_W + "id", ""))
            elif tag == _W + "r":
                if not _on(child.find(f"{_W}rPr/{_W}vanish")):
                    self._inline(child, segments, boxes)
            elif tag == _MC + "AlternateContent":
                branch = _choice(child)
                if branch is not None:
                    self._inline(branch, segments, boxes)
            else:
                if tag in (_W + "ins", _W + "moveTo"):
                    self.tracked_changes = True
                self._inline(child, segments, boxes)

    def _container_paragraphs(self, container: Any, depth: int) -> list[str]:
        """Every paragraph inside a cell, note or text box, nested tables folded in
        (each nested cell's paragraphs in reading order)."""
        out: list[str] = []
        if depth > _MAX_DEPTH:
            return out
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                pieces, boxes = self._paragraph(child)
                out += pieces
                for box in boxes:
                    out += self._container_paragraphs(box, depth + 1)
            elif tag == _W + "tbl":
                for row in _rows(child):
                    for tc in _cells(row):
                        if self._vmerge(tc) != "continue":
                            out += self._container_paragraphs(tc, depth + 1)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    out += self._container_paragraphs(content, depth + 1)
            elif tag in (_W + "customXml", _W + "ins", _W + "moveTo"):
                out += self._container_paragraphs(child, depth + 1)
            elif tag == _MC + "AlternateContent":
                branch = _choice(child)
                if branch is not None:
                    out += self._container_paragraphs(branch, depth + 1)
        return out

    # --- tables ------------------------------------------------------------------------

    @staticmethod
    def _vmerge(tc: Any) -> str | None:
        merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        if merge is None:
            return None
        return "restart" if merge.get(_W + "val") == "restart" else "continue"

    def _grid(self, table: Any) -> tuple[list[_GridRow], int]:
        rows: list[_GridRow] = []
        grid_cols = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
        width = grid_cols
        for tr in _rows(table):
            trpr = tr.find(_W + "trPr")
            col = _int(trpr.find(_W + "gridBefore").get(_W + "val"), 0) \
                if trpr is not None and trpr.find(_W + "gridBefore") is not None else 0
            col = min(max(col, 0), _MAX_SPAN)
            cells = []
            for tc in _cells(tr):
                span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
                span = min(max(_int(span_el.get(_W + "val") if span_el is not None else None, 1), 1), _MAX_SPAN)
                cells.append(_GridCell(tc, col, span, self._vmerge(tc)))
                col += span
            width = max(width, col)
            header = trpr is not None and _on(trpr.find(_W + "tblHeader"))
            rows.append(_GridRow(cells, header))
        return rows, width

    def _table(self, table: Any, out: _Builder, depth: int) -> None:
        grid, width = self._grid(table)
        if not grid:
            return
        if self._is_data_table(table, grid, width):
            warnings = []
            grid_cols = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
            if grid_cols and width > grid_cols:
                warnings.append(f"Bảng có hàng dài hơn lưới cột ({width} ô so với {grid_cols} cột).")
            out.add_table(self._expand(grid, width), warnings)
            return
        for row in grid:  # a layout table: its cells' content as ordinary blocks
            for cell in row.cells:
                if cell.vmerge != "continue":
                    self._blocks(cell.tc, out, depth + 1)

    def _expand(self, grid: list[_GridRow], width: int) -> list[tuple[list[list[str]], bool]]:
        """Rows of cell paragraphs with merged cells expanded; empty rows dropped."""
        rows: list[tuple[list[list[str]], bool]] = []
        above: dict[int, list[str]] = {}
        for row in grid:
            slots: list[list[str]] = [[] for _ in range(width)]
            current: dict[int, list[str]] = {}
            for cell in row.cells:
                if cell.vmerge == "continue":
                    paragraphs = above.get(cell.col, [])
                else:
                    paragraphs = self._container_paragraphs(cell.tc, 1)
                slots[cell.col] = paragraphs
                current[cell.col] = paragraphs
            above = current
            if len(row.cells) == 1 and row.cells[0].col == 0 and row.cells[0].span >= width:
                slots = slots[:1]  # merged across the whole row: a section row
            if any(slots):
                rows.append((slots, row.header))
        return rows

    def _is_data_table(self, table: Any, grid: list[_GridRow], width: int) -> bool:
        """Ruled tables of at least 2×2, or borderless ones of ≥ 3 columns whose first row
        reads like a header; everything else is page layout."""
        if len(grid) < 2 or width < 2:
            return False
        if self._ruled(table, grid):
            return True
        if width < 3:
            return False
        first = [_plain_text(c.tc) for c in grid[0].cells]
        header_like = len(first) >= 3 and all(
            t and len(t) <= 60 and len(t.split()) <= 8 and not t.endswith((":", ";", ","))
            and not t.replace(".", "").isdigit() for t in first)
        filled_rows = sum(1 for row in grid[1:] if sum(1 for c in row.cells if _plain_text(c.tc)) >= 2)
        return header_like and filled_rows >= 1

    def _ruled(self, table: Any, grid: list[_GridRow]) -> bool:
        """Inside rules from the table style chain or the table's own borders, or most
        cells drawing borders of their own."""
        borders: dict[str, bool] = {}
        tblpr = table.find(_W + "tblPr")
        style_el = tblpr.find(_W + "tblStyle") if tblpr is not None else None
        style_id = style_el.get(_W + "val") if style_el is not None else self.default_table_style
        chain = []
        for _ in range(10):
            style = self.styles.get(style_id or "")
            if style is None or style in chain:
                break
            chain.append(style)
            based = style.find(_W + "basedOn")
            style_id = based.get(_W + "val") if based is not None else None
        for source in [s.find(f"{_W}tblPr/{_W}tblBorders") for s in reversed(chain)] + \
                      [tblpr.find(_W + "tblBorders") if tblpr is not None else None]:
            if source is not None:
                for edge in _EDGES:
                    element = source.find(_W + edge)
                    if element is not None:
                        borders[edge] = (element.get(_W + "val") or "nil") not in _INVISIBLE_BORDERS
        if borders.get("insideH") or borders.get("insideV"):
            return True
        cells = [c.tc for row in grid for c in row.cells]
        drawn = 0
        for tc in cells:
            tc_borders = tc.find(f"{_W}tcPr/{_W}tcBorders")
            if tc_borders is not None and sum(
                    1 for e in tc_borders if (e.get(_W + "val") or "nil") not in _INVISIBLE_BORDERS) >= 2:
                drawn += 1
        return bool(cells) and drawn * 2 >= len(cells)


def _int_hex(value: str | None) -> int:
    try:
        return int(value or "", 16)
    except ValueError:
        return 0
