"""Legal references: "Quyết định số 185/QĐ-UBND ngày 30/3/2023 của UBND tỉnh" and kin.

Numbers follow Nghị định 30/2020/NĐ-CP: `số/năm?/LOẠI-CƠQUAN` for administrative
documents, `số-LOẠI/CƠQUAN` for Party documents, `số/CƠQUAN-ĐƠNVỊ` for công văn.
Local issuers (UBND, TU, HĐND, BCĐ…) make a document province-scoped.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ontology import codelists

from .records import LegalReference, SourceSpan
from ontology.folding import fold

_UP = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠ"
_CODE = rf"[{_UP}][{_UP}a-zđ&]*"
# "185/QĐ-UBND", "13/2021/TT-BKHĐT", "1033/QĐ- BTTTT", "06/QĐTTg", "/KH-BCĐ" (blank number),
# "2224/BTTTT-THH" (công văn), "09-NQ/TU" (Party style).
_ID = re.compile(
    rf"(?<![\w/])(?P<num>\d{{1,6}})?(?:/(?P<year>(?:19|20)\d\d))?/(?P<code>{_CODE}(?:\s?-\s?{_CODE})+|{_CODE})"
    rf"|(?<![\w/])(?P<pnum>\d{{1,4}})-(?P<ptype>[{_UP}]{{1,4}})/(?P<pissuer>{_CODE})"
)
PROJECT_TYPE = "ĐA"  # "Đề án 06" names a project, not a numbered document


@lru_cache(maxsize=1)
def _type_words() -> dict[str, str]:
    """Lowercased document-type word → notation, from the document-type code list."""
    return {label.lower(): c.notation for c in codelists.document_types() for label in (c.label, *c.alt_labels)}


@lru_cache(maxsize=1)
def _type_before() -> re.Pattern:
    """A document-type word right before a number ("Quyết định số 185/…", "Kế hoạch 12/…")."""
    words = "|".join(re.escape(w) for w in sorted(_type_words(), key=len, reverse=True))
    return re.compile(rf"({words})\s*(?:số\s*:?\s*)?$", re.IGNORECASE)


_DATE_AFTER = re.compile(
    r"^\s*,?\s*ngày\s*(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(\d{4})",
    re.IGNORECASE,
)
_ISSUER_AFTER = re.compile(r"^\s*của\s+([^,;.()]+?)(?=\s+(?:về|quy định|triển khai|phê duyệt|ban hành)\b|[,;.()]|$)")


@lru_cache(maxsize=1)
def _type_codes() -> dict[str, tuple[str, str]]:
    """notation → (notation, Vietnamese label) of the document-type code list."""
    return {c.notation: (c.notation, c.label) for c in codelists.document_types()}


@lru_cache(maxsize=1)
def _issuer_scopes() -> dict[str, str]:
    return {c.notation: c.scope or "local" for c in codelists.issuers()}


def _split_code(code: str) -> tuple[str | None, str | None]:
    """'QĐ-UBND' → ('QĐ', 'UBND'); 'QĐTTg' → ('QĐ', 'TTg'); 'BTTTT-THH' → (None, 'BTTTT')."""
    code = re.sub(r"\s*-\s*", "-", code)
    parts = code.split("-")
    types = _type_codes()
    if parts[0] in types:
        return parts[0], (parts[1] if len(parts) > 1 else None)
    for notation in sorted(types, key=len, reverse=True):
        if len(parts) == 1 and code.startswith(notation) and len(code) > len(notation) + 1:
            return notation, code[len(notation):]
    return None, parts[0]


def _canonical_code(type_code: str | None, issuer: str | None, rest: str) -> str:
    if type_code and issuer:
        return f"{type_code}-{issuer}"
    return re.sub(r"\s*-\s*", "-", rest)


def _scope(issuer: str | None) -> str:
    if not issuer:
        return "local"
    scopes = _issuer_scopes()
    if issuer in scopes:
        return scopes[issuer]
    # Ministries (B…), the government (CP, TTg) and central bodies are national.
    if re.match(r"^(B[A-ZĐ]{1,6}|CP|TTg|VPCP|QH|UBTVQH|TW|NHNN)$", issuer):
        return "national"
    return "local"


def find_references(text: str, span: SourceSpan | None = None) -> list[LegalReference]:
    """Every legal reference in a piece of text, in order of appearance."""
    out: list[LegalReference] = []
    for m in _ID.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        type_word = _type_before().search(before)
        if m.group("pnum"):
            number = m.group("pnum")
            type_code, issuer = m.group("ptype"), m.group("pissuer")
            id_local = f"{number}-{type_code}/{issuer}"
            year = None
        else:
            number = m.group("num")
            year_s = m.group("year")
            year = int(year_s) if year_s else None
            code = m.group("code")
            type_code, issuer = _split_code(code)
            if type_code is None:
                # "2224/BTTTT-THH": a công văn names its issuer and unit, no type.
                if "-" not in re.sub(r"\s", "", code) and not type_word:
                    continue
                if type_word and _type_words().get(type_word.group(1).lower()) in (None, PROJECT_TYPE):
                    continue  # "Đề án 06/CP" is a project name, not a document number
                type_code = _type_words().get(type_word.group(1).lower()) if type_word else "CV"
                canonical = re.sub(r"\s*-\s*", "-", code)
                id_local = f"{number or ''}/{year_s + '/' if year_s else ''}{canonical}"
            else:
                id_local = f"{number or ''}/{year_s + '/' if year_s else ''}{_canonical_code(type_code, issuer, code)}"
            if number is None and not type_word:
                continue
            if type_word is None and number is None:
                continue
        if type_code not in _type_codes() and type_code != "CV":
            continue
        after = text[m.end():m.end() + 160]
        doc_date = None
        dm = _DATE_AFTER.match(after)
        consumed = 0
        if dm:
            d, mo, y = (int(g) for g in dm.groups())
            try:
                doc_date = date(y, mo, d)
            except ValueError:
                doc_date = None
            consumed = dm.end()
            if year is None:
                year = y
        im = _ISSUER_AFTER.match(after[consumed:])
        issuing_body = im.group(1).strip() if im else None
        start = type_word.start() + max(0, m.start() - 40) if type_word else m.start()
        raw = text[start:m.end() + consumed + (im.end() if im else 0)].strip(" ,;.")
        label = _type_codes().get(type_code, ("CV", "Công văn"))[1] if type_code else None
        if type_code == "CV":
            label = "Công văn"
        out.append(LegalReference(
            id_local=id_local, number=number, year=year, doc_type=label, type_code=type_code,
            issuer_code=issuer, scope=_scope(issuer), date=doc_date, issuing_body=issuing_body,
            raw=raw, span=span,
        ))
    return out


def render_reference(ref: LegalReference) -> str:
    """The full Vietnamese reference: 'Quyết định số 185/QĐ-UBND ngày 30/3/2023 của UBND tỉnh'."""
    parts = [ref.doc_type or "Văn bản"]
    parts.append(f"số {ref.id_local}" if ref.number else ref.id_local)
    if ref.date:
        parts.append(f"ngày {ref.date.day}/{ref.date.month}/{ref.date.year}")
    if ref.issuing_body:
        parts.append(f"của {ref.issuing_body}")
    return " ".join(parts)


def same_document(a: str, b: str) -> bool:
    """Compare two ids ignoring spaces, hyphens and case ("1033/QĐ- BTTTT" == "1033/QĐ-BTTTT")."""
    def norm(s: str) -> str:
        return "".join(c for c in fold(s) if c.isalnum() or c == "/")
    return norm(a) == norm(b)
