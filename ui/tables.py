"""Result tables of the web app: answer items as rows, their filters, the HTML table shown
on the page and the Excel/CSV downloads; SPARQL results and the document list as frames.

Everything here works on the contract's answer object (a dict) and on plain rows, so it
can be tested without a server.
"""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from ontology.folding import fold
from qa.phrasing import vn_date

MAX_ROWS_SHOWN = 200  # rows of one results table on the page; the downloads hold them all
ALL_PROVINCES = "Tất cả các tỉnh"
ALL_ROLES = "Tất cả vai trò"
NO_PROVINCE = "Không gắn với tỉnh"

KIND_LABELS = {
    "indicator": "chỉ tiêu", "sub_item": "chỉ tiêu thành phần", "task": "nhiệm vụ", "duty": "trách nhiệm tổ chức thực hiện",
    "info_item": "mục thông tin chung", "agency": "cơ quan", "document": "văn bản",
    "province": "tỉnh", "team": "đoàn kiểm tra",
}

# (key, Vietnamese header) of each exported column, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("province", "Tỉnh"),
    ("kind", "Loại"),
    ("number", "Số thứ tự"),
    ("label", "Nội dung"),
    ("roles", "Vai trò"),
    ("via_group", "Giao qua nhóm cơ quan"),
    ("predecessor", "Giao cho cơ quan tiền thân"),
    ("agencies", "Cơ quan thực hiện"),
    ("deadline", "Thời hạn"),
    ("target", "Mục tiêu"),
    ("grounds", "Căn cứ"),
    ("document", "Văn bản nguồn"),
    ("line", "Dòng"),
    ("quote", "Trích dẫn nguyên văn"),
    ("page", "Trang"),
    ("citation", "Dẫn nguồn"),
)

DOCUMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Kế hoạch"),
    ("province", "Tỉnh"),
    ("number", "Số hiệu"),
    ("date", "Ngày ban hành"),
    ("year", "Năm"),
    ("format", "Định dạng"),
    ("indicators", "Chỉ tiêu"),
    ("sub_items", "Chỉ tiêu thành phần"),
    ("tasks", "Nhiệm vụ"),
    ("info_items", "Mục thông tin chung"),
    ("teams", "Đoàn kiểm tra"),
    ("assignments", "Phân công"),
    ("legal_references", "Văn bản viện dẫn"),
    ("file", "Tệp (chi tiết)"),
)
# How the library names a file's format, by its IANA media type.
FORMAT_NAMES = {"text/plain": "Văn bản (.txt)", "text/markdown": "Markdown (.md)", "application/pdf": "PDF",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
                "application/msword": "Word cũ (.doc)", "image/png": "Ảnh quét (PNG)", "image/jpeg": "Ảnh quét (JPEG)",
                "image/tiff": "Ảnh quét (TIFF)"}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Display order of "role: agency" entries: who leads first, then who works with them.
ROLE_ORDER = ("chủ trì", "chủ trì tổng hợp", "chủ trì theo dõi, đánh giá", "phối hợp", "theo dõi, đôn đốc",
              "hướng dẫn", "trưởng đoàn", "phó trưởng đoàn", "thành viên đoàn", "được kiểm tra")


def role_order(entry: str) -> tuple[int, str]:
    role = str(entry).partition(": ")[0]
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), str(entry))


def esc(text: object) -> str:
    """HTML-escape text for the page, also neutralising the characters that Gradio's
    HTML templates would interpret (`${…}`, `{{…}}`, backquote, backslash)."""
    out = html.escape("" if text is None else str(text), quote=True)
    return (out.replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")
            .replace("`", "&#96;").replace("\\", "&#92;"))


def document_link(file: str, line: int | None = None) -> str:
    """Relative URL of the source viewer for a document (and a cited line)."""
    url = "tai-lieu/" + quote(file, safe="")
    if line:
        url += f"?dong={int(line)}#L{int(line)}"
    return url


def plan_link(file: str) -> str:
    """Relative URL of a plan's page from the app's root ("van-ban/001_….txt")."""
    return "van-ban/" + quote(file, safe="")


# ---------------------------------------------------------------------------- answer rows
def _text(value) -> str:
    return "" if value is None else str(value)


def _texts(value) -> list[str]:
    return [str(v) for v in value if v is not None] if isinstance(value, (list, tuple)) else []


def _line(value) -> int | None:
    try:
        line = int(value)
    except (TypeError, ValueError):
        return None
    return line if line > 0 else None


def answer_rows(answer: dict | None) -> list[dict]:
    """One flat row per answer item (the columns of COLUMNS). The answer may come from an
    API client, so every field is coerced rather than trusted."""
    items = answer.get("items") if isinstance(answer, dict) else None
    rows = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        source = item.get("source") if isinstance(item.get("source"), dict) else {}
        kind = _text(item.get("kind"))
        rows.append({
            "province": _text(item.get("province")) or None,
            "kind": KIND_LABELS.get(kind, kind),
            "number": _text(item.get("number")),
            "label": _text(item.get("label")),
            "roles": _texts(item.get("roles")),
            "via_group": bool(item.get("via_group")),
            "predecessor": _text(item.get("predecessor")),
            "agencies": sorted(_texts(item.get("agencies")), key=role_order),
            "deadline": _text(item.get("deadline")),
            "target": _text(item.get("target")),
            "grounds": _texts(item.get("grounds")),
            "document": _text(source.get("document")),
            "line": _line(source.get("line")),
            "quote": _text(source.get("text")),
            "page": _line(source.get("page")),
            "citation": _text(source.get("citation")),
        })
    return rows


def province_choices(rows: list[dict]) -> list[str]:
    provinces = sorted({r["province"] for r in rows if r["province"]})
    if any(not r["province"] for r in rows):
        provinces.append(NO_PROVINCE)
    return [ALL_PROVINCES, *provinces]


def role_choices(rows: list[dict]) -> list[str]:
    roles = sorted({role for r in rows for role in r["roles"]})
    return [ALL_ROLES, *roles]


def filter_rows(rows: list[dict], province: str | None = None, role: str | None = None) -> list[dict]:
    """Rows of one province and one role."""
    out = []
    for r in rows:
        if province and province != ALL_PROVINCES:
            if province == NO_PROVINCE:
                if r["province"]:
                    continue
            elif r["province"] != province:
                continue
        if role and role != ALL_ROLES and role not in r["roles"]:
            continue
        out.append(r)
    return out


def _cell_text(key: str, value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if key == "via_group":
        return "có" if value else "không"
    if key == "province":
        return value or NO_PROVINCE
    return "" if value is None else str(value)


def plain_rows(rows: list[dict]) -> list[list[str]]:
    """Rows as lists of text cells in COLUMNS order (for CSV, Excel and the API)."""
    return [[_cell_text(k, r.get(k)) for k, _ in COLUMNS] for r in rows]


# ---------------------------------------------------------------------------- HTML table
def rows_html(rows: list[dict], limit: int = MAX_ROWS_SHOWN) -> str:
    """The results shown on the page: the items the answer counts, then, in a section of their
    own, those reached only through a collective assignment; each source links to the viewer.
    A section of more than `limit` rows shows its first `limit` and says where the rest are."""
    if not rows:
        return '<p class="dtikg-empty" role="status">Không có mục nào phù hợp với bộ lọc.</p>'
    counted = [r for r in rows if not r["via_group"]]
    grouped = [r for r in rows if r["via_group"]]
    parts = [items_table(counted[:limit], "Các mục câu trả lời tính đến") + _more(len(counted), limit)] if counted \
        else ['<p class="dtikg-empty" role="status">Không có mục nào được giao đích danh phù hợp với bộ lọc.</p>']
    if grouped:
        parts.append(f"<h2 class='dtikg-section' id='muc-giao-chung'>Giao chung cho nhóm cơ quan — không tính vào "
                     f"số của câu trả lời ({len(grouped)} mục)</h2>")
        parts.append(items_table(grouped[:limit], "Các mục giao chung cho nhóm cơ quan") + _more(len(grouped), limit))
    return "".join(parts)


def _more(count: int, limit: int) -> str:
    if count <= limit:
        return ""
    total = f"{count:,}".replace(",", ".")  # 4.797, the Vietnamese way
    return (f"<p class='dtikg-more' role='status'>Bảng hiện {limit} mục đầu trong {total} mục; tải Excel hoặc CSV "
            "để có đủ, hoặc lọc theo tỉnh, vai trò.</p>")


def downloads_html(key: str | None, province: str | None = None, role: str | None = None) -> str:
    """Links to the kept answer's rows as Excel and CSV (under the filters) and to the answer as JSON."""
    if not key:
        return ""
    params = {k: v for k, v in (("tinh", province), ("vai-tro", role))
              if v and v not in (ALL_PROVINCES, ALL_ROLES)}
    query = ("?" + urlencode(params)) if params else ""
    base = "xuat/" + quote(key, safe="")
    return ("<nav class='dtikg-downloads' aria-label='Tải kết quả'>"
            f"<a class='dtikg-button' href='{esc(base)}.xlsx{esc(query)}' download>Tải Excel (.xlsx)</a>"
            f"<a class='dtikg-button' href='{esc(base)}.csv{esc(query)}' download>Tải CSV</a>"
            f"<a class='dtikg-button' href='{esc(base)}.json' target='_blank' rel='noopener'>"
            "Câu trả lời dạng JSON</a></nav>")


def items_table(rows: list[dict], caption: str, with_roles: bool = True) -> str:
    """Answer rows as an HTML table, each source linked to the viewer; `with_roles`: the column of
    the roles a question asked for (a plan page, asked nothing, lists who does what only)."""
    head = ("<tr><th scope='col'>Tỉnh</th><th scope='col'>Mục</th>"
            + ("<th scope='col'>Vai trò</th>" if with_roles else "")
            + "<th scope='col'>Cơ quan thực hiện</th><th scope='col'>Thời hạn</th><th scope='col'>Mục tiêu</th>"
            "<th scope='col'>Căn cứ</th><th scope='col'>Nguồn</th></tr>")
    body = []
    for r in rows:
        number = f"<span class='dtikg-num'>{esc(r['number'])}</span> " if r["number"] else ""
        kind = f"<span class='dtikg-kind'>{esc(r['kind'])}</span>"
        roles = esc(", ".join(r["roles"])) or "—"
        if r["via_group"]:
            roles += " <span class='dtikg-group' title='Giao chung cho một nhóm cơ quan'>(qua nhóm)</span>"
        if r.get("predecessor"):
            roles += (" <span class='dtikg-group' title='Kế hoạch giao cho cơ quan tiền thân (sắp xếp bộ máy năm 2025)'>"
                      f"(giao cho {esc(r['predecessor'])})</span>")
        agencies = "<br>".join(esc(a) for a in r["agencies"]) or "—"
        grounds = "<br>".join(esc(g) for g in r["grounds"]) or "—"
        if r["document"]:
            where = r["citation"] or (f"{r['document']}, dòng {r['line']}" if r["line"] else r["document"])
            hint = f"Trích dẫn: {r['quote']}"  # the file's name stays in the plan's details line
            source = (f"<a class='dtikg-source' href='{esc(document_link(r['document'], r['line']))}' "
                      f"target='_blank' rel='noopener' title='{esc(hint)}'>{esc(where)}</a>")
        else:
            source = "—"
        body.append(
            "<tr>"
            f"<td>{esc(r['province'] or NO_PROVINCE)}</td>"
            f"<td>{number}{esc(r['label'])}<br>{kind}</td>"
            + (f"<td>{roles}</td>" if with_roles else "")
            + f"<td>{agencies}</td>"
            f"<td>{esc(r['deadline']) or '—'}</td>"
            f"<td>{esc(r['target']) or '—'}</td>"
            f"<td>{grounds}</td>"
            f"<td>{source}</td>"
            "</tr>")
    return ("<div class='dtikg-table-wrap'><table class='dtikg-table'>"
            f"<caption class='dtikg-sr'>{esc(caption)}</caption>"
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>")


def _cited_places(answer: dict) -> dict[str, tuple[str, int | None]]:
    """Escaped citation text → (file, line), from the answer items' sources: the prose cites a
    plan by its number, the items say which file and line that is."""
    places: dict[str, tuple[str, int | None]] = {}
    items = answer.get("items")
    for item in items if isinstance(items, list) else []:
        source = item.get("source") if isinstance(item, dict) else None
        if not isinstance(source, dict):
            continue
        citation, file = _text(source.get("citation")), _text(source.get("document"))
        if citation and file:
            places.setdefault(esc(citation), (file, _line(source.get("line"))))
    return places


def answer_html(answer: dict | None) -> str:
    """The prose answer, escaped, with each `[citation]` of an answer item linked to the viewer."""
    if not answer:
        return "<p class='dtikg-empty'>Hãy đặt một câu hỏi về kế hoạch chuyển đổi số.</p>"
    text = esc(answer.get("answer") or "")
    places = _cited_places(answer)
    if places:
        cited = re.compile(r"\[(" + "|".join(re.escape(c) for c in sorted(places, key=len, reverse=True)) + r")\]")

        def link(m: re.Match) -> str:
            file, line = places[m.group(1)]
            title = "Mở dòng được trích dẫn trong văn bản"
            return (f"[<a class='dtikg-cite' href='{esc(document_link(file, line))}' target='_blank' "
                    f"rel='noopener' title='{title}'>{m.group(1)}</a>]")

        text = cited.sub(link, text)
    understood = esc(answer.get("interpretation") or "")
    heading = (f"<p class='dtikg-interpretation'><span class='dtikg-label'>Câu hỏi được hiểu là:</span> "
               f"{understood}</p>") if understood else ""
    return f"<div class='dtikg-answer' role='status' aria-live='polite'>{heading}{text}</div>"


def summary_text(shown: list[dict], every: list[dict]) -> str:
    """"Hiển thị 7 mục câu trả lời tính đến (và 40 mục giao chung cho nhóm cơ quan, bảng riêng)":
    the count of the table is the answer's count; a filter says how many of them it shows."""
    if not every:
        return ""
    counted, total = sum(not r["via_group"] for r in shown), sum(not r["via_group"] for r in every)
    grouped = sum(r["via_group"] for r in shown)
    text = f"Hiển thị {counted} mục câu trả lời tính đến" if counted == total else \
        f"Hiển thị {counted}/{total} mục câu trả lời tính đến, theo bộ lọc"
    return text + (f" (và {grouped} mục giao chung cho nhóm cơ quan, bảng riêng bên dưới)." if grouped else ".")


# ---------------------------------------------------------------------------- downloads
def _safe_cell(text: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_name(question: str, day) -> str:
    """A download's name after its question and the day: "so-y-te-chu-tri-nhung-chi-tieu-nao-01-12-2026"
    (folded to ASCII so that every system keeps it; "ket-qua-hoi-dap" for an empty question)."""
    return f"{slug(question, 60) or 'ket-qua-hoi-dap'}-{day.day:02d}-{day.month:02d}-{day.year}"


def slug(text: str, limit: int) -> str:
    """Text folded to ASCII words joined by "-", whole words only, at most `limit` characters
    ("" for text without a letter or digit): the stem of every file the app names."""
    out = ""
    for word in re.findall(r"[a-z0-9]+", fold(text)):
        if len(out) + len(word) + bool(out) > limit:
            break
        out = f"{out}-{word}" if out else word
    return out


def write_csv(rows: list[dict], path: Path) -> Path:
    """UTF-8 with BOM so that spreadsheet programs read Vietnamese correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([h for _, h in COLUMNS])
        for cells in plain_rows(rows):
            writer.writerow([_safe_cell(c) for c in cells])
    return path


def write_xlsx(rows: list[dict], path: Path, question: str = "", answer: str = "") -> Path:
    """An Excel workbook: the filtered rows, then a sheet with the question and the answer."""
    return write_workbook(path, [("Kết quả", rows)], [("Câu hỏi", question), ("Câu trả lời", answer)], "Câu hỏi")


SHEET_NAME_CHARS = 31  # Excel's limit
_SHEET_UNSAFE = re.compile(r"[\\/?*\[\]:]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (no \\ / ? * [ ] :, at most 31 characters), unique in `taken`."""
    base = " ".join(_SHEET_UNSAFE.sub(" ", title).split())[:SHEET_NAME_CHARS].strip() or "Trang"
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name, n = base[:SHEET_NAME_CHARS - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def write_workbook(path: Path, sheets: list[tuple[str, list[dict]]], info: list[tuple[str, str]],
                   info_title: str) -> Path:
    """An Excel workbook of answer rows: one sheet per (title, rows), columns as COLUMNS, text never
    read as a formula, the header frozen and filtered; then a sheet of (key, value) facts."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    widths = {"label": 60, "agencies": 45, "quote": 60, "grounds": 40, "document": 28}
    for title, rows in sheets:
        ws = wb.create_sheet(sheet_name(title, taken))
        ws.append([h for _, h in COLUMNS])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for n, cells in enumerate(plain_rows(rows), start=2):
            for col, ((key, _), text) in enumerate(zip(COLUMNS, cells), start=1):
                cell = ws.cell(row=n, column=col)
                if key == "line" and text.isdigit():
                    cell.value = int(text)
                else:
                    cell.value = text
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, (key, _) in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(col)].width = widths.get(key, 16)
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    facts = wb.create_sheet(sheet_name(info_title, taken))
    for key, value in info:
        facts.append([key, value])
        facts.cell(row=facts.max_row, column=2).data_type = "s"
        facts.cell(row=facts.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    facts.column_dimensions["A"].width = 14
    facts.column_dimensions["B"].width = 120
    wb.save(path)
    return path


# ---------------------------------------------------------------------------- other tables
def documents_rows(stats: dict, names: dict[str, str] | None = None) -> list[list]:
    """The library: one row per ingested plan (from `KnowledgeGraph.stats()`) in DOCUMENT_COLUMNS
    order, named by `names` (file → plan name), dated the Vietnamese way, the file name last."""
    out = []
    names = names or {}
    for d in sorted(stats.get("documents") or [], key=lambda d: (names.get(d.get("file"), ""), d.get("file") or "")):
        row = dict(d, title=names.get(d.get("file")) or d.get("file"), date=vn_date(d.get("date")),
                   format=FORMAT_NAMES.get(d.get("media_type") or "", d.get("media_type") or ""))
        out.append(["" if row.get(k) is None else row.get(k) for k, _ in DOCUMENT_COLUMNS])
    return out


def library_html(rows: list[list]) -> str:
    """The library as the page shows it (rows of `documents_rows`): each plan's name links to its
    plan page; the file name, a detail, is left to that page."""
    if not rows:
        return "<p class='dtikg-empty' role='status'>Chưa có văn bản nào được nạp.</p>"
    keys = [k for k, _ in DOCUMENT_COLUMNS]
    shown = [(k, h) for k, h in DOCUMENT_COLUMNS if k not in ("file", "year")]
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for _, h in shown)
    body = []
    for row in rows:
        cells = dict(zip(keys, row))
        out = []
        for key, _ in shown:
            value = cells.get(key)
            if key == "title":
                out.append(f"<th scope='row'><a class='dtikg-plan' href='{esc(plan_link(str(cells['file'])))}'>"
                           f"{esc(value)}</a></th>")
            else:
                out.append(f"<td>{esc('' if value is None else value)}</td>")
        body.append("<tr>" + "".join(out) + "</tr>")
    return (f"<p class='dtikg-library-total' role='status'>{len(rows)} văn bản. Bấm tên kế hoạch để mở trang của "
            "nó: các mục lọc theo trụ cột, vai trò, cơ quan, thời hạn; căn cứ pháp lý; tệp gốc và phụ lục Excel.</p>"
            "<div class='dtikg-table-wrap'><table class='dtikg-table dtikg-library'>"
            "<caption class='dtikg-sr'>Các văn bản đã nạp</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _projection_order(columns: list[str], query: str) -> list[str]:
    """The SELECT variables in the order the query names them (the store returns them sorted)."""
    text = query or ""
    m = re.search(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", text, re.IGNORECASE | re.DOTALL)
    head = m.group(1) if m and "*" not in m.group(1) else text
    order: list[str] = []
    for name in reversed(re.findall(r"[?$]([A-Za-z_0-9\u00C0-\u1EF9]+)", head)):
        if name in columns:  # read right to left so that the first mention decides the place
            if name in order:
                order.remove(name)
            order.insert(0, name)
    return order + [c for c in columns if c not in order]


def sparql_table(result: dict, query: str = "") -> tuple[list[str], list[list[str]], str]:
    """(headers, rows, Vietnamese summary) of a `run_readonly` result."""
    form = result.get("form")
    if form == "SELECT":
        headers = _projection_order(list(result.get("columns") or []), query)
        rows = [["" if r.get(h) is None else r[h] for h in headers] for r in result.get("rows") or []]
        note = f"{len(rows)} dòng kết quả"
        if result.get("truncated"):
            note += " (đã cắt bớt theo giới hạn số dòng)"
        return headers or ["(không có cột)"], rows, note + "."
    if form == "ASK":
        value = "ĐÚNG (có)" if result.get("boolean") else "SAI (không)"
        return ["Kết quả"], [[value]], f"Truy vấn ASK trả về: {value}."
    triples = result.get("triples") or []
    note = f"{len(triples)} bộ ba (triple)"
    if result.get("truncated"):
        note += " (đã cắt bớt theo giới hạn số dòng)"
    return ["Chủ thể", "Vị từ", "Tân ngữ"], [list(t) for t in triples], note + "."
