"""Agencies and collective groups: split lists, resolve role holders, unify spellings.

"Giám đốc Sở Y tế" → Sở Y tế; "Sở Công thương" → Sở Công Thương; "Các sở, ban, ngành"
stays one group. Names come from the agency-type code list (`codelists.ttl`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ontology import codelists

from .records import AgencyMention
from ontology.folding import fold, fold_key
from ontology.lexicon import agency_head_pattern, holder_pattern

from .text import nfc, squash

# Role-holder titles ("Giám đốc Sở Y tế") and the words agency names open with: code lists.
_HOLDER = holder_pattern()
_HEAD = agency_head_pattern()
_VALUE_THEN_AGENCY = re.compile(r"^(\d+(?:[.,]\d+)?\s*%|Có|>=\s*\d+(?:,\d+)?%)\s+(?=\S)(.+)$")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_ROLE_VERB = re.compile(r"\s+(?:chủ trì|phối hợp|thực hiện|hướng dẫn|tổng hợp)\b.*$")
_COLON_LIST_INLINE = re.compile(
    r"(UBND|Ủy ban nhân dân)\s+các\s+(huyện|xã|thị xã|thành phố)\s*:\s*([^.\x00]+)", re.IGNORECASE)
# "Các Sở: Tài chính, Nội vụ, Văn hóa, Thể thao và Du lịch": one head word for a list of names.
_HEAD_LIST = re.compile(r"\b[Cc]ác\s+(Sở|Ban|Cục|Chi cục|Trung tâm|Hội)\s*:\s*([^.;\x00]+)")


@dataclass(frozen=True)
class _AgencyType:
    code: str
    label: str
    category: str
    keys: tuple[str, ...]
    templated: bool


@lru_cache(maxsize=1)
def _province_names() -> tuple[tuple[str, str], ...]:
    """(folded name, canonical name) of the 63 provinces, longest first."""
    names = []
    for concept in codelists.provinces():
        for label in (concept.label, *concept.alt_labels):
            names.append((fold(label), concept.label))
    return tuple(sorted(names, key=lambda x: -len(x[0])))


@lru_cache(maxsize=1)
def _province_pattern() -> re.Pattern:
    """One alternation of all province names (folded, longest first)."""
    return re.compile(r"\b(" + "|".join(re.escape(n) for n, _ in _province_names()) + r")\b")


@lru_cache(maxsize=1)
def _province_by_fold() -> dict[str, str]:
    return {name: label for name, label in _province_names()}


def _strip_province(folded: str) -> str:
    return _province_pattern().sub(" ", folded)


@lru_cache(maxsize=4096)
def _type_key(text: str) -> str:
    folded = _strip_province(fold(text.replace("{tinh}", " ")))
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in {"va", "tinh", "chi", "nhanh"}]
    return "".join(words)


@lru_cache(maxsize=1)
def _agency_types() -> tuple[_AgencyType, ...]:
    out = []
    for c in codelists.agency_types():
        if c.category == "other":
            continue
        keys = {_type_key(c.label)} | {_type_key(a) for a in c.alt_labels}
        out.append(_AgencyType(c.notation, c.label, c.category or "other", tuple(sorted(keys)),
                               "{tinh}" in c.label))
    return tuple(out)


def _known_key(text: str) -> bool:
    key = _type_key(text)
    return any(key in t.keys for t in _agency_types())


def province_in(text: str) -> str | None:
    """The province named in a piece of text, if any."""
    m = _province_pattern().search(fold(text))
    return _province_by_fold()[m.group(1)] if m else None


def looks_like_agency(text: str) -> bool:
    """True when a cell or line starts like an agency or group name."""
    text = text.strip().lstrip("-•+ ").strip()
    text = _HOLDER.sub("", text)
    return bool(_HEAD.match(text))


def split_value_and_agency(line: str) -> tuple[str, str] | None:
    """'100% Sở Thông tin và Truyền thông' → ('100%', 'Sở Thông tin và Truyền thông')."""
    m = _VALUE_THEN_AGENCY.match(line.strip())
    if m and looks_like_agency(m.group(2)):
        return m.group(1), m.group(2)
    return None


# Group coverage: which agency categories a collective assignment reaches.
_GROUP_RULES = (
    (re.compile(r"\bso\b.*\b(ban|nganh)\b|\bcac so\b|\bso, nganh\b|\bco quan thuoc\b"), ("department", "sector")),
    (re.compile(r"\bhuyen\b|\bthi xa\b|\bthanh pho\b"), ("district",)),
    (re.compile(r"\bxa\b|\bphuong\b|\bthi tran\b"), ("commune",)),
    (re.compile(r"vien thong|vt-cntt|buu chinh"), ("telecom",)),
    (re.compile(r"\bbao\b.*\bdai\b|bao chi"), ("media",)),
)


def _group_covers(name: str) -> tuple[str, ...]:
    folded = fold(name)
    if folded.startswith("ubnd") or folded.startswith("uy ban"):
        covers = []
        if re.search(r"\bhuyen\b|\bthi xa\b|thanh pho", folded):
            covers.append("district")
        if re.search(r"(?<!thi )\bxa\b|\bphuong\b|\bthi tran\b", folded):
            covers.append("commune")
        return tuple(covers)
    covers: list[str] = []
    for pattern, cats in _GROUP_RULES:
        if pattern.search(folded):
            covers.extend(c for c in cats if c not in covers)
    return tuple(covers)


def _is_group(name: str) -> bool:
    folded = fold(name)
    return bool(
        re.match(r"^((chu tich |thu truong |giam doc )?(ubnd |uy ban nhan dan )?cac)\s", folded)
        or "," in name
        or re.search(r"\bcap (huyen|xa|tinh)\b", folded)
        or re.match(r"^(so|ubnd|uy ban nhan dan) (huyen|xa)\b", folded) and "," in name
        or re.match(r"^(truong dai hoc|doanh nghiep|dn)\b", folded)
    )


class AgencyResolver:
    """Splits agency cells into mentions and resolves each to a canonical agency or group."""

    def __init__(self, province: str | None):
        self.province = province
        self._cache: dict[str, list[AgencyMention]] = {}

    def resolve(self, raw: str, any_name: bool = False) -> AgencyMention | None:
        """One agency or group name (no list) → its mention, or None if it is no agency.
        `any_name`: the text stands where only agencies stand (a role column), so a name
        whose head word dtikg does not know ("Khu Di tích lịch sử Đền Hùng") is an agency too."""
        raw = nfc(raw)
        text = squash(raw).strip(" -–•+;,.:")
        if not text:
            return None
        note = None
        notes = _PAREN.findall(text)
        if notes:
            note = "; ".join(n.strip() for n in notes)
            text = squash(_PAREN.sub("", text)).strip(" -–•+;,.:")
        holder = None
        m = _HOLDER.match(text)
        if m:
            holder = m.group(0).strip()
            text = text[m.end():].strip()
        if not text or not (_HEAD.match(text) or any_name and text[:1].isupper() and len(text.split()) <= 12):
            return None  # nothing left but a note or a title
        key = _type_key(text)
        for atype in _agency_types():
            if key in atype.keys:
                name = atype.label
                if atype.templated:
                    province = province_in(text) or self.province
                    name = name.replace("{tinh}", province or "tỉnh").strip()
                return AgencyMention(
                    name=name, raw=raw.strip(), is_group=False, type_code=atype.code,
                    category=atype.category, holder=holder, note=note,
                    national=atype.category == "national",
                )
        if _is_group(text):
            text = re.sub(r"^(Chủ tịch\s+)?Ủy ban nhân dân\b", "UBND", text)
            return AgencyMention(name=text[:1].upper() + text[1:], raw=raw.strip(), is_group=True, covers=_group_covers(text),
                                 holder=holder, note=note)
        folded = fold(text)
        category = "district" if re.match(r"^(ubnd|uy ban nhan dan) (huyen|thi xa|thanh pho)\b", folded) \
            else "commune" if re.match(r"^(ubnd|uy ban nhan dan) (xa|phuong|thi tran)\b", folded) \
            else "national" if re.match(r"^bo\b", folded) else "other"
        return AgencyMention(name=text, raw=raw.strip(), is_group=False, type_code=None, category=category,
                             holder=holder, note=note, national=category == "national")

    def split(self, cell: str, any_name: bool = False) -> list[AgencyMention]:
        """An agency cell → mentions, split at ';', ',', 'và' and bullets, names with commas kept."""
        cached = self._cache.get((cell, any_name))
        if cached is None:
            cached = self._cache[(cell, any_name)] = self._split(cell, any_name)
        return list(cached)

    def _split(self, cell: str, any_name: bool = False) -> list[AgencyMention]:
        cell = squash(nfc(cell).replace("\n", " ").replace("\t", " "))
        if not cell:
            return []
        # Protect parenthetical notes: they may contain commas.
        notes: list[str] = []

        def _hide(m: re.Match) -> str:
            notes.append(m.group(0))
            return f"\x00{len(notes) - 1}\x00"
        hidden = re.sub(r"\s*\([^()]*\)", _hide, cell)
        hidden = _COLON_LIST_INLINE.sub(self._expand_places, hidden)
        hidden = _HEAD_LIST.sub(self._expand_heads, hidden)
        parts = [p for p in re.split(r";|(?:^|[,.;]\s*)-\s+(?=[A-ZĐÂ])|\s+-\s*$", hidden) if p and p.strip(" ,.-")]
        out: list[AgencyMention] = []
        for part in parts:
            part = part.strip(" ,.")
            verb = re.search(r"\s(?:chủ trì|phối hợp|hướng dẫn)\s", part)
            if verb:
                head = self.resolve(part[:verb.start()])
                if head is not None and head.type_code is not None:
                    part = part[:verb.start()]
            for token in self._merge_tokens(part):
                restored = re.sub(r"\x00(\d+)\x00", lambda m: notes[int(m.group(1))], token)
                mention = self.resolve(restored, any_name)
                if mention:
                    out.append(mention)
        seen: set[tuple[str, bool]] = set()
        unique = []
        for mention in out:
            key = (fold_key(mention.name), mention.is_group)
            if key not in seen:
                seen.add(key)
                unique.append(mention)
        return unique

    @staticmethod
    def _expand_places(m: re.Match) -> str:
        level = m.group(2)
        places = [p.strip(" .") for p in re.split(r"[,;]|\s+và\s+", m.group(3)) if p.strip(" .")]
        return "; ".join(f"UBND {level} {place}" for place in places)

    @staticmethod
    def _expand_heads(m: re.Match) -> str:
        """"Các Sở: Tài chính, Nội vụ" → "Sở Tài chính; Sở Nội vụ", keeping names whose own
        comma or "và" completes a known agency ("Văn hóa, Thể thao và Du lịch", "Kế hoạch và Đầu tư")."""
        head = m.group(1)
        pieces = re.split(r"(,\s*|\s+và\s+)", m.group(2))  # names at even places, separators between
        names: list[str] = []
        i = 0
        while i < len(pieces):
            end = i  # the longest run of pieces from i that is a known agency's name
            for j in range(i + 2, len(pieces), 2):
                if _known_key(f"{head} " + "".join(pieces[i:j + 1])):
                    end = j
            name = "".join(pieces[i:end + 1]).strip()
            if name:
                names.append(f"{head} {name}")
            i = end + 2
        return "; ".join(names)

    def _merge_tokens(self, part: str) -> list[str]:
        """Split at ',' and 'và', then glue back pieces that do not start an agency name."""
        pieces = re.split(r"(,\s*|\s+và\s+)", part)
        tokens: list[str] = []
        for i in range(0, len(pieces), 2):
            piece = pieces[i].strip()
            sep = pieces[i - 1] if i > 0 else ""
            if not piece:
                continue
            if tokens and not self._starts_agency(piece, tokens[-1]):
                tokens[-1] = tokens[-1] + sep + piece
            else:
                tokens.append(piece)
        return tokens

    def _starts_agency(self, piece: str, previous: str) -> bool:
        text = _HOLDER.sub("", piece.strip())
        if text[:1].islower() and not text.startswith("các "):
            mention = self.resolve(text)
            return bool(mention and mention.type_code)
        if not _HEAD.match(text):
            return False
        folded = fold(text)
        # "Sở Lao động, Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch": a piece that
        # completes a known name with a comma is not a new agency.
        joined = _type_key(previous + " " + text)
        if any(joined in t.keys for t in _agency_types()) and _type_key(previous) not in {
                k for t in _agency_types() for k in t.keys}:
            return False
        # "UBND các huyện, thành phố": bare place words continue the group.
        if folded.startswith("dai ") and len(folded.split()) > 2:
            return True  # "Báo Ninh Thuận, Đài Phát thanh …": a second agency, not "báo, đài"
        return not re.match(r"^(ban|nganh|thanh pho|thi xa|xa|phuong|thi tran|dai)\b", folded) or \
            bool(re.match(r"^ban\s+[a-z]", folded) and piece[:3] == "Ban" and piece[4:5].isupper())


_PREFIX_RESOLVER = AgencyResolver(None)


def known_agency_prefix(text: str) -> int | None:
    """Length of the longest leading part of `text` that is a known agency type's name
    ("Viettel Tây Ninh ngầm hóa …" → len("Viettel Tây Ninh")), or None."""
    text = " ".join(text.split())
    words = text.split()
    for k in range(min(len(words), 12), 0, -1):
        candidate = " ".join(words[:k])
        mention = _PREFIX_RESOLVER.resolve(candidate)
        if mention is not None and mention.type_code is not None:
            if "," in candidate and not _type_key(candidate.rpartition(",")[2]):
                continue  # "Sở Giáo dục và Đào tạo, Tỉnh": the piece after the comma adds nothing
            rest = words[k:]
            if rest and (rest[0][:1].isupper() or _LOCALITY.match(" ".join(rest[:2]))):
                continue  # "UBND thành phố Tây Ninh": the name goes on
            return len(candidate)
    return None


_LOCALITY = re.compile(r"^(?:tỉnh|thành phố|huyện|thị xã|xã|phường|quận|thị trấn|cấp|các)\b", re.IGNORECASE)
