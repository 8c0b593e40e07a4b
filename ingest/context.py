"""What every reader of one document shares: its lines, province, year and resolver."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .agencies import AgencyResolver
from .document import Document
from .legal import find_references
from .records import Assignment, AssignmentRole, LegalReference, SourceSpan


@dataclass
class ReadContext:
    document: str
    lines: list[str]
    model: Document | None = None
    province: str | None = None
    plan_year: int | None = None
    plan_ids: frozenset[str] = frozenset()
    claimed: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.resolver = AgencyResolver(self.province)
        self._wrapped = {p.lines[0] for p in self.model.paragraphs if len(p.lines) > 1} if self.model else set()

    def wrapped(self, number: int) -> bool:
        """True when the paragraph starting on this line goes on over the next lines."""
        return number in self._wrapped

    def line(self, number: int) -> str:
        """Text of a 1-based line."""
        return self.lines[number - 1]

    def span(self, number: int, fragment: str | None = None) -> SourceSpan:
        """A span on a 1-based line; with a fragment, its character offsets in the line."""
        text = self.line(number)
        page = self.model.page_of(number) if self.model else None
        confidence = None
        if self.model and self.model.ocr_confidence and 1 <= number <= len(self.model.ocr_confidence):
            confidence = self.model.ocr_confidence[number - 1]
        if fragment:
            start = text.find(fragment.strip()[:40])
            if start >= 0:
                return SourceSpan(self.document, number, text, start, start + len(fragment.strip()), page, confidence)
        return SourceSpan(self.document, number, text, 0, len(text), page, confidence)

    def assignments(self, role: AssignmentRole, cell: str, line: int) -> list[Assignment]:
        """The agencies of a role cell (only agencies stand there, named or not in the code lists)."""
        return [Assignment(role, mention, self.span(line, mention.raw))
                for mention in self.resolver.split(cell, any_name=True)]

    def references(self, text: str, line: int) -> list[LegalReference]:
        """Legal references in a piece of text, without the plan itself."""
        return [r for r in find_references(text, self.span(line)) if r.id_local not in self.plan_ids]


def strip_markup(text: str) -> str:
    """Remove Markdown emphasis and HTML tags that extraction left in the text."""
    text = re.sub(r"</?(?:i|b|em|strong|u)>", "", text)
    text = text.replace("**", "").replace("*", "")
    return " ".join(text.split())
