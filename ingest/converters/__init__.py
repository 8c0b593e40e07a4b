"""One converter per format: bytes → `ingest.document.Document`.

`converter_for(data)` chooses by content, never by the file's extension (a file whose
extension lies is read as what it is): PDF, DOCX, legacy .doc (through LibreOffice when
it is installed), else text.
"""
from __future__ import annotations

import zipfile
from io import BytesIO

from ..errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".doc")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str:
    """'pdf', 'docx', 'doc' or 'text' from the first bytes (and a zip's member names)."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
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


__all__ = ["SUPPORTED_SUFFIXES", "IngestError", "converter_for", "sniff"]
