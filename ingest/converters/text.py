"""Plain text and Markdown → `Document`: the table renderings text reaches us in.

- tab-separated rows (one line a row);
- Markdown pipe rows (`| a | b |`, separator rows dropped);
- web copies of legal portals: every cell followed by a line holding only `|`, or each
  row opened by a line holding only `|` and each cell ending with ` |`; cells wrapped
  over several lines and no end-of-row mark. Rows are rebuilt from the header's column
  count and the row numbering, never from line breaks.

Tables written one cell per line are read by `CellTableReader` from the lines.
"""
from __future__ import annotations

import re
from importlib.metadata import version
from dataclasses import dataclass, field

from ontology.lexicon import column_role

from ..document import Cell, Document, Table, TableRow
from ..paragraphs import build_paragraphs
from ..text import decode_document, split_lines

_MD_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-{0,}:?\s*\|?\s*$")
_ROMAN_HEAD = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?(?:\s+\S.*)?$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
MAX_HEADER_WORDS = 10


class TextConverter:
    """UTF-8 / UTF-16 / Windows-1258 text or Markdown → lines, tables and paragraphs."""

    media_type = "text/plain"

    def convert(self, name: str, data: bytes) -> Document:
        text, notes = decode_document(data, name)
        lines = split_lines(text)
        tables = find_tables(lines)
        skip = {n for t in tables for n in t.lines}
        paragraphs = build_paragraphs(lines, skip)
        media = "text/markdown" if name.lower().endswith(".md") else self.media_type
        return Document(name=name, lines=tuple(lines), tables=tuple(tables), paragraphs=paragraphs,
                        media_type=media, converter=f"dtikg text {version('dtikg')}", warnings=tuple(notes))


def find_tables(lines: list[str]) -> list[Table]:
    """Every row-structured region of the text, in order (header rows included)."""
    tables = _delimited(lines, _tab_cells) + _delimited(lines, _markdown_cells)
    taken = {n for t in tables for n in t.lines}
    tables += _web_tables(lines, taken)
    return sorted(tables, key=lambda t: t.first_line)


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _cell(text: str, line: int) -> Cell:
    """A delimited cell; an HTML line break inside it ("Sở A<br>Sở B", as portals export) parts paragraphs."""
    parts = [p.strip() for p in _BREAK.split(text)]
    return Cell(tuple(parts), (line,) * len(parts)) if len(parts) > 1 else Cell.of(text, line)


def _tab_cells(line: str) -> list[str] | None:
    return line.split("\t") if "\t" in line else None


def _markdown_cells(line: str) -> list[str] | None:
    s = line.strip()
    if not s.startswith("|") or s.count("|") < 2:
        return None
    s = s[1:-1] if s.endswith("|") else s[1:]
    return s.split("|")


def _delimited(lines: list[str], split) -> list[Table]:
    """Runs of delimited lines (at most two blank lines inside a run) → one table each."""
    tables: list[Table] = []
    rows: list[TableRow] = []
    blank = 0
    last = 0

    def close() -> None:
        if rows:
            tables.append(Table(tuple(rows), rows[0].line, last))
            rows.clear()

    for n, line in enumerate(lines, 1):
        cells = split(line)
        if cells is None:
            if line.strip() or blank >= 2:
                close()
                blank = 0
            elif rows:
                blank += 1
            continue
        blank = 0
        last = n
        if split is _markdown_cells and _MD_SEPARATOR.match(line):
            continue
        rows.append(TableRow(tuple(_cell(c, n) for c in cells), n))
    close()
    return tables


# --- web copies -------------------------------------------------------------------------

@dataclass
class _WebCell:
    lines: list[tuple[int, str]] = field(default_factory=list)
    opens_row: bool = False

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.lines).strip()

    def cell(self) -> Cell:
        return Cell(tuple(t for _, t in self.lines), tuple(n for n, _ in self.lines))


def _is_marker(line: str) -> bool:
    return line.strip() == "|"


def _ends_cell(line: str) -> bool:
    s = line.rstrip()
    return s.endswith(" |") and not s.lstrip().startswith("|")


def _web_cells(lines: list[str], taken: set[int]) -> list[_WebCell]:
    """The cell stream of a web copy: cells closed by a `|` line (first style) or by a
    ` |` line end, rows opened by a `|` line (second style)."""
    ends = sum(1 for n, l in enumerate(lines, 1) if n not in taken and _ends_cell(l))
    markers = sum(1 for n, l in enumerate(lines, 1) if n not in taken and _is_marker(l))
    cells: list[_WebCell] = []
    if ends >= 3:
        buffer: list[tuple[int, str]] = []
        opens = False
        for n, line in enumerate(lines, 1):
            if n in taken:
                buffer, opens = [], False
            elif _is_marker(line) and not _opens_row(lines, n):
                cells.append(_WebCell([], opens))  # an empty cell: "|" where a cell's text would be
                buffer, opens = [], False
            elif _is_marker(line):
                buffer, opens = [], True  # lines not closed by ' |' before a row opener are plain text
            elif _ends_cell(line):
                buffer.append((n, line.rstrip()[:-1].strip()))
                cells.append(_WebCell([b for b in buffer if b[1]], opens))
                buffer, opens = [], False
            elif line.strip():
                buffer.append((n, line.strip()))
    elif markers >= 3:
        current = _WebCell()
        for n, line in enumerate(lines, 1):
            if n in taken:
                current = _WebCell()
            elif _is_marker(line):
                cells.append(current)
                current = _WebCell()
            elif line.strip():
                current.lines.append((n, line.strip()))
    return cells


def _opens_row(lines: list[str], n: int) -> bool:
    """In the second web style a `|` line opens a row when a row start, a header cell or
    plain text follows; followed by a cell's text inside a row it is an empty cell."""
    for line in lines[n:n + 3]:
        text = line.strip().removesuffix("|").strip()
        if text:
            return _starts_row(text) or column_role(text) is not None or not line.rstrip().endswith("|")
    return True


def _header_part(cell: _WebCell, first: bool = False) -> tuple[str, int] | None:
    """(label, index of its first line) a cell could be as a header cell: the whole cell, its
    label wrapped over lines ("Thời gian hoàn" / "thành") joined; for the first header cell the
    shortest ending that reads as a label, since the table's title may share that cell."""
    if not cell.lines:
        return None
    starts = range(len(cell.lines) - 1, max(-1, len(cell.lines) - 4), -1) if first else [0]
    for k in starts:
        text = " ".join(t for _, t in cell.lines[k:])
        if len(text.split()) <= MAX_HEADER_WORDS and column_role(text) is not None:
            return text, k
    return None


def _header_text(cell: _WebCell, first: bool = False) -> str | None:
    part = _header_part(cell, first)
    return part[0] if part else None


def _find_header(cells: list[_WebCell], start: int) -> tuple[int, int] | None:
    """(index, width) of the next run of ≥ 3 header-like cells with a content column."""
    i = start
    while i < len(cells):
        j = i
        roles = []
        while j < len(cells) and _header_text(cells[j], first=j == i) is not None:
            roles.append(column_role(_header_text(cells[j], first=j == i)))
            j += 1
        if j - i >= 3 and ("text" in roles or "team" in roles):
            return i, j - i
        i = max(j, i + 1)
    return None


def _starts_row(text: str) -> bool:
    return bool(_NUMBER.match(text) or (_ROMAN_HEAD.match(text) and len(text.split()) <= 12
                                        and text.split()[0].rstrip(".").isupper()))


def _web_tables(lines: list[str], taken: set[int]) -> list[Table]:
    cells = _web_cells(lines, taken)
    tables: list[Table] = []
    pos = 0
    while True:
        found = _find_header(cells, pos)
        if found is None:
            return tables
        start, width = found
        header_cells = cells[start:start + width]
        first = header_cells[0]
        label, k = _header_part(first, first=True)
        header_line = first.lines[k][0]
        header = TableRow(tuple([Cell(tuple(t for _, t in first.lines[k:]), tuple(n for n, _ in first.lines[k:]))] +
                                [c.cell() for c in header_cells[1:]]), header_line, header=True)
        header_key = [c.text for c in header.cells]
        rows: list[TableRow] = [header]
        current: list[_WebCell] = []
        after_break = False
        warnings: list[str] = []
        i = start + width
        last_line = header_cells[-1].lines[-1][0]

        def close_row() -> None:
            nonlocal after_break
            if current:
                line = next((c.lines[0][0] for c in current if c.lines), last_line)
                filled = sum(1 for c in current if c.lines)
                if 1 < len(current) < width and filled > 2:
                    warnings.append(f"Dòng {line}: hàng có {len(current)}/{width} ô; hãy kiểm tra cách tách bảng.")
                rows.append(TableRow(tuple(c.cell() for c in current), line, after_break=after_break))
                after_break = False
                current.clear()

        while i < len(cells):
            cell = cells[i]
            text = cell.text
            if [c.text for c in cells[i:i + width]] == header_key:
                close_row()
                i += width
                after_break = True
                continue
            row_start = bool(cell.opens_row) or _starts_row(text) and (len(current) >= 2 or (
                len(current) == 1 and not _NUMBER.match(current[0].text)))
            if current and (len(current) >= width or row_start):
                close_row()
            elif not current and not _starts_row(text) and not cell.opens_row:
                break  # the table has ended; what follows is text
            current.append(cell)
            if cell.lines:
                last_line = cell.lines[-1][0]
            i += 1
        close_row()
        tables.append(Table(tuple(rows), header_line, last_line, tuple(warnings)))
        pos = i
