"""Plans written for the robustness tests: a tab table of any length, the same text in other
encodings, and a comparable summary of what was read from a document."""
from __future__ import annotations

import unicodedata

AGENCIES = ("Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Thông tin và Truyền thông", "Sở Nội vụ", "Sở Tài chính",
            "Sở Công Thương", "Văn phòng UBND tỉnh", "Công an tỉnh")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def table_plan(rows: int, province: str | None = "Lào Cai", number: int = 77) -> str:
    """A plan with one tab table of `rows` indicators, each with a leading agency, two
    coordinating ones (an agency and a group) and a month deadline."""
    place = province or ""
    head = (f"UBND TỈNH {place.upper()}\n\nSố: {number}/KH-UBND\n\n{place}, ngày 15 tháng 4 năm 2024\n\n"
            f"KẾ HOẠCH\n\nNâng cao chỉ số chuyển đổi số {'tỉnh ' + place if province else ''} năm 2024\n\n"
            "Căn cứ Quyết định số 922/QĐ-BTTTT ngày 20/5/2022 của Bộ Thông tin và Truyền thông;\n\n"
            "Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\n")
    body = "".join(
        f"{i}.\tTỷ lệ hồ sơ số hóa loại {i} đạt {i % 100}%.\t{AGENCIES[i % 8]}\t"
        f"{AGENCIES[(i + 3) % 8]}; UBND các huyện, thành phố\tTháng {i % 12 + 1}/2024\n"
        for i in range(1, rows + 1))
    return head + body


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows software writes them: base letters
    precomposed (ê, ơ, ư, ă, đ), tone marks as combining characters."""
    out = []
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


def mixed_line_ends(text: str) -> str:
    """The same lines ended by CRLF, LF and lone CR in turn (a lone CR never right before an
    empty line's LF, which would read as one CRLF)."""
    lines = text.split("\n")[:-1]
    out = []
    for n, line in enumerate(lines):
        end = ("\r\n", "\n", "\r")[n % 3]
        if end == "\r" and n + 1 < len(lines) and not lines[n + 1]:
            end = "\r\n"
        out.append(line + end)
    return "".join(out)


def reading(doc) -> dict:
    """What a document was read as, without its file name and byte hash."""
    return {
        "province": doc.plan.province,
        "items": [(i.kind.value, i.number, i.text, i.span.line,
                   tuple((a.role.value, a.agency.name, a.agency.is_group) for a in i.assignments),
                   i.deadline, i.target) for i in doc.items],
        "legal": sorted(r.id_local for r in doc.legal_references),
    }
