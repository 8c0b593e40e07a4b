"""Deadlines on a timeline: the plans' items by the period they fall due, as of a day.

Past due, due this quarter, later periods in order, and the continuous ones ("thường xuyên",
"hằng năm", "từ năm … và các năm tiếp theo") apart; each item links to its source line.
Filters: province, agency (by name, in every province) and role (the answers' role groups).
"""
from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from ontology import codelists
from ontology.lexicon import role_group
from qa.phrasing import plan_reference, quarter_name, vn_date

from .tables import MAX_ROWS_SHOWN, document_link

ALL = "*"
ONGOING_KINDS = ("continuous", "recurring", "from_year")


@dataclass(frozen=True)
class DueItem:
    iri: str
    province: str | None
    number: str
    text: str
    deadline: str  # as the plan words it
    period: str  # "Quý IV/2023", "Tháng 10/2023", "Thường xuyên"
    end: date | None
    roles: tuple[str, ...]  # "chủ trì: Sở Y tế"
    file: str
    line: int
    citation: str


def quarter_of(day: date) -> tuple[date, date, str]:
    """The quarter a day is in: (first day, last day, "Quý IV/2026")."""
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * q - 2, 1)
    end = (date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - timedelta(days=1)
    return start, end, quarter_name(q, day.year)


def period_of(item, end: date | None = None) -> str:
    """The period an item falls due in, as the timeline heads it: "Quý IV/2023", "Tháng 10/2023",
    "Năm 2025", "Trước 01/6/2024", "Thường xuyên"; "Thời hạn khác" when no day can be read."""
    end = end or item.due()
    kind = item.deadline_kind
    if kind in ONGOING_KINDS:
        return "Thường xuyên"
    if end is None:
        return "Thời hạn khác"
    if kind == "month":
        return f"Tháng {end.month}/{end.year}"
    if kind == "quarter":
        return quarter_name((end.month - 1) // 3 + 1, end.year)
    if kind == "year":
        return f"Năm {end.year}"
    if kind == "before":  # the plan's own bound ("trước 01/6/2024"), not the last day it leaves
        return f"Trước {vn_date(item.end)}"
    return f"Ngày {vn_date(end.isoformat())}"


def agency_choices(catalog) -> list[tuple[str, str]]:
    names = sorted({a.agent_label for rows in catalog.assignments.values() for a in rows if not a.group})
    return [("Mọi cơ quan", ALL)] + [(n, n) for n in names]


def role_choices() -> list[tuple[str, str]]:
    return [("Mọi vai trò", ALL)] + [(c.label, c.label) for c in codelists.roles() if role_group(c.label)]


def due_items(catalog, province: str | None = None, agency: str | None = None,
              role: str | None = None) -> list[DueItem]:
    """The items with a deadline, under the filters."""
    group = role_group(role) if role and role != ALL else ()
    out, plans = [], {}
    for iri, item in catalog.items.items():
        if not item.deadline_kind or (province and province != ALL and item.province != province):
            continue
        assignments = catalog.assignments.get(iri, ())
        chosen = [a for a in assignments if (not agency or agency == ALL or a.agent_label == agency)
                  and (not group or a.role in group)]
        if (agency and agency != ALL or group) and not chosen:
            continue
        end = item.due()
        plan = plans.get(item.file) or plans.setdefault(item.file, plan_reference(catalog.plan_of_file(item.file),
                                                                                  item.file))
        out.append(DueItem(iri, item.province, item.number, item.text, item.deadline or "", period_of(item, end), end,
                           tuple(f"{a.role_label}: {a.agent_label}" for a in (chosen or assignments)),
                           item.file, item.line, f"{plan}, dòng {item.line}"))
    return out


def sections(items: list[DueItem], today: date) -> "OrderedDict[str, OrderedDict[str, list[DueItem]]]":
    """Past due, due this quarter, later, continuous: each a run of periods in date order."""
    start, end, quarter = quarter_of(today)
    out: OrderedDict[str, OrderedDict[str, list[DueItem]]] = OrderedDict(
        [(f"Đến hạn trong quý này ({quarter})", OrderedDict()),
         (f"Quá hạn (tính đến ngày {vn_date(today.isoformat())})", OrderedDict()),
         ("Sắp tới", OrderedDict()), ("Thường xuyên, hằng năm", OrderedDict()), ("Thời hạn khác", OrderedDict())])
    names = list(out)
    order = sorted(items, key=lambda i: (i.end or date.max, i.province or "", i.file, i.line))
    for item in order:
        if item.period == "Thường xuyên":
            key = names[3]
        elif item.end is None:
            key = names[4]
        elif start <= item.end <= end:
            key = names[0]
        elif item.end < today:
            key = names[1]
        else:
            key = names[2]
        out[key].setdefault(item.period, []).append(item)
    return out


def timeline_html(catalog, today: date, province: str | None = None, agency: str | None = None,
                  role: str | None = None, limit: int = MAX_ROWS_SHOWN) -> str:
    """The timeline as the page shows it: a heading per section, a table per period; a section of
    more than `limit` items shows its first `limit` (the counts are always whole)."""
    esc = lambda t: html.escape(str(t), quote=True)  # noqa: E731
    items = due_items(catalog, province, agency, role)
    if not items:
        return "<p class='dtikg-empty' role='status'>Không có mục nào có thời hạn phù hợp với bộ lọc.</p>"
    parts = [f"<p class='dtikg-timeline-total' role='status'>{len(items)} mục có thời hạn, tính đến ngày "
             f"{vn_date(today.isoformat())}.</p>"]
    for n, (title, periods) in enumerate(sections(items, today).items()):
        count = sum(len(v) for v in periods.values())
        parts.append(f"<h2 class='dtikg-section' id='thoi-han-{n}'>{esc(title)}: {count} mục</h2>")
        if not count:
            parts.append("<p class='dtikg-empty'>Không có.</p>")
        room = limit
        for period, every in periods.items():
            if room <= 0:
                break
            rows, room = every[:room], room - len(every)
            body = "".join(
                "<tr>"
                f"<td>{esc(r.province or '—')}</td>"
                f"<td><span class='dtikg-num'>{esc(r.number)}</span> {esc(r.text)}</td>"
                f"<td>{esc(r.deadline)}</td>"
                f"<td>{'<br>'.join(esc(x) for x in r.roles) or '—'}</td>"
                f"<td><a class='dtikg-source' href='{esc(document_link(r.file, r.line))}' target='_blank' "
                f"rel='noopener'>{esc(r.citation)}</a></td></tr>" for r in rows)
            parts.append(
                f"<details open><summary>{esc(period)} ({len(every)} mục)</summary>"
                "<div class='dtikg-table-wrap'><table class='dtikg-table'>"
                f"<caption class='dtikg-sr'>{esc(title)} — {esc(period)}</caption>"
                "<thead><tr><th scope='col'>Tỉnh</th><th scope='col'>Mục</th><th scope='col'>Thời hạn (theo kế hoạch)"
                "</th><th scope='col'>Phân công</th><th scope='col'>Nguồn</th></tr></thead>"
                f"<tbody>{body}</tbody></table></div></details>")
        if count > limit:
            parts.append(f"<p class='dtikg-more' role='status'>Hiện {limit} mục đầu trong {count} mục của phần này; "
                         "hãy lọc theo tỉnh, cơ quan hoặc vai trò để xem hết.</p>")
    return "".join(parts)
