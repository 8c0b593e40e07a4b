"""Web app pieces without a server: rows, filters, exports, upload names, the viewer page,
the responsibility matrix and the safe-by-default serving rules."""
from __future__ import annotations

import csv
import re
from datetime import date
import unicodedata

import pytest

from kg.service import DATA_DIR
from ui import tables
from ui.documents import DocumentLibrary, UploadRejected, safe_document_name

ANSWER = {
    "question": "Sở Y tế chủ trì những chỉ tiêu nào?",
    "answer": "Sở Y tế chủ trì 2 chỉ tiêu [Kế hoạch (Ninh Bình), dòng 66] <b>x</b> [KH 86/KH-UBND (Đắk Lắk), "
              "trang 3, dòng 13] [Kế hoạch (Nơi khác), dòng 1]",
    "count": 2,
    "items": [
        {"kind": "indicator", "label": "=HYPERLINK(\"http://x\") ${1+1} {{value}}", "province": "Ninh Bình",
         "roles": ["chủ trì"], "via_group": False, "number": "IV.8", "agencies": ["phối hợp: Sở A", "chủ trì: Sở Y tế"],
         "deadline": "Tháng 11/2023", "target": "trên 80%", "grounds": [],
         "source": {"document": "000_b6c86109a8f1a47b.txt", "line": 66, "text": "8.\tTỷ lệ <script>", "page": None,
                    "citation": "Kế hoạch (Ninh Bình), dòng 66"}},
        {"kind": "indicator", "label": "Tỷ lệ bệnh viện", "province": "Đắk Lắk", "roles": ["chủ trì"],
         "source": {"document": "ke_hoach_dak_lak_2024.pdf", "line": 13, "text": "1\tTỷ lệ bệnh viện", "page": 3,
                    "citation": "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13"}},
        {"kind": "task", "label": "- Nhiệm vụ chung", "province": None, "roles": ["phối hợp"], "via_group": True,
         "agencies": [], "grounds": ["Quyết định số 1/QĐ"], "source": None},
    ],
}


def test_rows_filters_and_choices():
    rows = tables.answer_rows(ANSWER)
    assert [r["province"] for r in rows] == ["Ninh Bình", "Đắk Lắk", None]
    assert [(r["page"], r["citation"]) for r in rows] == [
        (None, "Kế hoạch (Ninh Bình), dòng 66"), (3, "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13"), (None, "")]
    assert rows[0]["agencies"][0] == "chủ trì: Sở Y tế"  # who leads comes first
    assert tables.province_choices(rows) == [tables.ALL_PROVINCES, "Ninh Bình", "Đắk Lắk", tables.NO_PROVINCE]
    assert tables.role_choices(rows) == [tables.ALL_ROLES, "chủ trì", "phối hợp"]
    assert len(tables.filter_rows(rows, "Ninh Bình", tables.ALL_ROLES)) == 1
    assert len(tables.filter_rows(rows, tables.NO_PROVINCE, None)) == 1
    assert len(tables.filter_rows(rows, None, "phối hợp")) == 1
    assert len(tables.filter_rows(rows, None, None)) == len(rows)
    assert tables.answer_rows({"items": ["odd", None]}) == []
    assert tables.answer_rows(None) == [] and tables.answer_rows({"items": "x"}) == []
    odd = tables.answer_rows({"items": [{"roles": "chủ trì", "label": 5, "source": {"line": "x", "document": 1}}]})
    assert odd[0]["roles"] == [] and odd[0]["label"] == "5" and odd[0]["line"] is None
    assert "<table" in tables.rows_html(odd)


def test_html_is_escaped_and_links_cite_the_viewer():
    page = tables.rows_html(tables.answer_rows(ANSWER))
    assert "<script>" not in page and "${" not in page and "{{" not in page
    assert "href='tai-lieu/000_b6c86109a8f1a47b.txt?dong=66#L66'" in page
    assert ">KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13</a>" in page  # the plan is shown, the file is the link
    assert "href='tai-lieu/ke_hoach_dak_lak_2024.pdf?dong=13#L13'" in page
    prose = tables.answer_html(ANSWER)
    assert "<b>" not in prose and "&lt;b&gt;" in prose
    assert ("[<a class='dtikg-cite' href='tai-lieu/000_b6c86109a8f1a47b.txt?dong=66#L66' target='_blank' "
            "rel='noopener' title='Mở dòng được trích dẫn trong văn bản'>Kế hoạch (Ninh Bình), dòng 66</a>]") in prose
    assert "href='tai-lieu/ke_hoach_dak_lak_2024.pdf?dong=13#L13'" in prose
    assert "[Kế hoạch (Nơi khác), dòng 1]" in prose  # not an item's source: left as text


def test_csv_and_xlsx_keep_text_as_text(tmp_path):
    from openpyxl import load_workbook
    rows = tables.answer_rows(ANSWER)
    with open(tables.write_csv(rows, tmp_path / "a.csv"), encoding="utf-8-sig", newline="") as fh:
        data = list(csv.reader(fh))
    assert data[0] == [h for _, h in tables.COLUMNS]
    assert data[1][3].startswith("'=HYPERLINK")  # no formula injection
    assert data[3][3] == "'- Nhiệm vụ chung"
    assert data[2][14:] == ["3", "KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13"]
    wb = load_workbook(tables.write_xlsx(rows, tmp_path / "a.xlsx", ANSWER["question"], ANSWER["answer"]))
    ws = wb["Kết quả"]
    assert ws.cell(row=2, column=4).data_type == "s"
    assert ws.cell(row=2, column=4).value.startswith("=HYPERLINK")
    assert ws.cell(row=2, column=13).value == 66
    assert wb["Câu hỏi"].cell(row=1, column=2).value == ANSWER["question"]


def test_sparql_columns_follow_the_query():
    result = {"form": "SELECT", "columns": ["so", "tinh"], "rows": [{"so": "3", "tinh": "A"}], "truncated": True}
    headers, rows, note = tables.sparql_table(result, "SELECT ?tinh (COUNT(?x) AS ?so) WHERE { ?x ?p ?tinh }")
    assert headers == ["tinh", "so"] and rows == [["A", "3"]] and "cắt bớt" in note
    assert tables.sparql_table({"form": "ASK", "boolean": True})[1] == [["ĐÚNG (có)"]]


@pytest.mark.parametrize("name, expected", [
    ("ke_hoach.txt", "ke_hoach.txt"),
    ("Kế hoạch Lào Cai 2024.TXT", "Kế_hoạch_Lào_Cai_2024.txt"),
    (unicodedata.normalize("NFD", "Kế hoạch.md"), "Kế_hoạch.md"),
    ("ke hoach (ban 2)!.txt", "ke_hoach_ban_2.txt"),
    ("Kế hoạch 86.PDF", "Kế_hoạch_86.pdf"),
    ("ke hoach.docx", "ke_hoach.docx"),
    ("ke-hoach-cu.doc", "ke-hoach-cu.doc"),
])
def test_safe_document_name(name, expected):
    assert safe_document_name(name) == unicodedata.normalize("NFC", expected)


@pytest.mark.parametrize("name", ["../../x.txt", "a/b.txt", "..\\x.txt", "C:x.txt", ".hidden.txt", "x.exe", "x.pdf.png",
                                  "", "   ", "!!!.txt", "x.txt\x00.md"])
def test_unsafe_document_names_are_rejected(name):
    with pytest.raises(UploadRejected) as info:
        safe_document_name(name)
    assert info.value.message


def test_viewer_reads_only_registered_documents(kg):
    library = DocumentLibrary(kg, DATA_DIR)
    page = library.render("000_b6c86109a8f1a47b.txt", 66)
    assert 'id="L66" class="line hl"' in page and "scrollIntoView" in page
    assert library.render("000_b6c86109a8f1a47b.txt", 10**6) is not None  # out-of-range line: no highlight
    for bad in ("../pyproject.toml", "pyproject.toml", "..", "", "/etc/passwd", "conftest.py"):
        assert library.path_of(bad) is None
        assert library.render(bad, 1) is None


DAK_LAK_PDF, QUANG_TRI_DOCX = "ke_hoach_dak_lak_2024.pdf", "ke_hoach_quang_tri_2024.docx"  # conftest's office_plans


def _lines(page: str) -> list[tuple[str, str]]:
    """(kind, id or text) of the viewer's rows in order: ("page", "Trang 3") or ("line", "L13")."""
    return [("page", m.group(1)) if m.group(1) else ("line", m.group(2))
            for m in re.finditer(r'<div class="page"[^>]*>(Trang \d+)</div>|<div id="(L\d+)"', page)]


def test_viewer_shows_the_converted_text_of_a_pdf_with_its_pages(office_kg, office_plans):
    library = DocumentLibrary(office_kg, DATA_DIR)
    page = library.render(DAK_LAK_PDF, 13, title="Kế hoạch 86/KH-UBND")
    text = office_kg.converted_text(DAK_LAK_PDF)
    rows = _lines(page)
    assert [r for r in rows if r[0] == "page"] == [("page", "Trang 1"), ("page", "Trang 2"), ("page", "Trang 3")]
    assert rows[0] == ("page", "Trang 1")
    first_of_page_3 = text["pages"].index(3) + 1
    assert rows[rows.index(("page", "Trang 3")) + 1] == ("line", f"L{first_of_page_3}")
    assert len([r for r in rows if r[0] == "line"]) == len(text["lines"])
    assert 'id="L13" class="line hl" aria-current="location"' in page
    assert "Tỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử đạt 100%" in page  # text, not PDF bytes
    assert "PDF · 3 trang" in page and "trang 3, dòng 13" in page and "pdfplumber" in page
    assert f'href="{DAK_LAK_PDF}/ban-goc" download>Tải tệp gốc</a>' in page
    assert 'class="line ocr-low' not in page and "đọc bằng OCR" not in page
    assert library.original(DAK_LAK_PDF) == (library.upload_dir / DAK_LAK_PDF, "application/pdf")
    assert library.original(DAK_LAK_PDF)[0].read_bytes() == office_plans[DAK_LAK_PDF].read_bytes()


def test_viewer_shows_the_converted_text_of_a_word_document(office_kg):
    library = DocumentLibrary(office_kg, DATA_DIR)
    page = library.render(QUANG_TRI_DOCX, 9)
    assert "Word (.docx)" in page and '<div class="page"' not in page
    assert 'id="L9" class="line hl"' in page and "Tỷ lệ trạm y tế xã có hồ sơ sức khỏe điện tử đạt 90%" in page
    assert len(_lines(page)) == len(office_kg.converted_text(QUANG_TRI_DOCX)["lines"])
    assert library.original(QUANG_TRI_DOCX)[1].endswith("wordprocessingml.document")


def test_viewer_marks_ocr_lines_of_low_confidence(tmp_path, office_plans):
    from dataclasses import replace

    from ingest.pipeline import DocumentReader
    from kg.service import KnowledgeGraph
    doc = DocumentReader().read_path(office_plans[DAK_LAK_PDF])
    confidence = tuple(0.62 if n == 13 else 0.95 for n in range(1, len(doc.source.lines) + 1))
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        graph.ingest_extraction(replace(doc, source=replace(doc.source, ocr_confidence=confidence)),
                                office_plans[DAK_LAK_PDF].read_bytes())
        page = DocumentLibrary(graph, DATA_DIR).render(DAK_LAK_PDF, 13)
    finally:
        graph.close()
    assert 'id="L13" class="line hl ocr-low" aria-current="location" tabindex="-1" ' \
           'title="đọc bằng OCR, độ tin cậy 62%"' in page
    assert 'id="L12" class="line" title="đọc bằng OCR, độ tin cậy 95%"' in page
    assert page.count("ocr-low") == 1 + page.count(".ocr-low")  # one marked line, plus the style rules
    assert "bản quét, đọc bằng OCR" in page


def test_viewer_of_an_older_store_reads_plain_text_files_only(tmp_path, seed_files, office_plans):
    """A store built before texts were kept: a .txt is its own converted text; a PDF is not shown."""
    from kg.service import KnowledgeGraph
    graph = KnowledgeGraph(tmp_path / "store")
    try:
        assert all(o.ok for o in graph.ingest([seed_files[0], office_plans[DAK_LAK_PDF]]))
        for kept in (graph.dir / "texts").iterdir():
            kept.unlink()
        library = DocumentLibrary(graph, DATA_DIR)
        page = library.render(seed_files[0].name, 66)
        assert page and 'id="L66" class="line hl"' in page and "Tỷ lệ dân số có hồ sơ sức khỏe điện tử" in page
        assert library.render(DAK_LAK_PDF, 13) is None
        assert library.original(DAK_LAK_PDF)[1] == "application/octet-stream"  # still downloadable
    finally:
        graph.close()


def test_matrix_counts_named_agencies(engine):
    from ui.graphs import matrix_html, matrix_scopes, responsibility_matrix
    agencies, columns, counts, _ = responsibility_matrix(engine.catalog, "all", "chủ trì")
    assert "Sở Y tế" in agencies and {"Ninh Bình", "Bắc Giang", "Khánh Hòa"} <= set(columns)
    assert all(len(row) == len(columns) for row in counts)
    scopes = dict((v, k) for k, v in matrix_scopes(engine.catalog))
    assert "tinh:Ninh Bình" in scopes
    agencies, columns, _, caption = responsibility_matrix(engine.catalog, "tinh:Ninh Bình", "*")
    assert agencies and "Ninh Bình" in caption and "Ninh Bình" not in columns  # columns are pillars
    assert "Không có phân công nào" in matrix_html(engine.catalog, "tinh:Không có", "chủ trì")  # empty: a message
    table = matrix_html(engine.catalog, "all", "chủ trì")
    assert table.count("<tr><th scope='row'>") == len(responsibility_matrix(engine.catalog, "all", "chủ trì")[0])


def test_answer_graph_prefers_direct_items(engine):
    from ui.graphs import answer_graph, answer_svg
    answer = engine.ask("Sở Y tế chủ trì những chỉ tiêu nào?")
    graph = answer_graph(answer)
    direct = [i for i in answer["items"] if not i["via_group"]]
    assert graph.shown == len(direct) and graph.group_left_out == len(answer["items"]) - len(direct)
    kinds = {n.kind for n in graph.nodes.values()}
    assert kinds == {"province", "document", "item", "agency"}
    svg = answer_svg(answer)
    assert svg.count("<line ") == len(graph.edges) and svg.count("class='dtikg-node ") == len(graph.nodes)
    # Plans by name, agencies with their province, items by their words; no file name anywhere.
    labels = [n.label for n in graph.nodes.values()]
    assert "Sở Y tế (Ninh Bình)" in labels and "Sở Y tế" not in labels
    documents = [n for n in graph.nodes.values() if n.kind == "document"]
    assert documents and not any(".txt" in n.label + n.hover for n in graph.nodes.values())
    items = [n.label for n in graph.nodes.values() if n.kind == "item"]
    assert all(len(label) > 12 and " " in label for label in items), items  # "IV.8 Tỷ lệ dân số có…", not "IV.8"


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("[::1]", True), ("127.8.0.1", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False)])
def test_loopback_hosts(host, loopback):
    from ui.app import is_loopback
    assert is_loopback(host) is loopback


def test_auth_values():
    from ui.app import parse_auth
    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("an:mat:khau") == ("an", "mat:khau")
    for bad in ("an", ":x", "an:"):
        with pytest.raises(ValueError):
            parse_auth(bad)


def test_serve_refuses_a_public_host_without_a_password(monkeypatch, capsys, tmp_path):
    from ui.app import serve
    monkeypatch.delenv("DTIKG_AUTH", raising=False)
    assert serve(host="0.0.0.0", port=7999, store=tmp_path / "never-built") == 2
    err = capsys.readouterr().err
    assert "--auth" in err and "mật khẩu" in err
    assert not (tmp_path / "never-built").exists()
    assert serve(host="127.0.0.1", port=7999, store=tmp_path / "never-built", auth="khong-dung") == 2


def test_the_matrix_counts_by_the_role_groups_the_answers_use(engine):
    """"chủ trì" in the matrix is "chủ trì" in an answer: chủ trì, chủ trì theo dõi, đánh giá and
    chủ trì tổng hợp (ontology.lexicon.role_group), said in the caption."""
    from ui.graphs import responsibility_matrix
    agencies, columns, counts, caption = responsibility_matrix(engine.catalog, "all", "chủ trì")
    assert "gồm chủ trì, chủ trì tổng hợp, chủ trì theo dõi, đánh giá" in caption
    for agency, province in (("Sở Y tế", "Bắc Giang"), ("Văn phòng UBND tỉnh", "Thanh Hóa")):
        question = f"{agency} {province} chủ trì những chỉ tiêu, nhiệm vụ nào?"
        answer = engine.ask(question, as_of=date(2024, 12, 31))
        held = sum(1 for i in answer["items"] if not i["via_group"] and i["kind"] != "duty")
        assert counts[agencies.index(agency)][columns.index(province)] == held, question


def test_each_sample_sparql_query_agrees_with_stats(engine):
    """The SPARQL tab's sample queries count what `dtikg stats` counts (a province's label stands
    in several graphs: a count over it must count distinct items)."""
    from kg.sparql import run_readonly
    from ui.app import SPARQL_EXAMPLES
    stats = engine.kg.stats()
    by_province = {}
    for d in stats["documents"]:
        by_province[d["province"]] = by_province.get(d["province"], 0) + d["indicators"]
    per_province, items, triples, ask = (run_readonly(engine.kg.store, q) for q in SPARQL_EXAMPLES)
    assert {r["tinh"]: int(r["so_muc"]) for r in per_province["rows"]} == {p: n for p, n in by_province.items() if n}
    rows = [(r["so"], r["noi_dung"]) for r in items["rows"]]
    assert len(rows) == len(set(rows)) == 20
    assert sum(int(r["so_bo_ba"]) for r in triples["rows"]) == stats["triples"]
    assert ask["boolean"] is True


def test_the_table_shows_what_the_answer_counts_and_groups_apart(engine):
    answer = engine.ask("Sở Y tế chủ trì những chỉ tiêu nào?")
    rows = tables.answer_rows(answer)
    page = tables.rows_html(rows)
    counted, _, grouped = page.partition("Giao chung cho nhóm cơ quan — không tính vào số của câu trả lời")
    assert counted.count("<tr>") - 1 == answer["count"] == 7
    assert grouped.count("<tr>") - 1 == sum(1 for i in answer["items"] if i["via_group"]) > 0
    summary = tables.summary_text(rows, rows)
    assert summary.startswith("Hiển thị 7 mục câu trả lời tính đến") and "giao chung cho nhóm" in summary
    one = tables.filter_rows(rows, "Ninh Bình")
    assert tables.summary_text(one, rows).startswith("Hiển thị 3/7 mục câu trả lời tính đến, theo bộ lọc")


def test_the_timeline_sorts_items_by_when_they_fall_due(engine):
    from ui.timeline import due_items, quarter_of, sections, timeline_html
    assert quarter_of(date(2023, 11, 15))[2] == "Quý IV/2023" and quarter_of(date(2024, 3, 31))[1] == date(2024, 3, 31)
    parts = sections(due_items(engine.catalog), date(2023, 11, 15))
    this_quarter, past, later, ongoing, _ = (sum(len(v) for v in p.values()) for p in parts.values())
    assert list(parts)[0] == "Đến hạn trong quý này (Quý IV/2023)"
    assert "Quý IV/2023" in parts[list(parts)[0]] and "Tháng 10/2023" in parts[list(parts)[0]]
    assert past and later and ongoing and "Thường xuyên" in parts["Thường xuyên, hằng năm"]
    # Everything of the 2023–2024 plans is past due three years on, but the continuous items.
    later_now = sections(due_items(engine.catalog), date(2026, 12, 1))
    assert not any(later_now["Sắp tới"].values())
    one = due_items(engine.catalog, "Ninh Bình", "Sở Y tế", "chủ trì")
    assert one and all(i.province == "Ninh Bình" and any("Sở Y tế" in r for r in i.roles) for i in one)
    page = timeline_html(engine.catalog, date(2023, 11, 15), "Ninh Bình", "Sở Y tế", "chủ trì")
    assert "tai-lieu/000_b6c86109a8f1a47b.txt?dong=" in page and "000_b6c86109a8f1a47b.txt, dòng" not in page


def test_matrix_text_keeps_its_contrast():
    """Each heat-map shade takes the text colour that contrasts more; both reach WCAG AA (4.5:1)."""
    from ui.graphs import HEAT, _luminance, text_colour
    for shade in HEAT:
        a, b = sorted((_luminance(shade), _luminance(text_colour(shade))))
        assert (b + 0.05) / (a + 0.05) >= 4.5, shade


def test_every_role_has_a_colour_of_its_own():
    """The graph's role colours stay apart, the three 'chủ trì…' roles included."""
    from itertools import combinations
    from ontology import codelists
    from ui.graphs import ROLE_COLORS
    rgb = {r: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for r, c in ROLE_COLORS.items()}
    assert {c.label for c in codelists.roles() if not c.notation.startswith(("team", "inspected"))} <= set(rgb)
    for (a, x), (b, y) in combinations(rgb.items(), 2):
        assert sum((i - j) ** 2 for i, j in zip(x, y)) ** 0.5 >= 100, (a, b)


def test_plan_view_lists_a_whole_plan_and_filters_it(engine):
    """A plan page's items are the plan's items as answers list them; each filter keeps what it says."""
    from ui.plans import NO_DEADLINE, PlanFilters, counts_text, plan_view
    file = "001_d97555f28587097e.txt"
    every = plan_view(engine.catalog, engine.answerer, file)
    items = [i for i in engine.catalog.items.values() if i.file == file]
    assert every.name == "KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa" and len(every.rows) == len(items)
    assert counts_text(every.counts).startswith("99 chỉ tiêu, 17 chỉ tiêu thành phần")
    assert [b["label"] for b in every.bases if b["basis"]][0].startswith("Quyết định số 922/QĐ-BTTTT")
    assert [r["line"] for r in every.rows] == sorted(r["line"] for r in every.rows)
    pillar = plan_view(engine.catalog, engine.answerer, file, PlanFilters(pillar="Hạ tầng số"))
    assert len(pillar.rows) == sum(i.pillar == "Hạ tầng số" for i in items) > 0
    led = plan_view(engine.catalog, engine.answerer, file, PlanFilters(role="chủ trì", agency="Sở Nội vụ"))
    answer = engine.ask("Ở Khánh Hòa, Sở Nội vụ chủ trì thực hiện những chỉ tiêu nào?")
    indicators = [r for r in led.rows if r["kind"] in ("chỉ tiêu", "chỉ tiêu thành phần")]  # what the question asks
    assert len(indicators) == answer["count"] > 0 and len(led.rows) > len(indicators)
    undated = plan_view(engine.catalog, engine.answerer, file, PlanFilters(due=NO_DEADLINE))
    assert len(undated.rows) == sum(not i.deadline_kind for i in items)
    assert plan_view(engine.catalog, engine.answerer, "khong-co.txt") is None
    assert PlanFilters.from_query({"tru-cot": " Hạ tầng số ", "la": "x"}) == PlanFilters(pillar="Hạ tầng số")
    assert PlanFilters(pillar="Hạ tầng số", due="Quý I/2024").query() == \
        "tru-cot=H%E1%BA%A1+t%E1%BA%A7ng+s%E1%BB%91&thoi-han=Qu%C3%BD+I%2F2024"


def test_plan_workbook_has_a_sheet_per_appendix(engine, tmp_path):
    from datetime import date

    from openpyxl import load_workbook
    from ui.plans import appendix_workbook, plan_view, workbook_name
    view = plan_view(engine.catalog, engine.answerer, "004_85549b70ab301922.txt")
    assert workbook_name(view) == \
        "ke-hoach-kiem-tra-ket-qua-thuc-hien-nhiem-vu-va-cac-chi-tieu-ve-chuyen-phu-luc.xlsx"
    wb = load_workbook(appendix_workbook(view, tmp_path / "x.xlsx", date(2026, 12, 1)))
    assert wb.sheetnames == ["Phụ lục 1", "Phụ lục 2", "Tất cả các mục", "Văn bản"]
    assert wb["Tất cả các mục"].max_row == len(view.every) + 1
    assert wb["Văn bản"]["B1"].value == view.name and wb["Văn bản"]["B6"].value == "01/12/2026"


def test_sheet_names_are_ones_excel_takes():
    from ui.tables import sheet_name
    taken: set[str] = set()
    assert sheet_name("Phụ lục 1: A/B [x]", taken) == "Phụ lục 1 A B x"
    assert sheet_name("phụ lục 1 a b x", taken) == "phụ lục 1 a b x (2)"
    long = sheet_name("x" * 40, taken)
    assert len(long) == 31 and len(sheet_name("x" * 40, taken)) == 31 and len(taken) == 4


def test_a_long_table_shows_its_first_rows_and_says_so():
    from ui.tables import downloads_html, rows_html
    rows = [{"province": "Ninh Bình", "kind": "chỉ tiêu", "number": str(n), "label": f"Mục {n}", "roles": ["chủ trì"],
             "via_group": False, "predecessor": "", "agencies": [], "deadline": "", "target": "", "grounds": [],
             "document": "a.txt", "line": n, "quote": "", "page": None, "citation": f"KH 1 (Ninh Bình), dòng {n}"}
            for n in range(1, 1235)]
    page = rows_html(rows, limit=300)
    assert page.count("<tr><td>") == 300 and "Bảng hiện 300 mục đầu trong 1.234 mục" in page
    assert "Bảng hiện" not in rows_html(rows[:300], limit=300)
    links = downloads_html("k_1", "Ninh Bình", "Tất cả vai trò")
    assert "href='xuat/k_1.xlsx?tinh=Ninh+B%C3%ACnh'" in links and "href='xuat/k_1.json'" in links
    assert downloads_html(None) == ""


def test_file_stems_keep_whole_words():
    from datetime import date

    from ui.tables import export_name, slug
    assert slug("KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa", 30) == "kh-11252-kh-ubnd-ngay-30-10"
    assert slug("???", 10) == "" and export_name("???", date(2026, 12, 1)) == "ket-qua-hoi-dap-01-12-2026"
    long = export_name("Những chỉ tiêu nào của tỉnh Khánh Hòa phải hoàn thành trong Quý IV năm 2023 " * 2,
                       date(2026, 12, 1))
    assert long == "nhung-chi-tieu-nao-cua-tinh-khanh-hoa-phai-hoan-thanh-trong-01-12-2026"  # 59 + "-quy" > 60
