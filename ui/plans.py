"""A plan's own page: its name, its legal bases, every item as a table filtered by pillar, role,
agency and deadline, the original file and the plan's appendices as Excel.

`plan_view()` gathers what the page shows from the catalog and the answerer (items are listed
exactly as answers list them); `plan_page()` renders it as a page of its own, served by the web
app at `/van-ban/{file}`, that works without script (the filters are a GET form). The file's
name appears in the details line only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

from ingest.outline import APPENDIX, heading_level  # what an appendix heading is, said once
from ontology.folding import fold
from ontology.lexicon import role_group
from qa.phrasing import document_label, plan_name, sentence_case

from . import tables
from .graphs import NO_PILLAR
from .tables import KIND_LABELS, esc, plan_link, role_order
from .timeline import period_of, quarter_of, role_choices

# Query parameters of the filter form, and the deadline choices that are not a period.
FILTER_KEYS = ("tru-cot", "vai-tro", "co-quan", "thoi-han")
PAST_DUE, THIS_QUARTER, NO_DEADLINE = "Quá hạn", "Đến hạn trong quý này", "Không có thời hạn"
KIND_ORDER = ("indicator", "sub_item", "task", "duty", "info_item", "team")


@dataclass(frozen=True)
class PlanFilters:
    pillar: str = ""
    role: str = ""
    agency: str = ""
    due: str = ""

    @classmethod
    def from_query(cls, params) -> "PlanFilters":
        """The filters of a request's query (`tru-cot`, `vai-tro`, `co-quan`, `thoi-han`); blank or
        unknown keys mean 'all'."""
        def value(key: str) -> str:
            raw = params.get(key) if params is not None else None
            return raw.strip()[:200] if isinstance(raw, str) else ""
        return cls(*(value(k) for k in FILTER_KEYS))

    def query(self) -> str:
        return urlencode({k: v for k, v in zip(FILTER_KEYS, (self.pillar, self.role, self.agency, self.due)) if v})


@dataclass
class PlanView:
    file: str
    name: str  # "KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa"
    title: str | None  # the plan's title in sentence case, when it says more than the name
    province: str | None
    counts: Counter  # items by kind, the whole plan
    bases: list[dict]  # {"label", "line", "quote", "basis"} of each document the plan cites
    rows: list[dict]  # answer rows of the items the filters keep, in the plan's order
    every: list[dict]  # answer rows of all its items, in the plan's order
    choices: dict[str, list[str]] = field(default_factory=dict)  # filter key → values present
    filters: PlanFilters = PlanFilters()
    appendices: list[tuple[str, list[dict]]] = field(default_factory=list)  # (part heading, rows)


def plan_view(catalog, answerer, file: str, filters: PlanFilters | None = None,
              today: date | None = None) -> PlanView | None:
    """What the plan page of one ingested file shows; None when the graph holds no item of it and
    no plan document for it."""
    filters = filters or PlanFilters()
    today = today or answerer.today
    plan = catalog.plan_of_file(file)
    items = sorted((i for i in catalog.items.values() if i.file == file), key=lambda i: (i.line, i.number))
    if plan is None and not items:
        return None
    province = (plan.province if plan else None) or next((i.province for i in items if i.province), None)
    name = plan_name(plan, file, province)
    title = sentence_case(plan.label, province) if plan is not None and plan.label else None
    if title and fold(title) == fold(name):
        title = None
    start, end, _ = quarter_of(today)
    group = role_group(filters.role) if filters.role else ()

    def due_choices(item) -> set[str]:
        if not item.deadline_kind:
            return {NO_DEADLINE}
        last = item.due()
        out = {period_of(item, last)}
        if last is not None and item.deadline_kind not in ("continuous", "recurring", "from_year"):
            if start <= last <= end:
                out.add(THIS_QUARTER)
            elif last < today:
                out.add(PAST_DUE)
        return out

    def kept(item) -> bool:
        if filters.pillar and (item.pillar or NO_PILLAR) != filters.pillar:
            return False
        if filters.due and filters.due not in due_choices(item):
            return False
        if filters.agency or group:
            return any((not filters.agency or a.agent_label == filters.agency) and (not group or a.role in group)
                       for a in catalog.assignments.get(item.iri, ()))
        return True

    records = {i.iri: answerer.item_record(i.iri).to_json() for i in items}
    rows_of = {iri: tables.answer_rows({"items": [record]})[0] for iri, record in records.items()}
    periods = sorted({p for i in items for p in due_choices(i)} - {PAST_DUE, THIS_QUARTER, NO_DEADLINE},
                     key=lambda p: min((i.due() or date.max for i in items if period_of(i, i.due()) == p),
                                       default=date.max))
    present_dues = {p for i in items for p in due_choices(i)}
    choices = {
        "tru-cot": sorted({i.pillar or NO_PILLAR for i in items}, key=lambda p: (p == NO_PILLAR, fold(p))),
        "vai-tro": sorted((value for _, value in role_choices()[1:]
                           if any(a.role in role_group(value) for i in items for a in catalog.assignments.get(i.iri, ()))),
                          key=role_order),
        "co-quan": sorted({a.agent_label for i in items for a in catalog.assignments.get(i.iri, ())}, key=fold),
        "thoi-han": [c for c in (PAST_DUE, THIS_QUARTER) if c in present_dues] + periods
                    + ([NO_DEADLINE] if NO_DEADLINE in present_dues else []),
    }
    bases: dict[str, dict] = {}
    if plan is not None:
        for doc in catalog.documents.values():
            for c in doc.citations:
                if c["plan"] == plan.iri and c["file"] == file and doc.iri != plan.iri:
                    entry = bases.setdefault(doc.iri, {"label": document_label(doc), "line": c["line"],
                                                       "quote": c["quote"], "basis": False})
                    entry["basis"] = entry["basis"] or c["basis"]
                    if c["line"] < entry["line"]:
                        entry.update(line=c["line"], quote=c["quote"])
    appendices: dict[str, list[dict]] = {}
    for i in items:
        if i.parts and heading_level(i.parts[0]) == APPENDIX:
            appendices.setdefault(i.parts[0], []).append(rows_of[i.iri])
    return PlanView(
        file=file, name=name, title=title, province=province, counts=Counter(i.kind for i in items),
        bases=sorted(bases.values(), key=lambda b: (not b["basis"], b["line"])),
        rows=[rows_of[i.iri] for i in items if kept(i)], every=[rows_of[i.iri] for i in items], choices=choices,
        filters=filters,
        appendices=list(appendices.items()))


def counts_text(counts: Counter) -> str:
    """"99 chỉ tiêu, 17 chỉ tiêu thành phần, 6 trách nhiệm tổ chức thực hiện"."""
    order = [k for k in KIND_ORDER if counts.get(k)] + sorted(k for k in counts if k not in KIND_ORDER)
    return ", ".join(f"{counts[k]} {KIND_LABELS.get(k, k)}" for k in order) or "chưa có mục nào"


def appendix_workbook(view: PlanView, path: Path, today: date) -> Path:
    """The plan as Excel: a sheet per appendix of the plan ("Phụ lục 1"…), then every item, then
    the plan's facts."""
    sheets = [*view.appendices, ("Tất cả các mục", view.every)]
    info = [("Kế hoạch", view.name), ("Tên văn bản", view.title or ""), ("Tỉnh", view.province or ""),
            ("Số mục", counts_text(view.counts)), ("Tệp nguồn", view.file), ("Ngày xuất", f"{today:%d/%m/%Y}")]
    return tables.write_workbook(path, sheets, info, "Văn bản")


def workbook_name(view: PlanView) -> str:
    """"kh-11252-kh-ubnd-ngay-30-10-2023-khanh-hoa-phu-luc.xlsx"."""
    stem = tables.slug(view.name, 70) or "ke-hoach"
    return f"{stem}-phu-luc.xlsx"


# ---------------------------------------------------------------------------- the page
_LABELS = {"tru-cot": ("Trụ cột", "Mọi trụ cột"), "vai-tro": ("Vai trò", "Mọi vai trò"),
           "co-quan": ("Cơ quan", "Mọi cơ quan"), "thoi-han": ("Thời hạn", "Mọi thời hạn")}

PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1f2933;background:#fff;
  line-height:1.45}
header,main{padding:.6rem 1rem;max-width:1400px;box-sizing:border-box}
header{background:#f4f6f8;border-bottom:1px solid #d0d7de;max-width:none}
h1{font-size:1.25rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
h3{font-size:.98rem;margin:.8rem 0 .3rem}
.title{margin:0 0 .3rem}
.chi-tiet{margin:.2rem 0;font-size:.88rem;color:#4a5561;overflow-wrap:anywhere}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.actions a,button{display:inline-block;padding:.35rem .75rem;border:1px solid #1f5fbf;border-radius:6px;color:#1f5fbf;
  background:#fff;text-decoration:none;font:inherit;cursor:pointer}
button{background:#1f5fbf;color:#fff}
a{color:#1f5fbf}
a:focus,button:focus,select:focus{outline:3px solid #e0a800;outline-offset:2px}
form{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;margin:.4rem 0}
form label{display:flex;flex-direction:column;font-size:.88rem;gap:.15rem;min-width:12rem;flex:1 1 12rem}
select{font:inherit;padding:.3rem;max-width:100%}
.dtikg-table-wrap{overflow-x:auto}
.dtikg-table{border-collapse:collapse;width:100%;font-size:.9rem}
.dtikg-table th,.dtikg-table td{border:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top;text-align:left}
.dtikg-table thead th{background:#f4f6f8}
.dtikg-num{font-weight:600}
.dtikg-kind,.dtikg-group{color:#4a5561;font-size:.8rem}
.dtikg-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.bases li{margin:.2rem 0}
.status{font-weight:600}
"""


def _select(key: str, values: list[str], chosen: str) -> str:
    label, every = _LABELS[key]
    options = [f"<option value=''{' selected' if not chosen else ''}>{esc(every)}</option>"]
    options += [f"<option value='{esc(v)}'{' selected' if v == chosen else ''}>{esc(v)}</option>" for v in values]
    if chosen and chosen not in values:  # a link may name a value this plan lacks: kept, shown
        options.append(f"<option value='{esc(chosen)}' selected>{esc(chosen)}</option>")
    return (f"<label for='loc-{key}'>{esc(label)}<select id='loc-{key}' name='{key}'>{''.join(options)}</select>"
            "</label>")


def plan_page(view: PlanView, details: list[str], has_original: bool, nonce: str = "") -> str:
    """The plan page as HTML (every text escaped; `details`: facts about the file, already HTML)."""
    f = view.filters
    chosen = dict(zip(FILTER_KEYS, (f.pillar, f.role, f.agency, f.due)))
    own, page = quote(view.file, safe=""), plan_link(view.file)  # links are relative to the app's root (<base>)
    links = [f"<a href='tai-lieu/{own}'>Xem toàn văn</a>"]
    if has_original:
        links.append(f"<a href='tai-lieu/{own}/ban-goc' download>Tải tệp gốc</a>")
    links.append(f"<a href='{page}/phu-luc.xlsx' download>Tải phụ lục và các mục (Excel)</a>")
    here = page + (f"?{f.query()}" if f.query() else "")  # in-page links name the page: <base> is the root
    links.append(f"<a href='{esc(here)}#can-cu'>Căn cứ pháp lý ({len(view.bases)})</a>")
    def listed(basis: bool) -> str:
        return "".join(f"<li>{esc(b['label'])} — <a href='{esc(tables.document_link(view.file, b['line']))}' "
                       f"title='{esc(b['quote'][:300])}'>dòng {b['line']}</a></li>"
                       for b in view.bases if b["basis"] == basis)
    bases, cited = listed(True), listed(False)
    legal = (f"<h3>Căn cứ ban hành</h3><ul class='bases'>{bases}</ul>" if bases else "") + \
        (f"<h3>Văn bản được viện dẫn</h3><ul class='bases'>{cited}</ul>" if cited else "")
    filtered = any(chosen.values())
    status = (f"Hiển thị {len(view.rows)}/{len(view.every)} mục theo bộ lọc." if filtered
              else f"Hiển thị cả {len(view.every)} mục của kế hoạch.")
    table = tables.items_table(view.rows, f"Các mục của {view.name}", with_roles=False) if view.rows else \
        "<p role='status'>Không có mục nào phù hợp với bộ lọc.</p>"
    selects = "".join(_select(k, view.choices.get(k, []), chosen[k]) for k in FILTER_KEYS)
    script = (f"<script nonce='{nonce}'>document.querySelectorAll('#loc select').forEach(function(s){{"
              "s.addEventListener('change',function(){s.form.submit();});});</script>") if nonce else ""
    title = f"<p class='title'>{esc(view.title)}</p>" if view.title else ""
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<base href="../">
<title>{esc(view.name)} — dtikg</title>
<style>{PAGE_CSS}</style></head>
<body><header>
<p><a href="./">← Trang hỏi đáp và thư viện văn bản</a></p>
<h1>{esc(view.name)}</h1>{title}
<p>{esc(counts_text(view.counts))}.</p>
<p class="chi-tiet" id="chi-tiet">{" · ".join(details)}</p>
<nav class="actions" aria-label="Văn bản">{"".join(links)}</nav>
</header>
<main>
<section aria-labelledby="cac-muc"><h2 id="cac-muc">Các chỉ tiêu, nhiệm vụ</h2>
<form id="loc" method="get" action="" aria-label="Lọc các mục">{selects}
<button type="submit">Lọc</button> <a href="{page}">Bỏ lọc</a></form>
<p class="status" role="status" id="so-muc">{status}</p>
{table}</section>
<section aria-labelledby="can-cu"><h2 id="can-cu">Căn cứ pháp lý và văn bản viện dẫn</h2>
{legal or "<p>Kế hoạch không viện dẫn văn bản nào.</p>"}</section>
</main>{script}</body></html>"""
