"""The document model between bytes and readers: one converter per format fills it.

A `Document` holds the converted text as lines (what every line number and citation refers
to), the page of each line where the format has pages, and the blocks found in it: tables
as rows × cells, and paragraphs with hard wraps joined back. Readers interpret blocks; the
line-oriented readers that remain read `lines` and skip what a table has claimed.
Modelled on docling's DoclingDocument (items with provenance) and Haystack's
one-converter-per-format components; no code is shared with either.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One table cell: its paragraphs (a Word cell's paragraphs, or the physical lines a
    text rendering wrapped it over) and the converted-text line of each."""

    paragraphs: tuple[str, ...]
    lines: tuple[int, ...]

    @property
    def text(self) -> str:
        return " ".join(p.strip() for p in self.paragraphs if p.strip())

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else 0

    @classmethod
    def of(cls, text: str, line: int) -> "Cell":
        return cls((text,), (line,))


@dataclass(frozen=True)
class TableRow:
    """A row as the source gives it; `line` is where it starts in the converted text.

    `header` is set when the format marks the row as a header (Word's repeated header
    row); `after_break` when the row is the first one after a page break or a repeated
    header, so that a row continued across pages can be joined."""

    cells: tuple[Cell, ...]
    line: int
    header: bool = False
    after_break: bool = False

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(frozen=True)
class Table:
    """A data table: its rows in order, header rows included (readers find the header by
    what the cells mean), and the converted-text lines it occupies."""

    rows: tuple[TableRow, ...]
    first_line: int
    last_line: int
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> range:
        return range(self.first_line, self.last_line + 1)


@dataclass(frozen=True)
class Paragraph:
    """Consecutive lines that form one paragraph, joined with single spaces.

    `starts[i]` is the offset in `text` where line `lines[i]` begins, so every piece of
    the paragraph maps back to its original line (`line_at`)."""

    text: str
    lines: tuple[int, ...]
    starts: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        """The converted-text line holding character `offset` of the paragraph."""
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]


@dataclass(frozen=True)
class Document:
    """A converted document: its lines, their pages, tables and paragraphs."""

    name: str
    lines: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    pages: tuple[int, ...] | None = None  # page of each line (1-based), when the format has pages
    media_type: str = "text/plain"
    converter: str = "text"
    ocr_confidence: tuple[float | None, ...] | None = None  # per line, for OCR readings
    warnings: tuple[str, ...] = field(default=())

    def page_of(self, line: int) -> int | None:
        if not self.pages or not 1 <= line <= len(self.pages):
            return None
        return self.pages[line - 1]

    def table_lines(self) -> set[int]:
        return {n for t in self.tables for n in t.lines}
