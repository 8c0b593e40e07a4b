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
from ontology.folding import fold
from ontology import codelists
from ontology.lexicon import agency_head_pattern, question_phrases, question_phrases_accented, question_role_cues

from .catalog import Catalog
from .linking import FuzzyLinker
from .topics import terms
from .normalize import clean_question, has_diacritics
from .records import AgencyMatch, DocumentMatch, Intent, ParsedQuestion, Target

_STOP_AFTER_AGENCY = (r"chu|tri|phoi|hop|theo|doi|huong|dan|thuc|hien|co|la|o|tai|nhung|bao|nao|gi|duoc|"
                      r"chiu|phu|trach|lam|giao|dat|cac|ve|se|da|dang|can|phai")
_HOLDERS = "(" + "|".join(sorted({" ".join(re.findall(r"[a-z0-9]+", fold(label))) for c in codelists.holders()
                                  for label in (c.label, *c.alt_labels)}, key=len, reverse=True)) + ")"
# What the question asks for, by its question words (on the normalised question). The graph's
# countable things: a count is "bao nhiêu"/"mấy" before one of them, any other "bao nhiêu" asks
# for a value.
# The document types' labels (folded), from their code list: "quyết định nào", "bao nhiêu nghị quyết".
_DOC_TYPES = tuple(sorted(((" ".join(re.findall(r"[a-z0-9]+", fold(label))), c.label)
                           for c in codelists.document_types() for label in (c.label, *c.alt_labels)),
                          key=lambda x: -len(x[0])))
_DOC_WORDS = "|".join(key for key, _ in _DOC_TYPES)
_COUNTABLE = (r"(chi tieu|nhiem vu|viec|dau viec|muc|noi dung|doan(?: kiem tra)?|tinh|co quan|don vi|so|"
              rf"{_DOC_WORDS}|nhom|tru cot|linh vuc)")
_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
             "muoi": 10}
_ASK_AGENCY = question_phrases("agency")
_ASK_AGENCY_VI = question_phrases_accented("agency")
_ASK_PROVINCE = question_phrases("province")
_ASK_DOCUMENT = rf"({_DOC_WORDS})(?: so)? (nao|gi)|" + question_phrases("document")
_ASK_DEADLINE = question_phrases("deadline")
_ASK_VALUE = question_phrases("value")
_ASK_FACT = "|".join(question_phrases(n) for n in ("rank", "score", "signer"))
_ASK_ITEMS = question_phrases("items")
_COMPARE = question_phrases("compare")
_TOPIC_CUES = question_phrases("topic") + r"|(?:chi tieu|nhiem vu) (?!nao|gi|cua|o|tai|duoc|do|ma|la|co)\w+"
# Words that ask rather than name (left out when a question is matched against part headings).
_ASKING_WORDS = frozenset("bao nhieu nhung nao gi may cua hay cho biet liet ke tat ca tong cong chi tieu nhiem vu "
                          "viec muc ai dau thuoc phan".split())
_EXCLUDE = question_phrases("exclude")
_ASK_SUCCESSION = question_phrases("succession")
# Words that say nothing about what an item is about: question words, the plan's own vocabulary.
_GENERIC = r"nam \d{4}|" + question_phrases("generic")
_PLAN_WORDS = question_phrases("plan")


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
        # Misspelt names ("Sở Thôn tin truyền thong", "Ninh Bìh"): linked when one entry is clearly
        # closest, else the answer asks which one was meant.
        self._fuzzy_named: dict[str, tuple[set[str], set]] = {}
        for key, label, agents, atype in self._agent_entries:
            if " " in key:
                named = self._fuzzy_named.setdefault(label, (set(), set()))
                named[0].update(agents)
                named[1].add(atype)
        vocabulary = self._vocabulary()
        self._fuzzy_agencies = FuzzyLinker(((e[0], e[1]) for e in self._agent_entries if " " in e[0]),
                                           known_words=[p for p, _ in self._all_provinces] + vocabulary)
        self._fuzzy_provinces = FuzzyLinker(((key, label) for key, label in self._all_provinces),
                                            known_words=[e[0] for e in self._agent_entries] + vocabulary)
        # Headings of the plans' parts, by province, with their words: a question may name a part
        # by its title ("các chỉ tiêu đã đạt điểm tối đa năm 2022, cần tiếp tục duy trì").
        self._parts: dict[tuple[str | None, str], frozenset[str]] = {}
        for item in catalog.items.values():
            for part in item.parts:
                if (item.province, part) not in self._parts:
                    self._parts[(item.province, part)] = frozenset(terms(part))
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
        by_type: dict[str, set[str]] = {}
        for agent in self.catalog.agents.values():
            if agent.agency_type:
                by_type.setdefault(agent.agency_type, set()).add(agent.iri)
        out = []
        for key, e in by_label.items():
            types = {t for t in e["types"] if t}
            if len(types) == 1 and None not in e["types"]:  # "Giám đốc Sở Tài chính": every Sở Tài chính
                e["agents"] |= by_type.get(next(iter(types)), set())
            out.append((key, e["label"], tuple(sorted(e["agents"])), types.pop() if len(types) == 1 else None))
        return sorted(out, key=lambda x: -len(x[0]))

    # ------------------------------------------------------------------ parse
    def parse(self, question: object) -> ParsedQuestion:
        """The question as a frame: what it asks for (`target`, an aggregation) and the filters
        over items, each slot linked to graph nodes; the answer family follows from the frame."""
        text = clean_question(question)
        q = " " + norm(text) + " "
        consumed = q

        def take(pattern: str, where: str | None = None) -> re.Match | None:
            nonlocal consumed
            m = re.search(rf"(?<= )(?:{pattern})(?= )", consumed)
            if m:
                consumed = consumed[:m.start()] + " " * (m.end() - m.start()) + consumed[m.end():]
            return m

        documents, unknown_document = self._documents(text)
        for d in documents:
            take(re.escape(norm(d.text)))
        # A document's number and date are not agencies or deadlines ("KH 3748/KH-UBND ngày 26/8/2022").
        if documents:
            take(r"(?:ngay )?\d{1,2} \d{1,2} \d{4}")
        team_number = None
        ordinal = r"thu (" + "|".join(_ORDINALS) + r")"  # "thứ ba"; "đoàn kiểm tra năm 2023" is no ordinal
        m = take(rf"doan kiem tra (?:so |thu )?(\d+)|doan (?:so|thu) (\d+)|doan(?: kiem tra)? {ordinal}")
        if m:
            word = m.group(1) or m.group(2) or m.group(3)
            team_number = word if word.isdigit() else str(_ORDINALS[word])
        team = bool(team_number) or bool(re.search(r" doan kiem tra ", q))
        excluded: list[AgencyMatch] = []
        m = re.search(rf"(?<= )(?:{_EXCLUDE}) (.+)$", consumed)  # the agencies named after the cue
        if m:
            excluded, _ = self._agencies(" " + m.group(1) + " ", m.group(1))
            if excluded:
                for a in excluded:
                    take(rf"(?:{_EXCLUDE}) {re.escape(a.label_norm)}" if hasattr(a, "label_norm") else "(?!x)x")
                    take(re.escape(getattr(a, "label_norm", norm(a.label))))
        agencies, unknown_agency = self._agencies(consumed, self._without_references(text, documents))
        clarify: list[str] = []
        if not agencies:
            found, clarify = self._fuzzy(self._fuzzy_agencies, q, consumed)
            head = norm(unknown_agency).split()[:1] if unknown_agency else None
            if head and found is not None and q.split()[found.start:found.start + 1] != head:
                found, clarify = None, []  # "Bộ Công an" is not a misspelt "Công an tỉnh": its head differs
            if found is not None:
                agents, types = self._fuzzy_named[found.value]
                match = AgencyMatch(label=found.value, agents=tuple(sorted(agents)),
                                    agency_type=next(iter(types)) if len(types) == 1 else None)
                object.__setattr__(match, "label_norm", " ".join(q.split()[found.start:found.end]))
                take(re.escape(match.label_norm))
                agencies, unknown_agency = [match], None
        if team:
            unknown_agency = None
        for a in agencies:
            take(rf"({_HOLDERS} )?{re.escape(a.label_norm)}" if hasattr(a, "label_norm") else re.escape(norm(a.label)))
        province = None
        for key, label in self._all_provinces:
            if re.search(rf" {re.escape(key)} ", q):
                province = label
                take(rf"(tinh )?{re.escape(key)}")
                break
        if province is None:
            found, ambiguous = self._fuzzy(self._fuzzy_provinces, q, consumed)
            if found is not None:
                province = found.value
                take(re.escape(" ".join(q.split()[found.start:found.end])))
            clarify += [f"tỉnh {c}" for c in ambiguous]
        provinces_named = [label for _, label in sorted(
            {(m.start(), label) for key, label in self._all_provinces for m in re.finditer(rf" {re.escape(key)} ", q)})]
        if province is not None and province not in provinces_named:
            provinces_named.insert(0, province)
        for label in provinces_named:  # "Hà Nam và Nam Định": every name is a province, none a topic
            if label != province:
                take(rf"(tinh )?{re.escape(norm(label))}")
        if province is None and documents:
            owners = {self.catalog.documents[iri].province for d in documents for iri in d.docs
                      if iri in self.catalog.documents}
            if len(owners) == 1 and None not in owners and len(documents) == 1:
                province = owners.pop()  # a provincial document number implies its province
        deadline, deadline_phrase = self._deadline(q)
        superlative = "max" if re.search(r" (cao nhat|lon nhat|nhieu nhat) ", q) else \
            "min" if re.search(r" (thap nhat|nho nhat|it nhat) ", q) else None
        # A past result ("năm 2022 đạt bao nhiêu điểm"), not a target ("đặt chỉ tiêu năm 2024",
        # "chỉ tiêu năm 2024 là bao nhiêu"): with diacritics "đạt" and "đặt" are told apart.
        achieved = re.search(r"\b(đạt|điểm|kết quả)\b", text.lower()) if has_diacritics(text) else \
            re.search(r" (dat|diem|ket qua) ", q)
        counted = re.search(rf" (?:bao nhieu|may) (?:\w+ ){{0,2}}?{_COUNTABLE} ", q)
        baseline = bool(re.search(r" nam 20\d\d ", q) and achieved and not deadline and not counted
                        and not re.search(r" (chi tieu|muc tieu) nam 20\d\d ", q))
        target = self._target(q, counted, baseline, team, text)
        succession = bool(take(_ASK_SUCCESSION))
        if succession and target is Target.AGENCIES and re.search(rf"(?<= )(?:{_ASK_ITEMS})(?= )", q):
            target = Target.ITEMS  # "… những nhiệm vụ nào, nay cấp nào làm thay?": the successor is a note
        # Role words name a role when someone holds it: an agency named, or asked for ("ai chủ
        # trì"); otherwise they are what the item is about ("tham gia chương trình SMEdx").
        roles_asked = bool(agencies or unknown_agency or team or target is Target.AGENCIES or excluded)
        lacks_roles: list[str] = []
        cues = question_role_cues()
        m = take(r"(khong|chua) (co|ghi|neu) (co quan|don vi|ai)( nao)? ("
                 + "|".join(re.escape(p) for p, _, weak in cues if not weak) + ")")
        if m:
            lacks_roles = list(next(rs for p, rs, _ in cues if m.group(0).endswith(" " + p)))
        roles: list[str] = []
        weak_roles: list[str] = []
        role_phrase = None
        for phrase, rs, weak in cues:
            found = take(re.escape(phrase)) if roles_asked else None
            if not found:
                continue
            if weak:
                weak_roles.extend(r for r in rs if r not in weak_roles)
                continue
            role_phrase = role_phrase or found.group(0)
            roles.extend(r for r in rs if r not in roles)
            if "dau moi" in phrase:
                break  # "đầu mối tổng hợp số liệu …": what follows is the task, not a second role
        if not roles and weak_roles and (agencies or unknown_agency):
            roles = weak_roles
            role_phrase = "thực hiện"
        kinds: tuple[str, ...] = ()
        if re.search(r" chi tieu ", q) and not re.search(r" (nhiem vu|viec) ", q):
            kinds = ("indicator", "sub_item")
        elif re.search(r" (nhiem vu|viec (gi|nao)|(nhung|cac|may) viec|dau viec|cong viec) ", q) and " chi tieu " not in q:
            kinds = ("task",)
        elif " thong tin chung " in q:
            kinds = ("info_item",)
        if deadline_phrase:
            take(re.escape(deadline_phrase))
        pillar = None
        for key, label in self._pillars:
            if take(rf"(?:ve |thuoc |linh vuc |tru cot |nhom )?{re.escape(key)}"):
                pillar = label
                break
        wants_count = target is Target.COUNT
        doc_type_asked = None  # "quyết định nào": that type; "văn bản nào": any
        m = re.search(rf" ({_DOC_WORDS}) (so )?(nao|gi) ", q)
        if m:
            label = next(label for key, label in _DOC_TYPES if key == m.group(1))
            doc_type_asked = None if norm(label) != m.group(1) else label
        issuer_asked = None
        m = re.search(r" cua (.+?) ?\??$", q)
        if m:
            tail = " " + m.group(1) + " "
            for key, notation in _issuer_labels():
                if len(key) > 3 and f" {key} " in tail:
                    issuer_asked = notation
                    break
        topic = self._topic(text, consumed)
        # A topic filters items when the question says so ("về", "liên quan đến", "nói về"), names
        # it right after the kind ("chỉ tiêu thanh toán …"), or has no other filter to go by.
        topic_cued = bool(re.search(rf"(?<= )(?:{_TOPIC_CUES})(?= )", q)) or not (
            agencies or province or deadline or documents or pillar or lacks_roles or excluded)
        part = self._part(consumed, province)
        about = None
        m = re.search(r" lien quan (?:den|toi) (.+?) ?$", q)
        if m and topic:
            about = re.sub(r"( (nao|gi|khong|vay|a|nhi|the nao))+$", "", " " + m.group(1)).strip() or None
        yes_no = bool(re.search(r" co (?:.+ )?(khong|chua)(?: (?:a|vay|nhi|nhe|ha))? $", q)) and \
            not re.search(r" (co|hay) khong co ", q)
        compare = bool(re.search(rf"(?<= )(?:{_COMPARE})(?= )", q))
        frame = dict(
            question=text, agencies=tuple(agencies), unknown_agency=unknown_agency,
            province=province, roles=tuple(roles), role_phrase=role_phrase, kinds=kinds,
            documents=tuple(documents), unknown_document=unknown_document, deadline=deadline,
            deadline_phrase=deadline_phrase, topic=topic, wants_count=wants_count, superlative=superlative,
            team_number=team_number, doc_type_asked=doc_type_asked, issuer_asked=issuer_asked,
            pillar=pillar, lacks_roles=tuple(lacks_roles), about=about, target=target, yes_no=yes_no,
            compare=compare, excluded=tuple(excluded), team=team, baseline=baseline, topic_cued=topic_cued,
            clarify=tuple(dict.fromkeys(clarify)), part=part, provinces_named=tuple(provinces_named),
            succession=succession,
        )
        return ParsedQuestion(intent=self._family(q, frame), **frame)

    def _target(self, q: str, counted, baseline: bool, team: bool, text: str = "") -> "Target":
        """What the question asks for, from its question words (one target; the family decides
        how filters combine with it)."""
        def has(pattern: str) -> bool:
            return bool(re.search(rf"(?<= )(?:{pattern})(?= )", q))
        accented = " " + " ".join(re.findall(r"\w+", text.lower())) + " " if has_diacritics(text) else None
        if counted:
            return Target.COUNT
        if baseline:
            return Target.BASELINE
        if has(_ASK_FACT):
            return Target.FACT
        if has(_ASK_DOCUMENT):
            return Target.DOCUMENTS
        if has(_ASK_PROVINCE):
            return Target.PROVINCES
        asks_agency = has(_ASK_AGENCY) and (accented is None or re.search(rf" (?:{_ASK_AGENCY_VI}) ", accented))
        if asks_agency or (team and has(r"truong doan|pho|thanh vien|thanh phan|kiem tra (nhung|cac)")):
            return Target.AGENCIES
        if has(r"bao nhieu|may") or has(_ASK_VALUE):
            return Target.VALUE
        if has(_ASK_DEADLINE) and not has(_ASK_ITEMS):
            return Target.DEADLINE
        return Target.ITEMS

    def _family(self, q: str, f: dict) -> Intent:
        """The answer family of a frame: a decision on (target, filters), documented in docs/qa.md."""
        target = f["target"]
        has = lambda pattern: bool(re.search(rf"(?<= )(?:{pattern})(?= )", q))  # noqa: E731
        item_filters = bool(f["agencies"] or f["province"] or f["kinds"] or f["deadline"] or f["pillar"] or f["part"]
                            or f["lacks_roles"] or f["about"] or f["excluded"])
        if f["clarify"] and not (f["agencies"] or f["province"]):
            return Intent.CLARIFY
        if f["team"] and not f["documents"]:
            return Intent.TEAM
        if f["documents"]:
            if target is Target.PROVINCES and has(r"vien dan|trich dan|can cu|ap dung|su dung|nhac|dan chieu"):
                return Intent.DOCUMENT_PROVINCES
            if target in (Target.ITEMS, Target.COUNT) and (f["kinds"] or has(r"dat ra|giao|nhung gi")):
                return Intent.DOCUMENT_ITEMS
            if has(r"noi dung gi|ve viec gi|noi dung nao|de lam gi|quy dinh gi|ve van de gi"):
                return Intent.DOCUMENT_CONTEXT
            if target is Target.PROVINCES and not has(r"cua tinh nao|tinh nao ban hanh"):
                return Intent.DOCUMENT_PROVINCES
            return Intent.DOCUMENT_INFO
        if f["succession"] and (f["agencies"] or f["province"] or f["unknown_agency"]) and \
                target not in (Target.ITEMS, Target.COUNT):
            return Intent.SUCCESSION
        if f["succession"] and (f["agencies"] or f["province"]) and target is Target.ITEMS and not has(_ASK_ITEMS):
            return Intent.SUCCESSION
        if f["unknown_document"] and target is not Target.DOCUMENTS:
            return Intent.UNKNOWN_DOCUMENT
        if target is Target.FACT:
            return Intent.PLAN_FACT
        if target is Target.BASELINE:
            return Intent.BASELINE
        if target is Target.DOCUMENTS:
            if q.strip().startswith("ke hoach") and " chi tieu " not in q and " nhiem vu " not in q:
                return Intent.PLAN_DOCUMENTS
            return Intent.ITEM_GROUNDS
        if f["unknown_agency"] and not f["agencies"]:
            return Intent.UNKNOWN_AGENCY
        if target is Target.PROVINCES:
            if f["agencies"]:
                return Intent.AGENCY_PROVINCES
            if f["superlative"] or f["compare"]:
                return Intent.COMPARE
            return Intent.TOPIC_PROVINCES if f["topic"] or f["kinds"] else Intent.LIST_ITEMS
        if target is Target.AGENCIES:
            if f["superlative"] and not f["topic"]:
                return Intent.AGENCY_RANKING
            if f["topic"]:
                return Intent.ITEM_AGENCIES
        if target is Target.VALUE:
            if f["compare"] or f["superlative"]:
                return Intent.COMPARE
            if f["topic"]:
                return Intent.ITEM_DETAILS
        if target is Target.DEADLINE and f["topic"] and not f["deadline"]:
            return Intent.ITEM_DETAILS
        if f["compare"] and f["topic"]:
            return Intent.COMPARE
        if f["agencies"]:
            return Intent.AGENCY_ITEMS
        if f["deadline"]:
            return Intent.DEADLINE_ITEMS
        if item_filters or (f["topic"] and (has(_ASK_ITEMS) or f["yes_no"] and target is Target.ITEMS)):
            return Intent.LIST_ITEMS
        return Intent.SEARCH

    def _part(self, consumed: str, province: str | None) -> str | None:
        """The part of a plan the question names by its heading: nearly all the words left once the
        slots are taken (four at least, question words and kind nouns aside) are words of the
        heading, and no other heading holds as many."""
        wanted = {t for t in terms(consumed) if "_" not in t} - _ASKING_WORDS
        if len(wanted) < 4:
            return None
        shares: dict[str, float] = {}
        for (prov, heading), held in self._parts.items():
            if not province or prov == province:
                shares[heading] = len(wanted & held) / len(wanted)
        top = max(shares.values(), default=0.0)
        winners = [h for h, share in shares.items() if share == top]
        return winners[0] if top >= 0.8 and len(winners) == 1 else None

    def _vocabulary(self) -> list[str]:
        """Every word of the plans' items: a question word the plans use is read as typed, never
        as a misspelt name ("đáp ứng yêu cầu" is not "Hưng Yên")."""
        return sorted({w for item in self.catalog.items.values() for w in norm(item.text).split()})

    @staticmethod
    def _fuzzy(linker: FuzzyLinker, q: str, consumed: str):
        """(the clearly closest entry, or None; the close candidates when none is clearly closest)
        of a misspelt name among the question's words not yet taken by another slot."""
        tokens, taken, position = q.split(), set(), 0
        for index, token in enumerate(tokens):
            position = q.index(token, position)
            if not consumed[position:position + len(token)].strip():
                taken.add(index)
            position += len(token)
        for linked in linker.link(tokens, taken):
            if linked.best is not None:
                return linked.best, []
            return None, [c.value for c in linked.candidates]
        return None, []

    @staticmethod
    def _without_references(text: str, documents) -> str:
        """The question with its document references blanked (their issuer is not an agency asked about)."""
        out = text
        for d in documents:
            out = re.sub(re.escape(d.text), " ", out, flags=re.IGNORECASE) if d.text in out else out
        return re.sub(r"\b\d{1,6}/[\wĐđ-]+(?:/[\wĐđ-]+)?", " ", out)

    # ------------------------------------------------------------------ slots
    def _documents(self, text: str) -> tuple[list[DocumentMatch], str | None]:
        folded = fold(text)
        out, unknown = [], None
        pattern = re.compile(r"\b\d{1,6}(?:\s*/\s*\d{4})?\s*/\s*[a-z]+\d*(?:\s?-\s?[a-z]+\d*)*|\b\d{1,4}-[a-z]{1,4}/[a-z]+")
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
        m = re.search(r" (?:tu |bat dau tu |ke tu )?nam (\d{4}) (?:va |tro di|den nay)(?:cac nam tiep theo|nhung nam tiep theo|"
                      r"cac nam sau|hang nam|tro di)? ", q) or re.search(r" (?:tu|bat dau tu|ke tu) nam (\d{4}) ", q)
        if m:
            return ("from", m.group(1), None), m.group(0).strip()
        m = re.search(r" (sau|tu) (?:ngay )?(\d{1,2}) (\d{1,2}) (\d{4}) ", q)
        if m:
            d, mo, y = int(m.group(2)), int(m.group(3)), int(m.group(4))
            return ("after", f"{y:04d}-{mo:02d}-{d:02d}", None), m.group(0).strip()
        if re.search(r" (qua han|tre han|cham tien do|da het han) ", q):
            return ("overdue", None, None), re.search(r" (qua han|tre han|cham tien do|da het han) ", q).group(1)
        if " thuong xuyen " in q:
            return ("continuous", None, None), "thuong xuyen"
        m = re.search(r" (?:han|hoan thanh|thoi han)(?: trong)? nam (\d{4}) ", q)
        if m:
            y = m.group(1)
            return ("range", f"{y}-01-01", f"{y}-12-31"), m.group(0).strip()
        return None, None

    def _topic(self, text: str, consumed: str) -> str:
        """What the question is about: its words left once every slot and generic word is taken,
        in the question's own (accented) spelling; runs that were not adjacent are parted by
        commas, so no word pair is made up across a gap."""
        q = " " + consumed + " "
        for _ in range(2):
            q = re.sub(rf" (?:{_GENERIC})(?= )", " | ", q)
        runs = [r.split() for r in re.sub(r"\s{2,}", " | ", q).split("|")]
        runs = [r for r in runs if r]
        words = [w for r in runs for w in r]
        if not words or not re.sub(rf"(?<= )(?:{_PLAN_WORDS})(?= )", " ", " " + " ".join(words) + " ").strip():
            return ""  # nothing but the plan's own words ("phụ lục phân công của BCĐ chuyển đổi số")
        # Map the remaining folded words back to the original (accented) words, in order.
        original = re.findall(r"[\wÀ-ỹ.]+", text)
        out, position = [], 0
        for run in runs:
            kept = []
            for word in run:
                match = next((k for k in range(position, len(original)) if norm(original[k]) == word), None)
                if match is None:
                    kept.append(word)
                else:
                    kept.append(original[match])
                    position = match + 1
            out.append(" ".join(kept))
        return ", ".join(out)


def _ref_key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum() or c == "/")
