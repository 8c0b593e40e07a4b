"""Frozen records that the readers produce; every fact carries its SourceSpan."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class AssignmentRole(str, Enum):
    """Responsibility roles; values are the notations of the SKOS role code list."""

    LEAD = "lead"
    COORDINATE = "coordinate"
    MONITOR = "monitor"
    GUIDE = "guide"
    AGGREGATE = "aggregate"
    MONITOR_LEAD = "monitor_lead"
    TEAM_LEADER = "team_leader"
    TEAM_DEPUTY = "team_deputy"
    TEAM_MEMBER = "team_member"
    INSPECTED = "inspected"


class ItemKind(str, Enum):
    INDICATOR = "indicator"
    SUB_ITEM = "sub_item"
    TASK = "task"
    DUTY = "duty"  # a responsibility of the implementation section ("Tổ chức thực hiện")
    INFO_ITEM = "info_item"
    TEAM = "team"


@dataclass(frozen=True)
class SourceSpan:
    """Where a fact was read: file, 1-based line of the converted text, character span in
    the line, exact text; the page for paged formats (PDF), the OCR confidence for scans."""

    document: str
    line: int
    text: str
    start: int = 0
    end: int | None = None
    page: int | None = None
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class SourceFile:
    """The original file and its conversion: what the line numbers of every span refer to."""

    name: str
    media_type: str
    byte_size: int
    sha256: str
    converter: str
    lines: tuple[str, ...]
    pages: tuple[int, ...] | None = None
    ocr_confidence: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class AgencyMention:
    """An agency or collective group as a cell names it, resolved to a canonical name."""

    name: str
    raw: str
    is_group: bool
    type_code: str | None = None
    category: str | None = None
    covers: tuple[str, ...] = ()
    holder: str | None = None
    note: str | None = None
    national: bool = False


@dataclass(frozen=True)
class Assignment:
    role: AssignmentRole
    agency: AgencyMention
    span: SourceSpan


@dataclass(frozen=True)
class LegalReference:
    """A cited legal or plan document (rules of Nghị định 30/2020/NĐ-CP for numbering)."""

    id_local: str
    number: str | None
    year: int | None
    doc_type: str | None
    type_code: str | None
    issuer_code: str | None
    scope: str
    date: date | None
    issuing_body: str | None
    raw: str
    span: SourceSpan | None = None


@dataclass(frozen=True)
class Deadline:
    raw: str
    kind: str
    start: date | None = None
    end: date | None = None
    recurrence: str | None = None


@dataclass(frozen=True)
class TargetValue:
    raw: str
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    kind: str = "value"


@dataclass(frozen=True)
class Baseline:
    raw: str
    year: int | None = None
    score: float | None = None
    max_score: float | None = None
    percent: float | None = None


@dataclass(frozen=True)
class Item:
    """An indicator, sub-item, task, general-information item or inspection team."""

    kind: ItemKind
    number: str
    text: str
    span: SourceSpan
    section: str | None = None
    table_title: str | None = None
    parts: tuple[str, ...] = ()  # headings of the plan's parts over the item, outermost first
    parent: str | None = None
    assignments: tuple[Assignment, ...] = ()
    deadline: Deadline | None = None
    target: TargetValue | None = None
    grounds: tuple[LegalReference, ...] = ()
    baselines: tuple[Baseline, ...] = ()
    also_spans: tuple[SourceSpan, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class PlanInfo:
    province: str | None
    number: str | None
    doc_type: str
    type_code: str
    issuer_code: str | None
    date: date | None
    year: int | None
    title: str | None
    span: SourceSpan | None = None


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything read from one source document."""

    file: str
    content_hash: str
    plan: PlanInfo
    items: tuple[Item, ...]
    legal_references: tuple[LegalReference, ...]
    warnings: tuple[str, ...] = field(default=())
    source: SourceFile | None = None

    def count(self, kind: ItemKind) -> int:
        return sum(1 for item in self.items if item.kind is kind)
