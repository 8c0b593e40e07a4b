"""Frozen records of the QA stage: parsed questions and answers (the contract's JSON)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


@dataclass(frozen=True)
class AgencyMatch:
    """An agency or group named in a question, resolved to graph nodes."""

    label: str
    agents: tuple[str, ...]
    agency_type: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class DocumentMatch:
    key: str
    text: str
    docs: tuple[str, ...]


class Intent(str, Enum):
    """What a question asks for: a closed set, each answered by one family of `Answerer`."""

    TEAM = "team"
    DOCUMENT_PROVINCES = "document_provinces"
    DOCUMENT_INFO = "document_info"
    DOCUMENT_CONTEXT = "document_context"
    DOCUMENT_ITEMS = "document_items"
    BASELINE = "baseline"
    COMPARE = "compare"
    PLAN_DOCUMENTS = "plan_documents"
    ITEM_GROUNDS = "item_grounds"
    UNKNOWN_AGENCY = "unknown_agency"
    UNKNOWN_DOCUMENT = "unknown_document"
    AGENCY_PROVINCES = "agency_provinces"
    ITEM_AGENCIES = "item_agencies"
    AGENCY_ITEMS = "agency_items"
    DEADLINE_ITEMS = "deadline_items"
    ITEM_DETAILS = "item_details"
    LIST_ITEMS = "list_items"
    TOPIC_PROVINCES = "topic_provinces"
    AGENCY_RANKING = "agency_ranking"
    PLAN_FACT = "plan_fact"
    CLARIFY = "clarify"
    SUCCESSION = "succession"
    SEARCH = "search"


class Target(str, Enum):
    """What a question asks for, from its question words, before filters are combined."""

    ITEMS = "items"          # which chỉ tiêu / nhiệm vụ
    COUNT = "count"          # how many ("bao nhiêu chỉ tiêu", "mấy đoàn")
    AGENCIES = "agencies"    # who ("ai", "cơ quan nào")
    PROVINCES = "provinces"  # which provinces
    DOCUMENTS = "documents"  # which legal document ("quyết định nào", "căn cứ")
    VALUE = "value"          # a target value ("bao nhiêu phần trăm", "mục tiêu")
    DEADLINE = "deadline"    # when ("khi nào", "bao giờ")
    BASELINE = "baseline"    # a past result ("năm 2022 đạt bao nhiêu")
    FACT = "fact"            # a plan-level fact (rank, score, signer)


@dataclass(frozen=True)
class ParsedQuestion:
    question: str
    intent: Intent
    agencies: tuple[AgencyMatch, ...] = ()
    unknown_agency: str | None = None
    province: str | None = None
    roles: tuple[str, ...] = ()
    role_phrase: str | None = None
    kinds: tuple[str, ...] = ()
    documents: tuple[DocumentMatch, ...] = ()
    unknown_document: str | None = None
    deadline: tuple[str | None, str | None, str | None] | None = None
    deadline_phrase: str | None = None
    topic: str = ""
    wants_count: bool = False
    superlative: str | None = None
    team_number: str | None = None
    doc_type_asked: str | None = None
    issuer_asked: str | None = None
    pillar: str | None = None
    lacks_roles: tuple[str, ...] = ()  # "không có cơ quan phối hợp": items without that role
    about: str | None = None  # "liên quan đến khám, chữa bệnh": the items' text must hold this phrase
    target: Target = Target.ITEMS
    yes_no: bool = False  # "có … không?": answered yes or no, with the evidence
    compare: bool = False  # "so sánh", "giữa các tỉnh", "các tỉnh đặt …"
    excluded: tuple[AgencyMatch, ...] = ()  # "không kể Trung tâm …": their items are left out
    team: bool = False  # the question is about inspection teams
    baseline: bool = False
    clarify: tuple[str, ...] = ()  # close names when a misspelt one is not clearly one of them
    part: str | None = None  # the heading of the plan's part the items stand under
    topic_cued: bool = False  # the topic filters items (said so, or nothing else to filter by)
    provinces_named: tuple[str, ...] = ()  # every province the question names, in order
    succession: bool = False  # asks what became of an agency or province ("nay là", "sáp nhập")
    as_of: date | None = None  # names mean what they meant on this day (None: today)


@dataclass(frozen=True)
class Source:
    """Where an item was read: file name, 1-based line of the converted text, exact text; the page
    for paged formats, and the citation answers write for it (the plan, page and line)."""

    document: str
    line: int
    text: str
    page: int | None = None
    citation: str | None = None


@dataclass(frozen=True)
class AnswerItem:
    kind: str
    label: str
    province: str | None
    roles: tuple[str, ...] = ()
    via_group: bool = False
    source: Source | None = None
    number: str | None = None
    agencies: tuple[str, ...] = ()
    deadline: str | None = None
    target: str | None = None
    grounds: tuple[str, ...] = ()
    group: bool = False
    score: float | None = None
    predecessor: str | None = None  # the former agency whose item this is (2025 reorganisation)

    def to_json(self) -> dict:
        """Plain JSON types, field by field (dataclasses.asdict deep-copies every value, 0.15 ms an item)."""
        d = {"kind": self.kind, "label": self.label, "province": self.province, "roles": list(self.roles),
             "via_group": self.via_group,
             "source": None if self.source is None else
             {"document": self.source.document, "line": self.source.line, "text": self.source.text,
              "page": self.source.page, "citation": self.source.citation},
             "number": self.number, "agencies": list(self.agencies), "deadline": self.deadline,
             "target": self.target, "grounds": list(self.grounds), "group": self.group}
        if self.score is not None:
            d["score"] = self.score
        d["predecessor"] = self.predecessor
        return d


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    count: int | None
    items: tuple[AnswerItem, ...] = field(default=())
    intent: Intent | str | None = None
    interpretation: str = ""

    def to_json(self) -> dict:
        """The answer object of ../shared/qa/CONTRACT.md (plus a few extra item fields)."""
        intent = self.intent.value if isinstance(self.intent, Intent) else self.intent
        return {"question": self.question, "answer": self.answer, "count": self.count,
                "interpretation": self.interpretation,
                "items": [item.to_json() for item in self.items], "intent": intent}
