"""The ingest exceptions: one root, stable codes, Vietnamese messages for users."""
from __future__ import annotations


class DtikgError(Exception):
    """Root of every error dtikg raises on purpose; `message` is for users (Vietnamese)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class IngestError(DtikgError):
    """A document could not be read; nothing from it was written."""
