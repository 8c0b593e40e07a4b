"""One converter per format: bytes → `ingest.document.Document`.

`convert(name, data)` chooses the converter by content, never by the file's extension (a
file whose extension lies is read as what it is): PDF, DOCX, legacy .doc (through LibreOffice
when it is installed), page images (OCR), else text; a PDF without a usable text layer (I013:
a scan, garbage glyphs, a legacy font encoding: `errors.NEEDS_OCR`) is read again by OCR.
"""
from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO

from ..document import Document
from ..errors import NEEDS_OCR, IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def sniff(data: bytes) -> str:
    """'pdf', 'image', 'docx', 'doc' or 'text' from the first bytes (and a zip's member names)."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        return "docx"  # a damaged or foreign zip: the DOCX converter says what is wrong
    if data.startswith(_OLE):
        return "doc"
    return "text"


def converter_for(data: bytes):
    """The converter object for these bytes."""
    kind = sniff(data)
    if kind == "image":
        from .ocr import OcrConverter
        return OcrConverter()
    if kind == "pdf":
        from .pdf import PdfConverter
        return PdfConverter()
    if kind == "docx":
        from .docx import DocxConverter
        return DocxConverter()
    if kind == "doc":
        from .legacy import LegacyWordConverter
        return LegacyWordConverter()
    from .text import TextConverter
    return TextConverter()


def convert(name: str, data: bytes, on_page=None) -> Document:
    """Bytes → `Document`; `on_page(done, total)` hears of each page of a paged format."""
    converter = converter_for(data)
    try:
        if on_page is not None and getattr(converter, "paged", False):
            return converter.convert(name, data, on_page=on_page)
        return converter.convert(name, data)
    except IngestError as exc:
        if exc.code not in NEEDS_OCR:
            raise
    from .ocr import OcrConverter
    doc = OcrConverter().convert(name, data, on_page=on_page)
    note = (f"Tệp {name} không có lớp chữ dùng được: nội dung được đọc bằng nhận dạng ký tự (OCR), "
            "hãy đối chiếu các số liệu với bản gốc.")
    return replace(doc, warnings=(note, *doc.warnings))


__all__ = ["SUPPORTED_SUFFIXES", "IngestError", "convert", "converter_for", "sniff"]
