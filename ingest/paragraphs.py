"""Hard-wrapped lines joined back into paragraphs, each piece mapped to its original line.

A line continues the paragraph above unless something says a new one starts: the line
above ends a sentence or a heading, the line opens with a list marker or a numbering
("1.", "a)", "-", "I.", "Căn cứ"), or a heading in capitals gives way to ordinary text.
Used for every format whose text arrives wrapped (web copies, PDF text layers).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .document import Paragraph

_OPENS = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[-–+•*]\s|[IVXL]{1,5}[.)]?\s|"
    r"(?:Căn cứ|Thực hiện|Xét đề nghị|Theo đề nghị|Nơi nhận|Điều \d|Chương [IVX]|Số\s*:|TM\.|KT\.)\b)"
)
_ENDS = re.compile(r"[.;:!?]\s*(?:\)|”|\")?$|/\.$")
_SHORT_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,5}\.|[a-zđ]\))(?:\s+\S+){1,4}$")


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def continues(previous: str, line: str) -> bool:
    """True when `line` carries on the paragraph that `previous` belongs to."""
    prev, cur = previous.strip(), line.strip()
    if not prev or not cur or _OPENS.match(cur):
        return False
    if _ENDS.search(prev):  # a clause ending in ';' wrapped before a lowercase word goes on
        return prev.endswith((";", ",")) and cur[:1].islower()
    if _caps(prev) != _caps(cur) and cur[:1].isupper():
        return False  # "KẾ HOẠCH" / "Triển khai …": a heading in capitals, then text
    if _SHORT_HEADING.match(prev) and cur[:1].isupper():
        return False  # "1. Mục đích" / "Cụ thể hóa …"
    return True


def build_paragraphs(lines: list[str] | tuple[str, ...], skip: Iterable[int] = ()) -> tuple[Paragraph, ...]:
    """Paragraphs of the 1-based `lines` not in `skip` (table lines, cell markers);
    a skipped or blank line always ends a paragraph."""
    skipped = set(skip)
    out: list[Paragraph] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        if current:
            text, starts = "", []
            for _, piece in current:
                if text:
                    text += " "
                starts.append(len(text))
                text += piece
            out.append(Paragraph(text, tuple(n for n, _ in current), tuple(starts)))
            current.clear()

    for n, raw in enumerate(lines, 1):
        text = " ".join(raw.replace("\t", " ").split())
        if n in skipped or not text or text == "|":
            flush()
            continue
        cell_end = text.endswith(" |")  # a web copy's cell ends here
        text = text[:-2].rstrip() if cell_end else text
        if current and not continues(current[-1][1], text):
            flush()
        current.append((n, text))
        if cell_end:
            flush()
    flush()
    return tuple(out)
