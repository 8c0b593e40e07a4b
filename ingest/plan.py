"""Plan-level facts: province, number, date, issuer and year of the plan itself."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from .agencies import _province_by_fold, _province_pattern
from .legal import find_references
from .records import LegalReference, PlanInfo, SourceSpan
from ontology.folding import fold

_SO_LINE = re.compile(r"^\s*Số\s*:?\s*(\d*)\s*/\s*([A-ZĐ]+)\s*-\s*([A-ZĐa-zđ]+)", re.IGNORECASE)
_ATTACHED = re.compile(r"(?:kèm theo|ban hành kèm theo)\s+(kế hoạch|quyết định)\s+số\s*:?", re.IGNORECASE)
_HEADER_DATE = re.compile(r"ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})?\s*năm\s+(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"\b(20[1-3]\d)\b")


def detect_province(lines: list[str]) -> str | None:
    """The province a plan belongs to: the most often named one, 'tỉnh X' counting double."""
    counts: Counter[str] = Counter()
    pattern, labels = _province_pattern(), _province_by_fold()
    for line in lines:
        folded = fold(line)
        for m in pattern.finditer(folded):
            label = labels[m.group(1)]
            counts[label] += 2 if folded[max(0, m.start() - 5):m.start()] == "tinh " else 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def plan_self_references(document: str, lines: list[str]) -> list[LegalReference]:
    """References that name the plan itself ('Số: /KH-BCĐ', '(Kèm theo Kế hoạch số …)')."""
    out = []
    for n, line in enumerate(lines[:40], 1):
        m = _SO_LINE.match(line)
        if m:
            out += find_references("Kế hoạch số " + line.split(":", 1)[-1].split()[0]
                                   if ":" in line else line, SourceSpan(document, n, line))
    for n, line in enumerate(lines, 1):
        if _ATTACHED.search(line):
            out += find_references(line, SourceSpan(document, n, line))
    return out


def read_plan(document: str, lines: list[str]) -> PlanInfo:
    province = detect_province(lines)
    selfs = plan_self_references(document, lines)
    numbered = [r for r in selfs if r.number]
    best = numbered[0] if numbered else (selfs[0] if selfs else None)
    plan_date = next((r.date for r in selfs if r.date), None)
    year = plan_date.year if plan_date else None
    span = best.span if best else None
    if year is None:
        for line in lines[:15]:
            m = _HEADER_DATE.search(line)
            if m:
                year = int(m.group(3))
                if m.group(1) and m.group(2):
                    plan_date = date(year, int(m.group(2)), int(m.group(1)))
                break
    if year is None:
        for r in selfs:
            m = re.search(r"/\s*(20\d\d)\s*(?:của|\))", r.span.text if r.span else "")
            if m:
                year = int(m.group(1))
                break
    if year is None:
        years = Counter(int(y) for line in lines for y in _YEAR.findall(line))
        year = years.most_common(1)[0][0] if years else None
    title = None
    for n, line in enumerate(lines[:40], 1):
        if fold(line).startswith("ke hoach") and line.strip().upper() == line.strip() or \
                fold(line).startswith("ke hoach") and len(line.strip()) > 20 and n <= 15:
            rest = line.strip()
            if len(rest) < 15 and n < len(lines):
                rest = rest + " " + next((l.strip() for l in lines[n:n + 3] if l.strip()), "")
            title = " ".join(rest.split())
            break
    if title is None and province:
        title = f"Kế hoạch chuyển đổi số tỉnh {province}"
    return PlanInfo(
        province=province,
        number=best.id_local if best and best.number else None,
        doc_type="Kế hoạch", type_code=best.type_code if best and best.type_code else "KH",
        issuer_code=best.issuer_code if best else None,
        date=plan_date, year=year, title=title, span=span,
    )
