"""Frozen records of the QA stage: parsed questions and answers (the contract's JSON)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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


@dataclass(frozen=True)
class ParsedQuestion:
    question: str
    intent: str
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


@dataclass(frozen=True)
class Source:
    document: str
    line: int
    text: str


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


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    count: int | None
    items: tuple[AnswerItem, ...] = field(default=())
    intent: str | None = None

    def to_json(self) -> dict:
        """The answer object of ../shared/qa/CONTRACT.md (plus a few extra item fields)."""
        items = []
        for item in self.items:
            d = asdict(item)
            d["roles"] = list(item.roles)
            d["agencies"] = list(item.agencies)
            d["grounds"] = list(item.grounds)
            if item.source is None:
                d["source"] = None
            if item.score is None:
                d.pop("score")
            items.append(d)
        return {"question": self.question, "answer": self.answer, "count": self.count, "items": items,
                "intent": self.intent}
