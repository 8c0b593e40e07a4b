"""Table readers, sharing one row assembler:

- `TableReader`: the table blocks of the document model, whatever the format (tab, Markdown
  and web-copy text renderings, Word and PDF tables): header found by meaning, repeated
  headers skipped, rows continued across page breaks, section rows, sub-rows;
- `CellTableReader`: tables written one cell per line, empty cells simply missing.

Columns are recognised from what their header means (the column code list), never from a
file or province name or a position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .agencies import looks_like_agency, split_value_and_agency
from .context import ReadContext, strip_markup
from .document import Table, TableRow
from .records import Assignment, AssignmentRole, Item, ItemKind, LegalReference
from ontology.folding import fold
from ontology.lexicon import column_role
from .values import find_target_in_text, parse_deadline, parse_target

ROLE_COLUMNS = {
    "monitor": AssignmentRole.MONITOR, "monitor_lead": AssignmentRole.MONITOR_LEAD,
    "lead": AssignmentRole.LEAD, "coordinate": AssignmentRole.COORDINATE,
    "guide": AssignmentRole.GUIDE, "aggregate": AssignmentRole.AGGREGATE,
}
_ROMAN = re.compile(r"^(?=[IVXl]+\.?$)[IlVX]*[IVX][IlVX]*\.?$|^[IVX]?l{1,3}\.?$|^Il+\.?$")


def item_kind_for(headers: list[str], title: str | None = None) -> ItemKind:
    """What a table's rows are: from its header, else from its title ("DANH MỤC NHIỆM VỤ")."""
    joined = fold(" ".join(headers))
    if "thong tin chung" in joined:
        return ItemKind.INFO_ITEM
    if "doan kiem tra" in joined and "duoc kiem tra" in joined:
        return ItemKind.TEAM
    if re.search(r"nhiem vu|cong viec|giai phap|hoat dong", joined) and "chi tieu" not in joined:
        return ItemKind.TASK
    if "chi tieu" not in joined and title:
        folded_title = fold(title)
        if re.search(r"nhiem vu|cong viec|giai phap|hoat dong", folded_title) and "chi tieu" not in folded_title:
            return ItemKind.TASK
    return ItemKind.INDICATOR


def is_roman(token: str) -> bool:
    """Section numerals, tolerating OCR slips ("Ill" for III)."""
    return bool(_ROMAN.match(token.strip()))


def roman_value(token: str) -> str:
    return token.strip().rstrip(".").replace("l", "I")


def row_number(token: str) -> str | None:
    token = token.strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)*)\.?", token)
    return m.group(1) if m else None


class RawRow:
    """A table row as the assembler sees it: cell texts, each cell's first line, and each
    cell's paragraphs (agency cells list one agency per paragraph)."""

    def __init__(self, row: TableRow, after_header: bool = False):
        self.row = row
        self.cells = row.texts
        self.line = row.line
        self.after_header = after_header

    def cell_line(self, i: int) -> int:
        return self.row.cells[i].line or self.line

    def listing(self, i: int) -> str:
        """A role cell as one list: its paragraphs joined with ';' where each opens an agency."""
        paragraphs = [p.strip() for p in self.row.cells[i].paragraphs if p.strip()]
        out = ""
        for p in paragraphs:
            if out and looks_like_agency(p) and not out.rstrip().endswith((";", ",")):
                out += "; " + p
            else:
                out = (out + " " + p).strip()
        return out


@dataclass
class _Row:
    number: str
    cells: dict[str, str]
    lines: dict[str, int]
    line: int
    section: str | None
    section_no: str | None
    subs: list["_Row"] = field(default_factory=list)


class RowAssembler:
    """Turns raw table rows into items: sections, continuation rows, sub-items."""

    def __init__(self, ctx: ReadContext, columns: list[str | None], kind: ItemKind,
                 title: str | None, title_refs: list[LegalReference], prefix: str | None = None):
        self.ctx = ctx
        self.columns = columns
        self.kind = kind
        self.title = title
        self.title_refs = title_refs
        self.prefix = prefix

    def _cell(self, row: RawRow, role: str) -> str:
        for i, col in enumerate(self.columns):
            if col == role and i < len(row.cells):
                return row.cells[i].strip()
        return ""

    def _has_role(self, role: str) -> bool:
        return role in self.columns

    def assemble(self, rows: list[RawRow]) -> list[Item]:
        built: list[_Row] = []
        section = section_no = None
        numbered = [(i, row_number(self._cell(r, "number"))) for i, r in enumerate(rows)]
        for idx, raw in enumerate(rows):
            number_cell = self._cell(raw, "number")
            text = self._cell(raw, "text") or self._cell(raw, "team")
            others = [c.strip() for i, c in enumerate(raw.cells)
                      if i < len(self.columns) and self.columns[i] not in ("number", "text", "team") and c.strip()]
            if number_cell and is_roman(number_cell) and not others:
                section, section_no = strip_markup(text), roman_value(number_cell)
                continue
            merged = _section_cell(raw.cells)
            if merged:  # one cell across the row: "I. NHẬN THỨC SỐ"
                section_no, section = merged
                continue
            number = row_number(number_cell)
            if number and not others and "." not in number and self._next_is_child(numbered, idx, number):
                section, section_no = strip_markup(text), number
                continue
            if number:
                built.append(self._new_row(raw, number, section, section_no))
                continue
            if not built or not any(c.strip() for c in raw.cells):
                continue
            parent = built[-1]
            target_row = parent.subs[-1] if parent.subs else parent
            if raw.after_header or not text or text[:1].islower():
                self._continue(target_row, raw)
            else:
                sub = self._new_row(raw, f"{parent.number}.{chr(ord('a') + len(parent.subs))}",
                                    section, section_no)
                for role in ("deadline",):
                    if not sub.cells.get(role) and parent.cells.get(role):
                        sub.cells[role] = parent.cells[role]
                        sub.lines[role] = parent.lines[role]
                parent.subs.append(sub)
        items: list[Item] = []
        for row in built:
            parent_item = self._to_item(row, self.kind, None)
            items.append(parent_item)
            for sub in row.subs:
                items.append(self._to_item(sub, ItemKind.SUB_ITEM, parent_item.number))
        return items

    def _next_is_child(self, numbered: list[tuple[int, str | None]], idx: int, number: str) -> bool:
        for i, n in numbered[idx + 1:]:
            if n:
                return n.startswith(number + ".")
        return False

    def _value(self, raw: RawRow, i: int, col: str) -> str:
        return raw.listing(i) if col in ROLE_COLUMNS or col in ("team_members", "inspected") else raw.cells[i].strip()

    def _new_row(self, raw: RawRow, number: str, section: str | None, section_no: str | None) -> _Row:
        cells, lines = {}, {}
        for i, col in enumerate(self.columns):
            if col and i < len(raw.cells) and raw.cells[i].strip():
                cells[col] = self._value(raw, i, col)
                lines[col] = raw.cell_line(i)
        return _Row(number, cells, lines, lines.get("text", raw.line), section, section_no)

    def _continue(self, row: _Row, raw: RawRow) -> None:
        for i, col in enumerate(self.columns):
            if col and i < len(raw.cells) and raw.cells[i].strip():
                piece = self._value(raw, i, col)
                row.cells[col] = (row.cells.get(col, "") + " " + piece).strip()
                row.lines.setdefault(col, raw.cell_line(i))

    def _to_item(self, row: _Row, kind: ItemKind, parent: str | None) -> Item:
        ctx = self.ctx
        text = strip_markup(row.cells.get("text") or row.cells.get("team") or "")
        if kind is ItemKind.TEAM:
            return self._team_item(row, text)
        assignments: list[Assignment] = []
        for col, role in ROLE_COLUMNS.items():
            if col in row.cells:
                assignments += ctx.assignments(role, row.cells[col], row.lines[col])
        deadline = parse_deadline(row.cells["deadline"], ctx.plan_year) if row.cells.get("deadline") else None
        if row.cells.get("target"):
            target = parse_target(row.cells["target"])
        else:
            target = find_target_in_text(text) if kind in (ItemKind.INDICATOR, ItemKind.SUB_ITEM) else None
        grounds: list[LegalReference] = []
        for col, value in row.cells.items():
            if col in ("result",):
                continue
            grounds += ctx.references(value, row.lines[col])
        grounds += self.title_refs
        number = row.number if parent else (f"{row.section_no}.{row.number}" if row.section_no and
                                            "." not in row.number else row.number)
        if self.prefix and not parent:
            number = f"{self.prefix}.{row.number}"
        if parent:
            number = f"{parent}.{row.number.rsplit('.', 1)[-1]}"
        return Item(
            kind=kind, number=number, text=text, span=ctx.span(row.line, text[:40]),
            section=row.section, table_title=self.title, parent=parent,
            assignments=tuple(assignments), deadline=deadline, target=target,
            grounds=tuple(_dedupe(grounds)), note=row.cells.get("note"),
        )

    def _team_item(self, row: _Row, text: str) -> Item:
        ctx = self.ctx
        assignments: list[Assignment] = []
        if "team_members" in row.cells:
            line = row.lines["team_members"]
            for mention in ctx.resolver.split(row.cells["team_members"]):
                note = fold(mention.note or "")
                role = (AssignmentRole.TEAM_DEPUTY if "pho truong doan" in note else
                        AssignmentRole.TEAM_LEADER if "truong doan" in note else AssignmentRole.TEAM_MEMBER)
                assignments.append(Assignment(role, mention, ctx.span(line, mention.raw)))
        if "inspected" in row.cells:
            assignments += ctx.assignments(AssignmentRole.INSPECTED, row.cells["inspected"],
                                           row.lines["inspected"])
        return Item(kind=ItemKind.TEAM, number=row.number, text=text, span=ctx.span(row.line, text),
                    section=row.section, table_title=self.title, assignments=tuple(assignments))


_MERGED_SECTION = re.compile(r"^([IVXl]{1,5})[.)]?\s+(\S.*)$")


def _section_cell(cells: list[str]) -> tuple[str | None, str] | None:
    """A row whose only text is a section heading, numbered or in capitals."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) != 1:
        return None
    m = _MERGED_SECTION.match(filled[0])
    if m and is_roman(m.group(1)):
        return roman_value(m.group(1)), strip_markup(m.group(2))
    letters = [ch for ch in filled[0] if ch.isalpha()]
    if len(letters) > 3 and not any(ch.islower() for ch in letters) and not row_number(filled[0]):
        return None, strip_markup(filled[0])
    return None


def _dedupe(refs: list[LegalReference]) -> list[LegalReference]:
    seen, out = set(), []
    for ref in refs:
        if ref.id_local not in seen:
            seen.add(ref.id_local)
            out.append(ref)
    return out


def _title_above(ctx: ReadContext, header_line: int) -> tuple[str | None, list[LegalReference]]:
    """The table's title: the block of non-empty lines right above its header (at most 3)."""
    parts: list[tuple[int, str]] = []

    def text(n: int) -> str:  # a web copy's cell marks are not part of the title
        return ctx.line(n).strip().removesuffix("|").strip()
    n = header_line - 1
    while n >= 1 and n >= header_line - 2 and not text(n):
        n -= 1
    while n >= 1 and len(parts) < 3 and text(n) and n not in ctx.claimed:
        parts.insert(0, (n, text(n)))
        n -= 1
    if not parts:
        return None, []
    refs: list[LegalReference] = []
    for number, text in parts:
        refs += ctx.references(text, number)
    return " ".join(t for _, t in parts), refs


def _merge_headers(first: list[str], second: list[str] | None) -> list[str]:
    if not second:
        return first
    width = max(len(first), len(second))
    out = []
    for i in range(width):
        a = first[i] if i < len(first) else ""
        b = second[i] if i < len(second) else ""
        out.append(b if b.strip() else a)
    return out


def _is_header(cells: list[str]) -> bool:
    roles = ["text" if r == "team" else r for r in (column_role(c) for c in cells if c.strip())]
    return "number" in roles and "text" in roles or ("text" in roles and len([r for r in roles if r]) >= 3)


def _is_subheader(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and not row_number(cells[0] if cells else "") and \
        all(column_role(c) for c in filled) and len(filled) >= 2


def continued(tables: tuple[Table, ...]) -> list[Table]:
    """Tables continued on the next page (PDF and scans give one a page) joined into one: a table
    whose first row repeats the header of the table before it goes on with that table."""
    out: list[Table] = []
    for table in tables:
        if out and table.rows and out[-1].rows and _row_key(table.rows[0]) == _row_key(out[-1].rows[0]):
            previous = out[-1]
            rows = (*previous.rows, *(replace(r, header=True) if i == 0 else r for i, r in enumerate(table.rows)))
            out[-1] = Table(rows, previous.first_line, table.last_line, previous.warnings + table.warnings)
        else:
            out.append(table)
    return out


def _row_key(row: TableRow) -> list[str]:
    return [fold(t) for t in row.texts if t.strip()]


class TableReader:
    """Every table block of the document, whatever format it came from: the header found by
    what its cells mean (a second header row merged in), repeated headers skipped, a new
    header starting a new table, then rows assembled into items."""

    def read(self, ctx: ReadContext, tables: tuple[Table, ...]) -> list[Item]:
        items: list[Item] = []
        for table in continued(tables):
            ctx.warnings.extend(table.warnings)
            rows = list(table.rows)
            i = 0
            while i < len(rows):
                texts = [c.strip() for c in rows[i].texts]
                if rows[i].line in ctx.claimed or not _is_header(texts):
                    i += 1
                    continue
                i = self._one(ctx, rows, i, items)
        return items

    def _one(self, ctx: ReadContext, rows: list[TableRow], start: int, items: list[Item]) -> int:
        header_row = rows[start]
        header_first = [c.strip() for c in header_row.texts]
        title, title_refs = _title_above(ctx, header_row.line)
        second = None
        i = start + 1
        if i < len(rows) and _is_subheader([c.strip() for c in rows[i].texts]):
            second = [c.strip() for c in rows[i].texts]
            i += 1
        headers = _merge_headers(header_first, second)
        columns = [column_role(h) for h in headers]
        kind = item_kind_for(headers, title)
        raw_rows: list[RawRow] = []
        claimed = {r.line for r in rows[start:i]}
        after_header = False
        folded_header = [fold(h) for h in header_first if h]
        while i < len(rows):
            row = rows[i]
            stripped = [c.strip() for c in row.texts]
            if [fold(c) for c in stripped if c] == folded_header or row.header:
                claimed.add(row.line)
                after_header = True
                i += 1
                continue
            if second and _is_subheader(stripped):
                claimed.add(row.line)
                i += 1
                continue
            if not row_number(stripped[0] if stripped else "") and _is_header(stripped):
                break  # a different table starts here
            raw_rows.append(RawRow(row, after_header or row.after_break))
            claimed.update(n for c in row.cells for n in c.lines)
            claimed.add(row.line)
            after_header = False
            i += 1
        if raw_rows:
            last_line = max(claimed)
            claimed |= set(range(header_row.line, last_line + 1))
        ctx.claimed |= claimed
        last = raw_rows[-1] if raw_rows else None
        if last and last.line == len(ctx.lines) and len(last.cells) < len(header_first):
            # The file ends inside this row (no line end, cells missing): it was cut off.
            ctx.warnings.append(f"Dòng {last.line}: hàng cuối của bảng chỉ có {len(last.cells)}/"
                                f"{len(header_first)} ô, tệp có thể bị cắt giữa chừng; hãy kiểm tra mục này.")
        items += RowAssembler(ctx, columns, kind, title, title_refs).assemble(raw_rows)
        return i


_BULLET_SUB = re.compile(r"^(?:(\d{1,2})\)|•)\s*")


class CellTableReader:
    """Tables written one cell per line: 'Stt' alone, header cells, then rows whose empty
    cells are simply missing. Agency cells are told apart from requirement cells by content."""

    def read(self, ctx: ReadContext) -> list[Item]:
        items: list[Item] = []
        n = 1
        total = len(ctx.lines)
        while n <= total:
            if n in ctx.claimed or column_role(ctx.line(n)) != "number" or "\t" in ctx.line(n):
                n += 1
                continue
            headers, m = [], n + 1
            while m <= total and column_role(ctx.line(m)) not in (None, "number") and \
                    not row_number(ctx.line(m)) and not is_roman(ctx.line(m)):
                headers.append(ctx.line(m).strip())
                m += 1
            columns = [column_role(h) for h in headers]
            if "text" not in columns or len(headers) < 2:
                n += 1
                continue
            header_line = n
            title, title_refs = _title_above(ctx, header_line)
            prefix = None
            if title:
                first = title.split()[0]
                prefix = roman_value(first) if is_roman(first) else None
            kind = item_kind_for(headers)
            n, rows = self._rows(ctx, m, columns)
            ctx.claimed |= set(range(header_line, n))
            items += self._items(ctx, rows, columns, kind, title, title_refs, prefix)
        return items

    def _rows(self, ctx: ReadContext, start: int, columns: list[str | None]):
        """Group lines into (number, section, section label, [(line, text)])."""
        rows = []
        section = None
        expected = 1
        n = start
        total = len(ctx.lines)
        while n <= total:
            text = ctx.line(n).strip()
            if not text:
                break
            number = row_number(text)
            if number and "." not in number and int(number) in (expected, 1):
                rows.append([number, section, []])
                expected = int(number) + 1
                n += 1
                continue
            if is_roman(text) and n + 1 <= total and ctx.line(n + 1).strip() and \
                    not row_number(ctx.line(n + 1)):
                section = ctx.line(n + 1).strip()
                n += 2
                continue
            if re.match(r"^[IVX]+\.\s+\S", text) or column_role(text) == "number":
                break  # the next part of the appendix
            if rows:
                rows[-1][2].append((n, text))
            n += 1
        return n, rows

    def _items(self, ctx, rows, columns, kind, title, title_refs, prefix) -> list[Item]:
        has_target = "target" in columns
        agency_cols = [c for c in columns if c in ROLE_COLUMNS]
        items: list[Item] = []
        for number, section, content in rows:
            if not content:
                continue
            item_number = f"{prefix}.{number}" if prefix else number
            text_line, text = content[0]
            segments = self._segments(content[1:])
            single = len(segments) == 1 and not _BULLET_SUB.match(segments[0][0][0][1] if segments[0][0] else "")
            if single or not segments:
                values, cells = segments[0] if segments else ([], [])
                items.append(self._item(ctx, kind, item_number, text_line, text, values if has_target else [],
                                        cells, agency_cols, section, title, title_refs, None))
                continue
            parent = self._item(ctx, kind, item_number, text_line, text, [], [], agency_cols, section,
                                title, title_refs, None)
            items.append(parent)
            bullets = 0
            for i, (values, cells) in enumerate(segments):
                if not values:
                    continue
                sub_line, sub_text = values[0]
                m = _BULLET_SUB.match(sub_text)
                if m and m.group(1):
                    sub_no = m.group(1)
                elif m:
                    bullets += 1
                    sub_no = f"•{bullets}"
                else:
                    sub_no = chr(ord("a") + i)
                sub_text = _BULLET_SUB.sub("", sub_text)
                items.append(self._item(ctx, ItemKind.SUB_ITEM, f"{item_number}.{sub_no}", sub_line, sub_text,
                                        values[1:] if has_target else [], cells, agency_cols, section, title,
                                        title_refs, item_number))
        return items

    def _segments(self, content: list[tuple[int, str]]):
        """Split a row's lines into (value lines, agency cells) segments."""
        segments: list[tuple[list, list]] = []
        values: list[tuple[int, str]] = []
        cells: list[tuple[int, str]] = []
        joining = False
        for line, text in content:
            split = split_value_and_agency(text)
            if split and not cells:
                values.append((line, split[0]))
                text = split[1]
            if _BULLET_SUB.match(text) and (cells or values):
                segments.append((values, cells))
                values, cells, joining = [], [], False
            if looks_like_agency(text) or (joining and cells):
                if cells and (joining or (text.startswith("- ") and cells[-1][1].startswith("- "))):
                    cells[-1] = (cells[-1][0], cells[-1][1] + " " + text)
                else:
                    cells.append((line, text))
                joining = text.rstrip().endswith((";", ","))
                continue
            if cells:
                segments.append((values, cells))
                values, cells = [], []
            values.append((line, text))
            joining = False
        if values or cells:
            segments.append((values, cells))
        return segments

    def _item(self, ctx, kind, number, line, text, values, cells, agency_cols, section, title, title_refs,
              parent) -> Item:
        assignments: list[Assignment] = []
        grounds: list[LegalReference] = list(title_refs)
        for (cell_line, cell), col in zip(cells, agency_cols):
            assignments += ctx.assignments(ROLE_COLUMNS[col], cell, cell_line)
            grounds += ctx.references(cell, cell_line)
        if len(cells) > len(agency_cols):
            ctx.warnings.append(f"Dòng {cells[0][0]}: có {len(cells)} ô cơ quan, bảng chỉ có {len(agency_cols)} cột.")
        target = None
        if values:
            raw = " ".join(v for _, v in values)
            target = parse_target(raw)
            for v_line, v in values:
                grounds += ctx.references(v, v_line)
        grounds += ctx.references(text, line)
        return Item(kind=kind, number=number, text=strip_markup(text), span=ctx.span(line, text), section=section,
                    table_title=title, parent=parent, assignments=tuple(assignments), target=target,
                    grounds=tuple(_dedupe(grounds)))
