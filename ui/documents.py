"""The documents the web app may show and store: upload names, saving accepted uploads,
and the source viewer page with a cited line highlighted.

Only files registered as ingested documents are ever read, and only from two folders:
the bundled `data/` and `<store>/documents/` (accepted uploads).
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import unicodedata
from pathlib import Path

from ingest.errors import DtikgError
from ingest.text import decode_bytes

from .tables import esc

UPLOAD_SUFFIXES = (".txt", ".md")
MAX_NAME_CHARS = 100
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
        raise UploadRejected("W001", "Tệp tải lên không có tên.")
    if any(c in raw for c in "/\\\x00") or raw.startswith(".") or ":" in raw:
        raise UploadRejected("W002", f"Tên tệp không hợp lệ: {raw[:80]!r}. Chỉ dùng tên tệp, không kèm thư mục.")
    stem, suffix = os.path.splitext(raw)
    if suffix.lower() not in UPLOAD_SUFFIXES:
        raise UploadRejected("W003", f"Định dạng tệp {raw[:80]} chưa được hỗ trợ (chỉ nhận .txt, .md).")
    stem = re.sub(r"\s+", "_", _UNSAFE.sub("_", stem))
    stem = re.sub(r"_{2,}", "_", stem).strip("._- ")[:MAX_NAME_CHARS]
    if not stem:
        raise UploadRejected("W002", f"Tên tệp không hợp lệ: {raw[:80]!r}.")
    return stem + suffix.lower()


class DocumentLibrary:
    """Where each ingested document's text lives, for the viewer and for uploads.

    `registered()` is the set of file names the graph knows (from `kg.stats()`); a name
    outside it, or not found in the two folders, is never read.
    """

    def __init__(self, kg, data_dir: str | Path):
        self.kg = kg
        self.data_dir = Path(data_dir).resolve()
        self.upload_dir = (Path(kg.dir) / "documents").resolve()
        self._registered: frozenset[str] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ registry
    def registered(self) -> frozenset[str]:
        with self._lock:
            if self._registered is None:
                self._registered = frozenset(d["file"] for d in self.kg.stats()["documents"] if d.get("file"))
            return self._registered

    def invalidate(self) -> None:
        with self._lock:
            self._registered = None

    def is_bundled(self, name: str) -> bool:
        return (self.data_dir / name).is_file()

    def path_of(self, file: str) -> Path | None:
        """The file of a registered document, or None. Uploads take precedence over data/."""
        if not isinstance(file, str) or not file or file != os.path.basename(file) or file.startswith("."):
            return None
        if file not in self.registered():
            return None
        for folder in (self.upload_dir, self.data_dir):
            path = (folder / file).resolve()
            if path.parent == folder and path.is_file():
                return path
        return None

    # ------------------------------------------------------------------ uploads
    def save(self, name: str, data: bytes) -> Path:
        """Write an accepted upload atomically under `<store>/documents/`."""
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        path = self.upload_dir / name
        if path.resolve().parent != self.upload_dir:
            raise UploadRejected("W002", f"Tên tệp không hợp lệ: {name!r}.")
        tmp = self.upload_dir / f".{name}.{secrets.token_hex(4)}.tmp"
        tmp.write_bytes(data)
        tmp.replace(path)
        return path

    def discard(self, path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    # ------------------------------------------------------------------ viewer
    def render(self, file: str, line: int | None = None, title: str | None = None,
               nonce: str = "") -> str | None:
        """The viewer page: every line numbered, the cited one highlighted. None if the
        document is not one the app may show."""
        path = self.path_of(file)
        if path is None:
            return None
        try:
            text = decode_bytes(path.read_bytes(), file)
        except (OSError, DtikgError):
            return None
        lines = text.split("\n")
        if line is not None and not 1 <= line <= len(lines):
            line = None
        parts = []
        for n, content in enumerate(lines, start=1):
            current = n == line
            attrs = ' class="line hl" aria-current="location" tabindex="-1"' if current else ' class="line"'
            parts.append(f'<div id="L{n}"{attrs}><a class="ln" href="#L{n}" tabindex="-1" '
                         f'aria-hidden="true">{n}</a><span class="tx">{esc(content) or "&#8203;"}</span></div>')
        heading = esc(title or file)
        where = (f'Dòng được trích dẫn: <a href="#L{line}">dòng {line}</a>' if line
                 else "Chưa chọn dòng trích dẫn.")
        script = ""
        if line:
            script = (f'<script nonce="{nonce}">(function(){{var e=document.getElementById("L{line}");'
                      f'if(e){{e.scrollIntoView({{block:"center"}});e.focus({{preventScroll:true}});}}}})();</script>')
        return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(file)}{f" — dòng {line}" if line else ""}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1f2933;background:#fff}}
header{{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #d0d7de;padding:.6rem 1rem;z-index:1}}
h1{{font-size:1.1rem;margin:0 0 .2rem}} header p{{margin:0;font-size:.9rem}}
main{{padding:.5rem 0 40vh;font-size:.95rem;line-height:1.45}}
.line{{display:flex;gap:.8rem;padding:0 1rem;white-space:pre-wrap;tab-size:6;scroll-margin-top:40vh}}
.ln{{flex:0 0 3.5rem;text-align:right;color:#8a94a0;text-decoration:none;user-select:none;font-variant-numeric:tabular-nums}}
.tx{{flex:1;word-break:break-word}}
.hl,.line:target{{background:#fff3b0;outline:2px solid #e0a800}}
.hl .ln{{color:#7a5600;font-weight:700}}
</style></head>
<body><header><h1>{heading}</h1><p>Tệp <code>{esc(file)}</code> · {len(lines)} dòng · {where}</p></header>
<main aria-label="Nội dung văn bản">{"".join(parts)}</main>
{script}</body></html>"""


def not_found_page(file: str) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Không tìm thấy văn bản</title></head>
<body style="font-family:system-ui,sans-serif;padding:1rem"><h1>Không tìm thấy văn bản</h1>
<p>Văn bản <code>{esc(file[:200])}</code> không có trong danh sách văn bản đã nạp.</p>
<p><a href="../">Quay lại trang hỏi đáp</a></p></body></html>"""
