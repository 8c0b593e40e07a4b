"""Legacy Word (.doc) → `Document`: LibreOffice headless turns it into .docx, then the DOCX
converter reads it. Without LibreOffice, a Vietnamese message says what to install."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import IngestError
from .docx import DocxConverter

TIMEOUT_SECONDS = 120


class LegacyWordConverter:
    """.doc bytes → DOCX through `soffice --headless --convert-to docx` → `Document`."""

    media_type = "application/msword"

    def __init__(self, timeout: float = TIMEOUT_SECONDS):
        if not timeout or timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout!r}")
        self.timeout = timeout

    def convert(self, name: str, data: bytes) -> Document:
        if "EncryptedPackage".encode("utf-16-le") in data:
            return DocxConverter().convert(name, data)  # a password-protected .docx: its own message
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise IngestError("I015", name=name)
        with tempfile.TemporaryDirectory(prefix="dtikg-doc-") as tmp:
            source = Path(tmp) / "van_ban.doc"
            source.write_bytes(data)
            try:
                subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                                "--convert-to", "docx", "--outdir", tmp, str(source)],
                               capture_output=True, timeout=self.timeout, check=False)
            except subprocess.TimeoutExpired:
                raise IngestError("I027", name=name, seconds=self.timeout) from None
            converted = Path(tmp) / "van_ban.docx"
            if not converted.is_file():
                raise IngestError("I016", name=name)
            doc = DocxConverter().convert(name, converted.read_bytes())
        from dataclasses import replace
        return replace(doc, media_type=self.media_type, converter=f"LibreOffice → {doc.converter}")
