"""`DocumentReader.read(name, data) -> DocumentExtraction`: bytes to records.

The layout is detected from the content: every reader scans the whole document and
claims the lines it understands, tables first, then task blocks, agency sections and
target statements. Nothing here knows a file or province name.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from .context import ReadContext
from .errors import NOTHING_READ_TABLES, IngestError, too_large
from .legal import find_references
from .plan import plan_self_references, read_plan
from .assignments import AssignmentProseReader
from .prose import AgencySectionReader, TargetStatementReader, TaskBlockReader
from .records import DocumentExtraction, Item, ItemKind, LegalReference, SourceFile
from .converters import SUPPORTED_SUFFIXES, convert, sniff
from .document import Document
from .outline import parts_by_line
from .paragraphs import build_paragraphs
from .tables import CellTableReader, TableReader

# Real plans are under 1 MB of text; reading 50 MB of text takes half a minute, so 20 MB is the
# cap for text. A signed PDF or a Word file with scanned annexes is larger: 200 MB for those.
MAX_BYTES = 20 * 1024 * 1024
MAX_FILE_BYTES = 200 * 1024 * 1024


class DocumentReader:
    """Reads one plan document into frozen records with provenance."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_file_bytes: int = MAX_FILE_BYTES):
        if max_bytes <= 0 or max_file_bytes <= 0:
            raise ValueError(f"size limits must be positive, got {max_bytes!r} and {max_file_bytes!r}")
        self.max_bytes = max_bytes
        self.max_file_bytes = max_file_bytes

    def limit_for(self, head: bytes) -> int:
        """The size cap for a file that starts with these bytes: text, or another format."""
        return self.max_bytes if sniff(head) == "text" else self.max_file_bytes

    def warm_up(self) -> None:
        """Load the part-of-speech model the prose reader may need (explicit, not in __init__)."""
        from .pos import warm_up
        warm_up()

    def read_path(self, path: str | Path, on_page=None) -> DocumentExtraction:
        """Read a file; `on_page(done, total)` is told of each page of a paged format."""
        path = Path(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise IngestError("I003", name=path.name, formats=', '.join(SUPPORTED_SUFFIXES))
        try:
            size = path.stat().st_size
            with path.open("rb") as f:
                limit = self.limit_for(f.read(1024))
        except OSError as exc:
            raise IngestError("I004", name=path.name, reason=exc.strerror) from exc
        if size > limit:
            raise IngestError("I005", **too_large(path.name, size, limit))
        return self.read(path.name, path.read_bytes(), on_page)

    def read(self, name: str, data: bytes, on_page=None) -> DocumentExtraction:
        limit = self.limit_for(data[:1024])
        if len(data) > limit:
            raise IngestError("I005", **too_large(name, len(data), limit))
        return self.read_document(self.convert(name, data, on_page), data)

    def convert(self, name: str, data: bytes, on_page=None) -> Document:
        """Bytes → the document model, by the converter for what the bytes are."""
        return convert(name, data, on_page)

    def read_document(self, model: Document, data: bytes) -> DocumentExtraction:
        """The document model → records: tables, then prose, then target statements."""
        if not model.paragraphs:  # formats whose text arrives hard-wrapped (PDF): join the lines back
            model = replace(model, paragraphs=build_paragraphs(model.lines, model.table_lines()))
        name = model.name
        lines = list(model.lines)
        plan = read_plan(name, lines)
        plan_ids = frozenset(r.id_local for r in plan_self_references(name, lines))
        ctx = ReadContext(document=name, lines=lines, model=model, province=plan.province,
                          plan_year=plan.year, plan_ids=plan_ids)
        ctx.warnings.extend(model.warnings)
        if plan.province is None:
            ctx.warnings.append("Không xác định được tỉnh của văn bản.")
        items: list[Item] = []
        items += TableReader().read(ctx, model.tables)
        items += CellTableReader().read(ctx)
        items += TaskBlockReader().read(ctx)
        items += AgencySectionReader().read(ctx)
        items += AssignmentProseReader().read(ctx)
        items = TargetStatementReader().read(ctx, items)
        if not items:
            raise IngestError("I020", **_nothing_read(model))
        references = self._references(ctx)
        items.sort(key=lambda it: (it.span.line, it.kind is ItemKind.SUB_ITEM))
        outline = parts_by_line(lines, model.table_lines())
        items = [replace(it, parts=outline[it.span.line - 1]) if 0 < it.span.line <= len(outline) else it
                 for it in items]
        digest = hashlib.sha256(data).hexdigest()
        source = SourceFile(name=name, media_type=model.media_type, byte_size=len(data), sha256=digest,
                            converter=model.converter, lines=tuple(model.lines), pages=model.pages,
                            ocr_confidence=model.ocr_confidence)
        return DocumentExtraction(
            file=name, content_hash=digest, plan=plan,
            items=tuple(_unique_numbers(items)), legal_references=tuple(references),
            warnings=tuple(ctx.warnings), source=source,
        )

    def _references(self, ctx: ReadContext) -> list[LegalReference]:
        seen: dict[str, LegalReference] = {}
        for n, line in enumerate(ctx.lines, 1):
            for ref in find_references(line, ctx.span(n)):
                if ref.id_local in ctx.plan_ids or not ref.number:
                    continue
                known = seen.get(ref.id_local)
                if known is None or (known.date is None and ref.date) or \
                        (known.issuing_body is None and ref.issuing_body and known.date == ref.date):
                    seen[ref.id_local] = ref if known is None else _merge(known, ref)
        return list(seen.values())


def _nothing_read(model: Document) -> dict[str, str]:
    """The fields of I020: the file and what was looked for in its tables and not found."""
    from .tables import _is_header
    headed = sum(1 for t in model.tables if any(_is_header([c.strip() for c in r.texts]) for r in t.rows))
    key = "none" if not model.tables else "no_header" if not headed else "no_rows"
    return {"name": model.name, "tables": NOTHING_READ_TABLES[key].format(count=headed or len(model.tables))}


def _merge(a: LegalReference, b: LegalReference) -> LegalReference:
    from dataclasses import replace
    return replace(a, date=a.date or b.date, issuing_body=a.issuing_body or b.issuing_body,
                   year=a.year or b.year)


def _unique_numbers(items: list[Item]) -> list[Item]:
    """Item numbers must be unique within a document; repeated ones get a line suffix."""
    from dataclasses import replace
    seen: set[str] = set()
    out = []
    for item in items:
        number = item.number
        if number in seen:
            number = f"{number}@{item.span.line}"
        seen.add(number)
        out.append(replace(item, number=number) if number != item.number else item)
    return out
