"""The documents the web app may show and store: upload names, the source viewer page with a
cited line highlighted, and the original files offered for download.

The viewer shows the converted text kept with the store (`KnowledgeGraph.converted_text`),
the very lines every citation counts, whatever the format. Only documents registered as
ingested are ever shown, and originals are read from two folders only: `<store>/documents/`
(every ingested file, uploads included) and the bundled `data/`. Saving is the store's work
(`KnowledgeGraph.ingest_extraction`); this module never writes a file.
"""
from __future__ import annotations

import os
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import quote

from ingest.errors import DtikgError
from ingest.text import decode_bytes
from kg.service import DOCUMENTS_DIR

from .tables import esc

UPLOAD_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".doc")
MAX_NAME_CHARS = 100
LOW_OCR_CONFIDENCE = 0.8  # OCR lines read with less confidence are marked in the viewer
TEXT_SUFFIXES = (".txt", ".md")  # formats whose converted text is the file itself
MEDIA_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/msword": "Word (.doc)",
    "text/plain": "văn bản thuần",
    "text/markdown": "Markdown",
}
_UNSAFE = re.compile(r"[^\w.\- ]", re.UNICODE)


class UploadRejected(DtikgError):
    """An uploaded file that the web app will not accept; nothing was changed."""


def safe_document_name(name: str) -> str:
    """The base name under which an upload is saved and ingested.

    Names with a folder part (`../../x.txt`, `a/b.txt`, `C:\\x.txt`) or a leading dot are
    rejected; other characters than letters, digits, `.`, `-`, `_` become `_`.
    """
    raw = unicodedata.normalize("NFC", str(name or "")).strip()
    if not raw:
        raise UploadRejected("W001")
    if any(c in raw for c in "/\\\x00") or raw.startswith(".") or ":" in raw:
        raise UploadRejected("W002", name=raw[:80])
    stem, suffix = os.path.splitext(raw)
    if suffix.lower() not in UPLOAD_SUFFIXES:
        raise UploadRejected("W003", name=raw[:80], formats=', '.join(UPLOAD_SUFFIXES))
    stem = re.sub(r"\s+", "_", _UNSAFE.sub("_", stem))
    stem = re.sub(r"_{2,}", "_", stem).strip("._- ")[:MAX_NAME_CHARS]
    if not stem:
        raise UploadRejected("W006", name=raw[:80])
    return stem + suffix.lower()


class DocumentLibrary:
    """Where each ingested document's text and original file live, for the viewer and downloads.

    `registered()` is the set of file names the graph knows (from `kg.stats()`, kept until
    `invalidate()`); a name
    outside it, or not found in the two folders, is never read.
    """

    def __init__(self, kg, data_dir: str | Path):
        self.kg = kg
        self.data_dir = Path(data_dir).resolve()
        self.upload_dir = (Path(kg.files_dir or kg.dir) / DOCUMENTS_DIR).resolve()
        self._registered: frozenset[str] | None = None
        self._stats: dict | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ registry
    def stats(self) -> dict:
        """`kg.stats()`, read once until `invalidate()` (at 50x it takes seconds; pages ask it often)."""
        with self._lock:
            if self._stats is None:
                self._stats = self.kg.stats()
                self._registered = frozenset(d["file"] for d in self._stats["documents"] if d.get("file"))
            return self._stats

    def registered(self) -> frozenset[str]:
        self.stats()
        return self._registered

    def invalidate(self) -> None:
        with self._lock:
            self._stats = self._registered = None

    def is_bundled(self, name: str) -> bool:
        return (self.data_dir / name).is_file()

    @staticmethod
    def _plain_name(file: object) -> bool:
        return isinstance(file, str) and bool(file) and file == os.path.basename(file) and not file.startswith(".")

    def path_of(self, file: str) -> Path | None:
        """The original file of a registered document, or None. The store's copy comes first."""
        if not self._plain_name(file) or file not in self.registered():
            return None
        for folder in (self.upload_dir, self.data_dir):
            path = (folder / file).resolve()
            if path.parent == folder and path.is_file():
                return path
        return None

    def text_of(self, file: str) -> dict | None:
        """The converted text of a registered document (lines, pages, OCR confidence, media type,
        converter); for a plain-text file ingested before texts were kept, the file itself."""
        if not self._plain_name(file) or file not in self.registered():
            return None
        text = self.kg.converted_text(file)
        if text is not None:
            return text
        path = self.path_of(file)
        if path is None or path.suffix.lower() not in TEXT_SUFFIXES:
            return None
        try:
            lines = decode_bytes(path.read_bytes(), file).split("\n")
        except (OSError, DtikgError):
            return None
        return {"lines": lines, "pages": None, "ocr_confidence": None,
                "media_type": "text/markdown" if path.suffix.lower() == ".md" else "text/plain", "converter": None}

    def original(self, file: str) -> tuple[Path, str] | None:
        """(path, media type) of a registered document's original file, for download; or None."""
        path = self.path_of(file)
        if path is None:
            return None
        text = self.kg.converted_text(file) or {}
        media_type = text.get("media_type") if isinstance(text.get("media_type"), str) else None
        return path, media_type or "application/octet-stream"

    # ------------------------------------------------------------------ details
    def details(self, file: str) -> list[str] | None:
        """The details line of a document, as HTML facts: its file name (the one place the app
        shows it), format, pages, lines, OCR and converter. None if it may not be shown."""
        text = self.text_of(file)
        if text is None:
            return None
        lines = [str(x) for x in text["lines"]]
        return self._details(file, text, lines, _per_line(text.get("pages"), len(lines), int),
                             _per_line(text.get("ocr_confidence"), len(lines), float))

    @staticmethod
    def _details(file: str, text: dict, lines: list[str], pages, confidence) -> list[str]:
        facts = [f"Tệp <code>{esc(file)}</code>"]
        media = text.get("media_type")
        if isinstance(media, str) and media:
            facts.append(esc(MEDIA_LABELS.get(media, media)))
        page_count = len({p for p in pages if p is not None}) if pages else 0
        if page_count:
            facts.append(f"{page_count} trang")
        facts.append(f"{len(lines)} dòng")
        if confidence and any(c is not None for c in confidence):
            facts.append("bản quét, đọc bằng OCR")
        if isinstance(text.get("converter"), str) and text["converter"]:
            facts.append(f"chuyển thành văn bản bằng {esc(text['converter'])}")
        return facts

    # ------------------------------------------------------------------ viewer
    def render(self, file: str, line: int | None = None, title: str | None = None,
               nonce: str = "") -> str | None:
        """The viewer page: every line of the converted text numbered, a "Trang N" marker before
        each page, OCR lines of low confidence marked, the cited line highlighted, and a link to
        the original file. None if the document is not one the app may show."""
        text = self.text_of(file)
        if text is None:
            return None
        lines = [str(x) for x in text["lines"]]
        pages = _per_line(text.get("pages"), len(lines), int)
        confidence = _per_line(text.get("ocr_confidence"), len(lines), float)
        if line is not None and not 1 <= line <= len(lines):
            line = None
        parts, page = [], None
        for n, content in enumerate(lines, start=1):
            if pages and pages[n - 1] is not None and pages[n - 1] != page:
                page = pages[n - 1]
                parts.append(f'<div class="page" id="trang-{page}" role="separator" aria-label="Trang {page}">'
                             f'Trang {page}</div>')
            classes, extra = ["line"], ""
            if n == line:
                classes.append("hl")
                extra += ' aria-current="location" tabindex="-1"'
            score = confidence[n - 1] if confidence else None
            if score is not None:
                extra += f' title="đọc bằng OCR, độ tin cậy {_percent(score)}%"'
                if score < LOW_OCR_CONFIDENCE:
                    classes.append("ocr-low")
            parts.append(f'<div id="L{n}" class="{" ".join(classes)}"{extra}><a class="ln" href="#L{n}" '
                         f'tabindex="-1" aria-hidden="true">{n}</a>'
                         f'<span class="tx">{esc(content) or "&#8203;"}</span></div>')
        cited_page = pages[line - 1] if line and pages else None
        where_text = (f"trang {cited_page}, dòng {line}" if cited_page else f"dòng {line}") if line else ""
        where = (f'Dòng được trích dẫn: <a href="#L{line}">{where_text}</a>' if line
                 else "Chưa chọn dòng trích dẫn.")
        facts = self._details(file, text, lines, pages, confidence)
        if self.path_of(file) is not None:
            facts.append(f'<a class="tai-goc" href="{esc(quote(file, safe=""))}/ban-goc" download>Tải tệp gốc</a>')
        if title:  # a plan: its own page lists its items and legal bases
            facts.append(f'<a href="../van-ban/{esc(quote(file, safe=""))}">Trang kế hoạch</a>')
        heading = esc(title or file)
        script = ""
        if line:
            script = (f'<script nonce="{nonce}">(function(){{var e=document.getElementById("L{line}");'
                      f'if(e){{e.scrollIntoView({{block:"center"}});e.focus({{preventScroll:true}});}}}})();</script>')
        return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}{f" — {where_text}" if line else ""}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1f2933;background:#fff}}
header{{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #d0d7de;padding:.6rem 1rem;z-index:1}}
h1{{font-size:1.1rem;margin:0 0 .2rem}} header p{{margin:0;font-size:.9rem}}
main{{padding:.5rem 0 40vh;font-size:.95rem;line-height:1.45}}
.line{{display:flex;gap:.8rem;padding:0 1rem;white-space:pre-wrap;tab-size:6;scroll-margin-top:40vh}}
.ln{{flex:0 0 3.5rem;text-align:right;color:#5f6b76;text-decoration:none;user-select:none;font-variant-numeric:tabular-nums}}
.tx{{flex:1;word-break:break-word}}
.page{{margin:.8rem 1rem .3rem;padding:.15rem .5rem;border-top:2px solid #8a94a0;color:#4a5561;
  font-size:.85rem;font-weight:600}}
.ocr-low .tx{{text-decoration:underline dotted #b42318;text-underline-offset:3px}}
.ocr-low .ln::after{{content:" ?";color:#b42318}}
.hl,.line:target{{background:#fff3b0;outline:2px solid #e0a800}}
.hl .ln{{color:#7a5600;font-weight:700}}
</style></head>
<body><header><h1>{heading}</h1><p class="chi-tiet">{" · ".join(facts)} · {where}</p></header>
<main aria-label="Nội dung văn bản">{"".join(parts)}</main>
{script}</body></html>"""


def _per_line(values, count: int, kind) -> list | None:
    """A per-line list of the kept text (pages, OCR confidence) when it fits the lines, else None."""
    if not isinstance(values, list) or len(values) != count:
        return None
    out = []
    for value in values:
        try:
            out.append(None if value is None else kind(value))
        except (TypeError, ValueError):
            out.append(None)
    return out


def _percent(confidence: float) -> int:
    return round(confidence * 100 if confidence <= 1 else confidence)


def not_found_page(file: str) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Không tìm thấy văn bản</title></head>
<body style="font-family:system-ui,sans-serif;padding:1rem"><h1>Không tìm thấy văn bản</h1>
<p>Văn bản <code>{esc(file[:200])}</code> không có trong danh sách văn bản đã nạp.</p>
<p><a href="../">Quay lại trang hỏi đáp</a></p></body></html>"""
