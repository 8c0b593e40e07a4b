"""Hostile text: markup and SPARQL inside a document are shown as text and never run (checked in
Chromium); SPARQL inside a question never reaches a query; the SPARQL tab refuses updates,
SERVICE and queries over its time limit; upload names cannot leave the app's folder."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Literal, URIRef

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SVG = '<svg onload="window.__pwned=3">'
LINK = "[bấm vào đây](javascript:window.__pwned=4)"
SPARQL_TEXT = "DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } \\u0022 } } ; CLEAR ALL #"
TEMPLATE = "${window.__pwned=7} {{7+7}} `x`"
TARGET_MARKUP = '<img src=y onerror="window.__pwned=5"> [mục tiêu](javascript:window.__pwned=6)'
HOSTILE_PLAN = f"""UBND TỈNH CAO BẰNG

Số: 45/KH-UBND

Cao Bằng, ngày 3 tháng 3 năm 2024

KẾ HOẠCH

Chuyển đổi số tỉnh Cao Bằng năm 2024

I. MỤC TIÊU
- Đạt {TARGET_MARKUP} 75% hồ sơ.

II. CHỈ TIÊU
Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành
1.\tTỷ lệ hồ sơ {SCRIPT} được số hóa đạt 90%.\tSở Tư pháp\tSở Nội vụ\tTháng 12/2024
2.\tTỷ lệ cổng {IMG} dịch vụ công đạt 80%.\tSở Tư pháp\tSở Nội vụ; Trung tâm {SVG}\tTháng 11/2024
3.\tTỷ lệ {LINK} người dân dùng ví điện tử đạt 50%.\tSở Tư pháp\tSở Nội vụ\tTháng 10/2024
4.\tTỷ lệ {SPARQL_TEXT} đạt 10%.\tSở Tư pháp\tSở Nội vụ\tTháng 9/2024
5.\tTỷ lệ mẫu {TEMPLATE} đạt 20%.\tSở Tư pháp\tSở Nội vụ\tTháng 8/2024
"""
HOSTILE_QUESTION = "Sở Tư pháp chủ trì những chỉ tiêu nào ở Cao Bằng?"
CHECK_PAGE = """() => ({
  pwned: typeof window.__pwned,
  scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
  handlers: [...document.querySelectorAll('[onerror],[onload]')].length,
  jsLinks: [...document.querySelectorAll('a[href^="javascript:" i]')].length,
})"""
CLEAN_PAGE = {"pwned": "undefined", "scripts": 0, "handlers": 0, "jsLinks": 0}


def _plain(markdown: str) -> str:
    """A status as the page shows it (Markdown escapes removed), for the report."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.browser
def test_a_hostile_document_is_shown_as_text_in_the_browser(chromium, upload_server, upload_web_app, upload_in_browser,
                                                           artifacts, reliability_log, tmp_path):
    plan = tmp_path / "ke_hoach_cao_bang_doc_hai.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    triples = upload_web_app.kg.store.triple_count()
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    page = context.new_page()
    try:
        page.goto(upload_server)
        status = upload_in_browser(page, plan)
        assert "Cao Bằng" in status and "5 chỉ tiêu" in status
        assert '<img src=y onerror="window.__pwned=5">' in status  # the unmatched target's warning quotes it
        assert page.evaluate(CHECK_PAGE) == CLEAN_PAGE
        page.screenshot(path=str(artifacts / "robustness-doc-hai-tai-len.png"), full_page=True)

        page.get_by_role("tab", name="Hỏi đáp").click()
        box = page.get_by_label("Câu hỏi")
        box.fill(HOSTILE_QUESTION)
        box.press("Enter")
        page.wait_for_function("() => document.querySelector('#bang-ket-qua').innerText.includes('Cao Bằng')",
                               timeout=30000)
        answer, table = page.locator("#cau-tra-loi").inner_text(), page.locator("#bang-ket-qua").inner_text()
        for text in (SCRIPT, IMG, LINK, SPARQL_TEXT, TEMPLATE):
            assert text in answer and text in table, text
        assert SVG in table  # the coordinating "agency" named with markup
        assert page.evaluate(CHECK_PAGE) == CLEAN_PAGE
        page.screenshot(path=str(artifacts / "robustness-doc-hai-hoi-dap.png"), full_page=True)

        page.get_by_role("tab", name="Đồ thị").click()
        page.locator("#do-thi-con svg").wait_for(timeout=15000)
        page.locator("#do-thi-con svg .dtikg-node").first.hover()
        assert page.evaluate(CHECK_PAGE) == CLEAN_PAGE
        page.get_by_role("tab", name="Hỏi đáp").click()

        link = page.locator("#bang-ket-qua a.dtikg-source", has_text="dòng").first
        with page.expect_popup() as popup:
            link.click()
        viewer = popup.value
        viewer.wait_for_load_state()
        viewer_text = viewer.locator("main").inner_text()
        for text in (SCRIPT, IMG, SVG, LINK, SPARQL_TEXT, TEMPLATE, TARGET_MARKUP):
            assert text in viewer_text, text
        assert viewer.evaluate(CHECK_PAGE) == CLEAN_PAGE
        viewer.screenshot(path=str(artifacts / "robustness-doc-hai-nguon.png"), full_page=True)
        time.sleep(0.5)  # give any late handler a chance to fire
        assert page.evaluate(CHECK_PAGE) == CLEAN_PAGE and viewer.evaluate(CHECK_PAGE) == CLEAN_PAGE
        assert dialogs == []
    finally:
        context.close()
    stored = {str(r["t"]) for r in upload_web_app.kg.store.select(
        "SELECT ?t WHERE { ?i <https://dtikg.vn/ontology#text> ?t }")}
    assert f"Tỷ lệ {SPARQL_TEXT} đạt 10%." in stored  # kept as a literal, never run
    assert upload_web_app.kg.store.triple_count() > triples
    assert not upload_web_app.kg.store.ask("ASK { <urn:a> <urn:b> <urn:c> }")
    reliability_log.append({"group": "văn bản độc hại", "case": "kế hoạch chứa <script>, <img onerror>, <svg onload>, "
                                                              "liên kết javascript: Markdown, ${…}/{{…}} và SPARQL",
                            "outcome": "hiển thị nguyên văn ở trạng thái tải lên, câu trả lời, bảng, đồ thị và trang "
                                       "nguồn; window.__pwned không tồn tại, không hộp thoại, không thẻ script/"
                                       "onerror/onload/javascript: nào; SPARQL lưu thành chữ"})


class _RecordingStore:
    """The store seen by the answerer, recording every query text and binding."""

    def __init__(self, store):
        self._store = store
        self.calls: list[tuple[str, dict]] = []

    def select(self, query, bindings=None):
        self.calls.append((query, dict(bindings or {})))
        return self._store.select(query, bindings)

    def ask(self, query, bindings=None):
        self.calls.append((query, dict(bindings or {})))
        return self._store.ask(query, bindings)

    def construct(self, query, bindings=None):
        self.calls.append((query, dict(bindings or {})))
        return self._store.construct(query, bindings)

    def __getattr__(self, name):
        return getattr(self._store, name)


BASE_QUESTIONS = ["Sở Y tế chủ trì những chỉ tiêu nào?",
                  "Ở Khánh Hòa, Sở Nội vụ chủ trì thực hiện những chỉ tiêu nào?",
                  "Quyết định 922/QĐ-BTTTT được viện dẫn bởi những tỉnh nào?",
                  "Đoàn kiểm tra số 1 ở Thanh Hóa do cơ quan nào làm trưởng đoàn?",
                  "Những chỉ tiêu nào của Thanh Hóa phải hoàn thành trong Quý I?"]
INJECTIONS = ['" } UNION { ?s ?p ?o } #', "'; DROP ALL; #", "> } ; DELETE WHERE { ?s ?p ?o } ; SELECT * WHERE { <",
              " FILTER(true) } LIMIT 100000 #", '\\" . } } INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } } #',
              " OR 1=1 --", " ?agent ?role ?item ", "\\u0022 } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #",
              "}}}}}}}}}} ((((((((", " VALUES ?agent { <urn:x> } "]


def test_questions_with_sparql_fragments_never_change_or_widen_a_query(engine, reliability_log):
    from kg.queries import names, query
    templates = {query(n) for n in names()}
    catalog_iris = set(engine.catalog.agents) | set(engine.catalog.items) | set(engine.catalog.documents)
    before = sorted(engine.kg.store.dump("nq").splitlines())
    recorder = _RecordingStore(engine.answerer.store)
    original = engine.answerer.store
    engine.answerer.store = recorder
    asked = 0
    try:
        for base in BASE_QUESTIONS:
            expected = engine.ask(base)
            for fragment in INJECTIONS:
                for question in (base + fragment, fragment + " " + base, base.rstrip("?") + fragment + "?"):
                    answer = engine.ask(question)
                    asked += 1
                    assert answer.get("intent") != "error"
                    assert (answer["count"], answer["items"]) == (expected["count"], expected["items"]), question
    finally:
        engine.answerer.store = original
    assert recorder.calls, "the answers went through the store"
    for text, bindings in recorder.calls:
        assert text in templates, text[:200]  # only prepared queries, never text built from the question
        for value in bindings.values():
            assert isinstance(value, (URIRef, Literal))
            if isinstance(value, URIRef):
                assert str(value) in catalog_iris or str(value).startswith("https://dtikg.vn/"), value
            else:
                assert not any(fragment.strip(" '\"") in str(value) for fragment in INJECTIONS), value
    assert sorted(engine.kg.store.dump("nq").splitlines()) == before
    reliability_log.append({"group": "câu hỏi độc hại", "case": f"{asked} câu hỏi = {len(BASE_QUESTIONS)} câu mẫu × "
                                                            f"{len(INJECTIONS)} mảnh SPARQL × 3 vị trí (đầu, cuối, trước dấu ?)",
                            "outcome": f"{len(recorder.calls)} truy vấn, tất cả là mẫu soạn sẵn trong kg/queries; "
                                       "giá trị gắn vào chỉ là IRI/literal của đồ thị; câu trả lời giống hệt câu "
                                       "không có mảnh SPARQL; kho không đổi"})


SPARQL_REFUSED = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "Chỉ cho phép truy vấn đọc"),
    ("DELETE WHERE { ?s ?p ?o }", "Chỉ cho phép truy vấn đọc"),
    ("DROP ALL", "Chỉ cho phép truy vấn đọc"),
    ("clear all", "Chỉ cho phép truy vấn đọc"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "Chỉ cho phép truy vấn đọc"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "Chỉ cho phép truy vấn đọc"),
    ("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "Chỉ cho phép truy vấn đọc"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1\nCREATE GRAPH <urn:g>", "Chỉ cho phép truy vấn đọc"),
    ("\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }", "Chỉ cho phép truy vấn đọc"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("ask { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE {#\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ('SELECT * WHERE { ?s ?p "\\u0022 } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } #" }', "SERVICE"),
    ("SELEC nonsense", "Không nhận ra dạng truy vấn"),
    ("", "rỗng"),
    ("SELECT * WHERE { ?s ?p ?o " + "x" * 20000 + "}", "quá dài"),
]


@pytest.mark.parametrize("text,words", SPARQL_REFUSED, ids=range(len(SPARQL_REFUSED)))
def test_the_sparql_tab_refuses_updates_and_service(web_app, reliability_log, text, words):
    before = web_app.kg.store.triple_count()
    status, frame = web_app.sparql(text, 5, 10)
    assert status.startswith("✗") and words in status, status
    assert frame.empty and web_app.kg.store.triple_count() == before
    reliability_log.append({"group": "tab SPARQL", "case": text[:90] + ("…" if len(text) > 90 else ""),
                            "outcome": _plain(status)})


def test_the_sparql_tab_stops_waiting_at_its_time_limit(web_app, reliability_log):
    from kg import sparql
    heavy = ("PREFIX dti: <https://dtikg.vn/ontology#>\nSELECT (COUNT(*) AS ?n) WHERE { ?a a dti:Indicator . "
             "?b a dti:Indicator . ?c a dti:Indicator . VALUES ?x { 1 2 3 } }")
    started = time.perf_counter()
    status, frame = web_app.sparql(heavy, 1, 10)
    waited = time.perf_counter() - started
    assert status.startswith("✗") and "quá 1 giây" in status and frame.empty
    assert waited < 3
    with sparql._OVERDUE_LOCK:
        overdue = list(sparql._OVERDUE)
    second, _ = web_app.sparql("ASK { ?s ?p ?o }", 5, 10)  # while the first one still runs
    for worker in overdue:
        worker.join(timeout=120)
    ran_on = time.perf_counter() - started - waited
    assert overdue and second.startswith("✗") and "thử lại sau" in second
    after, frame = web_app.sparql("ASK { ?s ?p ?o }", 5, 10)
    assert after.startswith("✓"), after
    reliability_log.append({"group": "tab SPARQL", "case": "COUNT trên tích Descartes 3 tập chỉ tiêu × 3, giới hạn 1 s",
                            "outcome": f"từ chối sau {waited:.1f} s; truy vấn vẫn chạy nền thêm {ran_on:.1f} s "
                                       f"(kho nhúng không huỷ được truy vấn); trong lúc đó truy vấn mới bị từ chối "
                                       f"({_plain(second)}); sau đó chạy lại bình thường"})


HOSTILE_NAMES = [
    ("../../x.txt", None), ("..\\..\\x.txt", None), ("/etc/passwd.txt", None), ("C:\\Windows\\x.txt", None),
    (".htaccess.txt", None), ("x.txt\x00.png", None), ("x.exe", None), ("tệp\u202egnp.txt", "tệp_gnp.txt"),
    ("%2e%2e%2fx.txt", "2e_2e_2fx.txt"), ("‥／x.txt", "x.txt"), ("..txt", None), ("a" * 300 + ".TXT", "a" * 100 + ".txt"),
    ("Kế hoạch số 12 (2024).md", "Kế_hoạch_số_12_2024.md"),
]


@pytest.mark.parametrize("name,saved", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_upload_names_never_leave_the_app_folder(name, saved):
    from ui.documents import UploadRejected, safe_document_name
    if saved is None:
        with pytest.raises(UploadRejected):
            safe_document_name(name)
    else:
        assert safe_document_name(name) == saved
        assert Path(saved).name == saved and not saved.startswith(".")


def test_an_upload_named_dot_dot_over_http_stays_inside(upload_server, upload_web_app, reliability_log):
    """A browser could send any file name; the app saves only under <store>/documents/."""
    upload_dir = upload_web_app.library.upload_dir.resolve()
    names = ["../../dtikg-thu-1.txt", "..%2F..%2Fdtikg-thu-2.txt", "/tmp/dtikg-thu-3.txt", "..\\..\\dtikg-thu-4.txt"]
    places = [*upload_dir.parents, Path.cwd(), Path("/tmp")]

    def escaped() -> list[Path]:
        return [d / f"dtikg-thu-{n}.txt" for d in places for n in range(1, 5) if (d / f"dtikg-thu-{n}.txt").exists()]

    assert escaped() == []
    plan = ("UBND TỈNH BẮC KẠN\n\nSố: 9/KH-UBND\n\nKẾ HOẠCH\n\n"
            "Stt\tNội dung chỉ tiêu\tĐơn vị chủ trì\tThời gian hoàn thành\n"
            "1.\tTỷ lệ hồ sơ điện tử đạt 60%.\tSở Nội vụ\tTháng 6/2024\n").encode()
    messages = {}
    with httpx.Client(base_url=upload_server, timeout=60) as http:
        for name in names:
            uploaded = http.post("gradio_api/upload", files=[("files", (name, plan, "text/plain"))])
            assert uploaded.status_code == 200, uploaded.text
            (server_path,) = uploaded.json()
            assert ".." not in Path(server_path).parts
            event = http.post("gradio_api/call/nap_van_ban", json={"data": [{
                "path": server_path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}]}).json()["event_id"]
            stream = http.get(f"gradio_api/call/nap_van_ban/{event}").text
            data = [line[5:].strip() for line in stream.splitlines() if line.startswith("data:")]
            messages[name] = json.loads(data[-1])[0] if data and data[-1] != "null" else stream[-300:]
    assert escaped() == []
    for path in upload_dir.rglob("*"):
        assert path.resolve().parent == upload_dir
    for name, message in messages.items():
        assert isinstance(message, str) and message[:1] in "✓✗", (name, message)
    reliability_log.append({"group": "tên tệp tải lên", "case": "qua HTTP: " + ", ".join(names),
                            "outcome": "; ".join(f"{n} → {_plain(m.splitlines()[0])[:90]}" for n, m in messages.items())
                                       + "; không tệp nào ra ngoài thư mục <kho>/documents"})
