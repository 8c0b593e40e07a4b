"""`QuestionParser.parse(question) -> ParsedQuestion`: intent and slots, linked to the graph.

Matching is accent-insensitive: the question and every label are folded the same way,
so "so y te chu tri nhung chi tieu nao" finds Sở Y tế. Slots are only ever values that
the graph holds (agency IRIs, province labels, document IRIs); user text never reaches
a query.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from ingest.agencies import looks_like_agency
from ontology.folding import fold, fold_aligned
from ontology import codelists
from ontology.lexicon import agency_head_pattern

from .catalog import Catalog
from .normalize import clean_question, has_diacritics
from .records import AgencyMatch, DocumentMatch, Intent, ParsedQuestion

ALL_ROLES = ("lead", "coordinate", "monitor", "guide", "aggregate", "monitor_lead",
             "team_leader", "team_deputy", "team_member", "inspected")
# (pattern on the normalised question, roles), longest phrases first.
ROLE_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(la |lam )?(co quan |don vi )?dau moi", ("lead",)),
    (r"chu tri theo doi( danh gia)?", ("monitor_lead",)),
    (r"theo doi danh gia", ("monitor_lead",)),
    (r"chu tri tong hop", ("aggregate",)),
    (r"chu tri thuc hien|don vi chu tri|co quan chu tri", ("lead",)),
    (r"chu tri", ("lead", "monitor_lead", "aggregate")),
    (r"phoi hop( thuc hien)?", ("coordinate",)),
    (r"(truc tiep )?theo doi( don doc)?|don doc", ("monitor", "monitor_lead")),
    (r"huong dan", ("guide",)),
    (r"tong hop", ("aggregate",)),
    (r"pho truong doan", ("team_deputy",)),
    (r"truong doan", ("team_leader",)),
    (r"thanh vien|thanh phan|gom (nhung )?(co quan|don vi)", ("team_leader", "team_deputy", "team_member")),
    (r"(duoc )?kiem tra (nhung |cac )?(don vi|co quan)|don vi (nao )?duoc kiem tra", ("inspected",)),
    (r"chiu trach nhiem|phu trach|tham gia|lien quan", ALL_ROLES),
)
_STOP_AFTER_AGENCY = (r"chu|tri|phoi|hop|theo|doi|huong|dan|thuc|hien|co|la|o|tai|nhung|bao|nao|gi|duoc|"
                      r"chiu|phu|trach|lam|giao|dat|cac|ve|se|da|dang|can|phai")
_HOLDERS = "(" + "|".join(sorted({" ".join(re.findall(r"[a-z0-9]+", fold(label))) for c in codelists.holders()
                                  for label in (c.label, *c.alt_labels)}, key=len, reverse=True)) + ")"


def norm(text: str) -> str:
    """Folded words separated by single spaces (punctuation dropped), aligned for matching."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text.replace("&", " "))))


@lru_cache(maxsize=1)
def _issuer_labels() -> tuple[tuple[str, str], ...]:
    out = []
    for c in codelists.issuers():
        out.append((norm(c.label), c.notation))
        out.append((norm(c.notation), c.notation))
    return tuple(sorted(out, key=lambda x: -len(x[0])))


class QuestionParser:
    """Turns a Vietnamese question into slots linked to the catalog's nodes."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._agent_entries = self._build_agent_entries()
        self._agent_by_key = {entry[0]: entry for entry in self._agent_entries}
        keys = [re.escape(entry[0]) for entry in self._agent_entries] or ["(?!x)x"]
        # overlapping alternatives: try every start, longest alternative first
        self._agent_pattern = re.compile(r"(?<= )(?=(" + "|".join(keys) + r")(?= ))")
        self._provinces = sorted(((norm(p), p) for p in catalog.provinces()), key=lambda x: -len(x[0]))
        self._all_provinces = sorted(((norm(c.label), c.label) for c in codelists.provinces()),
                                     key=lambda x: -len(x[0]))
        pillar_labels = {(norm(l), c.label) for c in codelists.pillars() for l in (c.label, *c.alt_labels)}
        self._pillars = sorted(pillar_labels, key=lambda x: -len(x[0]))
        self._doc_keys: dict[str, list[str]] = {}
        for iri, doc in catalog.documents.items():
            if doc.id_local:
                self._doc_keys.setdefault(_ref_key(doc.id_local), []).append(iri)

    def _build_agent_entries(self) -> list[tuple[str, str, tuple[str, ...], str | None]]:
        """(normalised label, display label, agent IRIs, agency type) for every label."""
        by_label: dict[str, dict] = {}
        def usable(label: str, key: str) -> bool:
            # One-word labels are matched only when they are abbreviations ("NHNN"), never
            # ordinary syllables ("Báo" inside "bao nhiêu").
            return len(key) >= 3 and (" " in key or label.isupper())

        for agent in self.catalog.agents.values():
            for label in {agent.label, *agent.alt_labels}:
                key = norm(label)
                if not usable(label, key):
                    continue
                entry = by_label.setdefault(key, {"label": agent.label, "agents": set(), "types": set()})
                entry["agents"].add(agent.iri)
                entry["types"].add(agent.agency_type)
        for concept in codelists.agency_types():
            agents = {a.iri for a in self.catalog.agents.values() if a.agency_type == str(concept.iri)}
            if not agents:
                continue
            for label in (concept.label, *concept.alt_labels):
                key = norm(label.replace("{tinh}", ""))
                if not usable(label.replace("{tinh}", "").strip(), key):
                    continue
                entry = by_label.setdefault(key, {"label": concept.label.replace(" {tinh}", "").strip(),
                                                  "agents": set(), "types": set()})
                entry["agents"] |= agents
                entry["types"].add(str(concept.iri))
        out = []
        for key, e in by_label.items():
            types = {t for t in e["types"] if t}
            out.append((key, e["label"], tuple(sorted(e["agents"])), types.pop() if len(types) == 1 else None))
        return sorted(out, key=lambda x: -len(x[0]))

    # ------------------------------------------------------------------ parse
    def parse(self, question: object) -> ParsedQuestion:
        text = clean_question(question)
        q = " " + norm(text) + " "
        consumed = q

        def take(pattern: str) -> re.Match | None:
            nonlocal consumed
            m = re.search(rf"(?<= )(?:{pattern})(?= )", consumed)
            if m:
                consumed = consumed[:m.start()] + " " * (m.end() - m.start()) + consumed[m.end():]
            return m

        documents, unknown_document = self._documents(text)
        for d in documents:
            take(re.escape(norm(d.text)))
        team = re.search(r" doan kiem tra so (\d+) ", q)
        agencies, unknown_agency = self._agencies(consumed, text)
        for a in agencies:
            take(rf"({_HOLDERS} )?{re.escape(a.label_norm)}" if hasattr(a, "label_norm") else re.escape(norm(a.label)))
        province = None
        for key, label in self._all_provinces:
            if re.search(rf" {re.escape(key)} ", q):
                province = label
                take(rf"(tinh )?{re.escape(key)}")
                break
        lacks_roles: list[str] = []
        m = take(r"(khong|chua) (co|ghi|neu) (co quan|don vi|ai)( nao)? ("
                 + "|".join(p for p, _ in ROLE_PATTERNS[:9]) + ")")
        if m:
            for pattern, rs in ROLE_PATTERNS:
                if re.search(rf"(?:{pattern})$", m.group(0)):
                    lacks_roles = list(rs)
                    break
        roles: list[str] = []
        role_phrase = None
        for pattern, rs in ROLE_PATTERNS:
            m = take(pattern)
            if m:
                role_phrase = role_phrase or m.group(0)
                roles.extend(r for r in rs if r not in roles)
                if "dau moi" in m.group(0):
                    break  # "đầu mối tổng hợp số liệu …": what follows is the task, not a second role
        if not roles and re.search(r" thuc hien ", consumed) and agencies:
            roles = ["lead"]
            role_phrase = "thực hiện"
        kinds: tuple[str, ...] = ()
        if " chi tieu " in q and " nhiem vu " not in q:
            kinds = ("indicator", "sub_item")
        elif " nhiem vu " in q and " chi tieu " not in q:
            kinds = ("task",)
        elif " thong tin chung " in q:
            kinds = ("info_item",)
        deadline, deadline_phrase = self._deadline(q)
        if deadline_phrase:
            take(re.escape(deadline_phrase))
        pillar = None
        for key, label in self._pillars:
            if take(rf"(?:ve |thuoc |linh vuc |tru cot |nhom )?{re.escape(key)}"):
                pillar = label
                break
        superlative = "max" if re.search(r" (cao nhat|lon nhat|nhieu nhat) ", q) else \
            "min" if re.search(r" (thap nhat|nho nhat|it nhat) ", q) else None
        # A past result ("năm 2022 đạt bao nhiêu điểm"), not a target ("đặt chỉ tiêu năm 2024",
        # "chỉ tiêu năm 2024 là bao nhiêu"): with diacritics "đạt" and "đặt" are told apart.
        achieved = re.search(r"\b(đạt|điểm|kết quả)\b", text.lower()) if has_diacritics(text) else \
            re.search(r" (dat|diem|ket qua) ", q)
        baseline = bool(re.search(r" nam 20\d\d ", q) and achieved and not deadline
                        and not re.search(r" (chi tieu|muc tieu) nam 20\d\d ", q))
        wants_count = (" bao nhieu " in q or bool(re.search(r" may (chi tieu|nhiem vu|doan|tinh|co quan|van ban|muc) ", q))) \
            and not baseline and " bao nhieu diem " not in q
        doc_type_asked = None
        m = re.search(r" (quyet dinh|nghi quyet|thong tu|cong van|ke hoach|nghi dinh|van ban) (nao|gi) ", q)
        if m:
            doc_type_asked = {"quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "thong tu": "Thông tư",
                              "cong van": "Công văn", "ke hoach": "Kế hoạch", "nghi dinh": "Nghị định"}.get(m.group(1))
        issuer_asked = None
        m = re.search(r" cua (.+?) ?\??$", q)
        if m:
            tail = " " + m.group(1) + " "
            for key, notation in _issuer_labels():
                if len(key) > 3 and f" {key} " in tail:
                    issuer_asked = notation
                    break
        topic = self._topic(text, consumed)
        about = None
        m = re.search(r" lien quan (?:den|toi) (.+?) ?$", q)
        if m and topic:
            about = re.sub(r"( (nao|gi|khong|vay|a|nhi|the nao))+$", "", " " + m.group(1)).strip() or None
        intent = self._intent(q, documents, agencies, unknown_agency, province, roles, deadline, superlative,
                              baseline, team, kinds, topic, pillar)
        if intent is Intent.SEARCH and (lacks_roles or about) and (province or kinds or pillar):
            intent = Intent.LIST_ITEMS
        return ParsedQuestion(
            question=text, intent=intent, agencies=tuple(agencies), unknown_agency=unknown_agency,
            province=province, roles=tuple(roles), role_phrase=role_phrase, kinds=kinds,
            documents=tuple(documents), unknown_document=unknown_document, deadline=deadline,
            deadline_phrase=deadline_phrase, topic=topic, wants_count=wants_count, superlative=superlative,
            team_number=team.group(1) if team else None, doc_type_asked=doc_type_asked, issuer_asked=issuer_asked,
            pillar=pillar, lacks_roles=tuple(lacks_roles), about=about,
        )

    # ------------------------------------------------------------------ slots
    def _documents(self, text: str) -> tuple[list[DocumentMatch], str | None]:
        folded = fold(text)
        out, unknown = [], None
        pattern = re.compile(r"\b\d{1,6}(?:\s*/\s*\d{4})?\s*/\s*[a-z]+(?:\s?-\s?[a-z]+)*|\b\d{1,4}-[a-z]{1,4}/[a-z]+")
        for m in pattern.finditer(folded):
            key = _ref_key(m.group(0))
            docs = self._doc_keys.get(key)
            if docs:
                out.append(DocumentMatch(key=key, text=m.group(0), docs=tuple(docs)))
            elif "/" in m.group(0) and re.search(r"[a-z]{2,}", m.group(0).split("/")[-1]):
                unknown = text[m.start():m.end()]
        return out, unknown

    def _agencies(self, q: str, text: str) -> tuple[list[AgencyMatch], str | None]:
        found: list[AgencyMatch] = []
        taken: list[tuple[int, int]] = []
        # One compiled alternation, longest labels first; a label is kept unless it overlaps
        # a longer one already taken.
        candidates = sorted(((m.start(1), m.group(1)) for m in self._agent_pattern.finditer(q)),
                            key=lambda c: (-len(c[1]), c[0]))
        for start, key in candidates:
            end = start + len(key)
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            _, label, agents, atype = self._agent_by_key[key]
            match = AgencyMatch(label=label, agents=agents, agency_type=atype)
            object.__setattr__(match, "label_norm", key)
            found.append(match)
        if found:
            return found, None
        # An agency-like phrase the graph does not know ("Bộ Quốc phòng", "Sở Ngoại vụ").
        m = next((w for w in re.finditer(r"(?<!\w)\w", text) if agency_head_pattern().match(text[w.start():])
                  and text[w.start()].isupper()), None)
        if m and looks_like_agency(text[m.start():]):
            words = []
            for w in text[m.start():].split():
                if words and re.fullmatch(_STOP_AFTER_AGENCY, norm(w)):
                    break
                words.append(w.strip("?,.;:"))
                if len(words) >= 8:
                    break
            phrase = " ".join(words)
            best = None
            for key, label, agents, atype in self._agent_entries:
                score = fuzz.ratio(norm(phrase), key)
                if score >= 95 and (best is None or score > best[0]):
                    best = (score, label, agents, atype)
            if best:
                return [AgencyMatch(label=best[1], agents=best[2], agency_type=best[3])], None
            if len(phrase.split()) >= 2 and not re.fullmatch(r"(cac )?(co quan|don vi|doanh nghiep|nganh|phong|to chuc)",
                                                              norm(phrase)):
                return [], phrase
        return [], None

    def _deadline(self, q: str) -> tuple[tuple | None, str | None]:
        m = re.search(r" thang (\d{1,2}) (?:nam )?(\d{4}) ", q)
        if m:
            mo, y = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12:
                import calendar
                return ("range", f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"), \
                    m.group(0).strip()
        m = re.search(r" quy (iv|iii|ii|i|[1-4])(?: (?:nam )?(\d{4}))? ", q)
        if m:
            qn = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(m.group(1)) or int(m.group(1))
            year = m.group(2)
            return ("quarter", str(qn), year), m.group(0).strip()
        m = re.search(r" (truoc|cham nhat) (?:ngay )?(\d{1,2}) (\d{1,2}) (\d{4}) ", q)
        if m:
            d, mo, y = int(m.group(2)), int(m.group(3)), int(m.group(4))
            return ("before", None, f"{y:04d}-{mo:02d}-{d:02d}"), m.group(0).strip()
        if " thuong xuyen " in q:
            return ("continuous", None, None), "thuong xuyen"
        m = re.search(r" (?:han|hoan thanh|thoi han)(?: trong)? nam (\d{4}) ", q)
        if m:
            y = m.group(1)
            return ("range", f"{y}-01-01", f"{y}-12-31"), m.group(0).strip()
        return None, None

    def _intent(self, q, documents, agencies, unknown_agency, province, roles, deadline, superlative,
                baseline, team, kinds, topic="", pillar=None) -> Intent:
        if team or " doan kiem tra " in q:
            return Intent.TEAM
        if documents:
            if re.search(r" (vien dan|trich dan|can cu|ap dung|su dung) ", q) and \
                    re.search(r" (tinh nao|nhung tinh|cac tinh) ", q):
                return Intent.DOCUMENT_PROVINCES
            if re.search(r" (tinh nao|ngay nao|ban hanh ngay|ban hanh khi nao|do ai|co quan nao ban hanh) ", q):
                return Intent.DOCUMENT_INFO
            if re.search(r" (noi dung gi|ve viec gi|noi dung nao|de lam gi|quy dinh gi) ", q):
                return Intent.DOCUMENT_CONTEXT
            if re.search(r" (chi tieu|nhiem vu|dat ra|giao) ", q):
                return Intent.DOCUMENT_ITEMS
            if re.search(r" (nhung tinh|tinh nao|cac tinh) ", q):
                return Intent.DOCUMENT_PROVINCES
            return Intent.DOCUMENT_INFO
        if baseline:
            return Intent.BASELINE
        if re.search(r" so sanh | giua cac tinh ", q) or (superlative and re.search(r" tinh nao ", q)):
            return Intent.COMPARE
        if re.search(r" (van ban|quyet dinh|thong tu|cong van|nghi quyet|nghi dinh|ke hoach) (nao|gi) ", q) or \
                re.search(r" (can cu|thuoc van ban|theo van ban) ", q):
            if q.strip().startswith("ke hoach") and " chi tieu " not in q and " nhiem vu " not in q:
                return Intent.PLAN_DOCUMENTS
            return Intent.ITEM_GROUNDS
        if unknown_agency:
            return Intent.UNKNOWN_AGENCY
        if agencies and re.search(r" tinh nao ", q):
            return Intent.AGENCY_PROVINCES
        if re.search(r" (ai|co quan nao|don vi nao|so nao|ben nao|nhung co quan|nhung don vi|cac co quan) ", q) \
                and not (agencies and re.search(r" (chi tieu|nhiem vu) nao ", q)):
            return Intent.ITEM_AGENCIES
        if agencies:
            return Intent.AGENCY_ITEMS
        if deadline:
            return Intent.DEADLINE_ITEMS
        if topic and re.search(r" (la bao nhieu|bao nhieu phan tram|muc tieu|dat muc|muc nao|muc bao nhieu|"
                               r"khi nao|bao gio|thoi han|han hoan thanh|den han|gia tri) ", q):
            return Intent.ITEM_DETAILS
        if (province or pillar or kinds) and (not topic or " phu luc " in q) and \
                re.search(r" (nhung|bao nhieu|cac|liet ke|gom|nao|co gi) ", q):
            return Intent.LIST_ITEMS
        return Intent.SEARCH

    def _topic(self, text: str, consumed: str) -> str:
        q = " " + consumed + " "
        stop = (r"so sanh|giua cac tinh|cac tinh|tinh nao|nhung tinh|cao nhat|thap nhat|lon nhat|nho nhat|"
                r"bao nhieu|chi tieu|nhiem vu|nhung|nao|cac|gi|o|tai|cua|tinh|co quan|don vi|ai|la|duoc|dat|diem|"
                r"van ban|thuoc|can cu|lien quan den|noi dung|phai|hoan thanh|han|trong|ve|theo|dat ra|"
                r"quyet dinh|thong tu|cong van|nghi quyet|quy dinh|ket qua|nam \d{4}|thuc hien|giao|co|cho|ke hoach|"
                r"phu luc|tong cong|tat ca|toan bo|tong so|dti|chi so dti")
        for _ in range(2):
            q = re.sub(rf" (?:{stop})(?= )", " ", q)
        words = q.split()
        if not words:
            return ""
        # Map the remaining folded words back to the original (accented) words, in order.
        original = re.findall(r"[\wÀ-ỹ.]+", text)
        kept = []
        wanted = list(words)
        for w in original:
            if wanted and norm(w) == wanted[0]:
                kept.append(w)
                wanted.pop(0)
        return " ".join(kept) if len(kept) == len(words) else " ".join(words)


def _ref_key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum() or c == "/")
