"""Assignments written as sentences: "Giao Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội
tỉnh triển khai …, hoàn thành trong Quý II/2024."

A clause is read as: [Giao] subject agency list → role cue (the role code list's prose
cues: chủ trì, là đơn vị đầu mối, tham mưu, theo dõi, đôn đốc, tổng hợp …) → more cues of
the subject separated by commas → optional "phối hợp (với)" list → the task → an optional
deadline. A sentence holding several such clauses ("Sở A chủ trì …; Sở B chủ trì …, hoàn
thành trong Quý III/2024.") gives one item each, the final deadline shared. Clauses of the
implementation section ("Tổ chức thực hiện") are duties; elsewhere they are tasks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ontology.folding import fold, fold_aligned
from ontology.lexicon import role_cues

from .agencies import known_agency_prefix, looks_like_agency
from .context import ReadContext, strip_markup
from .document import Paragraph
from .records import Assignment, AssignmentRole, Item, ItemKind
from .tables import _dedupe
from .values import find_deadline_in_text, parse_deadline

_MARKER = re.compile(r"^(?:(\d{1,2}(?:\.\d{1,2})*)[.)]|([a-zđ])\)|[-–+•])\s*")
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_PILLAR = re.compile(r"^(Về\s+[^:]{2,80}):\s*", re.IGNORECASE)
_OPENER = re.compile(r"^(?:Giao|Đề nghị|Yêu cầu|Giao cho)\s+", re.IGNORECASE)
_STOP = re.compile(r"^(?:Nơi nhận|TM\.|KT\.|T/M)", re.IGNORECASE)
# A sentence ends at ". " before a capital (not after a one- or two-letter abbreviation).
_SENTENCE_END = re.compile(r"(?<![A-ZĐ]\.[A-ZĐ])(?<!\b[A-ZĐa-z])\.\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈÍÌÓÒÚÙÝ])")
_EXTRA_DEADLINE = re.compile(
    r"thường xuyên|(?:thực hiện\s+)?trong giai đoạn\s+\d{4}\s*[-–]\s*\d{4}|trước ngày\s+\d{1,2}\s+(?:của\s+)?tháng cuối(?: mỗi)? quý",
    re.IGNORECASE)
_HELPING = re.compile(r"\s*,?\s*(?:tham mưu,?\s*)?giúp\s+(?:Chủ tịch\s+)?(?:UBND|Ủy ban nhân dân|Ban Chỉ đạo[^,]{0,40}?)(?:\s+tỉnh)?(?=\s)")
_DUTY_HEADING = re.compile(r"^(?:[IVX]{1,5}\.|\d{1,2}\.|Điều\s+\d+\.)?\s*tổ chức thực hiện\s*:?$", re.IGNORECASE)
_GENERIC = re.compile(r"^(?:cac\s+)?(?:co quan|don vi|to chuc|ca nhan)(?:\s+lien quan)?$")
_DELEGATES = re.compile(r"(?:yêu cầu|đề nghị|giao|chỉ đạo)\b", re.IGNORECASE)  # asks others: not its own duty
# Words that carry a collective group on after a comma ("UBND các huyện, thành, thị").
_PLACE_WORDS = re.compile(r"^(?:(?:ban|ngành|thị xã|thành phố|thành|thị|xã|phường|thị trấn|huyện|quận|địa phương|đài)"
                          r"(?:\s+|$))+")
_ROLE = {r.value: r for r in AssignmentRole}
MAX_SUBJECT_WORDS = 30


@dataclass(frozen=True)
class _Cue:
    role: AssignmentRole
    start: int
    end: int


def _cue_at(folded: str, pos: int) -> _Cue | None:
    """The longest role cue starting at `pos` (on a word boundary)."""
    if pos > 0 and folded[pos - 1].isalnum():
        return None
    for cue, notation in role_cues():
        if folded.startswith(cue, pos):
            end = pos + len(cue)
            if end == len(folded) or not folded[end].isalnum():
                return _Cue(_ROLE[notation], pos, end)
    return None


def _first_cue(folded: str) -> _Cue | None:
    for m in re.finditer(r"\b[a-z]", folded):
        cue = _cue_at(folded, m.start())
        if cue:
            return cue
    return None


def split_clauses(text: str) -> list[tuple[str, int]]:
    """(clause, sentence number): sentences, and inside a sentence the ';'-separated parts
    that open with an agency."""
    out: list[tuple[str, int]] = []
    for number, sentence in enumerate(_SENTENCE_END.split(text)):
        parts = [p for p in sentence.split(";")]
        current = parts[0]
        for part in parts[1:]:
            if looks_like_agency(_OPENER.sub("", part.strip())) and _first_cue(fold_aligned(part)):
                out.append((current, number))
                current = part
            else:
                current += ";" + part
        out.append((current, number))
    return [(c.strip(), n) for c, n in out if c.strip()]


class AssignmentProseReader:
    """Assignment clauses in the paragraphs no other reader has claimed."""

    def read(self, ctx: ReadContext) -> list[Item]:
        if ctx.model is None:
            return []
        items: list[Item] = []
        self._roman, self._roman_title = None, ""
        self._heading: list | None = None  # agencies of a "1. Sở A; Sở B; …:" heading
        self._last: Item | None = None  # the item of the paragraph before, for a plain follow-on
        self._point, self._letter, self._bullets = None, None, 0
        self._in_duty = False
        for paragraph in ctx.model.paragraphs:
            text = strip_markup(paragraph.text)
            if _STOP.match(text):
                self._roman, self._roman_title, self._heading, self._last = None, "", None, None
                continue
            m = _ROMAN.match(text)
            if m:
                self._roman, self._roman_title, self._heading, self._last = m.group(1), m.group(2), None, None
                self._point = self._letter = None
                continue
            if _DUTY_HEADING.match(text):  # "Tổ chức thực hiện" without a numeral
                self._roman_title, self._heading, self._last = text, None, None
                continue
            if any(n in ctx.claimed for n in paragraph.lines):
                self._heading = self._last = None
                continue
            found = self._paragraph(ctx, paragraph)
            items += found
            self._last = found[-1] if found else None
        return items

    def _paragraph(self, ctx: ReadContext, paragraph: Paragraph) -> list[Item]:
        text = paragraph.text
        offset = 0
        numbers: list[str] = []
        m = _MARKER.match(text)
        bullet = bool(m and not (m.group(1) or m.group(2)))
        if m:
            offset = m.end()
        if m and m.group(1):
            self._heading = None
            self._point, self._letter, self._bullets = m.group(1), None, 0
            numbers.append(self._point)
        elif m and m.group(2):  # "a)" under point 2: 2.a
            self._heading = None
            self._letter, self._bullets = m.group(2), 0
            numbers += [p for p in (self._point, self._letter) if p]
        elif bullet:  # "- …" under point 1: 1.1, 1.2 …
            self._bullets += 1
            numbers += [p for p in (self._point, self._letter, str(self._bullets)) if p]
        pillar = _PILLAR.match(text[offset:])
        section = None
        if pillar:
            section = pillar.group(1)
            offset += pillar.end()
        body = text[offset:]
        heading = self._heading_mentions(ctx, body)
        if heading:
            self._heading = heading
            return []
        duty = "to chuc thuc hien" in fold(self._roman_title)
        self._in_duty = duty
        kind = ItemKind.DUTY if duty else ItemKind.TASK
        # Who a clause without its own subject belongs to: the heading's agencies for its
        # bullets; in the implementation section, the agencies of the point just before.
        inherited, needs_cue = None, False
        if bullet and self._heading:
            inherited = self._heading
        elif not m and duty and self._last is not None:
            needs_cue = True  # "Thực hiện thu thập, tổng hợp …" after "3. Giao Sở X …"
            inherited = [a.agency for a in self._last.assignments if a.role is not AssignmentRole.COORDINATE]
            inherited = list({mention.name: mention for mention in inherited}.values())
        found: list[list] = []  # [start, end, assignments, sentence]
        cursor = offset
        for index, (clause, sentence) in enumerate(split_clauses(body)):
            start = text.find(clause, cursor)
            start = start if start >= 0 else cursor
            cursor = start + len(clause)
            assignments = self._clause(ctx, clause, paragraph, start)
            if not assignments and index == 0 and inherited and not looks_like_agency(clause) and (
                    not needs_cue or _cue_at(fold_aligned(clause), 0)):
                assignments = self._inherited(ctx, clause, paragraph, start, inherited)
            if assignments:
                found.append([start, cursor, assignments, sentence])
            elif found:
                found[-1][1] = cursor  # a sentence without its own subject goes on with the item
                # "…; tổng hợp số liệu …": a clause opening with a role cue adds that role to the subject
                found[-1][2] = found[-1][2] + self._more_roles(ctx, clause, paragraph, start, found[-1][2])
        items: list[Item] = []
        shared: dict[int, object] = {}  # "Sở A chủ trì …; Sở B chủ trì …, hoàn thành trong Quý III/2024."
        for start, end, _, sentence in reversed(found):
            shared.setdefault(sentence, _deadline(text[start:end], ctx.plan_year))
        prefix = ".".join(p for p in [self._roman, *numbers] if p)
        for i, (start, end, assignments, sentence) in enumerate(found):
            clause = text[start:end]
            line = paragraph.line_at(start)
            deadline = _deadline(clause, ctx.plan_year) or shared.get(sentence)
            number = ".".join(x for x in (prefix, str(i + 1) if len(found) > 1 else "") if x) or f"d{line}"
            clause_text = clause.strip().rstrip(" ;").removesuffix("/.").strip()
            items.append(Item(
                kind=kind, number=number, text=clause_text,
                span=ctx.span(line, clause_text[:40]), section=section or (self._roman_title or None),
                assignments=tuple(assignments), deadline=deadline,
                grounds=tuple(_dedupe(ctx.references(clause, line))),
            ))
        return items

    def _more_roles(self, ctx: ReadContext, clause: str, paragraph: Paragraph, at: int,
                    assignments: list[Assignment]) -> list[Assignment]:
        cue = _cue_at(fold_aligned(clause), len(clause) - len(clause.lstrip(" ;,")))
        if cue is None or cue.role in (AssignmentRole.COORDINATE, AssignmentRole.LEAD):
            return []
        subject = {a.agency.name: a.agency for a in assignments if a.role is not AssignmentRole.COORDINATE}
        have = {(a.role, a.agency.name) for a in assignments}
        line = paragraph.line_at(at)
        return [Assignment(cue.role, m, ctx.span(line)) for m in subject.values() if (cue.role, m.name) not in have]

    def _heading_mentions(self, ctx: ReadContext, body: str) -> list | None:
        """The agencies of a heading that lists only agencies and ends with ':'."""
        body = body.strip()
        if not body.endswith(":") or not looks_like_agency(body) or _first_cue(fold_aligned(body)):
            return None
        mentions = ctx.resolver.split(body[:-1])
        return mentions or None

    def _inherited(self, ctx: ReadContext, clause: str, paragraph: Paragraph, at: int, mentions: list) -> list[Assignment]:
        """Lead (and any roles the clause opens with, "Đôn đốc, tổng hợp …") for agencies named above."""
        folded = fold_aligned(clause)
        roles = [AssignmentRole.LEAD]
        pos = 0
        while True:
            m = re.match(r"[\s,]*(?:và\s+)?", folded[pos:])
            cue = _cue_at(folded, pos + (m.end() if m else 0))
            if cue is None or cue.role is AssignmentRole.COORDINATE:
                break
            if cue.role not in roles:
                roles.append(cue.role)
            pos = cue.end
        line = paragraph.line_at(at)
        return [Assignment(role, mention, ctx.span(line)) for role in roles for mention in mentions]

    def _clause(self, ctx: ReadContext, clause: str, paragraph: Paragraph, at: int) -> list[Assignment]:
        """The assignments of one clause, or [] when it is no assignment: the clause must
        open with exactly an agency list, then a role cue (or be a "Giao …" order)."""
        opener = _OPENER.match(clause)
        begin = opener.end() if opener else 0
        if not looks_like_agency(clause[begin:]):
            return []
        folded = fold_aligned(clause)
        subject = self._agency_list(clause, begin)
        if not subject:
            return []
        end = subject[-1][1] + len(subject[-1][0])
        m = _HELPING.match(clause[end:])  # "Sở X (tham mưu,) giúp UBND tỉnh theo dõi …"
        if m:
            end += m.end()
        gap = re.match(r"[\s,]*", clause[end:])
        cue = _cue_at(folded, end + gap.end())
        if cue is None or cue.role is AssignmentRole.COORDINATE:
            ordered = opener and fold(opener.group(0)).startswith("giao")
            # In the implementation section "3. Đài …, Báo … tổ chức quán triệt …" assigns too.
            stated = (self._in_duty and clause[end:].lstrip()[:1].islower() and not gap.group(0).strip()
                      and not _DELEGATES.match(clause[end:].lstrip()))
            if not (ordered or stated):
                return []
            roles, pos = [AssignmentRole.LEAD], end
        else:
            roles, pos = [cue.role], cue.end
        mentions = [mention for piece, _ in subject for mention in ctx.resolver.split(piece)]
        if not mentions or any(_GENERIC.match(fold(m.name)) for m in mentions):
            return []  # "Cơ quan chủ trì chịu trách nhiệm …": a generic subject names no agency

        def span(fragment: str, offset: int):
            return ctx.span(paragraph.line_at(at + offset), fragment)

        coordinated: list[tuple[str, int]] = []
        while cue is not None:
            m = re.match(r"[\s,]*(?:và\s+)?", clause[pos:])
            following = _cue_at(folded, pos + (m.end() if m else 0))
            if following is None:
                break
            pos = following.end
            if following.role is AssignmentRole.COORDINATE:
                coordinated = self._agency_list(clause, pos)
                break
            if following.role not in roles:
                roles.append(following.role)
        for sep in re.finditer(r";\s*", clause[pos:]):  # "…; tổng hợp số liệu …": another role of the subject
            more = _cue_at(folded, pos + sep.end())
            if more and more.role not in (AssignmentRole.COORDINATE, *roles):
                roles.append(more.role)
        out: list[Assignment] = []
        for role in roles:
            out += [Assignment(role, mention, span(mention.raw, max(0, clause.find(mention.raw))))
                    for mention in mentions]
        for piece, offset in coordinated:
            out += [Assignment(AssignmentRole.COORDINATE, mention, span(mention.raw, offset))
                    for mention in ctx.resolver.split(piece)]
        return out

    def _agency_list(self, clause: str, pos: int) -> list[tuple[str, int]]:
        """The agencies after "phối hợp (với)": comma/'và'-separated names up to the task."""
        rest = clause[pos:]
        out: list[tuple[str, int]] = []
        skip_to = 0
        for m in re.finditer(r"[^,;]+", rest):
            if m.start() < skip_to:
                continue
            piece = m.group(0)
            known = known_agency_prefix(rest[m.start():])
            if known and "," in rest[m.start():m.start() + known]:  # "Sở Văn hóa, Thể thao và Du lịch"
                lead = len(piece) - len(piece.lstrip())
                out.append((" ".join(rest[m.start():m.start() + known].split()), pos + m.start() + lead))
                skip_to = m.start() + known
                tail = rest[skip_to:].strip()
                if tail and not tail.startswith((",", ";")):
                    break
                continue
            words = piece.strip()
            if not words:
                continue
            offset = pos + m.start() + (len(piece) - len(piece.lstrip()))
            group_goes_on = out and re.match(r"^(?:UBND\s+|Ủy ban nhân dân\s+)?[Cc]ác\s", out[-1][0]) and words[:1].islower()
            places = _PLACE_WORDS.match(words)
            if out and (places or group_goes_on):
                # "các sở, ban, ngành", "UBND các huyện, thị xã, thành phố": the group goes on
                if places:
                    name, tail = places.group(0).strip(), words[places.end():].strip()
                else:
                    name, tail = _name_extent(words, continuing=True)
                out[-1] = (out[-1][0] + ", " + name, out[-1][1])
                if tail:
                    break
                continue
            if not looks_like_agency(re.sub(r"^và\s+", "", words)):
                break
            known = known_agency_prefix(words) or 0
            joint = re.search(r"\s+và\s+(?=\S)", words[known:])
            if joint and looks_like_agency(words[known + joint.end():]):
                # "Cổng Thông tin điện tử tỉnh và các cơ quan báo chí": two names joined by "và"
                cut = known + joint.start()
                out.append((words[:cut], offset))
                offset += known + joint.end()
                words = words[known + joint.end():]
            name, tail = _name_extent(words)
            if not name:
                break
            out.append((name, offset))
            while tail.startswith("và ") and looks_like_agency(tail[3:]):  # "Báo X và các cơ quan báo chí"
                offset += words.find(tail) + 3
                words = tail[3:]
                name, tail = _name_extent(words)
                out.append((name, offset))
            if tail:
                break
        return out


def _name_extent(piece: str, continuing: bool = False) -> tuple[str, str]:
    """Split "Viettel Tây Ninh ngầm hóa …" into the agency's name and the task that follows:
    a known name (code lists, this province) first, else up to the first lowercase verb."""
    piece = " ".join(piece.split())
    known = known_agency_prefix(piece)
    if known and not continuing:
        return piece[:known].strip(), piece[known:].strip()
    words = piece.split()
    folded = fold_aligned(piece)
    cut = None
    for i in range(1, len(words)):  # a role cue ends the name ("… tỉnh chủ trì")
        pos = len(" ".join(words[:i])) + 1
        if _cue_at(folded, pos):
            cut = i
            break
    from .pos import first_verb_index
    verb = first_verb_index(words[:cut] if cut else words, skip=1 if continuing else 2)
    cut = verb if verb is not None else cut
    if cut is None:
        return piece, ""
    return " ".join(words[:cut]), " ".join(words[cut:])


def _deadline(clause: str, plan_year: int | None):
    found = find_deadline_in_text(clause, plan_year)
    if found:
        return found
    m = _EXTRA_DEADLINE.search(clause)
    return parse_deadline(m.group(0), plan_year) if m else None
