"""Web app pieces without a server: rows, filters, exports, upload names, the viewer page,
the responsibility matrix and the safe-by-default serving rules."""
from __future__ import annotations

import csv
import unicodedata

import pytest

from kg.service import DATA_DIR
from ui import tables
from ui.documents import DocumentLibrary, UploadRejected, safe_document_name

ANSWER = {
    "question": "Sở Y tế chủ trì những chỉ tiêu nào?",
    "answer": "Sở Y tế chủ trì 2 chỉ tiêu [000_b6c86109a8f1a47b.txt, dòng 66] <b>x</b>",
    "count": 2,
    "items": [
        {"kind": "indicator", "label": "=HYPERLINK(\"http://x\") ${1+1} {{value}}", "province": "Ninh Bình",
         "roles": ["chủ trì"], "via_group": False, "number": "IV.8", "agencies": ["phối hợp: Sở A", "chủ trì: Sở Y tế"],
         "deadline": "Tháng 11/2023", "target": "trên 80%", "grounds": [],
         "source": {"document": "000_b6c86109a8f1a47b.txt", "line": 66, "text": "8.\tTỷ lệ <script>"}},
        {"kind": "task", "label": "- Nhiệm vụ chung", "province": None, "roles": ["phối hợp"], "via_group": True,
         "agencies": [], "grounds": ["Quyết định số 1/QĐ"], "source": None},
    ],
}


def test_rows_filters_and_choices():
    rows = tables.answer_rows(ANSWER)
    assert [r["province"] for r in rows] == ["Ninh Bình", None]
    assert rows[0]["agencies"][0] == "chủ trì: Sở Y tế"  # who leads comes first
    assert tables.province_choices(rows) == [tables.ALL_PROVINCES, "Ninh Bình", tables.NO_PROVINCE]
    assert tables.role_choices(rows) == [tables.ALL_ROLES, "chủ trì", "phối hợp"]
    assert len(tables.filter_rows(rows, "Ninh Bình", tables.ALL_ROLES)) == 1
    assert len(tables.filter_rows(rows, tables.NO_PROVINCE, None)) == 1
    assert len(tables.filter_rows(rows, None, "phối hợp")) == 1
    assert len(tables.filter_rows(rows, None, None, include_group=False)) == 1
    assert tables.answer_rows({"items": ["odd", None]}) == []
    assert tables.answer_rows(None) == [] and tables.answer_rows({"items": "x"}) == []
    odd = tables.answer_rows({"items": [{"roles": "chủ trì", "label": 5, "source": {"line": "x", "document": 1}}]})
    assert odd[0]["roles"] == [] and odd[0]["label"] == "5" and odd[0]["line"] is None
    assert "<table" in tables.rows_html(odd)


def test_html_is_escaped_and_links_cite_the_viewer():
    page = tables.rows_html(tables.answer_rows(ANSWER))
    assert "<script>" not in page and "${" not in page and "{{" not in page
    assert "href='tai-lieu/000_b6c86109a8f1a47b.txt?dong=66#L66'" in page
    prose = tables.answer_html(ANSWER)
    assert "<b>" not in prose and "&lt;b&gt;" in prose
    assert "href='tai-lieu/000_b6c86109a8f1a47b.txt?dong=66#L66'" in prose


def test_csv_and_xlsx_keep_text_as_text(tmp_path):
    from openpyxl import load_workbook
    rows = tables.answer_rows(ANSWER)
    with open(tables.write_csv(rows, tmp_path / "a.csv"), encoding="utf-8-sig", newline="") as fh:
        data = list(csv.reader(fh))
    assert data[0] == [h for _, h in tables.COLUMNS]
    assert data[1][3].startswith("'=HYPERLINK")  # no formula injection
    assert data[2][3] == "'- Nhiệm vụ chung"
    wb = load_workbook(tables.write_xlsx(rows, tmp_path / "a.xlsx", ANSWER["question"], ANSWER["answer"]))
    ws = wb["Kết quả"]
    assert ws.cell(row=2, column=4).data_type == "s"
    assert ws.cell(row=2, column=4).value.startswith("=HYPERLINK")
    assert ws.cell(row=2, column=12).value == 66
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
])
def test_safe_document_name(name, expected):
    assert safe_document_name(name) == unicodedata.normalize("NFC", expected)


@pytest.mark.parametrize("name", ["../../x.txt", "a/b.txt", "..\\x.txt", "C:x.txt", ".hidden.txt", "x.pdf",
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


def test_matrix_counts_named_agencies(engine):
    from ui.graphs import matrix_figure, matrix_scopes, responsibility_matrix
    agencies, columns, counts, _ = responsibility_matrix(engine.catalog, "all", "chủ trì")
    assert "Sở Y tế" in agencies and {"Ninh Bình", "Bắc Giang", "Khánh Hòa"} <= set(columns)
    assert all(len(row) == len(columns) for row in counts)
    scopes = dict((v, k) for k, v in matrix_scopes(engine.catalog))
    assert "tinh:Ninh Bình" in scopes
    agencies, columns, _, caption = responsibility_matrix(engine.catalog, "tinh:Ninh Bình", "*")
    assert agencies and "Ninh Bình" in caption and "Ninh Bình" not in columns  # columns are pillars
    assert matrix_figure(engine.catalog, "tinh:Không có", "chủ trì").layout.annotations  # empty: a message


def test_answer_graph_prefers_direct_items(engine):
    from ui.graphs import answer_figure, answer_graph
    answer = engine.ask("Sở Y tế chủ trì những chỉ tiêu nào?")
    graph = answer_graph(answer)
    direct = [i for i in answer["items"] if not i["via_group"]]
    assert graph.shown == len(direct) and graph.group_left_out == len(answer["items"]) - len(direct)
    kinds = {n.kind for n in graph.nodes.values()}
    assert kinds == {"province", "document", "item", "agency"}
    assert len(answer_figure(answer).data) > 3


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
