"""The Gradio web app: questions and answers, the answer's graph and a responsibility heat
map, the ingested documents with upload, and read-only SPARQL.

`serve()` is what `dtikg serve` runs. `create_app()` gives the FastAPI app (Gradio mounted
at `/` plus the source viewer `/tai-lieu/{file}?dong=N`) for tests and other servers.
Safe by default: loopback only unless a password is set, no share links, no files served
but the app's own, uploads limited in size, a small queue for a two-core machine.
"""
from __future__ import annotations

import html
import ipaddress
import json
import logging
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the machine is offline; send nothing

from fastapi import FastAPI, Request  # noqa: E402  (route annotations are resolved from module globals)
from fastapi.responses import HTMLResponse, Response  # noqa: E402

from ingest.errors import DtikgError, too_large  # noqa: E402
from ingest.records import ItemKind  # noqa: E402
from qa.normalize import parse_day  # noqa: E402
from qa.phrasing import plan_name  # noqa: E402
from .timeline import agency_choices as timeline_agencies, role_choices as timeline_roles, timeline_html  # noqa: E402

from . import tables  # noqa: E402
from .documents import (  # noqa: E402
    UPLOAD_SUFFIXES, DocumentLibrary, UploadRejected, not_found_page, safe_document_name,
)
from .plans import PlanFilters, appendix_workbook, plan_page, plan_view, workbook_name  # noqa: E402
from .graphs import ALL_SCOPE, answer_svg, matrix_html, matrix_roles, matrix_scopes  # noqa: E402

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SPARQL_TIMEOUT = (1, 30, 10)  # min, max, default seconds
SPARQL_ROWS = (10, 5000, 500)  # min, max, default rows
# Waiting events, all users together: 20 simultaneous API clients (or 20 browser users, two events
# per question) must queue, not be turned away; one answer takes ~50 ms, so 64 waits stay short.
QUEUE_MAX_SIZE = 64
EXPORT_TTL_SECONDS = 15 * 60
ANSWERS_KEPT = 32  # answers the server keeps for the pages showing them (their filters and downloads)
EXPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8", "json": "application/json"}
# Gradio keeps ~130 KB of per-session state and every plain-HTTP `/ask` call is a new session;
# its default of 10,000 sessions let a busy API grow the server by ~1.3 GB.
STATE_SESSION_CAPACITY = 256
LOOPBACK_NAMES = ("localhost", "ip6-localhost")
UPLOAD_LABEL = "Tải lên kế hoạch (.txt, .md, .docx, .pdf, .doc) để nạp"

EXAMPLE_QUESTIONS = (
    "Sở Y tế chủ trì những chỉ tiêu nào?",
    "Ở Khánh Hòa, Sở Nội vụ chủ trì thực hiện những chỉ tiêu nào?",
    "Những chỉ tiêu nào của Thanh Hóa phải hoàn thành trong Quý I?",
    "Quyết định 922/QĐ-BTTTT được viện dẫn bởi những tỉnh nào?",
    "Đoàn kiểm tra số 1 ở Thanh Hóa do cơ quan nào làm trưởng đoàn?",
    "Tỉnh nào đặt chỉ tiêu hồ sơ sức khỏe điện tử cao nhất?",
)

SPARQL_PREFIXES = "PREFIX dti: <https://dtikg.vn/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SPARQL_EXAMPLE_LABELS = ("Số chỉ tiêu theo tỉnh", "20 mục của Ninh Bình", "Số bộ ba (triple) theo đồ thị con",
                         "ASK: đồ thị có dữ liệu không?")
SPARQL_EXAMPLES = (
    SPARQL_PREFIXES + "SELECT ?tinh (COUNT(DISTINCT ?muc) AS ?so_muc) WHERE {\n  ?muc dti:kind \"indicator\" ; "
    "dti:province/skos:prefLabel ?tinh .\n} GROUP BY ?tinh ORDER BY DESC(?so_muc)",
    SPARQL_PREFIXES + "SELECT DISTINCT ?so ?noi_dung WHERE {\n  ?muc dti:itemNumber ?so ; dti:text ?noi_dung ; "
    "dti:province/skos:prefLabel \"Ninh Bình\"@vi .\n} LIMIT 20",
    "SELECT ?g (COUNT(*) AS ?so_bo_ba) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "ASK { ?s ?p ?o }",
)

CSS = """
.dtikg-answer{white-space:pre-wrap;line-height:1.55;padding:.75rem 1rem;border:1px solid var(--border-color-primary);
  border-radius:var(--radius-md);background:var(--background-fill-secondary)}
.dtikg-table-wrap{overflow-x:auto;max-height:70vh;overflow-y:auto}
.dtikg-table{border-collapse:collapse;width:100%;font-size:.9rem}
.dtikg-table th,.dtikg-table td{border:1px solid var(--border-color-primary);padding:.35rem .5rem;vertical-align:top;text-align:left}
.dtikg-table thead th{position:sticky;top:0;background:var(--background-fill-secondary);z-index:1}
.dtikg-num{font-weight:600}
.dtikg-kind,.dtikg-group{color:var(--body-text-color-subdued);font-size:.8rem}
.dtikg-section{font-size:1rem;margin:1rem 0 .4rem}
.dtikg-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.dtikg-table a:focus,.dtikg-answer a:focus{outline:2px solid var(--color-accent);outline-offset:1px}
.dtikg-answer a,.dtikg-table a{padding:0}
.dtikg-interpretation{margin:0 0 .5rem;padding-bottom:.4rem;white-space:normal;font-size:.92rem;border-bottom:1px solid var(--border-color-primary)}
.dtikg-interpretation .dtikg-label{font-weight:600}
.dtikg-graph,.dtikg-matrix{margin:0}
.dtikg-downloads{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.dtikg-button{display:inline-block;padding:.45rem .9rem;border:1px solid var(--border-color-primary);
  border-radius:var(--radius-md);background:var(--button-secondary-background-fill);color:var(--body-text-color);
  text-decoration:none;font-weight:600}
.dtikg-button:focus{outline:2px solid var(--color-accent);outline-offset:2px}
.dtikg-more{font-style:italic}
.dtikg-graph-wrap{overflow-x:auto;border:1px solid var(--border-color-primary);border-radius:var(--radius-md);background:#fff}
.dtikg-graph-title{font-weight:600;margin:.2rem 0 .4rem}
.dtikg-narrow{display:none;font-size:.88rem;margin:0 0 .3rem}
@media (max-width:1240px){.dtikg-narrow{display:block}}
.dtikg-legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;list-style:none;padding:0;margin:.5rem 0;font-size:.88rem}
.dtikg-swatch{display:inline-block;width:1.6em;height:.8em;margin-right:.35em;vertical-align:middle;border-radius:2px}
.dtikg-heat td{text-align:center;min-width:3.2em;font-variant-numeric:tabular-nums}
.dtikg-heat caption{text-align:left;font-weight:600;padding:.3rem 0}
.dtikg-heat tbody th{font-weight:normal;white-space:nowrap}
@media (max-width:640px){.tab-container button{padding-left:.4rem!important;padding-right:.4rem!important}}
.dtikg-library th[scope=row],.dtikg-library th[scope=row] a{font-weight:normal}
.dtikg-frame *{font-family:"Source Sans Pro",ui-sans-serif,system-ui,sans-serif!important}
"""
SET_LANGUAGE_JS = "() => { document.documentElement.lang = 'vi'; }"
# Gradio's bundled monospace font lacks Vietnamese marks; system fonts that have them come first.
MONO_FONTS = ("Menlo", "Consolas", "Liberation Mono", "DejaVu Sans Mono", "monospace")


def theme():
    """Gradio's default theme in a dark blue whose buttons and muted text pass WCAG AA contrast
    (the default orange buttons and grey hints do not), with monospace fonts that have Vietnamese."""
    import gradio as gr
    return gr.themes.Default(primary_hue="blue", font_mono=list(MONO_FONTS)).set(
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white", button_primary_border_color="*primary_700", color_accent="*primary_700",
        body_text_color_subdued="*neutral_600", block_info_text_color="*neutral_600")


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: object) -> str:
    """Text that a gr.Markdown shows literally: every ASCII punctuation mark backslash-escaped,
    so that document or user text (`<img onerror>`, `[x](javascript:…)`, `$$…$$`) stays text."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))


class WebApp:
    """The state behind the pages: graph, QA engine, document library, and one lock so that
    an ingest, the index build after it and the engine's reload never interleave with a question."""

    def __init__(self, kg, engine, data_dir: str | Path | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES):
        if max_upload_bytes <= 0:
            raise ValueError(f"max_upload_bytes must be positive, got {max_upload_bytes!r}")
        from kg.service import DATA_DIR
        self.kg = kg
        self.engine = engine
        self.max_upload_bytes = max_upload_bytes
        self.library = DocumentLibrary(kg, data_dir or DATA_DIR)
        self.lock = threading.RLock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="dtikg-web-"))
        self._answers: OrderedDict[str, dict] = OrderedDict()
        self._answers_lock = threading.Lock()

    def close(self) -> None:
        shutil.rmtree(self.export_dir, ignore_errors=True)

    # ------------------------------------------------------------------ Hỏi đáp
    def ask(self, question: str, as_of: str | None = None) -> dict:
        """The contract's answer object (the `/ask` API endpoint); `as_of`: the day names are read
        on ("01/7/2025"; blank: today)."""
        question = question if isinstance(question, str) else ""
        try:
            day = parse_day(as_of) if isinstance(as_of, str) and as_of.strip() else None
        except ValueError as exc:
            return {"question": question, "answer": str(exc), "count": None, "interpretation": "", "items": [],
                    "intent": "error"}
        with self.lock:
            return self.engine.ask(question, as_of=day)

    # An answer shown on the page stays on the server, under a key the page holds, so that a large
    # one (thousands of items at 50x) is not sent to the browser and back on every filter; the
    # downloads are made from it when asked for.
    def keep(self, answer: dict) -> str:
        """Keep an answer for its page (the last ANSWERS_KEPT); its key."""
        key = secrets.token_urlsafe(12)
        with self._answers_lock:
            self._answers[key] = answer
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return key

    def kept(self, key: str | None) -> dict | None:
        with self._answers_lock:
            answer = self._answers.get(key) if isinstance(key, str) else None
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def ask_for_page(self, question: str, as_of: str | None = None) -> str:
        """The page's question: answered and kept; the key the page holds."""
        return self.keep(self.ask(question, as_of))

    def render_answer(self, key: str | None):
        """Everything the page shows for a new answer; the filters start from 'all'."""
        import gradio as gr
        answer = self.kept(key)
        rows = tables.answer_rows(answer)
        summary, table_html, downloads = self._table(key, answer, rows)
        return (tables.answer_html(answer),
                gr.Dropdown(choices=tables.province_choices(rows), value=tables.ALL_PROVINCES),
                gr.Dropdown(choices=tables.role_choices(rows), value=tables.ALL_ROLES),
                summary, table_html, downloads, answer_svg(answer))

    def filter_answer(self, key: str | None, province: str | None, role: str | None):
        """The results tables, their summary and the download links for one province and role."""
        answer = self.kept(key)
        every = tables.answer_rows(answer)
        return self._table(key, answer, tables.filter_rows(every, province, role), every, province, role)

    def filter_given(self, answer: dict, province: str | None, role: str | None):
        """`filter_answer` of an answer an API client holds (the `/loc_ket_qua` endpoint)."""
        answer = answer if isinstance(answer, dict) else None
        return self.filter_answer(self.keep(answer) if answer else None, province, role)

    def _table(self, key, answer: dict | None, rows: list[dict], every: list[dict] | None = None,
               province: str | None = None, role: str | None = None):
        if answer is None:
            return "", "<p class='dtikg-empty'>Chưa có kết quả.</p>", ""
        return (tables.summary_text(rows, rows if every is None else every), tables.rows_html(rows),
                tables.downloads_html(key, province, role))

    def export(self, name: str, province: str | None = None, role: str | None = None) -> tuple[bytes, str, str] | None:
        """(bytes, file name, media type) of `<key>.xlsx|csv|json`: the kept answer's rows under
        the filters, named after its question and today; None when the key is not kept."""
        key, _, suffix = name.rpartition(".")
        answer = self.kept(key)
        if answer is None or suffix not in EXPORT_TYPES:
            return None
        stem = tables.export_name(str(answer.get("question") or ""), self.engine.answerer.today)
        if suffix == "json":
            return json.dumps(answer, ensure_ascii=False, indent=1).encode("utf-8"), f"{stem}.json", EXPORT_TYPES[suffix]
        rows = tables.filter_rows(tables.answer_rows(answer), province, role)
        self._prune_exports()
        folder = Path(tempfile.mkdtemp(dir=self.export_dir))
        if suffix == "xlsx":
            path = tables.write_xlsx(rows, folder / f"{stem}.xlsx", str(answer.get("question") or ""),
                                     str(answer.get("answer") or ""))
        else:
            path = tables.write_csv(rows, folder / f"{stem}.csv")
        return path.read_bytes(), path.name, EXPORT_TYPES[suffix]

    def _prune_exports(self) -> None:
        limit = time.time() - EXPORT_TTL_SECONDS
        for folder in self.export_dir.iterdir():
            try:
                if folder.stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass

    # ------------------------------------------------------------------ Đồ thị
    def matrix(self, scope: str | None, role: str | None, current: bool = False):
        """The responsibility matrix; `current`: by today's agencies and provinces (2025 reorganisation)."""
        return matrix_html(self.engine.catalog, scope or ALL_SCOPE, role or "chủ trì",
                             as_of=self.engine.answerer.today if current else None)

    def matrix_scope_update(self):
        import gradio as gr
        return gr.Dropdown(choices=matrix_scopes(self.engine.catalog))

    # ------------------------------------------------------------------ Thời hạn
    def timeline(self, province: str | None, agency: str | None, role: str | None, day: str | None = None) -> str:
        """Items by deadline as of a day (blank: today): past due, this quarter, later, continuous."""
        try:
            as_of = parse_day(day) if isinstance(day, str) and day.strip() else self.engine.answerer.today
        except ValueError as exc:
            return f"<p class='dtikg-empty' role='alert'>{html.escape(str(exc))}</p>"
        return timeline_html(self.engine.catalog, as_of, province, agency, role)

    # ------------------------------------------------------------------ Văn bản
    def documents(self) -> list[list]:
        """The library: the ingested plans by name, with their counts (the `/danh_sach_van_ban` endpoint)."""
        stats = self.library.stats()
        catalog = self.engine.catalog
        names = {d["file"]: plan_name(catalog.plan_of_file(d["file"]), d["file"], d.get("province"))
                 for d in stats["documents"]}
        return tables.documents_rows(stats, names)

    def library_html(self) -> str:
        """The Văn bản tab's library: one row per plan, named, each opening its plan page."""
        return tables.library_html(self.documents())

    def plan_view(self, file: str, filters: PlanFilters | None = None):
        """What the plan page of one registered file shows (None: no such plan)."""
        if file not in self.library.registered():
            return None
        with self.lock:
            return plan_view(self.engine.catalog, self.engine.answerer, file, filters)

    def plan_page(self, file: str, params=None, nonce: str = "") -> str | None:
        """The plan page (`/van-ban/{file}`), filtered by the request's query; None: no such plan."""
        view = self.plan_view(file, PlanFilters.from_query(params))
        if view is None:
            return None
        return plan_page(view, self.library.details(file) or [], self.library.path_of(file) is not None, nonce)

    def plan_workbook(self, file: str) -> tuple[Path, str] | None:
        """(path, download name) of the plan's appendices and items as Excel; None: no such plan."""
        view = self.plan_view(file)
        if view is None:
            return None
        self._prune_exports()
        folder = Path(tempfile.mkdtemp(dir=self.export_dir))
        name = workbook_name(view)
        return appendix_workbook(view, folder / name, self.engine.answerer.today), name

    def document_title(self, file: str) -> str:
        """The plan's name for the source viewer (`plan_name`)."""
        province = next((d.get("province") for d in self.library.stats()["documents"] if d["file"] == file), None)
        return plan_name(self.engine.catalog.plan_of_file(file), file, province)

    def upload(self, file, progress=None) -> tuple[str, str]:
        """Check, save and ingest one uploaded plan; a rejected file changes nothing."""
        def step(fraction: float, text: str) -> None:
            if progress is not None:
                progress(fraction, desc=text)

        step(0.05, "Đang kiểm tra tệp")
        try:
            message = self._ingest_upload(file, step)
        except DtikgError as exc:
            message = f"✗ Không nạp được tệp: {markdown_text(exc.message)} Dữ liệu hiện có không thay đổi."
        except Exception:  # never a trace for users
            log.exception("upload failed")
            message = "✗ Không nạp được tệp do lỗi không mong đợi. Dữ liệu hiện có không thay đổi."
        return message, self.library_html()

    def _ingest_upload(self, file, step) -> str:
        if not file:
            raise UploadRejected("W007")
        path = Path(file if isinstance(file, (str, Path)) else getattr(file, "name", ""))
        name = safe_document_name(path.name)
        if self.library.is_bundled(name):
            raise UploadRejected("W004", name=name)
        try:
            size = path.stat().st_size
        except OSError:
            raise UploadRejected("W008") from None
        if size > self.max_upload_bytes:
            raise UploadRejected("W005", **too_large(name, size, self.max_upload_bytes))
        data = path.read_bytes()
        step(0.2, "Đang đọc văn bản")
        doc = self.kg.read_bytes(name, data)
        counts = {k: doc.count(k) for k in ItemKind}
        with self.lock:
            step(0.4, "Đang ghi vào đồ thị tri thức")
            known = name in self.library.registered()
            saved = self.kg.original_path(name)
            previous = saved.read_bytes() if saved is not None and saved.is_file() else None
            try:
                self.kg.ingest_extraction(doc, data)  # the graph, the converted text and the original file
                step(0.6, "Đang cập nhật chỉ mục hỏi đáp")
                self._reindex()
            except Exception:
                self._roll_back(name, known, previous)
                raise
            finally:
                self.library.invalidate()
        step(1.0, "Xong")
        province = next((d.get("province") for d in self.library.stats()["documents"] if d["file"] == name), None)
        parts = [f"{counts[k]} {label}" for k, label in (
            (ItemKind.INDICATOR, "chỉ tiêu"), (ItemKind.SUB_ITEM, "chỉ tiêu thành phần"), (ItemKind.TASK, "nhiệm vụ"), (ItemKind.DUTY, "trách nhiệm tổ chức thực hiện"),
            (ItemKind.INFO_ITEM, "mục thông tin chung"), (ItemKind.TEAM, "đoàn kiểm tra")) if counts.get(k)]
        verb = "Đã cập nhật" if known else "Đã nạp"
        lines = [f"✓ {verb} văn bản **{name}**" + (f" (tỉnh {province})" if province else "")
                 + f": {', '.join(parts)}. Văn bản đã có trong câu trả lời hỏi đáp."]
        lines += [f"- Lưu ý: {markdown_text(w)}" for w in doc.warnings]
        return "\n".join(lines)

    def _reindex(self) -> None:
        """The last step of an ingest: the answering index rebuilt, then loaded by the engine."""
        from qa.index import build_index
        build_index(self.kg, self.engine.embedder)
        self.engine.reload()

    def _roll_back(self, name: str, known: bool, previous: bytes | None) -> None:
        """Put the store and the kept files back as they were before a failed ingest."""
        try:
            if previous is not None:
                self.kg.ingest_extraction(self.kg.read_bytes(name, previous), previous)
            elif not known:
                self.kg.remove(name)
            self._reindex()
        except Exception:
            log.exception("roll-back of %s failed", name)

    # ------------------------------------------------------------------ SPARQL
    def sparql(self, text: str, timeout: float | None = None, row_limit: float | None = None):
        """(Vietnamese status, result frame) of a read-only query within limits."""
        import pandas as pd
        from kg.sparql import run_readonly
        lo, hi, default = SPARQL_TIMEOUT
        timeout = min(max(float(timeout or default), lo), hi)
        lo, hi, default = SPARQL_ROWS
        row_limit = int(min(max(int(row_limit or default), lo), hi))
        try:
            result = run_readonly(self.kg.store, text if isinstance(text, str) else "", timeout=timeout,
                                  row_limit=row_limit)
        except DtikgError as exc:
            return f"✗ {markdown_text(exc.message)}", pd.DataFrame({"Kết quả": []})
        except Exception:
            log.exception("sparql failed")
            return "✗ Truy vấn lỗi không mong đợi.", pd.DataFrame({"Kết quả": []})
        headers, rows, note = tables.sparql_table(result, text)
        return f"✓ {note}", pd.DataFrame(rows, columns=headers)


# ---------------------------------------------------------------------------- the page
def build_blocks(webapp: WebApp):
    """The four tabs and their events; API names are the Vietnamese-free endpoint names."""
    import gradio as gr

    def upload_with_progress(file, progress=gr.Progress()):
        message, docs = webapp.upload(file, progress)
        return message, docs, webapp.matrix_scope_update()

    catalog = webapp.engine.catalog
    with gr.Blocks(title="dtikg — Hỏi đáp kế hoạch chuyển đổi số", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as blocks:
        gr.Markdown("# dtikg — Hỏi đáp về kế hoạch chuyển đổi số cấp tỉnh\n"
                    "Đồ thị tri thức về chỉ tiêu, nhiệm vụ và phân công trách nhiệm trong các kế hoạch "
                    "chuyển đổi số (DTI) của các tỉnh. Mọi câu trả lời đều dẫn nguồn tới dòng văn bản gốc.")
        with gr.Tabs():
            with gr.Tab("Hỏi đáp", id="hoi-dap"):
                with gr.Row(equal_height=True):
                    question = gr.Textbox(label="Câu hỏi", placeholder="Ví dụ: Sở Y tế chủ trì những chỉ tiêu nào?",
                                          lines=1, max_lines=3, max_length=1000, autofocus=True, scale=6, min_width=280,
                                          elem_id="cau-hoi")
                    as_of_box = gr.Textbox(label="Tên gọi tính đến ngày", placeholder="hôm nay, ví dụ 01/7/2025",
                                           lines=1, max_lines=1, max_length=20, scale=2, min_width=160,
                                           elem_id="tinh-den-ngay",
                                           info="Tên cơ quan, tỉnh hiểu theo ngày này (sắp xếp bộ máy năm 2025)")
                    ask_btn = gr.Button("Hỏi", variant="primary", scale=1, min_width=100, elem_id="nut-hoi")
                gr.Examples(examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=[question], label="Câu hỏi mẫu")
                answer_box = gr.HTML(tables.answer_html(None), elem_id="cau-tra-loi")
                with gr.Row():
                    province_dd = gr.Dropdown(label="Lọc theo tỉnh", choices=[tables.ALL_PROVINCES],
                                              value=tables.ALL_PROVINCES, allow_custom_value=True, elem_id="loc-tinh")
                    role_dd = gr.Dropdown(label="Lọc theo vai trò", choices=[tables.ALL_ROLES],
                                          value=tables.ALL_ROLES, allow_custom_value=True, elem_id="loc-vai-tro")
                summary = gr.Markdown(elem_id="tom-tat")
                results = gr.HTML("<p class='dtikg-empty'>Chưa có kết quả.</p>", elem_id="bang-ket-qua")
                downloads = gr.HTML("", elem_id="tai-ve")
                answer_key = gr.State(None)  # the kept answer's key (WebApp.keep)
            with gr.Tab("Đồ thị", id="do-thi"):
                gr.Markdown("Đồ thị con phía sau câu trả lời hiện tại: tỉnh → văn bản → chỉ tiêu/nhiệm vụ → "
                            "cơ quan; màu cạnh là vai trò (xem chú giải dưới hình). Di chuột lên một nút để xem chi tiết.")
                graph_plot = gr.HTML(answer_svg(None), elem_id="do-thi-con")
                gr.Markdown("## Ma trận trách nhiệm\nSố chỉ tiêu/nhiệm vụ mỗi cơ quan được giao (chỉ tính cơ quan "
                            "được nêu tên, không tính nhóm cơ quan).")
                with gr.Row():
                    scope_dd = gr.Dropdown(label="Phạm vi", choices=matrix_scopes(catalog), value=ALL_SCOPE,
                                           allow_custom_value=True, elem_id="ma-tran-pham-vi")
                    matrix_role_dd = gr.Dropdown(label="Vai trò", choices=matrix_roles(catalog), value="chủ trì",
                                                 allow_custom_value=True, elem_id="ma-tran-vai-tro")
                    matrix_now_cb = gr.Checkbox(label="Gộp theo cơ quan, tỉnh hiện nay (sau sắp xếp năm 2025)",
                                                value=False, elem_id="ma-tran-hien-nay")
                matrix_plot = gr.HTML(webapp.matrix(ALL_SCOPE, "chủ trì"), elem_id="ma-tran")
            with gr.Tab("Thời hạn", id="thoi-han"):
                gr.Markdown("Các chỉ tiêu, nhiệm vụ theo thời hạn: quá hạn, đến hạn trong quý này, sắp tới và "
                            "thường xuyên. Bấm vào nguồn để mở dòng văn bản gốc.")
                with gr.Row():
                    due_province = gr.Dropdown(label="Tỉnh", choices=[("Mọi tỉnh", "*")] + [
                        (p, p) for p in catalog.provinces()], value="*", elem_id="thoi-han-tinh")
                    due_agency = gr.Dropdown(label="Cơ quan", choices=timeline_agencies(catalog), value="*",
                                             elem_id="thoi-han-co-quan")
                    due_role = gr.Dropdown(label="Vai trò", choices=timeline_roles(), value="*",
                                           elem_id="thoi-han-vai-tro")
                    due_day = gr.Textbox(label="Tính đến ngày", placeholder="hôm nay, ví dụ 15/11/2023", max_lines=1,
                                         max_length=20, elem_id="thoi-han-ngay")
                due_view = gr.HTML(webapp.timeline("*", "*", "*"), elem_id="dong-thoi-gian")
            with gr.Tab("Văn bản", id="van-ban"):
                gr.Markdown("Các văn bản đã nạp vào đồ thị tri thức. Tải lên một kế hoạch mới như khi được ban "
                            "hành — văn bản (.txt, .md), Word (.docx, .doc) hoặc PDF (.pdf), tối đa "
                            f"{webapp.max_upload_bytes // 1048576} MB — để đưa vào phần hỏi đáp.")
                docs_table = gr.HTML(webapp.library_html(), elem_id="danh-sach-van-ban", elem_classes="dtikg-frame")
                with gr.Row():
                    upload_btn = gr.UploadButton(UPLOAD_LABEL, file_types=list(UPLOAD_SUFFIXES),
                                                 file_count="single", variant="primary", elem_id="tai-len")
                    refresh_btn = gr.Button("Làm mới danh sách", elem_id="lam-moi")
                upload_status = gr.Markdown(elem_id="trang-thai-nap")
            with gr.Tab("SPARQL", id="sparql"):
                gr.Markdown("Truy vấn SPARQL chỉ đọc (SELECT, ASK, CONSTRUCT, DESCRIBE) trên đồ thị; "
                            "lệnh cập nhật và SERVICE bị từ chối.")
                query_box = gr.Textbox(label="Truy vấn SPARQL", value=SPARQL_EXAMPLES[0], lines=8, max_lines=30,
                                       max_length=20000, elem_id="truy-van")
                gr.Examples(examples=[[q] for q in SPARQL_EXAMPLES], inputs=[query_box], label="Truy vấn mẫu",
                            example_labels=list(SPARQL_EXAMPLE_LABELS))
                with gr.Row():
                    timeout_box = gr.Number(value=SPARQL_TIMEOUT[2], minimum=SPARQL_TIMEOUT[0], maximum=SPARQL_TIMEOUT[1],
                                           precision=0, step=1, elem_id="gioi-han-thoi-gian",
                                           label="Giới hạn thời gian (giây)")
                    rows_box = gr.Number(value=SPARQL_ROWS[2], minimum=SPARQL_ROWS[0], maximum=SPARQL_ROWS[1], precision=0,
                                        step=10, elem_id="gioi-han-so-dong",
                                        label="Giới hạn số dòng")
                run_btn = gr.Button("Chạy truy vấn", variant="primary", elem_id="chay-truy-van")
                sparql_status = gr.Markdown(elem_id="trang-thai-sparql")
                sparql_out = gr.Dataframe(label="Kết quả truy vấn", interactive=False, wrap=True, buttons=[],
                                          elem_id="ket-qua-sparql", elem_classes="dtikg-frame")

        # The page asks with the day the names are read on; `/ask` (README, API clients) with the
        # question alone, names read as of today.
        asked = gr.on([ask_btn.click, question.submit], webapp.ask_for_page, inputs=[question, as_of_box],
                      outputs=answer_key, api_visibility="private", concurrency_id="engine", concurrency_limit=1)

        def ask(question: str) -> dict:
            """The contract's answer object for one question."""
            return webapp.ask(question)
        gr.api(ask, api_name="ask", concurrency_id="engine", concurrency_limit=1)

        def hoi_theo_ngay(question: str, as_of: str) -> dict:
            """The contract's answer object, names read as of a day ("01/7/2025"; blank: today)."""
            return webapp.ask(question, as_of)
        gr.api(hoi_theo_ngay, api_name="hoi_theo_ngay", concurrency_id="engine", concurrency_limit=1)
        asked.then(webapp.render_answer, inputs=answer_key,
                   outputs=[answer_box, province_dd, role_dd, summary, results, downloads, graph_plot],
                   api_visibility="private")
        gr.on([province_dd.input, role_dd.input], webapp.filter_answer,
              inputs=[answer_key, province_dd, role_dd], outputs=[summary, results, downloads],
              api_visibility="private")

        def loc_ket_qua(answer: dict, province: str, role: str) -> tuple[str, str, str]:
            """(summary, results table, download links) of an answer for one province and role."""
            return webapp.filter_given(answer, province, role)
        gr.api(loc_ket_qua, api_name="loc_ket_qua")
        gr.on([scope_dd.input, matrix_role_dd.input, matrix_now_cb.input], webapp.matrix,
              inputs=[scope_dd, matrix_role_dd, matrix_now_cb], outputs=matrix_plot, api_name="ma_tran_trach_nhiem")
        gr.on([due_province.input, due_agency.input, due_role.input, due_day.submit, due_day.blur], webapp.timeline,
              inputs=[due_province, due_agency, due_role, due_day], outputs=due_view, api_name="thoi_han")
        refresh_btn.click(webapp.library_html, outputs=docs_table, api_visibility="private")

        def danh_sach_van_ban() -> dict:
            """The library as a table: {"headers": […], "data": [[…], …]}, the file name last."""
            return {"headers": [h for _, h in tables.DOCUMENT_COLUMNS], "data": webapp.documents()}
        gr.api(danh_sach_van_ban, api_name="danh_sach_van_ban")
        upload_btn.upload(upload_with_progress, inputs=upload_btn, outputs=[upload_status, docs_table, scope_dd],
                          api_name="nap_van_ban", concurrency_id="engine", concurrency_limit=1) \
            .then(webapp.matrix, inputs=[scope_dd, matrix_role_dd, matrix_now_cb], outputs=matrix_plot,
                  api_visibility="private")
        gr.on([run_btn.click], webapp.sparql, inputs=[query_box, timeout_box, rows_box],
              outputs=[sparql_status, sparql_out], api_name="sparql")
        blocks.load(webapp.library_html, outputs=docs_table, api_visibility="private")
    blocks.queue(default_concurrency_limit=1, max_size=QUEUE_MAX_SIZE)
    blocks.state_session_capacity = STATE_SESSION_CAPACITY  # read when the app is mounted
    return blocks


def expired_page() -> str:
    return ("<!doctype html><html lang='vi'><meta charset='utf-8'><title>Kết quả không còn</title>"
            "<p>Kết quả này không còn được lưu trên máy chủ. Hãy đặt lại câu hỏi rồi tải về.</p>"
            "<p><a href='../'>Quay lại trang hỏi đáp</a></p></html>")


def _gradio_sub_app(app):
    from starlette.routing import Mount
    for route in app.routes:
        if isinstance(route, Mount):
            return route.app
    raise RuntimeError("Gradio app is not mounted")


def _logged_in(gradio_app, request) -> bool:
    cookie_id = getattr(gradio_app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(f"access-token-unsecure-{cookie_id}")
    return bool(token) and gradio_app.tokens.get(token) is not None


def create_app(webapp: WebApp, auth: tuple[str, str] | None = None):
    """The FastAPI app: the source viewer route, then Gradio mounted at `/`."""
    import gradio as gr

    blocks = build_blocks(webapp)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: dict = {}

    def login_page(headers: dict) -> HTMLResponse:
        return HTMLResponse("<!doctype html><html lang='vi'><meta charset='utf-8'><title>Cần đăng nhập</title>"
                            "<p>Cần đăng nhập để xem văn bản. <a href='../'>Đăng nhập</a></p></html>",
                            status_code=401, headers=headers)

    def own_page(request: Request, file: str, render, same_origin: bool = False) -> HTMLResponse:
        """A page of the app's own (viewer, plan page): `render(nonce)` gives its HTML or None (404).
        Scripts run by nonce only; `same_origin`: the page has a <base> and a form of its own."""
        nonce = secrets.token_urlsafe(16)
        own = "'self'" if same_origin else "'none'"
        headers = {"Content-Security-Policy": f"default-src 'none'; style-src 'unsafe-inline'; "
                                              f"script-src 'nonce-{nonce}'; base-uri {own}; form-action {own}",
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                   "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
        if auth is not None and not _logged_in(mounted["gradio"], request):
            return login_page(headers)
        page = render(nonce)
        if page is None:
            return HTMLResponse(not_found_page(file), status_code=404, headers=headers)
        return HTMLResponse(page, headers=headers)

    @app.get("/tai-lieu/{file}", response_class=HTMLResponse)
    def view_document(file: str, request: Request, dong: str | None = None) -> HTMLResponse:
        line = int(dong) if dong and dong.isdigit() and len(dong) < 8 else None
        return own_page(request, file, lambda nonce: webapp.library.render(
            file, line, title=webapp.document_title(file) if file in webapp.library.registered() else None,
            nonce=nonce))

    @app.get("/tai-lieu/{file}/ban-goc")
    def download_original(file: str, request: Request) -> Response:
        """The original file of a registered document, always as a download (never rendered)."""
        headers = {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
        if auth is not None and not _logged_in(mounted["gradio"], request):
            return login_page(headers)
        found = webapp.library.original(file)
        if found is None:
            return HTMLResponse(not_found_page(file), status_code=404, headers=headers)
        path, media_type = found
        try:
            data = path.read_bytes()
        except OSError:
            return HTMLResponse(not_found_page(file), status_code=404, headers=headers)
        fallback = re.sub(r"[^A-Za-z0-9._-]", "_", file) or "tep-goc"
        headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file, safe='')}"
        return Response(data, media_type=media_type, headers=headers)

    @app.get("/xuat/{name}")
    def download_answer(name: str, request: Request) -> Response:
        """A kept answer as Excel, CSV or JSON (`<key>.xlsx?tinh=…&vai-tro=…`), made when asked for."""
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
        if auth is not None and not _logged_in(mounted["gradio"], request):
            return login_page(headers)
        made = webapp.export(name, request.query_params.get("tinh"), request.query_params.get("vai-tro"))
        if made is None:
            return HTMLResponse(expired_page(), status_code=404, headers=headers)
        data, file_name, media_type = made
        headers["Content-Disposition"] = f"attachment; filename=\"{file_name}\""
        return Response(data, media_type=media_type, headers=headers)

    @app.get("/van-ban/{file}", response_class=HTMLResponse)
    def view_plan(file: str, request: Request) -> HTMLResponse:
        """A plan's page: its items filtered by the query (`tru-cot`, `vai-tro`, `co-quan`, `thoi-han`)."""
        return own_page(request, file, lambda nonce: webapp.plan_page(file, request.query_params, nonce),
                        same_origin=True)

    @app.get("/van-ban/{file}/phu-luc.xlsx")
    def download_plan_workbook(file: str, request: Request) -> Response:
        """The plan's appendices and items as an Excel workbook."""
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
        if auth is not None and not _logged_in(mounted["gradio"], request):
            return login_page(headers)
        made = webapp.plan_workbook(file)
        if made is None:
            return HTMLResponse(not_found_page(file), status_code=404, headers=headers)
        path, name = made
        headers["Content-Disposition"] = f"attachment; filename=\"{name}\""
        return Response(path.read_bytes(), headers=headers,
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    from kg.service import DATA_DIR
    gr.mount_gradio_app(
        app, blocks, path="/", auth=auth, auth_message="Đăng nhập để dùng dtikg.",
        allowed_paths=[], blocked_paths=[str(Path(webapp.kg.dir).resolve()), str(DATA_DIR)],
        max_file_size=webapp.max_upload_bytes, ssr_mode=False, footer_links=[], show_error=False,
        css=CSS, js=SET_LANGUAGE_JS, theme=theme(), mcp_server=False,
        pwa=False)
    mounted["gradio"] = _gradio_sub_app(app)
    return app


# ---------------------------------------------------------------------------- serving
def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`user:password` → (user, password); None when not given. Raises ValueError (Vietnamese)."""
    if value is None or not str(value).strip():
        return None
    user, sep, password = str(value).partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError("Tham số --auth (hoặc DTIKG_AUTH) phải có dạng tên:mật_khẩu.")
    return user.strip(), password


def is_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def serve(host: str = "127.0.0.1", port: int = 7860, store: str | Path | None = None,
          auth: str | None = None) -> int:
    """Run the web app until stopped; returns the process exit code."""
    host = host or "127.0.0.1"
    try:
        credentials = parse_auth(auth if auth is not None else os.environ.get("DTIKG_AUTH"))
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if not is_loopback(host) and credentials is None:
        print(f"Lỗi: không mở giao diện web trên địa chỉ {host} (ngoài máy này) khi chưa đặt mật khẩu. "
              "Hãy dùng --auth tên:mật_khẩu (hoặc biến môi trường DTIKG_AUTH), hoặc chạy với --host 127.0.0.1.",
              file=sys.stderr)
        return 2
    if not 0 < int(port) < 65536:
        print(f"Lỗi: cổng {port} không hợp lệ.", file=sys.stderr)
        return 2
    if not _port_free(host, int(port)):
        print(f"Lỗi: cổng {port} trên {host} đang được dùng; hãy chọn cổng khác bằng --port.", file=sys.stderr)
        return 1
    import uvicorn
    from kg.service import KnowledgeGraph
    from qa.embedder import embedder_from_config
    from qa.engine import QAEngine
    from qa.index import ensure_index

    kg = KnowledgeGraph(store)
    if not kg.is_ready:
        print("Đang dựng kho dữ liệu từ các văn bản có sẵn (lần đầu)…", file=sys.stderr)
    elif not kg.is_current and not kg.read_only:
        print("Kho được dựng bằng phiên bản đọc văn bản cũ hơn: đang đọc lại các văn bản…", file=sys.stderr)
    kg.ensure_built(progress=True)
    embedder = embedder_from_config()
    ensure_index(kg, embedder, progress=True)
    engine = QAEngine(kg, embedder=embedder)
    engine.warm_up()
    webapp = WebApp(kg, engine)
    app = create_app(webapp, auth=credentials)
    server = uvicorn.Server(uvicorn.Config(app, host=host.strip("[]"), port=int(port), log_level="warning"))
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    print(f"dtikg đang chạy tại http://{shown}:{port}/ — nhấn Ctrl+C để dừng.", file=sys.stderr)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits when it cannot bind
        return int(exc.code or 1)
    finally:
        webapp.close()
        kg.close()
    return 0
