"""The web app in Debian's Chromium: ask, filter, download, open a citation, see the graph,
run SPARQL and be refused an update, upload a plan and find it in an answer.
Screenshots go to tests/artifacts/ui-*.png."""
from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

QUESTION = "Sở Y tế chủ trì những chỉ tiêu nào?"
FIRST_PAINT_LIMIT = 3.0
LAO_CAI_PLAN = """UBND TỈNH LÀO CAI

Số: 77/KH-UBND

Lào Cai, ngày 15 tháng 4 năm 2024

KẾ HOẠCH

Nâng cao chỉ số chuyển đổi số tỉnh Lào Cai năm 2024

Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành
1.\tTỷ lệ trạm y tế xã có bệnh án điện tử đạt 70%.\tSở Y tế\tUBND các huyện, thị xã, thành phố\tTháng 12/2024
2.\tTỷ lệ trường học sử dụng học bạ số đạt 90%.\tSở Giáo dục và Đào tạo\tSở Y tế\tTháng 9/2024
"""


@pytest.fixture
def page(chromium, request):
    """A fresh page that records every request leaving the app's own server."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.outside_requests = []
    yield pg
    context.close()


def _open(page, url: str) -> float:
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else page.outside_requests.append(r.url))
    start = time.monotonic()
    page.goto(url)
    page.get_by_label("Câu hỏi").wait_for(state="visible", timeout=15000)
    return time.monotonic() - start


def _ask(page, question: str) -> None:
    box = page.get_by_label("Câu hỏi")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "q => { const j = document.querySelector('#bang-ket-qua table'); "
        "return j && document.querySelector('#cau-tra-loi').innerText.length > 20; }", arg=question, timeout=20000)


def _provinces(page) -> list[str]:
    return page.locator("#bang-ket-qua tbody tr td:first-child").all_inner_texts()


def test_ask_filter_download_and_open_a_citation(page, web_server, artifacts):
    paint = _open(page, web_server)
    (artifacts / "ui-first-paint.txt").write_text(f"{paint:.2f} s\n", encoding="utf-8")
    assert paint < FIRST_PAINT_LIMIT, f"first paint took {paint:.2f} s"
    # Gradio's page template says lang="en"; the app's load script sets "vi" right after the first paint
    page.wait_for_function("() => document.documentElement.lang === 'vi'", timeout=5000)
    # keyboard only: the question box has the focus on load
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("#bang-ket-qua table tbody tr", timeout=20000)
    assert {"Ninh Bình", "Bắc Giang", "Thanh Hóa"} <= set(_provinces(page))
    assert "Sở Y tế chủ trì" in page.locator("#cau-tra-loi").inner_text()
    # One count everywhere: the first table holds the 7 indicators the answer counts, the items
    # reached through a group stand in a section of their own.
    assert "7 chỉ tiêu" in page.locator("#cau-tra-loi").inner_text()
    assert page.locator("#bang-ket-qua table").first.locator("tbody tr").count() == 7
    assert page.locator("#muc-giao-chung").is_visible()
    assert page.locator("#tom-tat").inner_text().startswith("Hiển thị 7 mục câu trả lời tính đến")
    understood = page.locator("#cau-tra-loi .dtikg-interpretation")  # what was understood, above the answer
    assert "Câu hỏi được hiểu là:" in understood.inner_text() and "Cơ quan: Sở Y tế" in understood.inner_text()
    shown = page.locator("#cau-tra-loi").inner_text()
    assert shown.index("Câu hỏi được hiểu là:") < shown.index("Sở Y tế chủ trì")
    page.screenshot(path=str(artifacts / "ui-hoi-dap.png"), full_page=True)

    page.locator("#loc-tinh input").click()
    page.get_by_role("option", name="Bắc Giang").click()
    page.wait_for_function("() => { const c = [...document.querySelectorAll('#bang-ket-qua tbody tr td:first-child')]"
                           ".map(e => e.innerText); return c.length && c.every(t => t === 'Bắc Giang'); }")
    assert "/" in page.locator("#tom-tat").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=str(artifacts / "ui-loc-tinh.png"), full_page=False)

    link = page.locator("#bang-ket-qua a.dtikg-source").first
    cited_line = int(link.get_attribute("href").split("dong=")[1].split("#")[0])
    with page.expect_popup() as popup:
        link.click()
    viewer = popup.value
    viewer.wait_for_load_state()
    highlighted = viewer.locator(".line.hl")
    assert highlighted.get_attribute("id") == f"L{cited_line}"
    assert "hồ sơ sức khỏe điện tử" in highlighted.inner_text()
    box = highlighted.bounding_box()
    assert box and 0 <= box["y"] < viewer.viewport_size["height"], "the cited line is scrolled into view"
    viewer.screenshot(path=str(artifacts / "ui-nguon.png"))

    page.get_by_role("tab", name="Đồ thị").click()
    page.locator("#do-thi-con svg").wait_for(timeout=15000)
    page.locator("#ma-tran table").wait_for(timeout=15000)
    assert "Sở Y tế" in page.locator("#do-thi-con").inner_text()
    page.screenshot(path=str(artifacts / "ui-do-thi.png"), full_page=True)
    assert page.outside_requests == [], "the page must not fetch anything from outside (offline)"


def test_sparql_read_and_refused_update(page, web_server, artifacts):
    _open(page, web_server)
    page.get_by_role("tab", name="SPARQL").click()
    query = page.get_by_label("Truy vấn SPARQL")
    query.fill("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
               "SELECT DISTINCT ?tinh WHERE { ?p skos:prefLabel ?tinh FILTER(STRSTARTS(STR(?tinh), \"Ninh\")) }")
    page.get_by_role("button", name="Chạy truy vấn").click()
    page.wait_for_function("() => document.querySelector('#trang-thai-sparql').innerText.includes('✓')")
    assert "Ninh Bình" in page.locator("#ket-qua-sparql").inner_text()
    page.screenshot(path=str(artifacts / "ui-sparql.png"), full_page=True)

    query.fill("DELETE WHERE { ?s ?p ?o }")
    page.get_by_role("button", name="Chạy truy vấn").click()
    page.wait_for_function("() => document.querySelector('#trang-thai-sparql').innerText.includes('✗')")
    assert "Chỉ cho phép truy vấn đọc" in page.locator("#trang-thai-sparql").inner_text()
    page.screenshot(path=str(artifacts / "ui-sparql-tu-choi.png"), full_page=True)


def test_upload_a_plan_and_find_it_in_an_answer(page, upload_server, upload_web_app, upload_in_browser, artifacts,
                                                 tmp_path):
    plan = tmp_path / "ke_hoach_lao_cai_2024.txt"
    plan.write_text(LAO_CAI_PLAN, encoding="utf-8")
    _open(page, upload_server)
    assert "Lào Cai" in upload_in_browser(page, plan)
    page.wait_for_function("() => document.querySelector('#danh-sach-van-ban').innerText"
                           ".includes('KH 77/KH-UBND ngày 15/4/2024 — Lào Cai')")
    page.screenshot(path=str(artifacts / "ui-van-ban.png"), full_page=True)

    page.get_by_role("tab", name="Hỏi đáp").click()
    _ask(page, QUESTION)
    page.wait_for_function("() => document.querySelector('#bang-ket-qua').innerText.includes('Lào Cai')")
    assert "Lào Cai" in _provinces(page)
    page.screenshot(path=str(artifacts / "ui-tai-len-hoi-dap.png"), full_page=True)


def test_upload_word_and_pdf_plans_and_open_a_cited_page(page, upload_server, upload_in_browser, office_plans,
                                                         artifacts):
    """Plans as provinces publish them: a Word document and a PDF whose indicator table is on page 3.
    The answer cites each plan by its number (the PDF with its page); the citation opens the viewer
    at the cited line of the converted text, under its "Trang 3" marker."""
    _open(page, upload_server)
    for path, province in ((office_plans["ke_hoach_quang_tri_2024.docx"], "Quảng Trị"),
                           (office_plans["ke_hoach_dak_lak_2024.pdf"], "Đắk Lắk")):
        assert province in upload_in_browser(page, path)
    page.screenshot(path=str(artifacts / "ui-tai-len-docx-pdf.png"), full_page=True)

    page.get_by_role("tab", name="Hỏi đáp").click()
    _ask(page, QUESTION)
    page.wait_for_function("() => { const t = document.querySelector('#bang-ket-qua').innerText; "
                           "return t.includes('Đắk Lắk') && t.includes('Quảng Trị'); }")
    assert {"Đắk Lắk", "Quảng Trị"} <= set(_provinces(page))
    prose = page.locator("#cau-tra-loi").inner_text()
    assert "[KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13]" in prose and "[KH 45/KH-UBND (Quảng Trị), dòng 9]" in prose
    assert ".pdf" not in prose and ".docx" not in prose
    page.screenshot(path=str(artifacts / "ui-trich-dan-trang.png"), full_page=True)

    cite = page.locator("#cau-tra-loi a.dtikg-cite", has_text="KH 86/KH-UBND (Đắk Lắk), trang 3, dòng 13")
    assert cite.get_attribute("href") == "tai-lieu/ke_hoach_dak_lak_2024.pdf?dong=13#L13"
    with page.expect_popup() as popup:
        cite.click()
    viewer = popup.value
    viewer.wait_for_load_state()
    highlighted = viewer.locator(".line.hl")
    assert highlighted.get_attribute("id") == "L13"
    assert "bệnh án điện tử" in highlighted.inner_text()
    marker = viewer.evaluate("() => { let e = document.querySelector('.line.hl');"
                             " while (e && !e.classList.contains('page')) e = e.previousElementSibling;"
                             " return e && e.innerText; }")
    assert marker == "Trang 3"
    assert viewer.locator(".page").all_inner_texts() == ["Trang 1", "Trang 2", "Trang 3"]
    box = highlighted.bounding_box()
    assert box and 0 <= box["y"] < viewer.viewport_size["height"], "the cited line is scrolled into view"
    viewer.screenshot(path=str(artifacts / "ui-nguon-pdf-trang-3.png"))
    with viewer.expect_download() as download:
        viewer.get_by_role("link", name="Tải tệp gốc").click()
    assert download.value.suggested_filename == "ke_hoach_dak_lak_2024.pdf"
    assert open(download.value.path(), "rb").read() == office_plans["ke_hoach_dak_lak_2024.pdf"].read_bytes()

    link = page.locator("#bang-ket-qua a.dtikg-source", has_text="KH 45/KH-UBND (Quảng Trị), dòng 9")
    with page.expect_popup() as popup:
        link.click()
    word = popup.value
    word.wait_for_load_state()
    assert word.locator(".line.hl").get_attribute("id") == "L9"
    assert "hồ sơ sức khỏe điện tử" in word.locator(".line.hl").inner_text()
    assert word.locator(".page").count() == 0 and "Word (.docx)" in word.locator("header").inner_text()
    word.screenshot(path=str(artifacts / "ui-nguon-docx.png"))


def test_names_of_a_day_and_the_matrix_by_todays_agencies(page, web_server, artifacts):
    """The 'Tên gọi tính đến ngày' box: before 1/3/2025 Sở KH&CN of Khánh Hòa holds none of the
    plan's indicators, today it carries on those of the former Sở TT&TT, said row by row; the
    matrix can count by today's agencies and provinces."""
    _open(page, web_server)
    question = "Sở Khoa học và Công nghệ Khánh Hòa chủ trì những chỉ tiêu nào?"
    page.get_by_label("Tên gọi tính đến ngày").fill("31/12/2024")
    box = page.get_by_label("Câu hỏi")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#cau-tra-loi').innerText.includes('31/12/2024')",
                           timeout=20000)
    assert " 0 chỉ tiêu ở Khánh Hòa" in page.locator("#cau-tra-loi").inner_text()
    page.get_by_label("Tên gọi tính đến ngày").fill("")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#cau-tra-loi').innerText.includes('01/3/2025')",
                           timeout=20000)
    shown = page.locator("#cau-tra-loi").inner_text()
    assert "Sở Thông tin và Truyền thông (Khánh Hòa) → Sở Khoa học và Công nghệ (Khánh Hòa) từ 01/3/2025" in shown
    assert "(giao cho Sở Thông tin và Truyền thông (Khánh Hòa))" in page.locator("#bang-ket-qua").inner_text()
    page.screenshot(path=str(artifacts / "ui-sap-xep-2025.png"), full_page=False)

    page.get_by_label("Tên gọi tính đến ngày").fill("32/1/2025")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#cau-tra-loi').innerText.includes('không hợp lệ')",
                           timeout=20000)

    page.get_by_role("tab", name="Đồ thị").click()
    page.locator("#ma-tran table").wait_for(timeout=15000)
    assert "Sở Thông tin và Truyền thông" in page.locator("#ma-tran").inner_text()
    page.get_by_label("Gộp theo cơ quan, tỉnh hiện nay (sau sắp xếp năm 2025)").check()
    page.wait_for_function("() => document.querySelector('#ma-tran').innerText.includes('theo cơ quan, tỉnh tại ngày')",
                           timeout=15000)
    matrix = page.locator("#ma-tran").inner_text()
    assert "Sở Khoa học và Công nghệ" in matrix and "Sở Thông tin và Truyền thông" not in matrix
    assert "Bắc Ninh" in matrix and "Bắc Giang" not in matrix
    page.screenshot(path=str(artifacts / "ui-ma-tran-hien-nay.png"), full_page=True)


def test_deadlines_on_a_timeline(page, web_server, artifacts):
    """The Thời hạn tab: as of 15/11/2023, what falls due in Quý IV/2023, filtered by province,
    agency and role; a source opens its line."""
    _open(page, web_server)
    page.get_by_role("tab", name="Thời hạn").click()
    page.get_by_label("Tính đến ngày").last.fill("15/11/2023")
    page.get_by_label("Tính đến ngày").last.press("Enter")
    page.wait_for_function("() => document.querySelector('#dong-thoi-gian').innerText.includes('ngày 15/11/2023')",
                           timeout=15000)
    view = page.locator("#dong-thoi-gian")
    assert "Đến hạn trong quý này (Quý IV/2023): 62 mục" in view.inner_text()
    page.screenshot(path=str(artifacts / "ui-thoi-han.png"), full_page=False)
    page.locator("#thoi-han-tinh input").click()
    page.get_by_role("option", name="Ninh Bình").click()
    page.wait_for_function("() => !document.querySelector('#dong-thoi-gian').innerText.includes('Thanh Hóa')",
                           timeout=15000)
    assert "Đến hạn trong quý này (Quý IV/2023): 24 mục" in view.inner_text()
    link = view.locator("a.dtikg-source").first
    with page.expect_popup() as popup:
        link.click()
    viewer = popup.value
    viewer.wait_for_load_state()
    assert viewer.locator(".line.hl").count() == 1
