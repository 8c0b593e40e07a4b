"""Page layout shared by the PDF and OCR converters: printed lines as segments, raw tables,
running headers and footers, and reading order across two-column blocks. The two converters
place their words (pdfplumber's characters, tesseract's words) differently; from printed
lines on, what a page holds is read the same way."""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ontology.folding import fold_key

from ..document import Cell, Table, TableRow
from ..text import squash

PAGE_NUMBER = re.compile(r"^(?:(?:trang|page)\s*)?[-–—]?\s*\d{1,3}\s*[-–—]?(?:\s*/\s*\d{1,3})?$", re.I)
EDGE_ZONE = 0.15  # top and bottom share of a page where running headers and footers live
_DIGITS = re.compile(r"\d+")
HYPHENATED = re.compile(r"[^\W\d_]-$")  # a line ending in a word broken by a hyphen ("thông-")


@dataclass
class Segment:
    """A run of words on a printed line, apart from the next run by a wide gap."""

    x0: float
    x1: float
    text: str
    words: list[Any] = field(default_factory=list)  # the converter's words, when it keeps them


@dataclass
class Line:
    """One printed line: its segments left to right."""

    top: float
    bottom: float
    segments: list[Segment]
    height: float

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def words(self) -> list[Any]:
        return [w for s in self.segments for w in s.words]

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1


@dataclass
class RawTable:
    top: float
    rows: list[list[Any]]  # rows → cells (a cell: its paragraphs, or (paragraphs, words))


@dataclass
class Page:
    """A page as the layout functions read it: its number, height, printed lines and tables
    (converters extend it with what they count while reading)."""

    number: int
    height: float
    lines: list[Line]
    tables: list[RawTable]


def running_key(text: str) -> str:
    return _DIGITS.sub("#", squash(text).casefold())


def edge_lines(read: Page) -> list[Line]:
    """The first two and last two lines of a page, when they lie in its top or bottom zone."""
    lines = read.lines
    picked = lines[:2] + lines[-2:] if len(lines) > 4 else list(lines)
    top, bottom = EDGE_ZONE * read.height, (1 - EDGE_ZONE) * read.height
    table_tops = [t.top for t in read.tables]
    return [line for line in picked if (line.bottom <= top and not any(t < line.top for t in table_tops))
            or line.top >= bottom]


def drop_running_lines(pages: list[Page]) -> None:
    """Drop bare page numbers at a page's top or bottom and lines repeated there on most pages."""
    counts: Counter[str] = Counter()
    for read in pages:
        counts.update({running_key(line.text) for line in edge_lines(read)})
    needed = max(2, math.ceil(0.5 * len(pages)))
    for read in pages:
        drop = {id(line) for line in edge_lines(read)
                if PAGE_NUMBER.match(line.text.strip())
                or (len(pages) >= 2 and counts[running_key(line.text)] >= needed)}
        read.lines = [line for line in read.lines if id(line) not in drop]


def column(edges: list[float], x: float) -> int:
    """The column between `edges` (left to right) that holds x; the outer columns take what
    lies beyond the outer edges."""
    return max(0, min(len(edges) - 2, bisect.bisect_right(edges, x) - 1))


def column_blocks(lines: list[Line], max_gap: float) -> list[tuple[float, list[tuple[str, list[Any]]]]]:
    """(top, [(text, words)]) in reading order: a run of lines split in two by a common gutter
    (quốc hiệu, signature block) is read left column first, then right column; every other line,
    one of three or more spaced-out segments included, is read as it is. A vertical gap over
    `max_gap` line heights ends a run."""
    out: list[tuple[float, list[tuple[str, list[Any]]]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if len(line.segments) != 2:
            out.append((line.top, [(line.text, line.words)]))
            i += 1
            continue
        gutter = (line.segments[0].x1, line.segments[1].x0)
        left = [(line.segments[0].text, line.segments[0].words)]
        right = [(line.segments[1].text, line.segments[1].words)]
        j = i + 1
        while j < len(lines):
            nxt, prev = lines[j], lines[j - 1]
            if nxt.top - prev.bottom > max_gap * prev.height or len(nxt.segments) > 2:
                break
            if len(nxt.segments) == 2:
                lo, hi = max(gutter[0], nxt.segments[0].x1), min(gutter[1], nxt.segments[1].x0)
                if hi - lo < 5:
                    break
                gutter = (lo, hi)
                left.append((nxt.segments[0].text, nxt.segments[0].words))
                right.append((nxt.segments[1].text, nxt.segments[1].words))
            elif nxt.x1 <= gutter[1] + 1 and nxt.x0 < gutter[0]:
                left.append((nxt.text, nxt.words))
            elif nxt.x0 >= gutter[0] - 1 and nxt.x1 > gutter[1]:
                right.append((nxt.text, nxt.words))
            else:
                break
            j += 1
        out.append((line.top, [t for t in left + right if t[0]]))
        i = j
    return out


@dataclass
class Assembled:
    """Pages put together: one line per printed line or table row, the page of each, the
    recognition confidence of each (when the converter has one) and the tables."""

    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    confidence: list[float | None] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)



def assemble(pages: list[Page], max_gap: float, cell_of: Callable[[Any], tuple[list[str], list[Any]]],
             confidence_of: Callable[[list[Any]], float | None] | None = None,
             join_hyphens: bool = False) -> Assembled:
    """Pages in reading order: text blocks and tables by
    their top. A table's first row repeated on other pages is its header; a table at the top of
    a page continues one broken there (`after_break`). `cell_of` gives a raw cell's paragraphs
    and words; `join_hyphens` carries a word broken by a hyphen at a line's end up to it."""
    out = Assembled()

    def add(text: str, words: list[Any], page: int) -> None:
        out.lines.append(text)
        out.pages.append(page)
        out.confidence.append(confidence_of(words) if confidence_of else None)

    def key(cells: list[Any]) -> tuple[str, ...]:  # folded, so a header read with a slip still matches
        return tuple(fold_key(" ".join(cell_of(c)[0])) for c in cells)

    first_rows = Counter(key(t.rows[0]) for read in pages for t in read.tables)
    previous_first: tuple[str, ...] | None = None
    for read in pages:
        blocks: list[tuple[float, int, Any]] = [(top, 0, texts) for top, texts in column_blocks(read.lines, max_gap)]
        blocks += [(table.top, 1, table) for table in read.tables]
        blocks.sort(key=lambda b: (b[0], b[1]))
        text_before = False
        for position, (_, kind, payload) in enumerate(blocks):
            if kind == 0:
                for text, words in payload:
                    if join_hyphens and text_before and out.lines and HYPHENATED.search(out.lines[-1]) \
                            and text[:1].islower():
                        word, _, text = text.partition(" ")
                        out.lines[-1] += word  # "thông-" / "tin …": the word is carried up; the hyphen stays
                    if text:
                        add(text, words, read.number)
                text_before = True
                continue
            first = key(payload.rows[0])
            repeated = first_rows[first] > 1
            at_top = position == 0
            continued = at_top and repeated and previous_first == first
            rows = []
            for k, cells in enumerate(payload.rows):
                number = len(out.lines) + 1
                parts = [cell_of(c) for c in cells]
                row_cells = tuple(Cell(tuple(p), (number,) * len(p)) for p, _ in parts)
                add("\t".join(c.text for c in row_cells), [w for _, ws in parts for w in ws], read.number)
                rows.append(TableRow(row_cells, number, header=repeated and k == 0,
                                     after_break=at_top and (k == 0 or (k == 1 and continued))))
            out.tables.append(Table(tuple(rows), rows[0].line, rows[-1].line))
            previous_first = first
            text_before = False
    return out
