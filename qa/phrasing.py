"""How answers say things, in one place: kinds and roles in Vietnamese, citations of a plan's
page and line, dates (dd/mm/yyyy, never a day the source does not give), and what a question
was understood as. Accented Vietnamese only: nothing here echoes the folded question."""
from __future__ import annotations

import re
from datetime import date

from ontology import codelists, reforms
from ontology.folding import fold

from .catalog import Catalog, CatalogDocument

KIND_VI = {"indicator": "chỉ tiêu", "sub_item": "chỉ tiêu thành phần", "task": "nhiệm vụ", "duty": "trách nhiệm tổ chức thực hiện",
           "info_item": "mục thông tin chung", "team": "đoàn kiểm tra"}


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


_TITLE_WORDS = 10  # a plan without a number is named by at most this many words of its title
_LINKING_WORDS = frozenset({"va", "cac", "cua", "ve", "cho", "trong", "voi", "nhung", "duoc", "de", "tai", "theo"})


def write_citation(plan: str, line: int, page: int | None = None, ocr_confidence: float | None = None) -> str:
    """The one way an answer cites a source line: the plan, its page (paged formats) and line,
    and for a line read from a scan the OCR confidence, e.g.
    "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 12 (bản quét, độ tin cậy 87%)"."""
    text = f"{plan}, trang {page}, dòng {line}" if page else f"{plan}, dòng {line}"
    if ocr_confidence is not None:
        percent = ocr_confidence * 100 if ocr_confidence <= 1 else ocr_confidence
        text += f" (bản quét, độ tin cậy {round(percent)}%)"
    return text


def plan_reference(plan: CatalogDocument | None, file: str) -> str:
    """How citations name the plan a file holds: type and number, "KH 11252/KH-UBND (Khánh Hòa)";
    without a number, a short title ("Kế hoạch hoạt động của Ban chỉ đạo chuyển đổi số (Bắc
    Giang)") or "Kế hoạch (Ninh Bình)"; the file name only when nothing else is known."""
    province = plan.province if plan else None
    where = f" ({province})" if province else ""
    if plan is not None and plan.id_local:
        return f"{plan.type_code or 'KH'} {plan.id_local}{where}"
    title = _short_title(plan.label, province) if plan is not None else None
    if title:
        return title + where
    return f"Kế hoạch{where}" if province else f"Kế hoạch ({file})"


def plan_name(plan: CatalogDocument | None, file: str, province: str | None = None) -> str:
    """How the app names a plan: "KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa"; a plan without a
    number by its title in sentence case ("Kế hoạch hoạt động của Ban chỉ đạo chuyển đổi số tỉnh
    Bắc Giang năm 2024"); the file name only when nothing else is known."""
    province = (plan.province if plan else None) or province
    tail = f" — {province}" if province else ""
    if plan is not None and plan.id_local:
        when = f" ngày {vn_date(plan.date)}" if plan.date else ""
        return f"{plan.type_code or 'KH'} {plan.id_local}{when}{tail}"
    title = sentence_case(plan.label, province) if plan is not None and plan.label else None
    if title and fold(title).startswith("ke hoach"):
        return title + ("" if province and fold(province) in fold(title) else tail)
    return f"Kế hoạch{tail}" if province else file


def document_label(doc: CatalogDocument) -> str:
    """How answers name a document: a plan by number, date and province ("Kế hoạch số 11252/KH-UBND
    ngày 30/10/2023 của tỉnh Khánh Hòa"), or by its title and province; another document by its
    label, a local one with its province."""
    if doc.is_plan:
        if doc.id_local:
            parts = [f"Kế hoạch số {doc.id_local}"]
            if doc.date:
                parts.append(f"ngày {vn_date(doc.date)}")
            if doc.province:
                parts.append(f"của tỉnh {doc.province}")
            return " ".join(parts)
        if doc.province:  # a plan is named by its province, never by the file it came in
            return doc.label if fold(doc.province) in fold(doc.label) else f"{doc.label} (tỉnh {doc.province})"
        return doc.label
    label = doc.label
    if doc.scope == "local" and doc.province and fold(doc.province) not in fold(label):
        label = f"{label} (tỉnh {doc.province})"
    return label


def sentence_case(title: str, province: str | None = None) -> str:
    """"KẾ HOẠCH NÂNG CAO CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI) TỈNH KHÁNH HÒA NĂM 2023" → "Kế hoạch nâng
    cao chỉ số chuyển đổi số (DTI) tỉnh Khánh Hòa năm 2023": capitals only where the name has
    them (the province, abbreviations in parentheses)."""
    words = title.split()
    if len(words) >= 2 and fold(" ".join(words[:2])) == "ke hoach":
        if " ".join(words[:2]).isupper() and len(words) > 2 and words[2][:1].isupper() and words[2][1:].islower():
            words[2] = words[2][0].lower() + words[2][1:]  # "KẾ HOẠCH Hoạt động …": a heading's capital
        words[:2] = ["Kế", "hoạch"]
    out = []
    for word in words[2:] if words[:2] == ["Kế", "hoạch"] else words:
        keep = word.startswith("(") and word.strip("()").isupper() and len(word.strip("().,")) <= 6
        out.append(word if keep or not word.isupper() else word.lower())
    text = " ".join((words[:2] if words[:2] == ["Kế", "hoạch"] else []) + out)
    if province:
        at = fold(text).find(fold(province))
        if at >= 0:
            text = text[:at] + province + text[at + len(province):]
    return text


def _short_title(label: str | None, province: str | None) -> str | None:
    """"Kế hoạch <subject>" from a plan's title, cut before "tỉnh <province>", "năm 2024" or a
    parenthesis; None for a title the reader made up ("Kế hoạch chuyển đổi số tỉnh X") or none."""
    words = (label or "").split()
    if len(words) < 3 or fold(" ".join(words[:2])) != "ke hoach":
        return None
    rest, body = words[2:], []
    place = fold(province) if province else None
    for i, word in enumerate(rest):
        ahead = fold(" ".join(rest[i:i + 6]))
        if word.startswith("(") or (place and (ahead.startswith(f"tinh {place}") or
                                               ahead.startswith(f"thanh pho {place}"))):
            break
        if fold(word) == "nam" and i + 1 < len(rest) and re.fullmatch(r"(19|20)\d\d", rest[i + 1]):
            break
        body.append(word)
    if not body or fold(" ".join(body)) == "chuyen doi so":
        return None
    cut = len(body) > _TITLE_WORDS
    body = body[:_TITLE_WORDS]
    while cut and len(body) > 1 and fold(body[-1]) in _LINKING_WORDS:  # "… nhiệm vụ và các…" reads cut off
        body.pop()
    text = " ".join(body).rstrip(",;:-–")
    if text.isupper():
        text = text.lower()
    elif text[1:2].islower():
        text = text[0].lower() + text[1:]
    return f"Kế hoạch {text}{'…' if cut else ''}"


def role_label(notation: str) -> str:
    try:
        return codelists.role(notation).label
    except ValueError:
        return notation


def vn_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day:02d}/{d.month}/{d.year}"


def role_text(roles: tuple[str, ...]) -> str:
    if not roles or len(roles) >= 5:
        return "có trách nhiệm với"
    if set(roles) == {"lead", "monitor_lead", "aggregate"}:
        return "chủ trì (kể cả chủ trì theo dõi, chủ trì tổng hợp)"
    if set(roles) == {"monitor", "monitor_lead"}:
        return "theo dõi"
    return ", ".join(dict.fromkeys(role_label(r) for r in roles))


def plural_noun(kinds: tuple[str, ...]) -> str:
    if kinds and set(kinds) <= {"indicator", "sub_item"}:
        return "chỉ tiêu"
    if kinds == ("task",):
        return "nhiệm vụ"
    return "mục"


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ASKED = {
    "team": "đoàn kiểm tra", "document_provinces": "các tỉnh dẫn văn bản", "document_info": "thông tin văn bản",
    "document_context": "nội dung văn bản", "document_items": "các mục căn cứ văn bản", "baseline": "kết quả năm trước",
    "compare": "so sánh giữa các tỉnh", "plan_documents": "căn cứ của kế hoạch", "item_grounds": "văn bản căn cứ",
    "unknown_agency": "cơ quan", "unknown_document": "văn bản", "agency_provinces": "các tỉnh",
    "item_agencies": "cơ quan phụ trách", "agency_items": "các mục được giao", "deadline_items": "các mục theo thời hạn",
    "item_details": "chi tiết một mục", "list_items": "danh sách các mục", "topic_provinces": "các tỉnh có nội dung này",
    "agency_ranking": "cơ quan được giao nhiều nhất", "clarify": "cần làm rõ tên",
    "succession": "cơ quan, tỉnh hiện nay (sắp xếp năm 2025)", "plan_fact": "thông tin nêu trong kế hoạch", "search": "tìm theo nội dung (không phải câu trả lời chính xác)",
}


def quarter_name(quarter: int, year: int) -> str:
    """"Quý IV/2023"."""
    return f"Quý {_ROMAN.get(quarter, quarter)}/{year}"


def deadline_text(deadline: tuple | None) -> str | None:
    """A parsed deadline slot the Vietnamese way: "Quý III/2024", "tháng 3/2024", "trước 01/6/2024"."""
    if not deadline:
        return None
    kind, a, b = deadline
    if kind == "quarter":
        quarter = f"Quý {_ROMAN.get(int(a), a)}"
        return f"{quarter}/{b}" if b else quarter
    if kind == "before":
        return f"trước {vn_date(b)}"
    if kind == "continuous":
        return "thường xuyên"
    if kind == "from":
        return f"từ năm {a} trở đi"
    if kind == "after":
        return f"từ {vn_date(a)} trở đi"
    if kind == "overdue":
        return "đã quá hạn (tính đến hôm nay)"
    if kind == "range" and a and b:
        start, end = date.fromisoformat(a), date.fromisoformat(b)
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return f"năm {start.year}"
        if start.year == end.year and start.month == end.month:
            return f"tháng {start.month}/{start.year}"
        return f"từ {vn_date(a)} đến {vn_date(b)}"
    return None


def kinds_text(kinds: tuple[str, ...]) -> str | None:
    if not kinds:
        return None
    return ", ".join(dict.fromkeys(KIND_VI.get("indicator" if k == "sub_item" else k, k) for k in kinds))


def interpretation(pq, catalog=None) -> str:
    """What the question was understood as, slot by slot, in accented Vietnamese, e.g.
    "Cơ quan: Sở Y tế (mọi tỉnh) · Vai trò: chủ trì · Loại: chỉ tiêu"."""
    if not pq.question.strip():
        return ""
    parts: list[str] = []
    if pq.agencies:
        names = ", ".join(dict.fromkeys(a.label for a in pq.agencies))
        parts.append(f"Cơ quan: {names}" + ("" if pq.province else " (mọi tỉnh)"))
    elif pq.unknown_agency:
        parts.append(f"Cơ quan: {pq.unknown_agency} (không có trong các kế hoạch đã nạp)")
    if pq.province:
        parts.append("Tỉnh: " + ", ".join(pq.provinces_named or (pq.province,)))
    if pq.clarify and not (pq.agencies and pq.province):
        parts.append("Chưa rõ: " + " / ".join(pq.clarify))
    if pq.roles:
        parts.append(f"Vai trò: {role_text(pq.roles)}")
    if pq.lacks_roles:
        parts.append(f"Không có cơ quan {role_label(pq.lacks_roles[0])}")
    if kinds_text(pq.kinds):
        parts.append(f"Loại: {kinds_text(pq.kinds)}")
    when = deadline_text(pq.deadline)
    if when:
        parts.append(f"Thời hạn: {when}")
    if pq.documents and catalog is not None:
        ids = [catalog.documents[iri].id_local for d in pq.documents for iri in d.docs
               if iri in catalog.documents and catalog.documents[iri].id_local]
        if ids:
            parts.append("Văn bản: " + ", ".join(dict.fromkeys(ids)))
    if pq.pillar:
        parts.append(f"Trụ cột: {pq.pillar}")
    if pq.part:
        parts.append(f"Phần: {pq.part}")
    if pq.excluded:
        parts.append("Không kể: " + ", ".join(a.label for a in pq.excluded))
    if pq.team_number:
        parts.append(f"Đoàn kiểm tra số {pq.team_number}")
    if pq.topic:
        parts.append(f"Nội dung: {pq.topic}")
    asked = _ASKED.get(pq.intent.value if hasattr(pq.intent, "value") else str(pq.intent))
    if pq.wants_count:
        asked = "số lượng"
    elif pq.yes_no and pq.intent.value in ("list_items", "agency_items", "deadline_items", "topic_provinces"):
        asked = "có hay không"
    elif pq.superlative:
        asked = "nhiều nhất" if pq.superlative == "max" else "ít nhất"
    if asked:
        parts.append(f"Hỏi: {asked}")
    return " · ".join(parts)


# ---------------------------------------------------------------- the 2025 reorganisation
def change_text(change, catalog: Catalog, with_result: bool = True, brief: bool = True) -> str:
    """One change as answers state it: "Sở Y tế (Bắc Giang) từ 01/3/2025 (phần bảo trợ xã hội, …;
    Nghị định 45/2025/NĐ-CP)". `brief` leaves out what merged with what and any note on the basis."""
    rule = change.rule
    kinds = reforms.kind_labels()
    functions = reforms.functions()
    moved = ", ".join(functions[f].label for f in rule.functions)
    if rule.kind == "transfer":
        what = f"phần {moved}"
    elif rule.kind == "province-merger":
        what = "sáp nhập tỉnh"
    elif brief:
        what = ""
    else:
        what = f"{kinds[rule.kind]}: {moved}" if moved else kinds[rule.kind]
    basis = "; ".join(reforms.short_reference(b) for b in rule.bases) if brief else rule.basis_text()
    details = [what, basis, "" if rule.confirmed else kinds["partly"]]
    head = ", ".join(agent_name(catalog, r) for r in change.results) + " " if with_result else ""
    return f"{head}từ {vn_date(rule.date.isoformat())} ({'; '.join(d for d in details if d)})"


def agent_name(catalog: Catalog, iri: str) -> str:
    """"Sở Y tế (Bắc Giang)": the agency's label with its province unless the label holds it."""
    agent = catalog.agents.get(iri)
    if agent is None:
        return iri.rsplit("/", 1)[-1]
    if agent.province and fold(agent.province) not in fold(agent.label):
        return f"{agent.label} ({agent.province})"
    return agent.label
