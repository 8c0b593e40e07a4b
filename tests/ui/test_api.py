"""Every endpoint of the running web app through gradio_client, and the source viewer route."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"
HA_GIANG_PLAN = """UBND TỈNH HÀ GIANG

Số: 12/KH-UBND

Hà Giang, ngày 2 tháng 2 năm 2024

KẾ HOẠCH

Chuyển đổi số tỉnh Hà Giang năm 2024

Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành
1.\tTỷ lệ bệnh viện tuyến huyện dùng bệnh án điện tử đạt 60%.\tSở Y tế\tUBND các huyện, thành phố\tTháng 10/2024
2.\tTỷ lệ hộ gia đình có cáp quang đạt 85%.\tSở Thông tin và Truyền thông\tViettel Hà Giang\tTháng 12/2024
"""


@pytest.fixture(scope="module")
def client(web_server):
    from gradio_client import Client
    return Client(web_server, verbose=False)


@pytest.fixture(scope="module")
def upload_client(upload_server):
    from gradio_client import Client
    return Client(upload_server, verbose=False)


@pytest.fixture(scope="module")
def answer(client):
    return client.predict(QUESTION, api_name="/ask")


def test_endpoints_are_named(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert names == {"/ask", "/hoi_theo_ngay", "/loc_ket_qua", "/ma_tran_trach_nhiem", "/thoi_han",
                     "/danh_sach_van_ban", "/nap_van_ban", "/sparql"}


def test_ask_returns_the_contract_object(answer, engine):
    assert set(answer) >= {"question", "answer", "count", "items"}
    assert answer["question"] == QUESTION and answer["count"] == 7
    assert answer == engine.ask(QUESTION)
    direct = {i["province"] for i in answer["items"] if not i["via_group"]}
    assert direct == {"Ninh Bình", "Bắc Giang", "Thanh Hóa"}
    item = answer["items"][0]
    assert set(item["source"]) == {"document", "line", "text", "page", "citation"}


@pytest.mark.parametrize("question", ["", "   ", "<script>alert(1)</script>", "?" * 5000, "ĐÂY LÀ GÌ"])
def test_ask_any_string_gets_an_answer(client, question):
    result = client.predict(question, api_name="/ask")
    assert isinstance(result, dict) and isinstance(result["answer"], str) and isinstance(result["items"], list)


def test_filters_and_downloads(client, answer, web_server):
    """/loc_ket_qua: the summary, the table and links to the rows as Excel and CSV (under the
    filters, named after the question and the day) and to the answer as JSON, made when fetched."""
    from openpyxl import load_workbook
    summary, html, links = client.predict(answer, "Ninh Bình", "chủ trì", api_name="/loc_ket_qua")
    rows = [r for r in answer["items"] if r["province"] == "Ninh Bình" and "chủ trì" in r["roles"]]
    counted = [r for r in answer["items"] if not r["via_group"]]
    assert f"{sum(not r['via_group'] for r in rows)}/{len(counted)} mục câu trả lời tính đến" in summary
    assert "Bắc Giang" not in html and "tai-lieu/000_b6c86109a8f1a47b.txt?dong=66#L66" in html
    hrefs = dict((label, href.replace("&amp;", "&")) for href, label in
                 re.findall(r"href='([^']+)'[^>]*>([^<]+)</a>", links))
    today = date.today()
    stem = f"so-y-te-chu-tri-nhung-chi-tieu-nao-{today.day:02d}-{today.month:02d}-{today.year}"
    with httpx.Client(base_url=web_server, timeout=30) as http:
        xlsx = http.get(hrefs["Tải Excel (.xlsx)"])
        csv_file = http.get(hrefs["Tải CSV"])
        whole = http.get(hrefs["Câu trả lời dạng JSON"])
        gone = http.get("/xuat/khong-con-nua.xlsx")
    assert xlsx.headers["content-disposition"] == f'attachment; filename="{stem}.xlsx"'  # the question and the day
    assert csv_file.headers["content-disposition"] == f'attachment; filename="{stem}.csv"'
    sheet = load_workbook(io.BytesIO(xlsx.content))["Kết quả"]
    assert sheet.max_row == len(rows) + 1
    assert {sheet.cell(row=n, column=1).value for n in range(2, sheet.max_row + 1)} == {"Ninh Bình"}
    data = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"), newline="")))
    assert data[0][0] == "Tỉnh" and len(data) == len(rows) + 1
    assert whole.json() == answer
    assert gone.status_code == 404 and "Hãy đặt lại câu hỏi" in gone.text
    summary, html, _ = client.predict(answer, "Tất cả các tỉnh", "Tất cả vai trò", api_name="/loc_ket_qua")
    grouped = sum(1 for i in answer["items"] if i["via_group"])
    assert summary == (f"Hiển thị {answer['count']} mục câu trả lời tính đến (và {grouped} mục giao chung cho nhóm "
                       "cơ quan, bảng riêng bên dưới).")
    counted_part, _, grouped_part = html.partition("Giao chung cho nhóm cơ quan — không tính vào số")
    assert "(qua nhóm)" not in counted_part and grouped_part.count("(qua nhóm)") == grouped


def test_document_list(client, kg):
    """The library names each plan ("KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa", or its title),
    dates it dd/mm/yyyy, and keeps the file name for the last column only."""
    frame = client.predict(api_name="/danh_sach_van_ban")
    headers = frame["headers"]
    assert headers[:2] == ["Kế hoạch", "Tỉnh"] and headers[-1] == "Tệp (chi tiết)"
    files = {row[-1]: dict(zip(headers, row)) for row in frame["data"]}
    stats = {d["file"]: d for d in kg.stats()["documents"]}
    assert set(files) == set(stats)
    assert files["000_b6c86109a8f1a47b.txt"]["Tỉnh"] == "Ninh Bình"
    assert files["000_b6c86109a8f1a47b.txt"]["Chỉ tiêu"] == stats["000_b6c86109a8f1a47b.txt"]["indicators"]
    khanh_hoa = files["001_d97555f28587097e.txt"]
    assert khanh_hoa["Kế hoạch"] == "KH 11252/KH-UBND ngày 30/10/2023 — Khánh Hòa"
    assert khanh_hoa["Ngày ban hành"] == "30/10/2023" and khanh_hoa["Định dạng"] == "Văn bản (.txt)"
    assert files["003_e6efca7b13e2a130.txt"]["Kế hoạch"] == \
        "Kế hoạch hoạt động của Ban chỉ đạo chuyển đổi số tỉnh Bắc Giang năm 2024"
    assert not any(name.endswith(".txt") for name in (row[0] for row in frame["data"]))


def test_matrix_endpoint(client):
    table = client.predict("tinh:Bắc Giang", "chủ trì", api_name="/ma_tran_trach_nhiem")
    assert "<caption>Tỉnh Bắc Giang: số mục theo cơ quan và trụ cột DTI" in table
    assert "<th scope='row'>Sở Thông tin và Truyền thông</th>" in table


def test_sparql_select(client):
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "SELECT ?tinh WHERE { ?p skos:prefLabel ?tinh FILTER(STR(?tinh) = \"Ninh Bình\") } LIMIT 5")
    status, frame = client.predict(query, 5, 10, api_name="/sparql")
    assert status.startswith("✓") and frame["headers"] == ["tinh"] and ["Ninh Bình"] in frame["data"]
    status, frame = client.predict("SELECT * WHERE { ?s ?p ?o }", 5, 10, api_name="/sparql")
    assert len(frame["data"]) == 10 and "cắt bớt" in status
    status, frame = client.predict("ASK { ?s ?p ?o }", 5, 10, api_name="/sparql")
    assert frame["data"] == [["ĐÚNG (có)"]]


@pytest.mark.parametrize("query, words", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "chỉ cho phép truy vấn đọc"),
    ("DROP ALL", "chỉ cho phép truy vấn đọc"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "không cho phép service"),
    ("SELEC nonsense", "không nhận ra dạng truy vấn"),
])
def test_sparql_refusals(client, kg, query, words):
    before = kg.store.triple_count()
    status, frame = client.predict(query, 5, 10, api_name="/sparql")
    assert status.startswith("✗") and words in status.lower()
    assert frame["data"] == [] and kg.store.triple_count() == before


def test_viewer_route(web_server):
    with httpx.Client(base_url=web_server, timeout=10) as http:
        page = http.get("/tai-lieu/000_b6c86109a8f1a47b.txt", params={"dong": "66"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'id="L66" class="line hl"' in page.text and "Tỷ lệ dân số có hồ sơ sức khỏe điện tử" in page.text
        assert "script-src 'nonce-" in page.headers["content-security-policy"]
        assert http.get("/tai-lieu/000_b6c86109a8f1a47b.txt", params={"dong": "abc"}).status_code == 200
        for path in ("/tai-lieu/pyproject.toml", "/tai-lieu/..%2Fpyproject.toml", "/tai-lieu/..%5Cconftest.py",
                     "/tai-lieu/%2Fetc%2Fpasswd", "/tai-lieu/.dtikg", "/tai-lieu/READY"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert "[tool" not in response.text and "root:" not in response.text


def test_upload_good_file(upload_client, upload_web_app, tmp_path):
    from gradio_client import handle_file
    plan = tmp_path / "ke hoach Ha Giang 2024.txt"
    plan.write_text(HA_GIANG_PLAN, encoding="utf-8")
    message, library, _ = upload_client.predict(handle_file(str(plan)), api_name="/nap_van_ban")
    assert message.startswith("✓") and "ke_hoach_Ha_Giang_2024.txt" in message and "2 chỉ tiêu" in message
    # the page's library names the plan and links its page; the API's library has the file too
    assert "href='van-ban/ke_hoach_Ha_Giang_2024.txt'>KH 12/KH-UBND ngày 02/2/2024 — Hà Giang</a>" in library
    assert "ke_hoach_Ha_Giang_2024.txt" in {row[-1] for row in upload_client.predict(
        api_name="/danh_sach_van_ban")["data"]}
    saved = Path(upload_web_app.kg.dir) / "documents" / "ke_hoach_Ha_Giang_2024.txt"
    assert saved.read_text(encoding="utf-8") == HA_GIANG_PLAN
    answer = upload_client.predict(QUESTION, api_name="/ask")
    cited = [i for i in answer["items"] if i["province"] == "Hà Giang"]
    assert cited and cited[0]["source"]["document"] == "ke_hoach_Ha_Giang_2024.txt"
    with httpx.Client(base_url=upload_client.src, timeout=10) as http:
        page = http.get("/tai-lieu/ke_hoach_Ha_Giang_2024.txt", params={"dong": cited[0]["source"]["line"]})
        assert page.status_code == 200 and "bệnh án điện tử" in page.text


def test_original_file_route(web_server):
    seed = Path(__file__).resolve().parents[2] / "data" / "000_b6c86109a8f1a47b.txt"
    with httpx.Client(base_url=web_server, timeout=10) as http:
        got = http.get("/tai-lieu/000_b6c86109a8f1a47b.txt/ban-goc")
        assert got.status_code == 200 and got.content == seed.read_bytes()
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in got.headers["content-security-policy"]
        assert got.headers["content-type"].startswith("text/plain")
        for path in ("/tai-lieu/pyproject.toml/ban-goc", "/tai-lieu/..%2Fpyproject.toml/ban-goc",
                     "/tai-lieu/%2Fetc%2Fpasswd/ban-goc", "/tai-lieu/READY/ban-goc", "/tai-lieu/graph/ban-goc",
                     "/tai-lieu/000_b6c86109a8f1a47b.txt.json/ban-goc"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert "[tool" not in response.text and "root:" not in response.text


def test_upload_a_word_and_a_pdf_plan(upload_client, upload_web_app, shared_dev_docs):
    """The real dev-docs plans (a PDF made from Word, a Word document) uploaded as published."""
    from gradio_client import handle_file
    for name, province in (("binh_dinh_2024.pdf", "Bình Định"), ("phu_tho_2024.docx", "Phú Thọ")):
        message, library, _ = upload_client.predict(handle_file(str(shared_dev_docs / name)), api_name="/nap_van_ban")
        assert message.startswith("✓ Đã nạp") and name in message and province in message, message
        assert f"href='van-ban/{name}'>" in library and f"— {province}</a>" in library
        assert name in {row[-1] for row in upload_client.predict(api_name="/danh_sach_van_ban")["data"]}
    answer = upload_client.predict(QUESTION, api_name="/ask")
    (binh_dinh,) = [i for i in answer["items"] if i["source"]["document"] == "binh_dinh_2024.pdf"]
    source = binh_dinh["source"]
    assert source["page"] == 5 and source["citation"] == f"KH 64/KH-UBND (Bình Định), trang 5, dòng {source['line']}"
    assert f"[{source['citation']}]" in answer["answer"]
    with httpx.Client(base_url=upload_client.src, timeout=10) as http:
        page = http.get("/tai-lieu/binh_dinh_2024.pdf", params={"dong": source["line"]})
        assert page.status_code == 200 and '<div class="page" id="trang-5"' in page.text
        assert f'id="L{source["line"]}" class="line hl"' in page.text and "Tỷ lệ trạm y tế xã" in page.text
        for name in ("binh_dinh_2024.pdf", "phu_tho_2024.docx"):
            original = http.get(f"/tai-lieu/{name}/ban-goc")
            assert original.status_code == 200 and original.content == (shared_dev_docs / name).read_bytes()
            assert f"filename*=UTF-8''{name}" in original.headers["content-disposition"]
        assert http.get("/tai-lieu/binh_dinh_2024.pdf/ban-goc").headers["content-type"] == "application/pdf"
        word = http.get("/tai-lieu/phu_tho_2024.docx").text
        assert "Word (.docx)" in word and '<div class="page"' not in word
        plan = http.get("/van-ban/binh_dinh_2024.pdf")  # an uploaded PDF has its plan page too
        assert plan.status_code == 200 and "<h1>KH 64/KH-UBND" in plan.text and "— Bình Định</h1>" in plan.text
        assert "PDF · " in plan.text and " trang · " in plan.text  # the details line: format and pages
        assert f"tai-lieu/binh_dinh_2024.pdf?dong={source['line']}#L{source['line']}" in plan.text


@pytest.mark.parametrize("name, data, words", [
    ("rong.txt", b"", "rỗng"),
    ("nhi_phan.txt", bytes(range(256)) * 8, "không phải văn bản"),
    ("khong_co_gi.txt", "Xin chào, đây không phải kế hoạch.".encode(), "không đọc được chỉ tiêu"),
    ("000_b6c86109a8f1a47b.txt", HA_GIANG_PLAN.encode(), "trùng với một văn bản có sẵn"),
])
def test_upload_bad_file_changes_nothing(upload_client, upload_web_app, tmp_path, name, data, words):
    from gradio_client import handle_file
    kept = Path(upload_web_app.kg.dir)

    def kept_files() -> dict[str, bytes]:  # originals and converted texts kept with the store
        return {str(p.relative_to(kept)): p.read_bytes() for folder in ("documents", "texts")
                for p in (kept / folder).glob("*") if p.is_file()}

    before = upload_web_app.kg.stats(), kept_files()
    path = tmp_path / name
    path.write_bytes(data)
    message, frame, _ = upload_client.predict(handle_file(str(path)), api_name="/nap_van_ban")
    assert message.startswith("✗") and words in message.lower() and "không thay đổi" in message
    assert (upload_web_app.kg.stats(), kept_files()) == before


def test_upload_size_limit(upload_web_app, tmp_path):
    from ui.app import WebApp
    small = WebApp(upload_web_app.kg, upload_web_app.engine, max_upload_bytes=100)
    try:
        path = tmp_path / "lon.txt"
        path.write_text(HA_GIANG_PLAN, encoding="utf-8")
        message, _ = small.upload(str(path))
        assert message.startswith("✗") and "quá lớn" in message
    finally:
        small.close()


def test_password_protects_the_app_and_the_viewer(protected_web_server):
    from gradio_client import Client
    url, credentials = protected_web_server
    user, password = credentials
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/tai-lieu/000_b6c86109a8f1a47b.txt").status_code == 401
        assert http.get("/tai-lieu/000_b6c86109a8f1a47b.txt/ban-goc").status_code == 401
        assert http.get("/van-ban/000_b6c86109a8f1a47b.txt").status_code == 401
        assert http.get("/van-ban/000_b6c86109a8f1a47b.txt/phu-luc.xlsx").status_code == 401
        assert http.post("/login", data={"username": user, "password": "sai"}).status_code >= 400
        assert http.post("/login", data={"username": user, "password": password}).status_code == 200
        assert http.get("/tai-lieu/000_b6c86109a8f1a47b.txt").status_code == 200
        assert http.get("/tai-lieu/000_b6c86109a8f1a47b.txt/ban-goc").status_code == 200
        assert http.get("/van-ban/000_b6c86109a8f1a47b.txt").status_code == 200
    with pytest.raises(Exception):
        Client(url, verbose=False)
    authed = Client(url, auth=credentials, verbose=False)
    assert authed.predict(QUESTION, api_name="/ask")["count"] == 7


def test_ask_on_a_day(client):
    """/hoi_theo_ngay: the page's question with the day its names are read on."""
    question = "Sở Khoa học và Công nghệ Khánh Hòa chủ trì những chỉ tiêu nào?"
    before = client.predict(question, "31/12/2024", api_name="/hoi_theo_ngay")
    after = client.predict(question, "01/3/2025", api_name="/hoi_theo_ngay")
    assert before["count"] == 0 and after["count"] > 20
    bad = client.predict(question, "hôm qua", api_name="/hoi_theo_ngay")
    assert bad["items"] == [] and "không hợp lệ" in bad["answer"]


def test_timeline_endpoint(client):
    """/thoi_han: province, agency, role and the day, as the Thời hạn tab sends them."""
    page = client.predict("Thanh Hóa", "*", "*", "15/11/2023", api_name="/thoi_han")
    assert "Đến hạn trong quý này (Quý IV/2023): 38 mục" in page and "Ninh Bình" not in page
    assert "không hợp lệ" in client.predict("*", "*", "*", "31/2/2023", api_name="/thoi_han")


def test_plan_page_and_workbook_routes(web_server):
    """`/van-ban/{file}`: a registered plan's page, filtered by the query; anything else is 404."""
    with httpx.Client(base_url=web_server, timeout=10) as http:
        page = http.get("/van-ban/004_85549b70ab301922.txt", params={"thoi-han": "Quý IV/2023"})
        assert page.status_code == 200 and "<h1>Kế hoạch kiểm tra kết quả thực hiện nhiệm vụ" in page.text
        assert "script-src 'nonce-" in page.headers["content-security-policy"]
        assert "<option value='Quý IV/2023' selected>" in page.text and "mục theo bộ lọc." in page.text
        book = http.get("/van-ban/004_85549b70ab301922.txt/phu-luc.xlsx")
        assert book.status_code == 200 and book.content[:2] == b"PK"
        assert book.headers["content-disposition"].endswith("-phu-luc.xlsx\"")
        for path in ("/van-ban/pyproject.toml", "/van-ban/..%2Fpyproject.toml", "/van-ban/READY",
                     "/van-ban/pyproject.toml/phu-luc.xlsx"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert "[tool" not in response.text
