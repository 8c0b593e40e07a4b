"""Prose readers:

- `TaskBlockReader`: `- Nhiệm vụ:` blocks with `- Mục tiêu:`, `- Đơn vị … thực hiện:`,
  `- Đơn vị phối hợp:`, `- Thời gian hoàn thành:` lines and a), b)… sub-groups;
- `AgencySectionReader`: sections headed by one agency ("13. Giám đốc Sở Y tế") whose
  bullets are that agency's tasks, deadlines read inside the text;
- `TargetStatementReader`: target bullets of a "MỤC TIÊU" section, merged with the
  table row that states the same indicator.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from .context import ReadContext, strip_markup
from .records import Assignment, AssignmentRole, Item, ItemKind, LegalReference
from .tables import _dedupe
from ontology.folding import fold
from ontology.lexicon import column_role
from .values import find_baselines, find_deadline_in_text, find_target_in_text, parse_deadline, parse_target

_TASK_START = re.compile(r"^(?:([a-zđ])\)\s*|-\s*)Nhiệm vụ\s*:\s*(.*)$", re.IGNORECASE)
_GROUP_HEADING = re.compile(r"^(\d{1,2})\.\s+(.+)$")
_FIELD = re.compile(r"^-\s*([^:]{3,60}?)\s*:\s*(.*)$")
_SECTION = re.compile(r"^(?:[IVX]+\.\s+\S|[A-ZĐÂĂÊÔƠƯ][^a-z]{6,}$)")


_FIELDS = {"target": "target", "text": "content", "coordinate": "coordinate", "lead": "lead", "deadline": "deadline"}


def _field_name(label: str) -> str | None:
    """A task block's field ("- Đơn vị chủ trì thực hiện:") by what its label means: the same
    column code list that types table headers."""
    return _FIELDS.get(column_role(label) or "")


class TaskBlockReader:
    """`- Nhiệm vụ:` blocks, one task each."""

    def read(self, ctx: ReadContext) -> list[Item]:
        starts = [n for n in range(1, len(ctx.lines) + 1)
                  if n not in ctx.claimed and _TASK_START.match(ctx.line(n).strip())]
        items: list[Item] = []
        for idx, start in enumerate(starts):
            group_no, group_label = self._group(ctx, start)
            letter = _TASK_START.match(ctx.line(start).strip()).group(1)
            limit = starts[idx + 1] if idx + 1 < len(starts) else len(ctx.lines) + 1
            end = self._block_end(ctx, start, limit)
            items.append(self._task(ctx, start, end, group_no, group_label, letter))
            ctx.claimed |= set(range(start, end))
        return items

    def _group(self, ctx: ReadContext, start: int) -> tuple[str | None, str | None]:
        for n in range(start - 1, 0, -1):
            m = _GROUP_HEADING.match(ctx.line(n).strip())
            if m:
                return m.group(1), m.group(2).strip()
        return None, None

    def _block_end(self, ctx: ReadContext, start: int, limit: int) -> int:
        for n in range(start + 1, limit):
            text = ctx.line(n).strip()
            if _GROUP_HEADING.match(text) or _SECTION.match(text) or (
                    text and not text.startswith(("-", "+")) and not re.match(r"^[a-zđ]\)", text)
                    and n > start + 1 and _field_name(ctx.line(n - 1).strip("- ")) == "deadline"):
                return n
        return limit

    def _task(self, ctx, start, end, group_no, group_label, letter) -> Item:
        fields: dict[str, list[tuple[int, str]]] = {}
        current = None
        text = _TASK_START.match(ctx.line(start).strip()).group(2).strip()
        for n in range(start + 1, end):
            line = ctx.line(n).strip()
            if not line:
                continue
            m = _FIELD.match(line)
            name = _field_name(m.group(1)) if m else None
            if name:
                current = name
                fields.setdefault(name, [])
                if m.group(2).strip():
                    fields[name].append((n, m.group(2).strip()))
                continue
            if current:
                fields[current].append((n, line.lstrip("+ ").strip() if line.startswith("+") else line))
        assignments: list[Assignment] = []
        for name, role in (("lead", AssignmentRole.LEAD), ("coordinate", AssignmentRole.COORDINATE)):
            for n, cell in fields.get(name, []):
                assignments += ctx.assignments(role, cell, n)
        deadline = None
        if fields.get("deadline"):
            deadline = parse_deadline(fields["deadline"][0][1], ctx.plan_year)
        target_lines = fields.get("target", [])
        target = None
        baselines = []
        if target_lines:
            own = [v for n, v in target_lines if ctx.line(n).strip().startswith("-")]
            raw = own[0] if own else " ".join(v for _, v in target_lines)
            target = parse_target(raw)
            for _, v in target_lines:
                baselines += find_baselines(v)
        grounds: list[LegalReference] = []
        for n in range(start, end):
            grounds += ctx.references(ctx.line(n), n)
        number = f"{group_no}.{letter}" if group_no and letter else (group_no or str(start))
        return Item(kind=ItemKind.TASK, number=number, text=strip_markup(text), span=ctx.span(start, text),
                    section=group_label, assignments=tuple(assignments), deadline=deadline, target=target,
                    grounds=tuple(_dedupe(grounds)), baselines=tuple(baselines))


_HEADING = re.compile(r"^(\d{1,2})\.\s+(.+?)\s*:?\s*$")
_SUBGROUP = re.compile(r"^([a-zđ])\)\s+(.+)$")
_ROMAN_SECTION = re.compile(r"^[IVX]+\.\s+\S")
_STOP = re.compile(r"^(Nơi nhận|KT\.|TM\.|\*\*KT)", re.IGNORECASE)


class AgencySectionReader:
    """Sections headed by exactly one agency or group; each bullet below is its task (its duty
    in the implementation section, "Tổ chức thực hiện")."""

    def read(self, ctx: ReadContext) -> list[Item]:
        items: list[Item] = []
        total = len(ctx.lines)
        roman = None
        kind = ItemKind.TASK
        n = 1
        while n <= total:
            text = strip_markup(ctx.line(n))
            if _ROMAN_SECTION.match(text):
                roman = text.split(".")[0]
                kind = ItemKind.DUTY if "to chuc thuc hien" in fold(text) else ItemKind.TASK
            agency = self._heading_agency(ctx, n, text)
            if agency is None:
                n += 1
                continue
            heading_no = _HEADING.match(text).group(1)
            n = self._section(ctx, n + 1, agency, f"{roman}.{heading_no}" if roman else heading_no,
                              text, items, kind)
        return items

    def _heading_agency(self, ctx: ReadContext, n: int, text: str):
        if n in ctx.claimed or ctx.wrapped(n):
            return None
        m = _HEADING.match(text)
        if not m or len(m.group(2)) > 90 or m.group(2).endswith("."):
            return None
        mentions = ctx.resolver.split(m.group(2))
        if len(mentions) != 1 or ";" in m.group(2):
            return None
        return mentions[0]

    def _section(self, ctx, n, agency, number_prefix, heading, items, kind=ItemKind.TASK) -> int:
        total = len(ctx.lines)
        tasks: list[list] = []  # [line, text, subgroup]
        subgroup = None
        counters: dict[str | None, int] = {}
        paragraph_open = True  # a plain paragraph may open a task right after a heading
        while n <= total:
            raw = ctx.line(n)
            text = strip_markup(raw)
            if not text:
                n += 1
                continue
            if _HEADING.match(text) or _ROMAN_SECTION.match(text) or _STOP.match(text) or n in ctx.claimed:
                break
            sub = _SUBGROUP.match(text)
            if sub and text.endswith(":"):
                subgroup = sub.group(1)
                paragraph_open = True
                n += 1
                continue
            if text.startswith("- ") or text.startswith("+ "):
                counters[subgroup] = counters.get(subgroup, 0) + 1
                tasks.append([n, text[2:].strip(), subgroup, counters[subgroup]])
                paragraph_open = False
            elif tasks and not tasks[-1][1].rstrip().endswith((".", ";", ":", "!", "?", "…")):
                tasks[-1][1] += " " + text
            elif paragraph_open:
                counters[subgroup] = counters.get(subgroup, 0) + 1
                tasks.append([n, text, subgroup, counters[subgroup]])
                paragraph_open = False
            else:
                break
            ctx.claimed.add(n)
            n += 1
        for line, text, group, count in tasks:
            number = f"{number_prefix}.{group}.{count}" if group else f"{number_prefix}.{count}"
            span = ctx.span(line)
            grounds = ctx.references(text, line)
            items.append(Item(
                kind=kind, number=number, text=text, span=span, section=heading,
                assignments=(Assignment(AssignmentRole.LEAD, agency, ctx.span(line - 0, None)),),
                deadline=find_deadline_in_text(text, ctx.plan_year), grounds=tuple(_dedupe(grounds)),
            ))
        return n


class TargetStatementReader:
    """Target bullets under a 'MỤC TIÊU' heading. Each is merged into the table indicator
    that states the same thing (one node, both sources); a document without an indicator
    table gets them as indicators of their own."""

    def read(self, ctx: ReadContext, items: list[Item]) -> list[Item]:
        statements = self._statements(ctx)
        if not statements:
            return items
        indicators = [i for i, it in enumerate(items) if it.kind is ItemKind.INDICATOR]
        out = list(items)
        if not indicators:
            for n, text, section in statements:
                out.append(Item(kind=ItemKind.INDICATOR, number=str(n), text=text, span=ctx.span(n, text),
                                section=section, target=find_target_in_text(text),
                                grounds=tuple(ctx.references(text, n))))
            return out
        from dataclasses import replace
        for n, text, _section in statements:
            best, score = None, 0.0
            for i in indicators:
                s = fuzz.ratio(fold(text).rstrip(". "), fold(out[i].text).rstrip(". "))
                if s > score:
                    best, score = i, s
            if best is not None and score >= 85:
                out[best] = replace(out[best], also_spans=out[best].also_spans + (ctx.span(n, text),))
                ctx.claimed.add(n)
            else:
                ctx.warnings.append(f"Dòng {n}: mục tiêu không khớp chỉ tiêu nào trong bảng: {text[:60]}")
        return out

    def _statements(self, ctx: ReadContext) -> list[tuple[int, str, str | None]]:
        """'- ' bullets stating a value under a 'MỤC TIÊU' heading, wrapped lines joined."""
        out = []
        in_targets = False
        section = None
        paragraphs = ctx.model.paragraphs if ctx.model else ()
        for paragraph in paragraphs:
            text = paragraph.text.strip()
            n = paragraph.lines[0]
            if _ROMAN_SECTION.match(text):
                in_targets = "muc tieu" in fold(text) and "yeu cau" not in fold(text)
                continue
            if not in_targets or any(line in ctx.claimed for line in paragraph.lines):
                continue
            m = _GROUP_HEADING.match(text)
            if m:
                section = m.group(2)
                continue
            if text.startswith("- ") and find_target_in_text(text):
                out.append((n, text[2:].strip(), section))
        return out
