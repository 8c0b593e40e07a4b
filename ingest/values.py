"""Deadlines, target values and baselines: structured where possible, raw text always."""
from __future__ import annotations

import calendar
import re
from datetime import date

from .records import Baseline, Deadline, TargetValue
from ontology.folding import fold

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER = re.compile(r"\bqu[yý]\s*(IV|I{1,3}|[1-4])\b(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?", re.IGNORECASE)
_MONTH = re.compile(r"\btháng\s*(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE)
_MONTH_WORDS = re.compile(r"\btháng\s*(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_RECURRING_QUARTER = re.compile(r"ngày\s*(\d{1,2})\s*(?:của\s+)?tháng\s+cuối\s+quý", re.IGNORECASE)

# A deadline phrase inside running text ("xong trước 01/6/2024", "hoàn thành trong tháng 6/2024").
DEADLINE_IN_TEXT = re.compile(
    r"(?:chậm nhất\s+)?(?:trước|trong|chậm nhất)\s+(?:ngày\s+)?"
    r"(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|tháng\s*\d{1,2}\s*/\s*\d{4}|quý\s*(?:IV|I{1,3})\s*/\s*\d{4}"
    r"|\d{1,2}\s*(?:của\s+)?tháng\s+cuối\s+quý|\d{1,2}\s*/\s*\d{1,2}(?![\d/])|năm\s+\d{4}(?!\s*(?:-|và|đến)))"
    r"|trước\s+(?:ít nhất\s+|tối thiểu\s+)?\d{1,3}\s+ngày(?:\s+làm việc)?\s+[^.,;()]{3,40}",
    re.IGNORECASE,
)


def _quarter_bounds(q: int, year: int) -> tuple[date, date]:
    first = 3 * (q - 1) + 1
    return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])


def parse_deadline(raw: str, plan_year: int | None = None) -> Deadline | None:
    """Read a deadline: month, quarter (of the plan's year when none is given), date,
    'Thường xuyên', 'Năm 2023 và các năm tiếp theo', recurring reporting dates."""
    text = " ".join((raw or "").replace("*", " ").split()).strip(" .;,")
    if not text:
        return None
    folded = fold(text)
    m = _RECURRING_QUARTER.search(text)
    if m:
        return Deadline(raw=text, kind="recurring", recurrence=f"quarterly:day={int(m.group(1))}")
    m = _QUARTER.search(text)
    if m:
        q = _ROMAN.get(m.group(1).upper()) or int(m.group(1))
        year = int(m.group(2) or m.group(3) or 0) or plan_year
        if year:
            start, end = _quarter_bounds(q, year)
            return Deadline(raw=text, kind="quarter", start=start, end=end)
        return Deadline(raw=text, kind="quarter", recurrence=f"quarter={q}")
    m = _DATE.search(text)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        try:
            when = date(y, mo, d)
        except ValueError:
            when = None
        if when:
            kind = "before" if re.search(r"\b(truoc|cham nhat)\b", folded) else "date"
            return Deadline(raw=text, kind=kind, end=when)
    m = _MONTH.search(text) or _MONTH_WORDS.search(text)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return Deadline(raw=text, kind="month", start=date(y, mo, 1),
                            end=date(y, mo, calendar.monthrange(y, mo)[1]))
    m = _YEAR.search(text)
    if m:
        y = int(m.group(1))
        if re.search(r"tiep theo|hang nam|hang nam|thuong xuyen|duy tri", folded):
            return Deadline(raw=text, kind="from_year", start=date(y, 1, 1), recurrence="yearly")
        return Deadline(raw=text, kind="year", start=date(y, 1, 1), end=date(y, 12, 31))
    if "thuong xuyen" in folded or "hang nam" in folded or "dinh ky" in folded:
        return Deadline(raw=text, kind="continuous", recurrence="ongoing")
    m = _DAY_MONTH.search(text)
    if m and re.search(r"\btruoc\b", folded):
        d, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return Deadline(raw=text, kind="recurring", recurrence=f"yearly:{d:02d}/{mo:02d}")
    return Deadline(raw=text, kind="text")


def find_deadline_in_text(text: str, plan_year: int | None = None) -> Deadline | None:
    """A deadline phrase written inside a task's text, if any."""
    m = DEADLINE_IN_TEXT.search(text.replace("*", ""))
    if not m:
        return None
    return parse_deadline(m.group(0), plan_year)


def parse_number(text: str) -> float | None:
    """Vietnamese number: decimal comma, dot thousands ("8,5" → 8.5, "1.000" → 1000)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return float(text.replace(".", ""))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


_COMPARATORS = [
    (r">=|≥|tối thiểu|ít nhất|không dưới|không thấp hơn|từ", ">="),
    (r"<=|≤|tối đa|không quá|không vượt quá", "<="),
    (r">|trên|hơn", ">"),
    (r"<|dưới", "<"),
]
_VALUE = re.compile(
    r"(?P<cmp>(?:(?:đạt|phấn đấu|phần đầu)\s+)?(?:>=|<=|≥|≤|>|<|tối thiểu|ít nhất|không dưới|không quá|tối đa|trên|dưới|khoảng|đạt)?)\s*"
    r"(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>%|xã|nghiệp vụ|doanh nghiệp|điểm|bài|người|hộ|tỷ đồng|lần|cuộc)",
    re.IGNORECASE,
)


def parse_target(raw: str) -> TargetValue | None:
    """Read a target value: comparator, number and unit, or a yes/no or scoring rule."""
    text = " ".join((raw or "").split()).strip(" .;")
    if not text or text in {"-", "–"}:
        return None
    folded = fold(text)
    if folded in {"co", "co."}:
        return TargetValue(raw=text, comparator="=", value=1.0, unit="có/không", kind="boolean")
    if "min-max" in folded or "min max" in folded or "diem toi da" in folded:
        return TargetValue(raw=text, kind="scoring_rule")
    m = _VALUE.search(text)
    if not m:
        return TargetValue(raw=text, kind="requirement")
    comparator = "="
    words = m.group("cmp").lower()
    for pattern, symbol in _COMPARATORS:
        if re.search(pattern, words):
            comparator = symbol
            break
    return TargetValue(raw=text, comparator=comparator, value=parse_number(m.group("num")),
                       unit=m.group("unit").lower())


_RANK = re.compile(r"(?:thuộc\s+)?nhóm\s+(\d+)\s+tỉnh(?:,\s*thành phố)?\s+dẫn đầu(?:\s+cả nước)?", re.IGNORECASE)


def find_target_in_text(text: str) -> TargetValue | None:
    """The first value phrase inside an indicator's text ("trên 80%", "100%"), or a
    ranking target ("thuộc nhóm 20 tỉnh, thành phố dẫn đầu cả nước")."""
    rank = _RANK.search(text)
    if rank and not _VALUE.search(text[:rank.start()]):
        return TargetValue(raw=rank.group(0), comparator="<=", value=float(rank.group(1)), unit="thứ hạng",
                           kind="rank")
    m = _VALUE.search(text)
    if not m:
        return None
    end = m.end()
    # "đạt 100% đối với A, 95% đối với B và 80% đối với C": the target is the whole phrase.
    if re.match(r"\s+đối với\b", text[end:]):
        stop = re.search(r"[.;](?:\s|$)", text[end:])
        end = end + stop.start() if stop else len(text)
    phrase = text[m.start():end].strip()
    return parse_target(phrase)


_BASELINE = re.compile(r"\(\s*(Năm\s+(\d{4})\s*:[^()]*)\)", re.IGNORECASE)
_SCORE = re.compile(r"(\d+(?:,\d+)?)\s*/\s*(\d+(?:,\d+)?)\s*điểm", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*%")


def find_baselines(text: str) -> list[Baseline]:
    """Past results stated as data: '(Năm 2022: 6,75/20 điểm đạt 6,75%)'."""
    out = []
    for m in _BASELINE.finditer(text):
        body = " ".join(m.group(1).split()).strip()
        score = _SCORE.search(body)
        percent = _PERCENT.search(body)
        out.append(Baseline(
            raw=body, year=int(m.group(2)),
            score=parse_number(score.group(1)) if score else None,
            max_score=parse_number(score.group(2)) if score else None,
            percent=parse_number(percent.group(1)) if percent else None,
        ))
    return out
