"""The plan's outline: the headings of its parts, and which of them stand over each line.

A plan is parted by headings whatever its layout: an appendix marker ("PHỤ LỤC", "Phụ lục 2"),
a title in capitals ("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU THEO …"), a heading numbered in Roman
numerals ("II. CÁC CHỈ TIÊU ĐÃ ĐẠT ĐIỂM TỐI ĐA NĂM 2022 …"). They nest in that order; a heading
closes every open heading of its level or below. Lines inside tables are never headings.
"""
from __future__ import annotations

import re

_ROMAN = re.compile(r"^\s*\**\s*(?=[IVXL]+\s*[.)])(X{0,3})(IX|IV|V?I{0,3})\s*[.)]\s*\S")
_APPENDIX = re.compile(r"^\s*\**\s*phụ lục\b", re.IGNORECASE)
APPENDIX, TITLE, PART = 0, 1, 2


def _is_capital_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) >= 3 and len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def heading_level(text: str) -> int | None:
    """The outline level of a line that is a heading, else None."""
    text = text.strip().strip("*").strip()
    if not text or len(text) > 300:
        return None
    if _APPENDIX.match(text):
        return APPENDIX
    if _ROMAN.match(text):
        return PART
    if _is_capital_title(text):
        return TITLE
    return None


def clean_heading(text: str) -> str:
    return " ".join(text.replace("*", " ").replace("\t", " ").split()).rstrip(":")


def parts_by_line(lines: list[str] | tuple[str, ...], table_lines: set[int]) -> list[tuple[str, ...]]:
    """For each 1-based line (index 0 is line 1), the headings standing over it, outermost first."""
    open_headings: list[tuple[int, str]] = []
    out: list[tuple[str, ...]] = []
    for number, line in enumerate(lines, 1):
        level = None if number in table_lines else heading_level(line)
        if level is not None:
            open_headings = [(lv, h) for lv, h in open_headings if lv < level]
            open_headings.append((level, clean_heading(line)))
        out.append(tuple(h for _, h in open_headings))
    return out
